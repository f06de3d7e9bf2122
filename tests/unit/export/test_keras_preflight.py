""".keras files are checked with plain Python before Keras builds anything (issue 16, item 5).

The archives here are written by hand with zipfile, as a hostile user would: no Keras is
imported, so every case answers in milliseconds (the point of a preflight).
"""

from __future__ import annotations

import io
import json
import struct
import sys
import zipfile

import h5py
import numpy as np
import pytest

from lstm_core.export import keras_preflight as kp


def h5(shapes: dict[str, tuple[int, ...]]) -> bytes:
    """A weights file of zeros with these datasets (written with h5py, as Keras writes it)."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        for name, shape in shapes.items():
            f.create_dataset(name, data=np.zeros(shape, np.float32))
    return buffer.getvalue()


# The tutorial model's weights as Keras lays them out: the preflight reads their declared shapes.
TUTORIAL = {"layers/lstm/cell/vars/0": (1, 64), "layers/lstm/cell/vars/1": (16, 64),
            "layers/lstm/cell/vars/2": (64,), "layers/dense/vars/0": (16, 26), "layers/dense/vars/1": (26,)}
WEIGHTS = h5(TUTORIAL)


def layer(kind: str, **config) -> dict:
    return {"module": "keras.layers", "class_name": kind, "config": config, "registered_name": None}


def model(*layers: dict, kind: str = "Sequential") -> dict:
    return {"module": "keras", "class_name": kind, "config": {"name": "m", "layers": list(layers)}}


INPUT = layer("InputLayer", batch_shape=[1, 1, 1])
LSTM = layer("LSTM", units=16, stateful=True, activation="tanh", recurrent_activation="sigmoid",
             use_bias=True, return_sequences=False, return_state=False, go_backwards=False, unroll=False)
DENSE = layer("Dense", units=26, activation="softmax", use_bias=True)
GOOD = model(INPUT, LSTM, DENSE)


def archive(config=GOOD, extra: dict | None = None, method=zipfile.ZIP_STORED, weights=WEIGHTS) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        zf.writestr("config.json", config if isinstance(config, (str, bytes)) else json.dumps(config))
        zf.writestr("model.weights.h5", weights)
        for name, body in (extra or {}).items():
            zf.writestr(name, body)
    return buffer.getvalue()


def patch_headers(data: bytes, local_offset: int, central_offset: int, value: int, size: str = "<H",
                  combine=lambda old, new: new) -> bytes:
    """Rewrite one field in every local and central zip header (what a hand-edited file does)."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", local_offset), (b"PK\x01\x02", central_offset)):
        start = 0
        while (start := out.find(signature, start)) != -1:
            old = struct.unpack_from(size, out, start + offset)[0]
            struct.pack_into(size, out, start + offset, combine(old, value))
            start += 4
    return bytes(out)


def refused(data, *words: str) -> str:
    entered = set()  # modules of Keras, TensorFlow or h5py whose code ran during the check

    def watch(frame, event, arg):
        module = frame.f_globals.get("__name__") or ""
        if event == "call" and module.split(".")[0] in ("keras", "tensorflow", "h5py"):
            entered.add(module)

    sys.setprofile(watch)
    try:
        with pytest.raises(ValueError) as err:
            kp.check_archive(data)
    finally:
        sys.setprofile(None)
    assert not entered, entered  # refused from bytes and JSON, not after a build
    text = str(err.value)
    assert len(text.splitlines()) == 1 and len(text) < 300, text
    for word in words:
        assert word in text, text
    return text


def test_the_tutorial_model_saved_by_stock_keras_passes():
    found = kp.check_archive(archive())
    assert found.layers == ("InputLayer", "LSTM", "Dense")
    assert found.sizes["units"] == 16 and found.sizes["vocab"] == 26 and found.sizes["stateful"] is True
    assert found.sizes["batch_shape"] == (1, 1, 1)


def test_a_masked_functional_model_with_keras_mask_ops_passes():
    ops = [layer("NotEqual"), layer("Masking", mask_value=-1.0), layer("Any")]
    found = kp.check_archive(archive(model(layer("InputLayer", batch_shape=[None, 5, 1]), *ops, LSTM, DENSE,
                                           kind="Functional")))
    assert found.sizes["masked"] and found.sizes["batch_shape"] == (None, 5, 1)


def test_keras_gets_only_its_own_members():
    found = kp.check_archive(archive(extra={"lstm_lab_config.json": "{}"}))
    with zipfile.ZipFile(io.BytesIO(found.keras_zip())) as zf:
        assert sorted(zf.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        assert zf.read("model.weights.h5") == WEIGHTS


@pytest.mark.parametrize(
    "layers, shown",
    [
        ((INPUT, LSTM, layer("LayerNormalization"), DENSE), "LSTM, LayerNormalization, Dense"),
        ((INPUT, layer("Rescaling", scale=2.0), LSTM, DENSE), "Rescaling"),
        ((INPUT, DENSE, LSTM), "Dense, LSTM"),
        ((INPUT, LSTM, LSTM, LSTM, LSTM, DENSE), "LSTM, LSTM, LSTM, LSTM"),  # stacks: 1 to 3 (issue 14)
        ((INPUT, layer("NotEqual"), LSTM, DENSE), "NotEqual"),  # a mask op without Masking
        ((INPUT, LSTM, layer("GRU", units=8), DENSE), "LSTM, GRU"),  # one kind of cell per model
    ],
)
def test_any_other_layer_list_is_refused_by_name(layers, shown):
    refused(archive(model(*layers)), f"its layers are InputLayer, {shown}", "accepted are")


@pytest.mark.parametrize(
    "change, words",
    [
        ({"units": 8000}, ["units=8000", "at most 256"]),
        ({"units": True}, ["units=True"]),
        ({"activation": "relu"}, ["activation='relu'"]),
        ({"go_backwards": True}, ["go_backwards=True"]),
        ({"unroll": True}, ["unroll=True"]),
        ({"stateful": "yes"}, ["true or false"]),
    ],
)
def test_lstm_sizes_and_settings_outside_what_is_computed_are_refused(change, words):
    lstm = {**LSTM, "config": {**LSTM["config"], **change}}
    refused(archive(model(INPUT, lstm, DENSE)), *words)


@pytest.mark.parametrize(
    "batch_shape, words",
    [([1, 1, 100_000], ["100000 features"]), ([1, 500, 1], ["500 time steps"]), ([10**9, 1, 1], ["batch"])],
)
def test_input_sizes_past_the_config_limits_are_refused(batch_shape, words):
    refused(archive(model(layer("InputLayer", batch_shape=batch_shape), LSTM, DENSE)), *words)


def test_a_dense_layer_past_the_vocabulary_limit_is_refused():
    dense = {**DENSE, "config": {**DENSE["config"], "units": 100_000}}
    refused(archive(model(INPUT, LSTM, dense)), "Dense layer has units=100000")


def test_deeply_nested_json_is_refused_without_recursing():
    deep = "[" * 200_000 + "]" * 200_000
    refused(archive(deep), "nests deeper than 64 levels")


@pytest.mark.parametrize("body, words", [("{not json", ["not valid JSON"]), (b"\xff\xfe", ["not UTF-8"]),
                                         ("[1, 2]", ["Functional or Sequential"])])
def test_broken_config_json_is_one_sentence(body, words):
    refused(archive(body), *words)


def test_the_encrypted_bit_is_refused():
    data = patch_headers(archive(), 6, 8, 0x1, combine=lambda old, new: old | new)
    refused(data, "is encrypted")


@pytest.mark.parametrize("method", [99, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_unknown_or_unexpected_compression_is_refused(method):
    refused(patch_headers(archive(), 8, 10, method), f"compression method {method}")


def test_a_config_json_that_inflates_past_its_limit_is_refused():
    padded = json.dumps(GOOD) + " " * (2 * kp.MiB)  # 2 MiB of spaces deflate to a few KB
    data = archive(padded, method=zipfile.ZIP_DEFLATED)
    assert len(data) < 100_000
    refused(data, "'config.json' is larger than 1 MiB")


def test_members_that_unpack_past_the_limit_are_refused_and_a_lying_size_is_damage():
    big = b"\0" * (kp.MAX_UNPACKED_BYTES + kp.MiB)  # 61 MiB of zeros deflate to ~60 KB
    data = archive(extra={"padding.bin": big}, method=zipfile.ZIP_DEFLATED)
    refused(data, "unpacks to more than 60 MiB")
    # Headers that claim 1 byte each: reading stops at the claim and the CRC check fails.
    refused(patch_headers(data, 22, 24, 1, size="<I"), "damaged")


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", ["empty"]),
        (b"PK\x03\x04garbage", ["zip"]),
        ("text", ["bytes of a .keras file"]),
        (archive()[: len(archive()) // 2], ["zip"]),
    ],
)
def test_not_an_archive_is_one_sentence(data, words):
    refused(data, *words)


def test_a_file_over_the_size_limit_says_mib():
    text = refused(b"\0" * (21 * kp.MiB), "larger than 20 MiB", "limit for a model")
    assert " MB" not in text


def test_missing_weights_are_named():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("config.json", json.dumps(GOOD))
    refused(buffer.getvalue(), "lacks model.weights.h5")


# -- through the loader and the CLI ------------------------------------------------------------
def ours(config: dict, lab_config: dict | None = None, weights: bytes = WEIGHTS) -> bytes:
    """An archive with our extra member, as keras_file.keras_bytes writes it."""
    from lstm_core.export import keras_file
    from lstm_core.presets import preset

    meta = {"format": keras_file.FORMAT_NAME, "version": keras_file.FORMAT_VERSION,
            "config": lab_config or preset("stateful").replace(units=16).to_dict()}
    return archive(config, extra={keras_file.CONFIG_MEMBER: json.dumps(meta)}, weights=weights)


def test_a_lab_file_claiming_8000_units_is_refused_before_keras(monkeypatch, tmp_path):
    import sys

    from lstm_core.export import keras_file

    lstm = {**LSTM, "config": {**LSTM["config"], "units": 8000}}
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    keras_loaded = "keras" in sys.modules
    with pytest.raises(ValueError, match="units=8000"):
        keras_file.load_keras_bytes(ours(model(INPUT, lstm, DENSE)))
    assert ("keras" in sys.modules) == keras_loaded  # refused before Keras was even imported
    assert list(tmp_path.iterdir()) == []


def test_a_file_keras_cannot_read_leaves_no_temporary_files(monkeypatch, tmp_path):
    from lstm_core.export import keras_file

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(ValueError, match="Keras could not load it"):
        # Passes the preflight (no weight larger than the model's): the kernel's shape is transposed.
        keras_file.load_keras_bytes(ours(GOOD, weights=h5({**TUTORIAL, "layers/lstm/cell/vars/0": (64, 1)})))
    assert list(tmp_path.iterdir()) == []


def test_a_round_trip_leaves_no_temporary_files(monkeypatch, tmp_path):
    from lstm_core.export import keras_file
    from lstm_core.presets import preset
    from lstm_core.train.trainer import train

    run = train(preset("stateful").replace(epochs=2))
    data = keras_file.keras_bytes(run)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    back = keras_file.load_keras_bytes(data)
    assert back.config == run.config
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("deep.keras", archive("[" * 200_000 + "]" * 200_000), "nests deeper"),
        ("encrypted.keras", patch_headers(archive(), 6, 8, 0x1, combine=lambda o, n: o | n), "encrypted"),
        ("method99.keras", patch_headers(archive(), 8, 10, 99), "compression method 99"),
        ("norm.keras", archive(model(INPUT, LSTM, layer("LayerNormalization"), DENSE)), "LayerNormalization"),
    ],
)
def test_the_cli_refuses_a_hostile_file_with_exit_2_and_one_line(tmp_path, capsys, name, data, words):
    from lstm_core.cli.main import main

    path = tmp_path / name
    path.write_bytes(data)
    code = main(["generate", "--load", str(path), "--start", "A"], out=io.StringIO())
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1 and words in err, err


@pytest.mark.parametrize(
    "data, words",
    [
        (archive(model(INPUT, {**LSTM, "config": {**LSTM["config"], "units": 8000}}, DENSE)), "units=8000"),
        (archive("[" * 200_000 + "]" * 200_000), "nests deeper"),
        (patch_headers(archive(), 6, 8, 0x1, combine=lambda o, n: o | n), "encrypted"),
        (patch_headers(archive(), 8, 10, 99), "compression method 99"),
    ],
)
def test_plain_keras_uploads_pass_through_the_preflight_too(data, words):
    from lstm_core.export import keras_import

    with pytest.raises(ValueError) as err:
        keras_import.load_any(data)
    text = str(err.value)
    assert words in text and text.startswith("This file cannot be loaded as a model:"), text
    assert len(text.splitlines()) == 1

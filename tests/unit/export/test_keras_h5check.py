"""model.weights.h5 is judged by its declared shapes before Keras reads it (issue 21, item 1).

A 62 KB ``.keras`` whose weights file declared one dataset of 320,000,000 float32 numbers
(never written, so stored as nothing) passed the preflight; Keras then read the dataset whole
before comparing shapes: 5.8 GB on the server, 5.6 GB and 111 s for the CLI's ``--load``.
The bomb here is built as a user would: the app's own export, its weights file rewritten
with h5py.
"""

from __future__ import annotations

import gc
import io
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

from lstm_core.export import keras_file, keras_import
from lstm_core.export import keras_preflight as kp
from lstm_core.store import pretrained

ROOT = Path(__file__).resolve().parents[3]
KERNEL = "layers/lstm/cell/vars/1"  # the stateful preset's recurrent kernel, (16, 64)
BOMB_SHAPE = (320_000_000,)  # 1.28 GB of float32, declared only


@pytest.fixture(scope="module")
def good() -> bytes:
    """The stateful preset as the app's Model download writes it (16 units, 26 letters)."""
    return keras_file.keras_bytes(pretrained.preset_run("stateful"))


def with_weights(data: bytes, edit) -> bytes:
    """``data`` with its model.weights.h5 changed by ``edit(h5py.File)``, or replaced by bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    if isinstance(edit, bytes):
        members["model.weights.h5"] = edit
    else:
        buffer = io.BytesIO(members["model.weights.h5"])
        with h5py.File(buffer, "r+") as h5:
            edit(h5)
        members["model.weights.h5"] = buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return out.getvalue()


def declare(name: str, shape: tuple[int, ...], dtype="float32", **storage):
    """An edit: ``name`` re-declared with this shape and type, no data written."""

    def edit(h5: h5py.File) -> None:
        if name in h5:
            del h5[name]
        h5.create_dataset(name, shape=shape, dtype=dtype, **storage)

    return edit


def bomb(good: bytes) -> bytes:
    return with_weights(good, declare(KERNEL, BOMB_SHAPE))


def refused(data: bytes, *words: str) -> str:
    """Refused in one sentence within 2 s, and no code of Keras or TensorFlow ran for it."""
    entered = set()

    def watch(frame, event, arg):
        module = frame.f_globals.get("__name__") or ""
        if event == "call" and module.split(".")[0] in ("keras", "tensorflow"):
            entered.add(module)

    # TensorFlow functions that earlier tests in this process dropped are finalized by whichever
    # code the garbage collector interrupts: inside the window their __del__ (TensorFlow's eager
    # context) would count as "ran for the check" (a full run once saw exactly that). So the old
    # garbage goes first, and no collection runs inside the window.
    gc.collect()
    gc.disable()
    started = time.perf_counter()
    sys.setprofile(watch)
    try:
        with pytest.raises(kp.Refused) as err:
            kp.check_archive(data)
    finally:
        sys.setprofile(None)
        gc.enable()
    assert time.perf_counter() - started < 2.0
    assert not entered, entered
    text = str(err.value)
    assert len(text.splitlines()) == 1 and text.count(". ") == 0 and len(text) < 300, text
    for word in words:
        assert word in text, text
    return text


def test_the_bomb_is_small_and_refused_from_its_declared_shape(good):
    data = bomb(good)
    assert len(data) < 62_000  # the declared 1.28 GB takes no room in the file
    refused(data, "declares 320,000,000 numbers", repr(KERNEL), "largest weight has 1,024")


def test_loading_the_bomb_does_not_read_it(good, tmp_path):
    """The loader the CLI and the app use: refused before TensorFlow, the peak memory barely moves."""
    path = tmp_path / "bomb.keras"
    path.write_bytes(bomb(good))
    probe = (
        "import resource, sys\n"
        "from lstm_core.export import keras_file\n"
        f"data = open({str(path)!r}, 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    keras_file.load_keras_bytes(data)\n"
        "except ValueError as err:\n"
        "    print(err, file=sys.stderr)\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print((after - before) / 1024, 'tensorflow' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    grown_mb, tensorflow = out.stdout.split()
    assert "320,000,000" in out.stderr, out.stderr
    assert float(grown_mb) < 50 and tensorflow == "False", out.stdout


def test_the_cli_refuses_the_bomb_in_seconds_with_one_line(good, tmp_path):
    path = tmp_path / "bomb.keras"
    path.write_bytes(bomb(good))
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "lstm_core", "generate", "--load", str(path), "--start", "A"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    seconds = time.perf_counter() - started  # 1.3 s here; before the check 27 s and 5.5 GB peak
    assert out.returncode == 2, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "320,000,000 numbers" in out.stderr, out.stderr
    assert seconds < 20, seconds  # a hang guard on 2 shared cores, not the budget


@pytest.mark.parametrize(
    "edit, words",
    [
        (declare(KERNEL, (16, 65)), ["1,040 numbers", "largest weight has 1,024"]),  # one past the largest
        (declare("layers/dense/vars/1", (26,), dtype="S8"), ["as |S8", "not as plain numbers"]),
        (declare("layers/dense/vars/1", (26,), dtype="complex128"), ["complex128"]),
        (declare("layers/dense/vars/1", (26,), external=[("/etc/hostname", 0, 104)]), ["in another file"]),
        (lambda h5: h5.__setitem__("extra", h5py.ExternalLink("/etc/passwd", "/")), ["links 'extra'"]),
        (lambda h5: h5.__setitem__("extra", h5py.SoftLink("/layers")), ["links 'extra'"]),
        (lambda h5: [h5.create_group(f"g{k}") for k in range(300)], ["more than 256 groups and datasets"]),
        (lambda h5: [declare(f"optimizer/vars/{k}", (1024,))(h5) for k in range(8)], ["more than 8,034"]),
        (b"\x89HDF\r\n\x1a\n" + b"\0" * 64, ["not a readable HDF5 file"]),
    ],
    ids=["one too many", "strings", "complex", "external storage", "external link", "soft link",
         "300 groups", "too many in all", "not HDF5"],
)
def test_weights_that_are_not_plain_numbers_of_the_models_size_are_refused(good, edit, words):
    refused(with_weights(good, edit), *words)


def test_the_apps_own_file_still_loads_and_the_same_file_bombed_does_not(good):
    assert kp.check_archive(good).sizes["units"] == 16
    assert keras_file.load_keras_bytes(good).config == pretrained.preset_run("stateful").config
    refused(bomb(good), "320,000,000 numbers")  # the loader's refusal: test_loading_the_bomb_...


def test_stock_keras_files_with_optimizer_slots_pass_and_bombed_do_not():
    """Saved by plain Keras after fit: Adam's and RMSprop's slots and counters sit beside the weights."""
    from lstm_core.model.keras_models import import_keras

    keras = import_keras()
    tutorial = keras.Sequential([keras.Input(batch_shape=(1, 1, 1)), keras.layers.LSTM(16, stateful=True),
                                 keras.layers.Dense(26, activation="softmax")])
    tutorial.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(amsgrad=True))
    tutorial.fit(np.zeros((4, 1, 1)), np.eye(26)[:4], batch_size=1, epochs=1, verbose=0)
    stacked = keras.Sequential([keras.Input(shape=(3, 2)), keras.layers.GRU(8, return_sequences=True),
                                keras.layers.GRU(8), keras.layers.Dense(5, activation="softmax")])
    stacked.compile(loss="categorical_crossentropy", optimizer="rmsprop")
    stacked.fit(np.zeros((4, 3, 2)), np.eye(5)[:4], epochs=1, verbose=0)
    files = [save_bytes(model) for model in (tutorial, stacked)]
    for data in files:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            weights = zf.read("model.weights.h5")
        with h5py.File(io.BytesIO(weights), "r") as h5:
            assert len(h5["optimizer/vars"]) > 2  # counters and slots, all within the budget
        kp.check_archive(data)
        refused(with_weights(data, declare("optimizer/vars/2", BOMB_SHAPE)), "320,000,000 numbers")
    shape, _ = keras_import.read_model(files[0])
    assert (shape.units, shape.vocab_size) == (16, 26)


def save_bytes(model) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        model.save(Path(tmp) / "m.keras")
        return (Path(tmp) / "m.keras").read_bytes()

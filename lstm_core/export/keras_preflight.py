"""Check a ``.keras`` file with plain Python before Keras builds anything from it.

Keras builds a model from the archive's ``config.json`` and fills it from
``model.weights.h5`` before any shape of ours can be compared. A 4.6 KB file whose config
says ``units: 8000`` would allocate gigabytes and compute for minutes; a layer we do not
compute (``LayerNormalization``, ``Rescaling``) would be loaded and silently ignored; a
200,000-level nested JSON, an encrypted member or an unknown compression method would end
in a raw exception. So every upload (an LSTM State Lab file or a plain Keras one) passes
:func:`check_archive` first, which reads only bytes, JSON and HDF5 metadata:

- the file: at most ``MAX_MODEL_BYTES`` (20 MiB), a zip of at most ``MAX_MEMBERS`` members,
  none encrypted, each stored or deflated, unpacking to at most ``MAX_UNPACKED_BYTES``
  (60 MiB) *as actually read* (a member's declared size may lie);
- ``config.json``: at most 1 MiB, JSON nested at most ``MAX_JSON_DEPTH`` levels, a
  ``Functional`` or ``Sequential`` model whose layers are exactly
  ``[InputLayer,] [Masking,] LSTM, Dense`` (the two mask ops Keras records beside a
  ``Masking`` layer are allowed with it), with sizes within ``lstm_core.config``'s limits;
  in place of the one LSTM, one to three of the same recurrent class (``LSTM``, ``GRU``
  with ``reset_after``, ``SimpleRNN``), all of one size, the lower ones returning sequences;
- ``model.weights.h5``: an HDF5 file whose every dataset declares plain numbers, no more in
  one than the config's largest weight and no more in all than its weights and an
  optimizer's copies (``keras_h5check``, which reads h5py metadata only: Keras reads a
  dataset whole before it compares shapes, and a declared shape costs no bytes in the file).

It returns the members Keras needs, so the loader can hand Keras a clean three-member
archive (Keras unpacks an archive with extra members to a temporary folder of its own).
Every refusal is one sentence (a ``ValueError``)::

    >>> def why(call, *args):
    ...     try:
    ...         call(*args)
    ...     except ValueError as err:
    ...         print(err)
    >>> why(check_archive, b"not a zip")
    This file cannot be loaded as a model: it is not a .keras (zip) archive.
    >>> why(layer_names, {"class_name": "Sequential", "config": {"layers": [
    ...     {"class_name": "Dense", "config": {}}, {"class_name": "LSTM", "config": {}}]}})
    ... # doctest: +ELLIPSIS
    This file cannot be loaded as a model: its layers are Dense, LSTM; accepted are ...

No TensorFlow, no Keras, no Streamlit.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from lstm_core.config import MAX_BATCH, MAX_UNITS, MAX_VOCAB, MAX_WINDOW
from lstm_core.config import MAX_LAYERS as MAX_RECURRENT
from lstm_core.export.keras_h5check import budget, weights_problem
from lstm_core.limits.shape import CELL_KINDS, CELL_OF_KERAS

MiB = 1024 * 1024
MAX_MODEL_BYTES = 20 * MiB  # a tutorial-sized model is ~100 KB; 256 units x 64 letters ~3 MB
MAX_UNPACKED_BYTES = 60 * MiB
MAX_CONFIG_BYTES = 1 * MiB  # config.json of our largest model is ~6 KB
MAX_MEMBERS = 16
MAX_JSON_DEPTH = 64  # our config.json nests 9 levels; Python's json would recurse 200,000 deep
MAX_LAYERS = 8
MAX_FEATURES = MAX_VOCAB * MAX_WINDOW  # one-hot feature-window: 64 letters x 64 characters
KERAS_MEMBERS = ("config.json", "metadata.json", "model.weights.h5")
REQUIRED = ("config.json", "model.weights.h5")
ACCEPTED = f"[InputLayer,] [Masking,] LSTM (or GRU or SimpleRNN; 1 to {MAX_RECURRENT} of one kind), Dense"
MASK_OPS = {"NotEqual", "Any"}  # Keras's Functional config records Masking's ops as layers


class Refused(ValueError):
    """A .keras file refused before loading; its message is one sentence for the user."""


def refuse(why: str) -> Refused:
    return Refused(f"This file cannot be loaded as a model: {why}.")


@dataclass(frozen=True)
class Archive:
    """What :func:`check_archive` found: the members' bytes and the checked model shape."""

    members: dict[str, bytes]  # name -> bytes, every member (read within the limits)
    keras_config: dict[str, Any]  # config.json, parsed and checked
    layers: tuple[str, ...]  # class names, e.g. ("InputLayer", "LSTM", "Dense")
    sizes: dict[str, Any] = field(default_factory=dict)  # units, vocab, batch_shape, stateful

    def keras_zip(self) -> bytes:
        """A zip holding only what Keras reads (config, metadata, weights), stored as is."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as out:
            for name in KERAS_MEMBERS:
                if name in self.members:
                    out.writestr(name, self.members[name])
        return buffer.getvalue()


def check_archive(data: Any) -> Archive:
    """Check a ``.keras`` file's bytes (see the module docstring); returns what it holds."""
    if not isinstance(data, (bytes, bytearray)):
        raise refuse("expected the bytes of a .keras file")
    if len(data) == 0:
        raise refuse("the file is empty")
    if len(data) > MAX_MODEL_BYTES:
        # Only "larger than": a reader may stop at the limit + 1 byte (the CLI does), so the
        # length of ``data`` is not the file's size.
        raise Refused(f"This file is larger than {MAX_MODEL_BYTES / MiB:.0f} MiB, the limit for a model.")
    try:
        members = _read_members(bytes(data))
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - zipfile/zlib raise many kinds on a damaged archive
        raise refuse("its zip structure is damaged") from None
    missing = [name for name in REQUIRED if name not in members]
    if missing:
        raise refuse("it lacks " + " and ".join(missing))
    keras_config = parse_json(members["config.json"], "config.json")
    layers, sizes = _check_model(keras_config)
    # Last: the declared sizes are judged against the checked config (h5py metadata, no data).
    problem = weights_problem(members["model.weights.h5"], budget(sizes))
    if problem:
        raise refuse(problem)
    return Archive(members, keras_config, layers, sizes)


def _read_members(data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise refuse("it is not a .keras (zip) archive") from None
    members: dict[str, bytes] = {}
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise refuse(f"it holds {len(infos)} files; a model has at most {MAX_MEMBERS}")
        for info in infos:
            if info.flag_bits & 0x1:
                raise refuse(f"its member {info.filename[:60]!r} is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise refuse(
                    f"its member {info.filename[:60]!r} uses compression method "
                    f"{info.compress_type}; only stored and deflate are read"
                )
        if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise refuse(f"it unpacks to more than {MAX_UNPACKED_BYTES / MiB:.0f} MiB")
        left = MAX_UNPACKED_BYTES
        for info in infos:
            if info.is_dir():
                continue
            limit = MAX_CONFIG_BYTES if info.filename.endswith(".json") else left
            with archive.open(info) as fh:
                body = fh.read(limit + 1)  # never more than the limit, whatever the header says
            if len(body) > limit:
                raise refuse(
                    f"its {info.filename[:60]!r} is larger than {limit / MiB:.0f} MiB"
                    if limit < left
                    else f"it unpacks to more than {MAX_UNPACKED_BYTES / MiB:.0f} MiB"
                )
            left -= len(body)
            members[info.filename] = body
    return members


def parse_json(raw: bytes, name: str) -> Any:
    """``raw`` as JSON, refusing deep nesting before Python's parser recurses into it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise refuse(f"its {name} is not UTF-8 text") from None
    if json_depth(text, stop_above=MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise refuse(f"its {name} nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise refuse(f"its {name} is not valid JSON") from None


def json_depth(text: str, stop_above: int | None = None) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings (a linear scan, no recursion).

    With ``stop_above``, the scan ends as soon as the nesting passes it (a hostile file of
    200,000 brackets is refused at its 65th character, not after reading all of it).

    >>> json_depth('{"a": [1, {"b": "[[["}]}')
    3
    >>> json_depth("[" * 200_000, stop_above=64)
    65
    """
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if stop_above is not None and deepest > stop_above:
                break
        elif ch in "]}":
            depth -= 1
    return deepest


def layer_names(keras_config: Any) -> tuple[str, ...]:
    """The model's layer class names, checked to be exactly the accepted list."""
    kind = keras_config.get("class_name") if isinstance(keras_config, dict) else None
    if kind not in ("Functional", "Sequential"):
        raise refuse("its config.json does not describe a Functional or Sequential Keras model")
    layers = (keras_config.get("config") or {}).get("layers") if isinstance(
        keras_config.get("config"), dict
    ) else None
    if not isinstance(layers, list) or not 1 <= len(layers) <= MAX_LAYERS:
        raise refuse("its config.json has no list of layers (or too many)")
    names = []
    for layer in layers:
        if not isinstance(layer, dict) or not isinstance(layer.get("class_name"), str):
            raise refuse("its config.json lists a layer without a class name")
        if not isinstance(layer.get("config"), dict):
            raise refuse(f"its {layer['class_name'][:40]} layer has no configuration")
        names.append(layer["class_name"])
    core = [n for n in names if not ("Masking" in names and n in MASK_OPS)]
    if core and core[0] == "InputLayer":
        core = core[1:]
    if core and core[0] == "Masking":
        core = core[1:]
    cells = core[:-1]
    stack_ok = 1 <= len(cells) <= MAX_RECURRENT and cells[0] in CELL_OF_KERAS and len(set(cells)) == 1
    if not stack_ok or core[-1:] != ["Dense"] or (kind == "Functional" and names[0] != "InputLayer"):
        shown = ", ".join(n[:40] for n in names)
        raise refuse(f"its layers are {shown}; accepted are {ACCEPTED}")
    return tuple(names)


def _shown(value: Any) -> str:
    """A value from the file, quoted and short: the file may hold anything."""
    text = repr(value)
    return text if len(text) <= 24 else text[:20] + "...'"


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_model(keras_config: Any) -> tuple[tuple[str, ...], dict[str, Any]]:
    names = layer_names(keras_config)
    all_layers = keras_config["config"]["layers"]
    layers = {layer["class_name"]: layer["config"] for layer in all_layers}
    stack = [layer["config"] for layer in all_layers if layer["class_name"] in CELL_OF_KERAS]
    kind = next(n for n in names if n in CELL_OF_KERAS)
    dense = layers["Dense"]
    units, vocab = stack[0].get("units"), dense.get("units")
    for rnn in stack:
        if not _whole(rnn.get("units"), 1, MAX_UNITS):
            shown = str(rnn.get("units"))[:20]
            raise refuse(f"its {kind} has units={shown}; at most {MAX_UNITS} are allowed")
        if rnn.get("units") != units:
            raise refuse(f"its {kind} layers differ in size; stacked layers must have the same units")
    _check_dense(dense, vocab)
    _check_recurrent(stack, kind)
    if dense.get("activation") not in ("softmax", "linear"):
        raise refuse(
            f"its Dense layer has activation={_shown(dense.get('activation'))}; softmax "
            "(letters) or linear (a sine model) is expected"
        )
    lstm = stack[0]
    shape = _input_shape(keras_config, layers, lstm)
    _check_input(shape)
    sizes = {
        "units": units,
        "vocab": vocab,
        "batch_shape": shape,
        "stateful": lstm.get("stateful", False),
        "return_sequences": stack[-1].get("return_sequences", False),
        "masked": "Masking" in names,
        "cell": CELL_OF_KERAS[kind],
        "layers": len(stack),
    }
    return names, sizes


def _check_dense(dense: dict, vocab: Any) -> None:
    """The output layer's size: 2 to MAX_VOCAB letters, or one linear unit (a value)."""
    # The sine task's models end in one linear unit (a value, not letter probabilities).
    regression = dense.get("activation") == "linear"
    if regression and vocab != 1:
        raise refuse(f"its linear Dense layer has units={str(vocab)[:20]}; a sine model predicts 1 value")
    if not regression and not _whole(vocab, 2, MAX_VOCAB):
        raise refuse(
            f"its Dense layer has units={str(vocab)[:20]}; it must predict 2 to {MAX_VOCAB} characters"
        )


def _check_recurrent(stack: list[dict], kind: str) -> None:
    """The recurrent layers: the settings our numpy cells compute, the lower ones return sequences."""
    expected = {
        "activation": "tanh",
        "recurrent_activation": "sigmoid",
        "use_bias": True,
        "go_backwards": False,
        "return_state": False,
        "unroll": False,
    }
    # The cell's own (a GRU's reset_after=True: Keras 3's default, what cells.gru_step computes).
    expected = {**expected, **dict(CELL_KINDS[CELL_OF_KERAS[kind]].keras_extra)}
    for k, rnn in enumerate(stack):
        for key, value in expected.items():
            if rnn.get(key, value) != value:
                raise refuse(f"its {kind} has {key}={_shown(rnn.get(key))}; only {value!r} is computed here")
        if not isinstance(rnn.get("stateful", False), bool) or not isinstance(
            rnn.get("return_sequences", False), bool
        ):
            raise refuse(f"its {kind}'s stateful and return_sequences must be true or false")
        if k < len(stack) - 1 and not rnn.get("return_sequences", False):
            raise refuse(f"its lower {kind} layers must return sequences (every step feeds the layer above)")
        if rnn.get("stateful", False) != stack[0].get("stateful", False):
            raise refuse(f"its {kind} layers must be all stateful or all not")


def _check_input(shape: tuple[Any, Any, Any]) -> None:
    batch, steps, features = shape
    if batch is not None and not _whole(batch, 1, MAX_BATCH):
        raise refuse(f"its input batch size {str(batch)[:20]} is not from 1 to {MAX_BATCH:,}")
    if steps is not None and not _whole(steps, 1, MAX_WINDOW):
        raise refuse(f"its input has {str(steps)[:20]} time steps; at most {MAX_WINDOW} are allowed")
    if not _whole(features, 1, MAX_FEATURES):
        shown = str(features)[:20]
        raise refuse(f"its input has {shown} features; at most {MAX_FEATURES:,} are allowed")


def _input_shape(keras_config: dict, layers: dict, lstm: dict) -> tuple[Any, Any, Any]:
    """(batch, time steps, features) from the InputLayer, or the LSTM's or model's build shape."""
    candidates = [
        (layers.get("InputLayer") or {}).get("batch_shape"),
        (keras_config["config"].get("build_input_shape")),
        ((lstm.get("build_config") or {}) if isinstance(lstm.get("build_config"), dict) else {}).get(
            "input_shape"
        ),
    ]
    for layer in keras_config["config"]["layers"]:  # build_config sits beside config in Keras 3
        if layer.get("class_name") in CELL_OF_KERAS and isinstance(layer.get("build_config"), dict):
            candidates.append(layer["build_config"].get("input_shape"))
            break  # the first recurrent layer reads the letters
    for shape in candidates:
        if isinstance(shape, list) and len(shape) == 3:
            return shape[0], shape[1], shape[2]
    raise refuse("its config.json gives no input shape of [batch, time steps, features]")

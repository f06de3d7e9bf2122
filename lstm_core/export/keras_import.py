"""Bring in a model saved by plain Keras 3: the tutorial's shape, whoever trained it.

The tutorial's own code ends with a model like::

    model = keras.Sequential([keras.Input(batch_shape=(1, 1, 1)),
                              keras.layers.LSTM(16, stateful=True),
                              keras.layers.Dense(26, activation="softmax")])
    model.save("stateful.keras")

Such a file holds weights and layer settings, but not what the app needs to feed it: the
training text, the framing, the encoding. This module reads what the file does say and
infers the rest (:class:`Inferred`), which the user may correct:

- time steps and features come from the LSTM's input shape, units and vocabulary size
  from the weights, stateful and batch size from the layer and its fixed batch;
- vocabulary: the alphabet when the Dense layer has 26 outputs (the tutorial), otherwise
  the user gives the training text (its distinct characters are the classes, sorted);
- encoding: 1 feature per letter is "scaled" (index / vocabulary size), as many features
  as letters is "onehot"; 1 time step with k letters' worth of features is the
  feature-window framing, several time steps the timestep-window framing.

Only what our numpy cells compute is accepted: one ``LSTM`` (default activations,
``return_sequences`` off; or a ``GRU`` with ``reset_after``, or a ``SimpleRNN``; or up to three
of one kind stacked, the lower ones returning sequences) then one ``Dense`` with softmax,
nothing else (an ``InputLayer`` aside). Anything else gets one sentence naming what was
found. The archive and its ``config.json`` are checked as plain bytes and JSON *before*
Keras builds anything (``keras_preflight.check_archive``, shared with our own files);
Keras then loads only the checked members, with ``safe_mode=True``. Files saved by LSTM
State Lab itself go through ``keras_file.load_keras_bytes`` (:func:`load_any` picks).

Example (inference only; loading needs Keras)::

    >>> shape = ModelShape(time_steps=1, features=1, units=16, vocab_size=26, stateful=True,
    ...                    batch_size=1)
    >>> inferred = infer(shape)
    >>> inferred.config.framing, inferred.config.encoding, inferred.config.vocab[:5]
    ('stateful', 'scaled', 'ABCDE')
    >>> infer(ModelShape(3, 1, 8, 3, False, None), sequence="ABC" * 5).config.framing
    'timestep-window'
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from dataclasses import dataclass, field

import numpy as np

from lstm_core.config import ALPHABET, LSTMConfig
from lstm_core.data.framings import make_dataset
from lstm_core.export.keras_preflight import Archive, check_archive
from lstm_core.limits.shape import CELL_KINDS, CELL_OF_KERAS
from lstm_core.model.cells import Weights, weight_shapes
from lstm_core.model.results import TrainResult

ACCEPTED = (
    "one LSTM layer (or GRU or SimpleRNN, up to 3 of one kind stacked) then one Dense layer with "
    "softmax (an Input layer aside)"
)
LSTM_SETTINGS = {  # what model/cells.py computes: anything else would give other numbers
    "activation": "tanh",
    "recurrent_activation": "sigmoid",
    "use_bias": True,
    "go_backwards": False,
    "return_sequences": False,
    "return_state": False,
}


def _refuse(why: str) -> ValueError:
    return ValueError(f"This .keras file cannot be used: {why}. Accepted: {ACCEPTED}.")


@dataclass(frozen=True)
class ModelShape:
    """What a plain Keras file says about the model (no guessing yet)."""

    time_steps: int | None  # None if the input does not fix it
    features: int
    units: int
    vocab_size: int
    stateful: bool
    batch_size: int | None  # fixed on the input (stateful models), else None
    cell: str = "lstm"  # lstm | gru | simple
    layers: int = 1  # recurrent layers stacked


@dataclass(frozen=True)
class Inferred:
    """A config for a plain Keras model, and which of its values were guessed."""

    config: LSTMConfig
    shape: ModelShape
    guessed: tuple[str, ...] = field(default=())  # field names the file did not say


# ---------------------------------------------------------------------------------------
# Before Keras: the archive and its config.json, as plain data
# ---------------------------------------------------------------------------------------
def layer_classes(model_config: dict) -> list[str]:
    """The class names of a saved model's layers, in order, from its ``config.json``.

    >>> layer_classes({"class_name": "Sequential", "config": {"layers": [
    ...     {"class_name": "InputLayer"}, {"class_name": "LSTM"}, {"class_name": "Dense"}]}})
    ['InputLayer', 'LSTM', 'Dense']
    """
    inner = model_config.get("config")
    layers = inner.get("layers") if isinstance(inner, dict) else None
    if not isinstance(layers, list):
        raise _refuse(f"it holds a {model_config.get('class_name', 'model')!r}, not a list of layers")
    return [str(layer.get("class_name")) if isinstance(layer, dict) else "None" for layer in layers]


def preflight(data: bytes) -> Archive:
    """Check the archive without Keras; return it (its members, its parsed ``config.json``).

    First the app-wide checks of ``keras_preflight.check_archive`` (size, zip, unpacked size,
    JSON depth, exactly [InputLayer,] [Masking,] LSTM, Dense, sizes within the limits, and no
    weight in ``model.weights.h5`` declared larger than those sizes imply); then
    what a plain file must not have: a ``Masking`` layer (its padding value is not ours to
    know). Raises ``ValueError`` naming what was found, e.g. a GRU, two LSTMs, a Lambda.
    """
    archive = check_archive(data)
    allowed = ("InputLayer", "Dense", *CELL_OF_KERAS)
    others = [c for c in layer_classes(archive.keras_config) if c not in allowed]
    if others:
        raise _refuse(f"it has a {others[0]} layer")
    return archive


# ---------------------------------------------------------------------------------------
# Keras: load safely, read the shape and weights
# ---------------------------------------------------------------------------------------
def read_model(data: bytes) -> tuple[ModelShape, Weights]:
    """Load a plain Keras 3 file (after :func:`preflight`) and return its shape and weights."""
    archive = preflight(data)
    from lstm_core.model.keras_models import (  # TensorFlow: only for a file that passed
        MODELS_LOCK,
        import_keras,
    )

    keras = import_keras()
    with tempfile.TemporaryDirectory(prefix="lstm_lab_") as tmp:
        path = os.path.join(tmp, "upload.keras")
        with open(path, "wb") as fh:
            fh.write(archive.keras_zip())  # only the members Keras reads, as checked
        try:
            with MODELS_LOCK:  # one Keras build at a time in this process
                model = keras.saving.load_model(path, safe_mode=True, compile=False)
        except Exception as err:  # Keras raises many kinds; none may reach the user raw
            first = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
            raise _refuse(f"Keras could not load it ({first})") from None
    stack = [layer for layer in model.layers if type(layer).__name__ in CELL_OF_KERAS]
    dense = next(layer for layer in model.layers if isinstance(layer, keras.layers.Dense))
    cell = CELL_OF_KERAS[type(stack[0]).__name__]
    for k, rnn in enumerate(stack):
        kind = CELL_KINDS[CELL_OF_KERAS[type(rnn).__name__]]
        settings = kind.keras_settings({**LSTM_SETTINGS, "return_sequences": k < len(stack) - 1})
        got = rnn.get_config()
        for name, value in settings.items():
            if got.get(name) != value:
                raise _refuse(f"its {type(rnn).__name__} layer has {name}={got.get(name)!r}, not {value!r}")
    got = dense.get_config()
    for name, value in {"activation": "softmax", "use_bias": True}.items():
        if got.get(name) != value:
            raise _refuse(f"its Dense layer has {name}={got.get(name)!r}, not {value!r}")
    arrays = [w for rnn in stack for w in rnn.get_weights()] + dense.get_weights()
    weights = [np.asarray(w, np.float32) for w in arrays]
    if len(weights) != 3 * len(stack) + 2 or not all(np.isfinite(w).all() for w in weights):
        raise _refuse("its weights are incomplete or contain NaN or infinity")
    batch, t, f = (tuple(model.inputs[0].shape) + (None, None, None))[:3]
    units, vocab = weights[1].shape[0], weights[-1].shape[0]
    if [w.shape for w in weights] != weight_shapes(cell, len(stack), int(f), units, vocab):
        raise _refuse(f"its weight shapes {[w.shape for w in weights]} do not fit its layers")
    shape = ModelShape(
        time_steps=int(t) if t is not None else None,
        features=int(f),
        units=int(units),
        vocab_size=int(vocab),
        stateful=bool(stack[0].stateful),
        batch_size=int(batch) if batch is not None else None,
        cell=cell,
        layers=len(stack),
    )
    del model  # a one-off: the run keeps plain numpy weights
    return shape, Weights(*weights)


# ---------------------------------------------------------------------------------------
# What the file does not say
# ---------------------------------------------------------------------------------------
def infer(
    shape: ModelShape,
    sequence: str | None = None,
    framing: str | None = None,
    encoding: str | None = None,
    window: int | None = None,
) -> Inferred:
    """A validated config for a model of this ``shape``; given values override the guesses.

    Raises ``ValueError`` (one sentence) when the guesses and corrections do not fit the
    model, e.g. a text with 5 distinct characters for a model with 3 outputs.
    """
    guessed = [] if sequence is not None else ["sequence"]
    v, f = shape.vocab_size, shape.features
    sequence = _sequence_for(shape, sequence)
    guess = guesses(shape, encoding, framing)
    if encoding is None:
        guessed.append("encoding")
        encoding = guess["encoding"]
    per_letter = v if encoding == "onehot" else 1
    if f % per_letter != 0:
        raise ValueError(
            f"encoding={encoding!r} does not fit: the model reads {f} features per time step, "
            f"not a multiple of {per_letter}."
        )
    if framing is None:
        guessed.append("framing")
        framing = guess["framing"]
    if window is None:
        guessed.append("window")
        window = guess["window"]
    batch = shape.batch_size if shape.stateful and shape.batch_size else 1
    config = LSTMConfig(
        framing=framing,
        sequence=sequence,
        window=window,
        units=shape.units,
        epochs=1,  # not trained here: the file's own training is unknown
        batch_size=batch,
        shuffle=not shape.stateful,
        stateful=shape.stateful,
        encoding=encoding,
        cell=shape.cell,
        layers=shape.layers,
    )
    _check_fits(config, shape)
    return Inferred(config, shape, tuple(guessed))


def _sequence_for(shape: ModelShape, sequence: str | None) -> str:
    """The training text: the one given, or the alphabet for a 26-class model; its distinct
    characters must be the model's classes."""
    v = shape.vocab_size
    if sequence is None:
        if v != len(ALPHABET):
            raise ValueError(
                f"The model predicts {v} classes, not the alphabet's 26: give the training text "
                f"(its {v} distinct characters are the classes, in sorted order)."
            )
        sequence = ALPHABET
    distinct = len(set(sequence))
    if distinct != v:
        raise ValueError(
            f"sequence has {distinct} distinct characters but the model predicts {v} classes: "
            "give the text the model was trained on."
        )
    return sequence


def _check_fits(config: LSTMConfig, shape: ModelShape) -> None:
    """Refuse a config whose tensor is not the one the model reads (time steps, features)."""
    t, f = shape.time_steps or 1, shape.features
    framing, window, encoding = config.framing, config.window, config.encoding
    if config.time_steps != t and shape.time_steps is not None:
        raise ValueError(
            f"framing={framing!r} with window={window} feeds {config.time_steps} time steps, but the "
            f"model reads {t}."
        )
    if config.features != f:
        raise ValueError(
            f"framing={framing!r}, window={window} and encoding={encoding!r} give {config.features} "
            f"features per time step, but the model reads {f}."
        )


def guesses(shape: ModelShape, encoding: str | None = None, framing: str | None = None) -> dict:
    """The best guesses for what the file does not say (not validated), e.g. for a form.

    >>> guesses(ModelShape(1, 26, 16, 26, False, None))
    {'sequence': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'encoding': 'onehot', 'framing': 'naive', 'window': 1}
    """
    v, f, t = shape.vocab_size, shape.features, shape.time_steps or 1
    if encoding is None:
        encoding = "onehot" if v > 1 and f >= v and f % v == 0 else "scaled"
    letters_per_step = max(1, f // (v if encoding == "onehot" else 1))
    if framing is None:
        if shape.stateful:
            framing = "stateful"
        elif letters_per_step > 1:
            framing = "feature-window"
        elif t > 1:
            framing = "timestep-window"
        else:
            framing = "naive"
    return {
        "sequence": ALPHABET if v == len(ALPHABET) else "",
        "encoding": encoding,
        "framing": framing,
        "window": letters_per_step if framing == "feature-window" else t,
    }


def to_run(inferred: Inferred, weights: Weights) -> TrainResult:
    """The imported model as a run the app can use (no training history)."""
    return TrainResult(inferred.config, make_dataset(inferred.config), weights, history=[])


def is_ours(data: bytes) -> bool:
    """Whether ``data`` is a ``.keras`` file saved by LSTM State Lab (it carries our config)."""
    from lstm_core.export.keras_file import CONFIG_MEMBER

    try:
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
            return CONFIG_MEMBER in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, TypeError):
        return False


def load_any(data: bytes, **corrections) -> TrainResult:
    """A run from any accepted ``.keras`` file: ours (settings inside) or plain Keras 3.

    ``corrections`` (sequence, framing, encoding, window) apply to plain files only.
    """
    if is_ours(data):
        from lstm_core.export.keras_file import load_keras_bytes

        return load_keras_bytes(data)
    shape, weights = read_model(data)
    return to_run(infer(shape, **{k: v for k, v in corrections.items() if v is not None}), weights)

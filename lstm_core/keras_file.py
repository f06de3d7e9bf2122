"""A run as a ``.keras`` file and back: what the app's Model download and the CLI's
``--save``/``--load`` read and write.

The archive is Keras 3's own zip (``config.json``, ``model.weights.h5``) plus one member of
ours, ``lstm_lab_config.json`` (the run's LSTMConfig), so the run's data can be rebuilt
when the file comes back. Keras ignores that member when it loads the archive::

    >>> from lstm_core.config import preset
    >>> from lstm_core.trainer import train                          # doctest: +SKIP
    >>> run = train(preset("stateful"))                              # doctest: +SKIP
    >>> data = keras_bytes(run)          # a .keras file, ready to download  # doctest: +SKIP
    >>> load_keras_bytes(data).config == run.config                  # doctest: +SKIP
    True
    >>> load_keras_bytes(b"hello")
    Traceback (most recent call last):
    ...
    ValueError: This file is not a model saved by LSTM State Lab: it is not a .keras (zip) archive.

Loading goes in steps, each its own function, so a new check or a new kind of file slots
in between: :func:`read_meta` (the archive, without Keras or TensorFlow: garbage is
refused before TensorFlow is even imported), :func:`config_of` (our configuration),
:func:`load_model` (Keras with ``safe_mode=True``: no lambdas, no pickles) and
:func:`weights_of` (the layers are exactly the LSTM + Dense that ``cell.py`` computes).
"""

from __future__ import annotations

import io
import json
import logging
import os
import tempfile
import zipfile
from typing import Any

import numpy as np

from .cell import Weights
from .config import LSTMConfig
from .framings import make_dataset
from .keras_models import MODELS_LOCK, import_keras, keras_model
from .results import TrainResult

log = logging.getLogger(__name__)
CONFIG_MEMBER = "lstm_lab_config.json"  # our extra file inside the .keras zip
FORMAT_NAME = "lstm-state-lab"
FORMAT_VERSION = 1
# A tutorial-sized model is ~100 KB; the largest allowed (256 units x 64 letters) ~3 MB.
MAX_MODEL_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # refuse zip bombs before unpacking anything
KERAS_MEMBERS = ("config.json", "model.weights.h5")  # what Keras itself needs in the archive
# Our numpy LSTM (cell.py) computes exactly Keras's default LSTM and a softmax Dense.
# (return_sequences is checked against the config: on for a per-step model, else off.)
LSTM_SETTINGS = {
    "activation": "tanh",
    "recurrent_activation": "sigmoid",
    "use_bias": True,
    "go_backwards": False,
    "return_state": False,
}
DENSE_SETTINGS = {"activation": "softmax", "use_bias": True}


# ---------------------------------------------------------------------------------------
# Out
# ---------------------------------------------------------------------------------------
def keras_bytes(run: TrainResult) -> bytes:
    """The run as a ``.keras`` file (Keras 3 zip archive) with our config inside."""
    meta = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "config": run.config.to_dict(),
        "epochs_done": run.epochs_done,
    }
    with tempfile.TemporaryDirectory(prefix="lstm_lab_") as tmp:
        path = os.path.join(tmp, "model.keras")
        with MODELS_LOCK:  # nobody may set other weights between set_weights and save
            keras_model(run).save(path)
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(CONFIG_MEMBER, json.dumps(meta, indent=2))
        with open(path, "rb") as fh:
            return fh.read()


# ---------------------------------------------------------------------------------------
# Back in
# ---------------------------------------------------------------------------------------
def load_keras_bytes(data: bytes) -> TrainResult:
    """Rebuild a run from bytes made by :func:`keras_bytes`.

    The history is not stored: it comes back empty. Anything wrong raises ``ValueError``
    with one readable sentence.
    """
    meta = read_meta(data)
    config = config_of(meta)
    model = load_model(data)
    weights = weights_of(model, config)
    del model  # a one-off: the run keeps plain numpy weights, not the Keras model
    return TrainResult(config, make_dataset(config), weights, history=[])


def invalid(why: str) -> ValueError:
    """The error for a file that is not ours, e.g. ``invalid("the file is empty")``."""
    return ValueError(f"This file is not a model saved by LSTM State Lab: {why}.")


def read_meta(data: bytes) -> dict[str, Any]:
    """Check the archive without Keras: size, zip, members, our config JSON; return that JSON."""
    if not isinstance(data, (bytes, bytearray)):
        raise invalid("expected the bytes of a .keras file")
    if len(data) == 0:
        raise invalid("the file is empty")
    if len(data) > MAX_MODEL_BYTES:
        raise ValueError(
            f"This file is {len(data) / 1e6:.1f} MB: the limit for a model is "
            f"{MAX_MODEL_BYTES / 1e6:.0f} MB."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise invalid("it is not a .keras (zip) archive") from None
    with archive:
        infos = archive.infolist()
        if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise invalid(f"it unpacks to more than {MAX_UNPACKED_BYTES / 1e6:.0f} MB")
        names = {i.filename for i in infos}
        missing = [m for m in (CONFIG_MEMBER, *KERAS_MEMBERS) if m not in names]
        if missing:
            raise invalid("it lacks " + ", ".join(missing))
        try:
            meta = json.loads(archive.read(CONFIG_MEMBER).decode("utf-8"))
        except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError):
            raise invalid(f"its {CONFIG_MEMBER} is not valid JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise invalid(f"its {CONFIG_MEMBER} is not ours")
    if meta.get("version") != FORMAT_VERSION:
        raise invalid(f"format version {meta.get('version')!r} is not {FORMAT_VERSION}")
    if not isinstance(meta.get("config"), dict):
        raise invalid("it holds no training configuration")
    return meta


def config_of(meta: dict[str, Any]) -> LSTMConfig:
    """The LSTMConfig stored in the archive, validated like any other."""
    try:
        return LSTMConfig.from_dict(meta["config"])
    except ValueError as err:
        raise invalid(f"its configuration is invalid ({err})") from None
    except TypeError:
        raise invalid("its configuration is malformed") from None


def load_model(data: bytes):
    """Load the archive with Keras's ``safe_mode=True`` (call :func:`read_meta` first)."""
    keras = import_keras()
    with tempfile.TemporaryDirectory(prefix="lstm_lab_") as tmp:
        path = os.path.join(tmp, "upload.keras")
        with open(path, "wb") as fh:
            fh.write(data)
        try:
            with MODELS_LOCK:  # one Keras build at a time in this process
                return keras.saving.load_model(path, safe_mode=True, compile=False)
        except Exception as err:  # Keras raises many kinds; none may reach the user raw
            log.info("Keras refused a .keras file", exc_info=True)  # the whole story, for the operator
            first = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
            raise invalid(f"Keras could not load it ({first})") from None


def weights_of(model, config: LSTMConfig) -> Weights:
    """The model's five weight arrays, once its layers are shown to compute what ``config`` says."""
    keras = import_keras()
    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(lstms) != 1 or len(denses) != 1:
        raise invalid("it must hold exactly one LSTM layer and one Dense layer")
    lstm, dense = lstms[0], denses[0]
    lstm_settings = {**LSTM_SETTINGS, "return_sequences": config.per_step}
    for layer, settings in ((lstm, lstm_settings), (dense, DENSE_SETTINGS)):
        layer_config = layer.get_config()
        for name, value in settings.items():
            if layer_config.get(name) != value:
                raise invalid(
                    f"its {type(layer).__name__} layer has {name}="
                    f"{layer_config.get(name)!r}, expected {value!r}"
                )
    if bool(lstm.stateful) != config.stateful:
        raise invalid("its LSTM's stateful setting does not match its configuration")
    weights = [np.asarray(w, np.float32) for w in lstm.get_weights() + dense.get_weights()]
    f, u, v = config.features, config.units, len(config.vocab)
    expected = [(f, 4 * u), (u, 4 * u), (4 * u,), (u, v), (v,)]
    got = [w.shape for w in weights]
    if got != expected:
        raise invalid(f"its weight shapes {got} do not match its configuration {expected}")
    if not all(np.isfinite(w).all() for w in weights):
        raise invalid("its weights contain NaN or infinity")
    return Weights(*weights)

"""A run as a ``.keras`` file and back: what the app's Model download and the CLI's
``--save``/``--load`` read and write.

The archive is Keras 3's own zip (``config.json``, ``model.weights.h5``) plus one member of
ours, ``lstm_lab_config.json`` (the run's LSTMConfig), so the run's data can be rebuilt
when the file comes back. Keras ignores that member when it loads the archive::

    >>> from lstm_core.presets import preset
    >>> from lstm_core.train.trainer import train                          # doctest: +SKIP
    >>> run = train(preset("stateful"))                              # doctest: +SKIP
    >>> data = keras_bytes(run)          # a .keras file, ready to download  # doctest: +SKIP
    >>> load_keras_bytes(data).config == run.config                  # doctest: +SKIP
    True
    >>> try:
    ...     load_keras_bytes(b"hello")
    ... except ValueError as err:
    ...     print(err)
    This file cannot be loaded as a model: it is not a .keras (zip) archive.

Loading goes in steps, each its own function, so a new check or a new kind of file slots
in between: :func:`read_meta` (the archive and the model it describes, checked by
``keras_preflight`` without Keras or TensorFlow: garbage, a model too large or of other
layers is refused before TensorFlow is even imported), :func:`config_of` (our
configuration), :func:`load_model` (Keras with ``safe_mode=True``: no lambdas, no pickles,
from a clean archive of Keras's own members) and :func:`weights_of` (the layers are exactly
the LSTM + Dense that ``model/cells.py`` computes).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import zipfile
from typing import Any

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.framings import make_dataset
from lstm_core.export.keras_preflight import (  # noqa: F401  (the two limits are re-exported)
    MAX_MODEL_BYTES,
    MAX_UNPACKED_BYTES,
    Archive,
    check_archive,
    parse_json,
)
from lstm_core.model.cells import Weights
from lstm_core.model.keras_models import MODELS_LOCK, import_keras, keras_model
from lstm_core.model.results import TrainResult
from lstm_core.model.variant import variant_of

log = logging.getLogger(__name__)
CONFIG_MEMBER = "lstm_lab_config.json"  # our extra file inside the .keras zip
FORMAT_NAME = "lstm-state-lab"
FORMAT_VERSION = 1
# MAX_MODEL_BYTES (20 MiB) and MAX_UNPACKED_BYTES (60 MiB) live in keras_preflight (imported
# above, and re-exported here for the CLI).
KERAS_MEMBERS = ("config.json", "model.weights.h5")  # what Keras itself needs in the archive
# Our numpy cells (model/cells.py) compute exactly Keras's default LSTM (GRU, SimpleRNN) and a softmax Dense.
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
    found = check_archive(data)
    meta = _meta_of(found)
    config = config_of(meta)
    if (found.sizes["units"], found.sizes["vocab"]) != (config.units, config.outputs):
        raise invalid("its model's sizes do not match its configuration")
    model = _load_checked(found)
    weights = weights_of(model, config)
    del model  # a one-off: the run keeps plain numpy weights, not the Keras model
    return TrainResult(config, make_dataset(config), weights, history=[])


def invalid(why: str) -> ValueError:
    """The error for a file that is not ours, e.g. ``invalid("the file is empty")``."""
    return ValueError(f"This file is not a model saved by LSTM State Lab: {why}.")


def read_meta(data: bytes) -> dict[str, Any]:
    """Check the archive without Keras (``keras_preflight.check_archive``), return our config JSON."""
    return _meta_of(check_archive(data))


def _meta_of(found: Archive) -> dict[str, Any]:
    if CONFIG_MEMBER not in found.members:
        raise invalid(f"it lacks {CONFIG_MEMBER}")
    meta = parse_json(found.members[CONFIG_MEMBER], CONFIG_MEMBER)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise invalid(f"its {CONFIG_MEMBER} is not ours")
    if meta.get("version") != FORMAT_VERSION:
        raise invalid(f"format version {str(meta.get('version'))[:20]} is not {FORMAT_VERSION}")
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
    """Load a ``.keras`` file with Keras's ``safe_mode=True``, after ``keras_preflight`` passed it.

    For any upload, ours or plain Keras: Keras builds nothing the preflight has not checked.
    """
    return _load_checked(check_archive(data))


def _load_checked(found: Archive):
    keras = import_keras()
    with tempfile.TemporaryDirectory(prefix="lstm_lab_") as tmp:
        path = os.path.join(tmp, "upload.keras")
        with open(path, "wb") as fh:
            # Only Keras's own members: given more, Keras unpacks the whole archive to a
            # temporary folder of its own (left behind when unpacking fails).
            fh.write(found.keras_zip())
        try:
            with MODELS_LOCK:  # one Keras build at a time in this process
                return keras.saving.load_model(path, safe_mode=True, compile=False)
        except Exception as err:  # Keras raises many kinds; none may reach the user raw
            log.info("Keras refused a .keras file", exc_info=True)  # the whole story, for the operator
            first = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
            raise invalid(f"Keras could not load it ({first})") from None


def weights_of(model, config: LSTMConfig) -> Weights:
    """The model's weight arrays, once its layers are shown to compute what ``config`` says."""
    keras = import_keras()
    spec = variant_of(config)
    kind = getattr(keras.layers, spec.cell.label)
    stack = [layer for layer in model.layers if isinstance(layer, kind)]
    others = [layer for layer in model.layers if isinstance(layer, keras.layers.RNN) and layer not in stack]
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(stack) != config.layers or others or len(denses) != 1:
        raise invalid(
            f"it must hold exactly {config.layers} {kind.__name__} layer(s) and one Dense layer"
        )
    dense = denses[0]
    checks = [
        (rnn, {**LSTM_SETTINGS, "return_sequences": config.per_step or k < len(stack) - 1})
        for k, rnn in enumerate(stack)
    ]
    checks = [(rnn, spec.cell.keras_settings(settings)) for rnn, settings in checks]
    dense_settings = {**DENSE_SETTINGS, "activation": spec.output_activation}
    for layer, settings in (*checks, (dense, dense_settings)):
        layer_config = layer.get_config()
        for name, value in settings.items():
            if layer_config.get(name) != value:
                raise invalid(
                    f"its {type(layer).__name__} layer has {name}="
                    f"{layer_config.get(name)!r}, expected {value!r}"
                )
    if any(bool(rnn.stateful) != config.stateful for rnn in stack):
        raise invalid(f"its {kind.__name__}'s stateful setting does not match its configuration")
    arrays = [w for rnn in stack for w in rnn.get_weights()] + dense.get_weights()
    weights = [np.asarray(w, np.float32) for w in arrays]
    expected = spec.weight_shapes()
    got = [w.shape for w in weights]
    if got != expected:
        raise invalid(f"its weight shapes {got} do not match its configuration {expected}")
    if not all(np.isfinite(w).all() for w in weights):
        raise invalid("its weights contain NaN or infinity")
    return Weights(*weights)

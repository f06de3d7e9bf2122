"""Take a trained run out of the app: a ``.keras`` model, CSVs, and a plain Keras script.

The app trains with its own fast loop (trainer.py) and predicts with numpy (cell.py), but
the weights are exactly Keras's: the same five arrays in the order
``keras.Model.get_weights()`` lists them. So a run becomes an ordinary Keras model::

    >>> from lstm_core.config import preset
    >>> from lstm_core.trainer import train                        # doctest: +SKIP
    >>> run = train(preset("stateful"))                            # doctest: +SKIP
    >>> data = keras_bytes(run)             # a .keras file, ready to download  # doctest: +SKIP
    >>> load_keras_bytes(data).config == run.config                # doctest: +SKIP
    True
    >>> print(keras_script(preset("stateful"))[:60])               # doctest: +SKIP
    # LSTM State Lab: the "stateful" framing in plain Keras 3

The ``.keras`` archive carries one extra member, ``lstm_lab_config.json`` (our
LSTMConfig), so the app can rebuild the run's data when the file comes back. Keras
ignores that member when it loads the archive.

Keras (and with it TensorFlow) is imported only when a function here needs it, so that
history/prediction CSVs and the script are cheap, and a garbage upload is rejected before
TensorFlow is even loaded. This module never imports streamlit.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import threading
import zipfile
from typing import Any

import numpy as np
import pandas as pd

from .cell import Weights
from .config import LSTMConfig
from .framings import PAD_VALUE, make_dataset
from .inference import prediction_table
from .results import TrainResult

CONFIG_MEMBER = "lstm_lab_config.json"  # our extra file inside the .keras zip
FORMAT_NAME = "lstm-state-lab"
FORMAT_VERSION = 1
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a tutorial-sized model is ~100 KB; 256 units x 64 letters ~3 MB
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # refuse zip bombs before unpacking anything
KERAS_MEMBERS = ("config.json", "model.weights.h5")  # what Keras itself needs in the archive


def _keras():
    """Import Keras on first use (TensorFlow takes ~4 s to import)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    return keras


# ---------------------------------------------------------------------------------------
# One Keras model per shape, reused.
#
# Every new Keras model (and its compile/trace) leaks about 10 MB that is never given
# back (keras-team/keras#20552). A user downloading their model after every training
# would grow the server without bound. So we build ONE model per shape key, keep it in
# this process-wide dict, and on reuse only copy the run's weights into it
# (set_weights). The lock makes "set these weights, then save/predict" one step, since
# the same model object is shared by every user and thread of the process.
# ---------------------------------------------------------------------------------------
_models: dict[tuple, Any] = {}
_models_lock = threading.RLock()


def _shape_key(config: LSTMConfig) -> tuple:
    masked = config.framing == "variable-length" and config.padding == "mask"
    return (
        config.batch_size if config.stateful else None,  # a stateful model has a fixed batch
        config.time_steps,
        config.features,
        config.units,
        len(config.vocab),
        config.stateful,
        masked,
        config.per_step,
    )


def _build_model(key: tuple):
    keras = _keras()
    batch, t, f, units, vocab, stateful, masked, per_step = key
    if stateful:
        # Keras 3: a stateful layer needs the batch size fixed on the Input.
        inputs = keras.Input(batch_shape=(batch, t, f), name="letters")
    else:
        inputs = keras.Input(shape=(t, f), name="letters")
    x = inputs
    if masked:
        # Time steps whose features all equal PAD_VALUE are skipped: h and c pass through.
        x = keras.layers.Masking(mask_value=PAD_VALUE, name="skip_padding")(x)
    # Per-step: h of every step goes to the Dense layer, which Keras applies step by step.
    x = keras.layers.LSTM(units, stateful=stateful, return_sequences=per_step, name="lstm")(x)
    outputs = keras.layers.Dense(vocab, activation="softmax", name="next_letter")(x)
    return keras.Model(inputs, outputs, name="lstm_state_lab")


def stock_model(config: LSTMConfig, jit_compile: bool | str = "auto"):
    """A fresh, compiled Keras model for ``config``: the tutorial's code path.

    LSTM + Dense softmax, Adam at the config's learning rate, categorical cross-entropy,
    accuracy; weights drawn by Keras (call ``keras.utils.set_random_seed`` first for
    repeatable ones). The benchmark and the fit-parity test train it with stock
    ``model.fit``. Not cached: each call builds a new model (fine for a benchmark; the app
    never calls it). Example::

        model = stock_model(preset("naive"))
        model.fit(data.X, data.y, epochs=500, batch_size=1)
    """
    keras = _keras()
    model = _build_model(_shape_key(config))
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate),
        metrics=["accuracy"],
        jit_compile=jit_compile,
    )
    return model


def keras_model(run: TrainResult):
    """A Keras 3 model computing exactly what ``run`` computes, with its weights.

    The model is shared (one per shape, see above): use it right away, and hold
    ``_models_lock`` if other threads may export runs of the same shape at the same
    time. A stateful model comes back with its state reset.
    """
    key = _shape_key(run.config)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            model = _models[key] = _build_model(key)
        model.set_weights([np.asarray(w, np.float32) for w in run.weights])
        if run.config.stateful:
            model.get_layer("lstm").reset_state()
        return model


def cached_models() -> int:
    """How many Keras models export has built in this process (one per shape)."""
    return len(_models)


# ---------------------------------------------------------------------------------------
# .keras bytes, out and back in
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
        with _models_lock:  # nobody may set other weights between set_weights and save
            keras_model(run).save(path)
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(CONFIG_MEMBER, json.dumps(meta, indent=2))
        with open(path, "rb") as fh:
            return fh.read()


def _invalid(why: str) -> ValueError:
    return ValueError(f"This file is not a model saved by LSTM State Lab: {why}.")


def _read_meta(data: bytes) -> dict:
    """Check the archive without Keras: size, zip, members, our config JSON."""
    if not isinstance(data, (bytes, bytearray)):
        raise _invalid("expected the bytes of a .keras file")
    if len(data) == 0:
        raise _invalid("the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError(
            f"This file is {len(data) / 1e6:.1f} MB: the limit for a model is "
            f"{MAX_UPLOAD_BYTES / 1e6:.0f} MB."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _invalid("it is not a .keras (zip) archive") from None
    with archive:
        infos = archive.infolist()
        if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise _invalid("it unpacks to more than 60 MB")
        names = {i.filename for i in infos}
        missing = [m for m in (CONFIG_MEMBER, *KERAS_MEMBERS) if m not in names]
        if missing:
            raise _invalid("it lacks " + ", ".join(missing))
        try:
            meta = json.loads(archive.read(CONFIG_MEMBER).decode("utf-8"))
        except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError):
            raise _invalid(f"its {CONFIG_MEMBER} is not valid JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise _invalid(f"its {CONFIG_MEMBER} is not ours")
    if meta.get("version") != FORMAT_VERSION:
        raise _invalid(f"format version {meta.get('version')!r} is not {FORMAT_VERSION}")
    if not isinstance(meta.get("config"), dict):
        raise _invalid("it holds no training configuration")
    return meta


def load_keras_bytes(data: bytes) -> TrainResult:
    """Rebuild a run (``TrainResult``) from bytes made by :func:`keras_bytes`.

    Checks the size, the zip, our config (validated like any LSTMConfig) and that the
    model's layers have the shapes that config implies. Loads with Keras's
    ``safe_mode=True`` (no lambdas, no pickles). The history is not stored: it comes
    back empty. Anything wrong raises ``ValueError`` with a readable message.
    """
    meta = _read_meta(data)
    try:
        config = LSTMConfig.from_dict(meta["config"])
    except ValueError as err:
        raise _invalid(f"its configuration is invalid ({err})") from None
    except TypeError:
        raise _invalid("its configuration is malformed") from None

    keras = _keras()
    with tempfile.TemporaryDirectory(prefix="lstm_lab_") as tmp:
        path = os.path.join(tmp, "upload.keras")
        with open(path, "wb") as fh:
            fh.write(data)
        try:
            with _models_lock:  # one Keras build at a time in this process
                model = keras.saving.load_model(path, safe_mode=True, compile=False)
        except Exception as err:  # Keras raises many kinds; none may reach the user raw
            first = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
            raise _invalid(f"Keras could not load it ({first})") from None

    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(lstms) != 1 or len(denses) != 1:
        raise _invalid("it must hold exactly one LSTM layer and one Dense layer")
    lstm, dense = lstms[0], denses[0]
    # Our numpy LSTM (cell.py) computes exactly the default LSTM and a softmax Dense.
    expected_settings = (
        (
            lstm,
            {
                "activation": "tanh",
                "recurrent_activation": "sigmoid",
                "use_bias": True,
                "go_backwards": False,
                "return_sequences": False,
                "return_state": False,
            },
        ),
        (dense, {"activation": "softmax", "use_bias": True}),
    )
    for layer, settings in expected_settings:
        layer_config = layer.get_config()
        for name, value in settings.items():
            if layer_config.get(name) != value:
                raise _invalid(
                    f"its {type(layer).__name__} layer has {name}="
                    f"{layer_config.get(name)!r}, expected {value!r}"
                )
    if bool(lstm.stateful) != config.stateful:
        raise _invalid("its LSTM's stateful setting does not match its configuration")
    weights = [np.asarray(w, np.float32) for w in lstm.get_weights() + dense.get_weights()]
    f, u, v = config.features, config.units, len(config.vocab)
    expected = [(f, 4 * u), (u, 4 * u), (4 * u,), (u, v), (v,)]
    got = [w.shape for w in weights]
    if got != expected:
        raise _invalid(f"its weight shapes {got} do not match its configuration {expected}")
    if not all(np.isfinite(w).all() for w in weights):
        raise _invalid("its weights contain NaN or infinity")
    del model  # a one-off: the run keeps plain numpy weights, not the Keras model
    return TrainResult(config, make_dataset(config), Weights(*weights), history=[])


# ---------------------------------------------------------------------------------------
# CSVs
# ---------------------------------------------------------------------------------------
def history_csv(run: TrainResult) -> str:
    """Training history, one row per epoch: ``epoch,loss,accuracy,elapsed``."""
    frame = pd.DataFrame(
        [(h.epoch, h.loss, h.accuracy, h.elapsed) for h in run.history],
        columns=["epoch", "loss", "accuracy", "elapsed"],
    )
    return frame.to_csv(index=False)


def predictions_csv(run: TrainResult) -> str:
    """The prediction table: ``input,expected,predicted,probability,correct``."""
    return prediction_table(run).to_csv(index=False)


# ---------------------------------------------------------------------------------------
# A plain Keras 3 script of a configuration
# ---------------------------------------------------------------------------------------
_SCRIPT = '''\
# LSTM State Lab: the "{framing}" framing in plain Keras 3
#
# Exported from LSTM State Lab. This script trains the same configuration with stock
# Keras `model.fit`, the tutorial's own code path, so you can run it anywhere
# Keras 3 is installed:
#
#     python {filename}              # {epochs} epochs, as configured
#     python {filename} --epochs 3   # a quick try
#
# The data is built exactly as the app builds it (lstm_core/framings.py). Results will
# be close to the app's, not identical: the app draws its initial weights and sample
# order with numpy, stock Keras with its own random generators.

import argparse

import keras
import numpy as np

# ---- the configuration -----------------------------------------------------------------
FRAMING = {framing!r}
SEQUENCE = {sequence!r}  # the training text
WINDOW = {window!r}  # letters per sample (maximum run length for variable-length)
UNITS = {units!r}  # LSTM memory units: size of the hidden state h and cell state c
EPOCHS = {epochs!r}  # passes over all samples
BATCH_SIZE = {batch_size!r}  # samples per weight update (rows of carried state if stateful)
LEARNING_RATE = {learning_rate!r}  # Adam's step size
SHUFFLE = {shuffle!r}  # reshuffle the samples every epoch
STATEFUL = {stateful!r}  # carry h and c from batch to batch, reset at each epoch end
ENCODING = {encoding!r}  # "scaled": index / vocabulary size (tutorial); "onehot"
PADDING = {padding!r}  # variable-length only: "zeros" (tutorial) or "mask"
NUM_SAMPLES = {num_samples!r}  # variable-length only: random runs to draw
SEED = {seed!r}
PAD_VALUE = {pad_value!r}  # what a masked time step holds (Masking skips it)

parser = argparse.ArgumentParser(description="Train the exported LSTM State Lab configuration.")
parser.add_argument("--epochs", type=int, default=EPOCHS, help="override the number of epochs")
EPOCHS = parser.parse_args().epochs

keras.utils.set_random_seed(SEED)  # seeds Python, numpy and the backend

# ---- the data: [samples, time steps, features] -----------------------------------------
vocab = "".join(sorted(set(SEQUENCE)))  # the classes: sorted unique characters
char_to_int = {{ch: i for i, ch in enumerate(vocab)}}
int_to_char = dict(enumerate(vocab))

if FRAMING == "variable-length":
    # Random runs of 1..WINDOW letters and the letter after each (the tutorial's draw).
    rng = np.random.default_rng(SEED)
    inputs, targets = [], []
    for _ in range(NUM_SAMPLES):
        start = int(rng.integers(max(1, len(SEQUENCE) - 2)))
        end = int(rng.integers(start, max(start + 1, min(start + WINDOW, len(SEQUENCE) - 1))))
        inputs.append(SEQUENCE[start : end + 1])
        targets.append(SEQUENCE[end + 1])
else:
    # Every window of WINDOW letters and the letter that follows it.
    inputs = [SEQUENCE[i : i + WINDOW] for i in range(len(SEQUENCE) - WINDOW)]
    targets = [SEQUENCE[i + WINDOW] for i in range(len(SEQUENCE) - WINDOW)]

TIME_STEPS = 1 if FRAMING == "feature-window" else WINDOW
PER_LETTER = len(vocab) if ENCODING == "onehot" else 1
FEATURES = PER_LETTER * (WINDOW if FRAMING == "feature-window" else 1)
PAD = PAD_VALUE if (FRAMING == "variable-length" and PADDING == "mask") else 0.0


def encode(letters):
    """One sample as a (TIME_STEPS, FEATURES) array, padded in front if it is short."""
    ids = [char_to_int[ch] for ch in letters]
    if ENCODING == "onehot":
        per = np.eye(len(vocab), dtype="float32")[ids]  # (len, vocab)
    else:
        per = (np.array(ids, dtype="float32") / len(vocab))[:, None]  # (len, 1): "A" is 0.0
    if FRAMING == "feature-window":
        x = np.full((1, FEATURES), PAD, dtype="float32")  # the letters side by side
        flat = per.reshape(-1)
        x[0, FEATURES - flat.size :] = flat
        return x
    x = np.full((TIME_STEPS, PER_LETTER), PAD, dtype="float32")  # one letter per step
    x[TIME_STEPS - len(ids) :] = per
    return x


X = np.stack([encode(s) for s in inputs])  # (samples, time steps, features)
y = keras.utils.to_categorical([char_to_int[ch] for ch in targets], num_classes=len(vocab))
print("X:", X.shape, "= [samples, time steps, features]; y:", y.shape)

# ---- the model -------------------------------------------------------------------------
if STATEFUL:
    # Keras 3: a stateful LSTM needs its batch size fixed on the Input.
    inp = keras.Input(batch_shape=(BATCH_SIZE, TIME_STEPS, FEATURES))
else:
    inp = keras.Input(shape=(TIME_STEPS, FEATURES))
x = inp
if FRAMING == "variable-length" and PADDING == "mask":
    x = keras.layers.Masking(mask_value=PAD_VALUE)(x)  # skip the padding steps
lstm = keras.layers.LSTM(UNITS, stateful=STATEFUL)
x = lstm(x)
out = keras.layers.Dense(len(vocab), activation="softmax")(x)
model = keras.Model(inp, out)
model.compile(
    loss="categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
    metrics=["accuracy"],
)

# ---- training --------------------------------------------------------------------------
if STATEFUL:
    # One epoch per fit call, in order, and a state reset after each epoch.
    # (Keras 3 has no Model.reset_states(); the layer has reset_state().)
    for epoch in range(EPOCHS):
        model.fit(X, y, epochs=1, batch_size=BATCH_SIZE, shuffle=False, verbose=0)
        lstm.reset_state()
        if (epoch + 1) % max(1, EPOCHS // 10) == 0:
            print(f"epoch {{epoch + 1}}/{{EPOCHS}}")
else:
    model.fit(X, y, epochs=EPOCHS, batch_size=BATCH_SIZE, shuffle=SHUFFLE, verbose=2)

# ---- evaluation and predictions --------------------------------------------------------
if STATEFUL:
    lstm.reset_state()
scores = model.evaluate(X, y, batch_size=BATCH_SIZE, verbose=0)
if STATEFUL:
    lstm.reset_state()
print("Model Accuracy: %.2f%%" % (scores[1] * 100))

# One predict call for all samples (predict in a loop costs ~100 ms per call).
probs = model.predict(X, batch_size=BATCH_SIZE, verbose=0)
if STATEFUL:
    lstm.reset_state()
SHOW = 30
for letters, target, p in list(zip(inputs, targets, probs))[:SHOW]:
    guess = int_to_char[int(np.argmax(p))]
    print(f"{{letters!r}} -> {{guess}}  (expected {{target}}, p={{p.max():.2f}})")
if len(inputs) > SHOW:
    print(f"... and {{len(inputs) - SHOW}} more samples")
'''


def keras_script(config: LSTMConfig) -> str:
    """A complete, runnable plain-Keras-3 script that trains ``config`` with ``model.fit``.

    It accepts ``--epochs N`` to override the epochs, prints
    ``Model Accuracy: xx.xx%`` and then its predictions.
    """
    c = config
    return _SCRIPT.format(
        framing=c.framing,
        filename=f"lstm_{c.framing.replace('-', '_')}.py",
        sequence=c.sequence,
        window=c.window,
        units=c.units,
        epochs=c.epochs,
        batch_size=c.batch_size,
        learning_rate=float(c.learning_rate),
        shuffle=c.shuffle,
        stateful=c.stateful,
        encoding=c.encoding,
        padding=c.padding,
        num_samples=c.num_samples,
        seed=c.seed,
        pad_value=PAD_VALUE,
    )

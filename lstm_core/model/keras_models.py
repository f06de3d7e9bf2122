"""Our trained weights as an ordinary Keras 3 model: one shared model per shape.

The app trains with its own loop (``lstm_core.train``) and predicts with numpy (``model/cells.py``),
but its weights are exactly Keras's: the arrays in the order
``keras.Model.get_weights()`` lists them (three per recurrent layer, two for the Dense).
So a run becomes a Keras model by copying them in::

    >>> from lstm_core.presets import preset
    >>> from lstm_core.train.trainer import train                          # doctest: +SKIP
    >>> model = keras_model(train(preset("stateful")))               # doctest: +SKIP
    >>> [layer.name for layer in model.layers]                       # doctest: +SKIP
    ['letters', 'lstm', 'next_letter']

Why one model per shape: every new Keras model (and its compile/trace) leaks about 10 MB
that is never given back (keras-team/keras#20552). A user downloading their model after
every training would grow the server without bound. So ONE model per shape key lives in a
process-wide dict and, on reuse, only the run's weights are copied into it. ``MODELS_LOCK``
makes "set these weights, then save/predict" one step, since the same model object is
shared by every user and thread of the process.

Keras (and with it TensorFlow, ~4 s) is imported on first use, by :func:`import_keras`.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.dataset import PAD_VALUE
from lstm_core.limits.shape import CELL_KINDS
from lstm_core.model.results import TrainResult
from lstm_core.model.variant import variant_of

_models: dict[tuple, Any] = {}
MODELS_LOCK = threading.RLock()  # hold it from set_weights to the last use of a shared model


def import_keras():
    """Import Keras on first use (TensorFlow takes ~4 s to import) and return the module."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    return keras


def shape_key(config: LSTMConfig) -> tuple:
    """What decides a Keras model's shape: two configs with the same key share a model.

    >>> from lstm_core.presets import preset
    >>> shape_key(preset("stateful"))  # batch, time steps, features, units, vocab, stateful, masked, per step
    (1, 1, 1, 16, 26, True, False, False)
    >>> shape_key(preset("stateful").replace(cell="gru", layers=2))[-3:]  # others add (cell, layers, output)
    ('gru', 2, 'softmax')
    >>> shape_key(preset("n-char-output"))[-4:]  # the one-shot n-char model adds its letters out
    ('lstm', 1, 'softmax', 3)
    """
    masked = config.framing == "variable-length" and config.padding == "mask"
    spec = variant_of(config)
    # Other cells, stacks and a linear output (a value) add (cell, layers, output activation).
    tail = (config.cell, config.layers, spec.output_activation)
    cells = () if tail == ("lstm", 1, "softmax") else tail
    if spec.one_shot:  # a decoder for `horizon` letters (nchar.py)
        cells = (*tail, spec.horizon)
    return (
        config.batch_size if config.stateful else None,  # a stateful model has a fixed batch
        config.time_steps,
        config.features,
        config.units,
        config.outputs,
        config.stateful,
        masked,
        config.per_step,
        *cells,
    )


def recurrent_names(cell: str = "lstm", layers: int = 1) -> list[str]:
    """The recurrent layers' names in our Keras models, bottom first (``CellKind.keras_name``).

    >>> recurrent_names(), recurrent_names("gru", 2)
    (['lstm'], ['gru', 'gru_2'])
    """
    base = CELL_KINDS[cell].keras_name
    return [base if k == 0 else f"{base}_{k + 1}" for k in range(layers)]


def reset_states(model, config: LSTMConfig) -> None:
    """Reset every recurrent layer's carried state (a stateful model's ``reset_state``)."""
    for name in variant_of(config).keras_names():
        model.get_layer(name).reset_state()


def build_model(key: tuple):
    """A new (uncompiled) Keras model for a :func:`shape_key`: [Masking] -> cell(s) -> Dense softmax
    (Dense linear for the sine task)."""
    keras = import_keras()
    batch, t, f, units, vocab, stateful, masked, per_step = key[:8]
    cell, layers, activation = key[8:11] if len(key) > 8 else ("lstm", 1, "softmax")
    horizon = key[11] if len(key) > 11 else 0
    regression = activation == "linear"
    name_in = "values" if regression else "letters"
    if stateful:
        # Keras 3: a stateful layer needs the batch size fixed on the Input.
        inputs = keras.Input(batch_shape=(batch, t, f), name=name_in)
    else:
        inputs = keras.Input(shape=(t, f), name=name_in)
    x = inputs
    if masked:
        # Time steps whose features all equal PAD_VALUE are skipped: h and c pass through.
        x = keras.layers.Masking(mask_value=PAD_VALUE, name="skip_padding")(x)
    # Per-step: h of every step goes to the Dense layer, which Keras applies step by step.
    # Stacked: a lower layer hands its h of every step to the layer above.
    layer_class = getattr(keras.layers, CELL_KINDS[cell].label)  # LSTM, GRU, SimpleRNN
    names = recurrent_names(cell, layers)
    for k, name in enumerate(names):
        last = k == len(names) - 1
        x = layer_class(units, stateful=stateful, return_sequences=per_step or not last, name=name)(x)
    if horizon:
        # n-char-output, one shot (nchar.py): the encoder's last h, repeated, feeds a decoder
        # (one more layer of the cell) whose h at each step scores one of the next letters.
        x = keras.layers.RepeatVector(horizon, name="repeat")(x)
        x = layer_class(units, return_sequences=True, name="decoder")(x)
        dense = keras.layers.Dense(vocab, activation=activation)
        outputs = keras.layers.TimeDistributed(dense, name="next_letters")(x)
    else:
        outputs = keras.layers.Dense(
            vocab, activation=activation, name="next_value" if regression else "next_letter"
        )(x)
    return keras.Model(inputs, outputs, name="lstm_state_lab")


def stock_model(config: LSTMConfig, jit_compile: bool | str = "auto"):
    """A fresh, compiled Keras model for ``config``: the tutorial's code path.

    LSTM (or the config's cell, stacked) + Dense softmax, Adam at the config's learning
    rate, categorical cross-entropy, accuracy; weights drawn by Keras (call
    ``keras.utils.set_random_seed`` first for repeatable ones). The benchmark and the
    fit-parity test train it with stock ``model.fit``. Not cached: each call builds a new
    model (fine for a benchmark; the app never calls it). Example::

        model = stock_model(preset("naive"))
        model.fit(data.X, data.y, epochs=500, batch_size=1)
    """
    keras = import_keras()
    model = build_model(shape_key(config))
    spec = variant_of(config)
    model.compile(
        # A value (regression) has mean squared error, and no accuracy to report.
        loss=spec.loss,
        optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate),
        metrics=spec.metrics,
        jit_compile=jit_compile,
    )
    return model


def keras_model(run: TrainResult):
    """A Keras 3 model computing exactly what ``run`` computes, with its weights.

    The model is shared (one per shape, see above): use it right away, and hold
    ``MODELS_LOCK`` if other threads may export runs of the same shape at the same
    time. A stateful model comes back with its state reset.
    """
    key = shape_key(run.config)
    with MODELS_LOCK:
        model = _models.get(key)
        if model is None:
            model = _models[key] = build_model(key)
        model.set_weights([np.asarray(w, np.float32) for w in run.weights])
        if run.config.stateful:
            reset_states(model, run.config)
        return model


def cached_models() -> int:
    """How many Keras models this process has built for export (one per shape)."""
    return len(_models)

"""One run's variant, derived once from its config: cell x layers x head.

Every part of the engine that depends on *which* model a run trains asks its
:class:`Variant` instead of testing the config's fields itself: the weight shapes, fresh
weights, the numpy forward pass, the output activation and the loss, the Keras layers, what
the Cell page can trace, and the numbers the time estimate and the RAM budget read. The
pieces per cell (numpy step, TensorFlow step) are looked up by ``cell`` in one table each;
the cell's own facts are its :class:`~lstm_core.limits.shape.CellKind`.

The heads (what the top layer's h is scored into):

- ``next``: the next letter after the last step (softmax, categorical cross-entropy);
- ``per-step``: the next letter after every step (stateful chunks, ``steps_per_update`` > 1);
- ``one-shot``: the next ``horizon`` letters at once, through a decoder (n-char-output);
- ``value``: the next value of a wave (linear, mean squared error; the sine task).

Example::

    >>> from lstm_core.presets import preset
    >>> spec = variant_of(preset("n-char-output").replace(cell="gru"))
    >>> spec.head.name, spec.cell_name, spec.model_layers, spec.output_activation, spec.loss
    ('one-shot', 'GRU', 2, 'softmax', 'categorical_crossentropy')
    >>> spec.weight_shapes()[3:6]                     # the decoder: one more GRU layer on top
    [(32, 96), (32, 96), (2, 96)]
    >>> spec.traceable, spec.trace_refusal[:45]
    (False, "framing='n-char-output' cannot be traced gate")
    >>> variant_of(preset("stateful")).trace_refusal  # one LSTM layer: its gates are traced
    ''
    >>> variant_of(preset("stateful")) is variant_of(preset("stateful"))  # derived once
    True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_core.config import LSTMConfig
from lstm_core.limits.shape import CELL_KINDS, CellKind, Shape, shape_of
from lstm_core.model import nchar
from lstm_core.model.cells import Weights, forward, init_weights, weight_shapes


@dataclass(frozen=True)
class Head:
    """What the top layer's h is scored into, and how training scores it."""

    name: str  # next | per-step | one-shot | value
    activation: str  # the Dense layer's: softmax over letters, or linear for a value
    loss: str  # Keras's name of the loss
    metrics: tuple[str, ...]  # what Keras reports besides the loss

    @property
    def regression(self) -> bool:
        """True when the output is a real value (mean squared error, no accuracy)."""
        return self.activation == "linear"


HEADS = {
    head.name: head
    for head in (
        Head("next", "softmax", "categorical_crossentropy", ("accuracy",)),  # the next letter
        Head("per-step", "softmax", "categorical_crossentropy", ("accuracy",)),  # ... after every step
        Head("one-shot", "softmax", "categorical_crossentropy", ("accuracy",)),  # the next letters at once
        Head("value", "linear", "mse", ()),  # the next value of a wave
    )
}


def _head(config: LSTMConfig, shape: Shape) -> Head:
    if config.regression:
        return HEADS["value"]
    if shape.decoder_steps:
        return HEADS["one-shot"]
    return HEADS["per-step" if shape.per_step else "next"]


@dataclass(frozen=True)
class Variant:
    """The model a config trains: its cell kind, its head and its sizes (see the module)."""

    config: LSTMConfig
    cell: CellKind
    head: Head
    shape: Shape

    # -- what the model is ---------------------------------------------------------------
    @property
    def cell_name(self) -> str:
        """The cell's name for people: ``LSTM``, ``GRU`` or ``SimpleRNN``."""
        return self.cell.label

    @property
    def layers(self) -> int:
        """Recurrent layers the config stacks (the encoder's, for the one-shot head)."""
        return self.shape.layers

    @property
    def model_layers(self) -> int:
        """Recurrent layers in the weights: the config's, plus the one-shot decoder."""
        return self.shape.model_layers

    @property
    def one_shot(self) -> bool:
        """True for the encoder-decoder that answers ``horizon`` letters at once."""
        return self.head.name == "one-shot"

    @property
    def horizon(self) -> int:
        """Letters (or values) out per sample: the decoder's steps, or 1."""
        return self.shape.decoder_steps or 1

    @property
    def regression(self) -> bool:
        return self.head.regression

    @property
    def output_activation(self) -> str:
        return self.head.activation

    @property
    def loss(self) -> str:
        return self.head.loss

    @property
    def metrics(self) -> list[str]:
        return list(self.head.metrics)

    # -- weights and the numpy forward pass ------------------------------------------------
    def weight_shapes(self) -> list[tuple[int, ...]]:
        """The weight arrays in ``get_weights()`` order (the decoder's after the encoder's)."""
        s = self.shape
        return weight_shapes(s.cell, s.model_layers, s.features, s.units, s.outputs)

    def init_weights(self, seed: int | None = None) -> Weights:
        """Fresh weights of this model, drawn as Keras draws them (``cells.init_weights``)."""
        return init_weights(self.config, seed, layers=self.model_layers)

    def encoder(self, weights: Weights) -> Weights:
        """The weights ``cells.forward`` runs to read a sample (the one-shot model: its encoder)."""
        return nchar.encoder_weights(weights) if self.one_shot else weights

    def predict(self, weights: Weights, X: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Outputs for samples X (b, t, f) from a fresh state: (b, v) after the last step, or
        the one-shot model's (b, horizon, v)."""
        if self.one_shot:
            return nchar.predict(weights, X, self.horizon, mask)
        return forward(weights, X, mask).probs

    # -- the one-shot head beside a one-letter model fed its own answers --------------------
    def recursive_config(self) -> LSTMConfig | None:
        """The one-letter model a one-shot run is compared with (``nchar.recursive_config``);
        None for the other heads."""
        return nchar.recursive_config(self.config) if self.one_shot else None

    def per_position(self, run, recursive=None) -> pd.DataFrame | None:
        """Accuracy per output position of a one-shot ``run`` and its recursive twin
        (``nchar.per_position``); None for the other heads."""
        return nchar.per_position(self.config, run, recursive) if self.one_shot else None

    # -- what can be traced ----------------------------------------------------------------
    @property
    def gate_trace(self) -> str | None:
        """The cell whose gate trace reads this run (``lstm``: i, f, g, o; ``gru``: z, r), or None."""
        return None if self.trace_refusal else self.cell.name

    @property
    def traceable(self) -> bool:
        """True if the Cell page can trace this run gate by gate (one LSTM or GRU layer)."""
        return not self.trace_refusal

    @property
    def trace_refusal(self) -> str:
        """Why a gate trace is refused, in one sentence for the page; "" when it can be traced."""
        c = self.config
        if self.one_shot:  # its letters come from a decoder the trace does not write out
            return (
                f"framing={c.framing!r} cannot be traced gate by gate: its letters come from a decoder "
                "after the encoder (the State page shows the encoder's h); trace its timestep-window twin."
            )
        if self.layers == 1 and self.cell.gate_trace:
            return ""
        what = f"{self.layers} stacked {self.cell_name} layers" if self.layers > 1 else f"a {self.cell_name}"
        return (
            f"cell={c.cell!r}, layers={c.layers} cannot be traced gate by gate: this run has "
            f"{what}, and the gate trace writes out the gates of one LSTM or one GRU layer (the State "
            "page shows h for any cell)."
        )

    # -- Keras -----------------------------------------------------------------------------
    def keras_names(self) -> list[str]:
        """The recurrent layers' names in our Keras models, bottom first (the decoder apart)."""
        base = self.cell.keras_name
        return [base if k == 0 else f"{base}_{k + 1}" for k in range(self.layers)]


@functools.lru_cache(maxsize=512)
def variant_of(config: LSTMConfig) -> Variant:
    """The :class:`Variant` of ``config``, derived once per config (configs are frozen)."""
    shape = shape_of(config)
    return Variant(config, CELL_KINDS[config.cell], _head(config, shape), shape)


# The fields only some framings read (every other field applies to every framing). The one
# place that knows: a form hides the others, so nothing it shows is silently ignored.
ONLY_FOR = {
    "num_samples": ("variable-length",),
    "padding": ("variable-length",),
    "wrap": ("variable-length",),
    "horizon": ("n-char-output",),
    "steps_per_update": ("stateful",),
}


def applies(field: str, framing: str) -> bool:
    """Whether ``framing`` reads ``field`` (a field it does not read changes nothing it trains).

    >>> applies("num_samples", "naive"), applies("num_samples", "variable-length"), applies("units", "naive")
    (False, True, True)
    """
    return framing in ONLY_FOR.get(field, (framing,))

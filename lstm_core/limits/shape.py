"""The numbers a run is made of: its cell's kind, its model's weights and its data, derived once.

Everything that sizes a run reads them from here: the time estimate (``cost.py``), the RAM
budget (``budget.py``), the trainer's compiled step and its schedule, and the variant spec
(``lstm_core.model.variant``) that the rest of the engine asks. This module sits at the
bottom of the layers, beside the limits, because ``config.py`` estimates a run's cost while
validating it; so it is plain data and arithmetic, and reads a config by duck typing.

The cells, one record each (a new cell is one more record here, its numpy step in
``model/cells.py`` and its TensorFlow step in ``train/cells_tf.py``)::

    >>> CELL_KINDS["gru"].label, CELL_KINDS["gru"].gates, CELL_KINDS["gru"].gate_names
    ('GRU', 3, ('z', 'r', 'g'))

A run's shape: the tutorial's naive model, then the one-shot n-char model, whose decoder is
one more layer of the cell that runs ``horizon`` steps and whose targets are ``horizon``
letters per sample::

    >>> from lstm_core.presets import preset
    >>> naive = shape_of(preset("naive"))
    >>> naive.samples, naive.time_steps, naive.features, naive.target_shape, naive.batches
    (25, 1, 1, (26,), 25)
    >>> nchar = shape_of(preset("n-char-output"))
    >>> nchar.model_layers, nchar.decoder_steps, nchar.target_shape
    (2, 3, (3, 26))
    >>> nchar.data_bytes()          # 21 windows: X (21, 3, 1), y (21, 3, 26), mask (21, 3)
    7056
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class CellKind:
    """One recurrent cell: what every layer of the engine needs to know about it."""

    name: str  # config.cell
    label: str  # its name for people (and Keras's layer class, keras.layers.<label>)
    gates: int  # weight blocks: a kernel has gates x units columns
    gate_names: tuple[str, ...]  # the blocks in Keras's order
    keras_name: str  # our first layer's name in a Keras model ("gru", then "gru_2", ...)
    bias_rows: int = 1  # a GRU (reset_after=True) has an input bias and a recurrent bias
    has_c: bool = False  # carries a cell state c besides h
    forget_bias: bool = False  # Keras's unit_forget_bias: the forget gate's bias starts at 1
    gate_trace: bool = False  # the Cell page's trace writes its gates out (one layer of it)
    explained: str = ""  # what it carries, in one phrase
    gated: bool = True  # its Keras layer has a recurrent_activation (the gates' sigmoid)
    keras_extra: tuple[tuple[str, object], ...] = ()  # settings its Keras layer must have besides

    def keras_settings(self, common: dict) -> dict:
        """The Keras layer settings our numpy step computes: ``common`` ones, adapted to the cell.

        >>> CELL_KINDS["gru"].keras_settings({"activation": "tanh"})
        {'activation': 'tanh', 'reset_after': True}
        """
        settings = {**common, **dict(self.keras_extra)}
        if not self.gated:
            settings.pop("recurrent_activation", None)
        return settings


CELL_KINDS: dict[str, CellKind] = {
    kind.name: kind
    for kind in (
        CellKind("lstm", "LSTM", 4, ("i", "f", "g", "o"), "lstm", has_c=True, forget_bias=True,
                 gate_trace=True, explained="the hidden state *h* and cell state *c*"),
        CellKind("gru", "GRU", 3, ("z", "r", "g"), "gru", bias_rows=2, gate_trace=True,
                 explained="the hidden state *h*", keras_extra=(("reset_after", True),)),
        CellKind("simple", "SimpleRNN", 1, ("g",), "simple_rnn", explained="the hidden state *h*",
                 gated=False),
    )
}
CELL_NAMES = {name: kind.label for name, kind in CELL_KINDS.items()}  # config.cell -> "LSTM", ...
CELL_OF_KERAS = {kind.label: name for name, kind in CELL_KINDS.items()}  # Keras class -> config.cell


@dataclass(frozen=True)
class Shape:
    """A run's sizes: data (n, t, f), targets, model layers, and the batches of one epoch."""

    samples: int  # n
    time_steps: int  # t: steps of one sample (the encoder's, for the one-shot model)
    features: int  # f: numbers per time step
    units: int  # u
    outputs: int  # v: letters, or 1 value
    batch: int  # b
    epochs: int
    cell: str = "lstm"
    layers: int = 1  # recurrent layers the config stacks (the encoder's)
    per_step: bool = False  # a target after every time step: y (n, t, v)
    decoder_steps: int = 0  # the one-shot model's decoder: letters out (y (n, k, v)); 0: none

    @property
    def kind(self) -> CellKind:
        return CELL_KINDS[self.cell]

    @property
    def gates(self) -> int:
        return self.kind.gates

    @property
    def model_layers(self) -> int:
        """Recurrent layers in the weights: the config's, plus the one-shot decoder."""
        return self.layers + (1 if self.decoder_steps else 0)

    @property
    def dense_steps(self) -> int:
        """How often the Dense layer scores per sample: once, every step, or every decoder step."""
        return self.decoder_steps or (self.time_steps if self.per_step else 1)

    @property
    def target_shape(self) -> tuple[int, ...]:
        """One sample's target: (v,), per step (t, v), or the decoder's (k, v)."""
        if self.decoder_steps:
            return (self.decoder_steps, self.outputs)
        return (self.time_steps, self.outputs) if self.per_step else (self.outputs,)

    @property
    def batches(self) -> int:
        """Batches (weight updates) per epoch; the last one may be short."""
        return math.ceil(self.samples / self.batch)

    def data_bytes(self) -> int:
        """Bytes of the training data as float32: inputs (n, t, f), targets, mask (n, t)."""
        n, t = self.samples, self.time_steps
        return 4 * (n * t * self.features + n * math.prod(self.target_shape) + n * t)


def shape_of(config) -> Shape:
    """The :class:`Shape` of an ``LSTMConfig`` (duck-typed: ``config.py`` calls it while
    validating; fields a test's stand-in leaves out mean the tutorial's single LSTM)."""
    return Shape(
        samples=config.num_examples,
        time_steps=config.time_steps,
        features=config.features,
        units=config.units,
        outputs=int(getattr(config, "outputs", None) or len(config.vocab)),
        batch=config.batch_size,
        epochs=config.epochs,
        cell=str(getattr(config, "cell", "lstm")),
        layers=int(getattr(config, "layers", 1) or 1),
        per_step=bool(getattr(config, "per_step", False)),
        decoder_steps=int(getattr(config, "decoder_steps", 0)),
    )

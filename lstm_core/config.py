"""One validated description of a training run, and every limit.

Everything the engine does starts from an :class:`LSTMConfig`. It is validated once,
when it is made, so the rest of the code can trust it::

    >>> cfg = LSTMConfig(framing="timestep-window", window=3)
    >>> cfg.window, cfg.units, cfg.epochs
    (3, 32, 500)
    >>> cfg.replace(units=0)
    Traceback (most recent call last):
    ...
    lstm_core.validation.Refusal: units=0 is not allowed: it must be a whole number from 1 to 256.

``replace`` returns a new config and validates it again, so a config can never be
half-valid. Each field's description is written once, beside the field (``FIELD_DOCS``).
The limits that keep a shared server up live at the top of this file (two of them an
operator may change: ``lstm_core.limits.settings``), and so do the caps of seed sweeps; the
presets and the sweeps themselves are ``lstm_core.presets``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from lstm_core.limits import settings
from lstm_core.limits.shape import CELL_KINDS
from lstm_core.validation import (
    Refusal,
    check_batch,
    check_cost,
    check_flag,
    check_int,
    check_number,
    check_text,
    convert,
    refuse_unused,
    reject,
    short,
)

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

FRAMINGS = ("naive", "feature-window", "timestep-window", "whole-batch", "stateful", "variable-length")
# Framings beyond the tutorial's six (issue 14): not in ``reproduce all``, the Overview or the
# shipped pretrained runs, which are about the tutorial; every other part of the app has them.
EXTRA_FRAMINGS = ("n-char-output",)
ALL_FRAMINGS = FRAMINGS + EXTRA_FRAMINGS
ENCODINGS = ("scaled", "onehot")
# What the model learns: the next letter of a text, or the next value of a sampled sine wave
# (real numbers: linear output and mean squared error instead of softmax and cross-entropy).
TASKS = ("letters", "sine")
# The framings a sine wave can be cut with: windows of past values (as time steps, as
# features, or one value) and one value at a time with state carried (stateful). Random
# variable-length runs and per-step chunks are letter framings only.
SINE_FRAMINGS = ("naive", "feature-window", "timestep-window", "whole-batch", "stateful")
TASK_FRAMINGS = {"letters": ALL_FRAMINGS, "sine": SINE_FRAMINGS}  # the framings each task can be cut with
REGRESSION_TASKS = ("sine",)  # the tasks whose model predicts real values: linear output, mean squared error
MIN_PERIOD, MAX_PERIOD = 4, 1_000  # samples per cycle: 4 is the coarsest that still shows a wave
MAX_NOISE = 1.0  # std of the added noise; the wave's amplitude is 1
MIN_LENGTH = 8  # values of the curve to train on (at most MAX_SAMPLES)
PADDINGS = ("zeros", "mask")
CELLS = tuple(CELL_KINDS)  # lstm, gru, simple: keras.layers.LSTM, GRU (reset_after=True), SimpleRNN
MAX_LAYERS = 3  # recurrent layers stacked (the lower ones return sequences)

# Limits that keep one user from occupying a shared server (issue: "never falls over").
# The work budget counts what the LSTM cell actually computes: epochs x samples x time steps.
# The tutorial's largest run (variable-length: 500 x 1000 x 5) is 2.5 million. The operator
# may change these two (settings.py); the rest are fixed.
MAX_WORK = settings.read("LSTM_LAB_MAX_WORK")
MAX_SEQUENCE_CHARS = settings.read("LSTM_LAB_MAX_SEQUENCE")
MAX_VOCAB = 64
MAX_UNITS = 256
MAX_EPOCHS = 20_000
MAX_WINDOW = 64
MAX_BATCH = 1_024
MAX_SAMPLES = 5_000
MAX_SEED = 2**31 - 1
MAX_HORIZON = 10  # n-char-output: characters predicted per sample
# What inference accepts (generation and state traces), for the pages' help texts too.
MAX_GENERATE_STEPS = 500  # letters generated in one request
MAX_TEMPERATURE = 5.0  # sampling temperature; 0 picks the most likely letter
MAX_TRACE_CHARS = 200  # characters one state trace feeds

# Seed sweeps (CLI ``reproduce --seeds N``, the Compare page): seeds 7, 8, 9, ...
FIRST_SEED = 7  # the tutorial's numpy.random.seed(7)
MAX_SEEDS = 30  # seeds per framing in one sweep
MAX_SWEEP_RUNS = 40  # framings x seeds in one sweep (Compare): two framings x 20 seeds settle a
# one-letter gap (exact permutation test, lstm_core.analysis.stats)
MAX_SWEEP_WORK = 2 * MAX_WORK  # LSTM cell steps of a whole sweep on the shared server (Compare)


def _field(default: Any, doc: str, choices: tuple[str, ...] = ()) -> Any:
    """A config field with its description (and, for a text field, the values it allows):
    the one place they are written. The CLI's options, the exported script's comments and
    ``FIELD_DOCS`` all read them from here."""
    return dataclasses.field(default=default, metadata={"doc": doc, "choices": choices})


@dataclass(frozen=True)
class LSTMConfig:
    """Everything that defines one training run.

    Example: the tutorial's stateful framing, but on a repeating pattern::

        LSTMConfig(framing="stateful", sequence="ABAB" * 6, units=16, epochs=300,
                   shuffle=False, stateful=True)
    """

    framing: str = _field("naive", "which framing builds the data: the tutorial's six, or n-char-output",
                          ALL_FRAMINGS)
    sequence: str = _field(ALPHABET, "the training text; its sorted unique characters are the vocabulary")
    window: int = _field(1, "letters per sample (for variable-length: the longest run)")
    units: int = _field(32, "LSTM memory units: the size of the hidden state h and cell state c")
    epochs: int = _field(500, "passes over all samples")
    batch_size: int = _field(1, "samples per weight update (rows of carried state when stateful)")
    learning_rate: float = _field(0.001, "Adam's step size (Keras's default: 0.001)")
    shuffle: bool = _field(True, "reshuffle the samples every epoch, as model.fit does by default")
    stateful: bool = _field(False, "carry h and c from batch to batch, reset at each epoch's end")
    encoding: str = _field("scaled", "scaled: letter index / vocabulary size (the tutorial's); onehot",
                           ENCODINGS)
    padding: str = _field("zeros", "variable-length only: zeros (the tutorial's, like 'A') or mask", PADDINGS)
    num_samples: int = _field(1000, "variable-length only: how many random runs to draw")
    seed: int = _field(7, "one seed for weights, sample order and drawn runs")
    # Stateful framing only. Above 1 the text is cut into chunks that carry state chunk to
    # chunk, and the model predicts the next letter at every step of a chunk (as char-rnn trains).
    steps_per_update: int = _field(
        1, "stateful only: time steps per weight update (truncated backpropagation through time)")
    # The recurrent cell and how many are stacked (issue 14 part 3). The defaults are the
    # tutorial's one LSTM layer, so every earlier run, URL and stored run means what it did.
    cell: str = _field("lstm", "recurrent cell: lstm (h and c), gru (h; update, reset gates) or simple "
                       "(SimpleRNN, no gates)", CELLS)
    layers: int = _field(1, f"recurrent layers stacked, 1 to {MAX_LAYERS} (lower layers feed every step up)")

    # The sine task (issue 14 part 2): a real-valued sequence. Validated in _validate_sine.
    task: str = _field("letters", "letters: predict the next letter of the text; sine: the next value of a "
                       "sine wave", TASKS)
    period: int = _field(25, "sine only: samples per cycle of the wave")
    noise: float = _field(0.0, "sine only: standard deviation of the Gaussian noise added to every value")
    length: int = _field(200, "sine only: how many values of the wave to train on")
    # -- issue 14 parts 1 and 4 (validated in _validate_nchar) ------------------------------
    wrap: bool = _field(False, "variable-length only: runs may wrap from the text's end to its start "
                        "(...XYZABC...)")
    horizon: int = _field(1, f"n-char-output only: how many next characters one sample predicts (1 to "
                          f"{MAX_HORIZON})")

    def __post_init__(self) -> None:
        _validate(self)

    # -- conveniences -------------------------------------------------------------------
    @property
    def vocab(self) -> str:
        """The sorted unique characters of the sequence, e.g. ``"AB"`` for ``"ABAB"``."""
        return "".join(sorted(set(self.sequence)))

    @property
    def is_sine(self) -> bool:
        """True for the sine task: one real number in per time step, one out (regression)."""
        return self.task == "sine"

    @property
    def regression(self) -> bool:
        """True when the model predicts real values, not letters (a task of ``REGRESSION_TASKS``)."""
        return self.task in REGRESSION_TASKS

    @property
    def outputs(self) -> int:
        """Units of the output layer: one per letter of the vocabulary, or 1 value for sine."""
        return 1 if self.is_sine else len(self.vocab)

    @property
    def per_step(self) -> bool:
        """True when the model predicts at every time step (stateful, steps_per_update > 1)."""
        return self.steps_per_update > 1

    @property
    def decoder_steps(self) -> int:
        """Steps of the one-shot model's decoder: ``horizon`` for n-char-output, else 0 (none)."""
        return self.horizon if self.framing == "n-char-output" else 0

    @property
    def time_steps(self) -> int:
        """Time steps of one sample: 1 for feature-window (letters become features)."""
        if self.per_step:
            return self.steps_per_update
        return 1 if self.framing == "feature-window" else self.window

    @property
    def features(self) -> int:
        """Numbers fed at each time step."""
        per_letter = len(self.vocab) if self.encoding == "onehot" else 1
        return per_letter * (self.window if self.framing == "feature-window" else 1)

    @property
    def num_examples(self) -> int:
        """How many samples the framing produces (validated to be at least 1)."""
        if self.is_sine:  # a window of values, then the value after it
            return self.length - self.window
        if self.framing == "variable-length":
            return self.num_samples
        if self.per_step:  # non-overlapping chunks; each needs the letter after its last step
            return (len(self.sequence) - 1) // self.steps_per_update
        return len(self.sequence) - self.window - self.horizon + 1

    @property
    def data_size(self) -> tuple[str, str]:
        """The field the number of samples grows with, and its size: ("length", "200 values")."""
        if self.is_sine:
            return "length", f"{self.length:,} values"
        if self.framing == "variable-length":
            return "num_samples", f"{self.num_samples:,}"
        return "sequence", f"{len(self.sequence):,} characters"

    @property
    def work(self) -> int:
        """Training cost in cell steps: epochs x samples x time steps x layers."""
        return self.epochs * self.num_examples * self.time_steps * self.layers

    def replace(self, **changes: Any) -> LSTMConfig:
        """A copy with some fields changed, validated again."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> LSTMConfig:
        """Build from loosely typed values (URL parameters, JSON, CLI), converting types.

        Unknown keys are ignored; a value that cannot be converted raises ``ValueError``
        naming the field, e.g. ``from_dict({"units": "many"})``.
        """
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name not in values or values[f.name] is None:
                continue
            kwargs[f.name] = convert(f.name, f.type, values[f.name])
        return cls(**kwargs)


# Every field's description, by name (a field added without ``_field`` shows up as "").
FIELD_DOCS: dict[str, str] = {f.name: f.metadata.get("doc", "") for f in dataclasses.fields(LSTMConfig)}


def _validate(c: LSTMConfig) -> None:
    """Every rule, in the order a refusal is looked for (the first broken one is reported)."""
    for f in dataclasses.fields(c):
        choices = f.metadata.get("choices")
        if choices and getattr(c, f.name) not in choices:
            reject(f.name, getattr(c, f.name), "choose one of " + ", ".join(choices))
    check_text("sequence", c.sequence, MAX_SEQUENCE_CHARS, MAX_VOCAB)
    for name, low, high in _RANGES:
        check_int(name, getattr(c, name), low, high)
    _validate_chunks(c)
    check_number("learning_rate", c.learning_rate, 1e-5, 1.0, "a number between 0.00001 and 1")
    for flag in ("shuffle", "stateful"):
        check_flag(flag, getattr(c, flag))
    if c.task == "sine":
        _validate_sine(c)
    else:
        refuse_unused(c, ("period", "noise", "length"), "it applies to the sine task only (task=sine)")
    _validate_window(c)
    check_batch(c)
    check_cost(c)  # first: it names what each step costs, not only how many there are
    if c.work > MAX_WORK:
        raise Refusal(
            "epochs", c.epochs,
            f"{c.epochs:,} epochs x {c.num_examples:,} samples x {c.time_steps} time steps"
            + (f" x {c.layers} layers" if c.layers > 1 else "")
            + f" = {c.work:,} LSTM steps, limit {MAX_WORK:,}. Lower {{epochs}} (at most "
            f"{max(1, MAX_WORK // (c.work // c.epochs)):,} here), the {{window}}, "
            f"or the {{{c.data_size[0]}}}",
            verdict="is too much work for a shared server",
        )


# The whole-number fields and their bounds, in the order they are checked.
_RANGES = (
    ("units", 1, MAX_UNITS), ("epochs", 1, MAX_EPOCHS), ("batch_size", 1, MAX_BATCH),
    ("window", 1, MAX_WINDOW), ("num_samples", 1, MAX_SAMPLES), ("seed", 0, MAX_SEED),
    ("steps_per_update", 1, MAX_WINDOW), ("layers", 1, MAX_LAYERS),
)


def _validate_chunks(c: LSTMConfig) -> None:
    """``steps_per_update`` above 1: the stateful framing cut into chunks (truncated BPTT)."""
    if c.steps_per_update == 1:
        return
    if c.framing != "stateful" or not c.stateful:
        reject(
            "steps_per_update",
            c.steps_per_update,
            "more than 1 time step per update needs the stateful framing with stateful on "
            "(the text is cut into chunks and state carries from chunk to chunk)",
        )
    if c.window != 1:
        reject("window", c.window, "with {steps_per_update} above 1 it must be 1 (chunks replace windows)")
    if c.steps_per_update > len(c.sequence) - 1:
        reject(
            "steps_per_update",
            c.steps_per_update,
            f"it must be at most {len(c.sequence) - 1}, so one chunk has a next letter to predict",
        )


def _validate_window(c: LSTMConfig) -> None:
    """The window against the text, the n-char fields, then each framing's own window rule."""
    if not c.is_sine and c.framing != "variable-length" and c.window >= len(c.sequence):
        reject(
            "window",
            c.window,
            f"it must be shorter than the {{sequence}} ({len(c.sequence)} characters), "
            "so that at least one sample has a next letter to predict",
        )
    _validate_nchar(c)
    if c.framing == "variable-length" and not c.wrap and c.window > len(c.sequence) - 1:
        reject(
            "window", c.window,
            f"the maximum length must be at most {len(c.sequence) - 1} (or turn on wrap)",
        )
    if c.framing == "naive" and c.window != 1:
        reject("window", c.window, "the naive framing feeds exactly 1 letter; use timestep-window for more")


def _validate_nchar(c: LSTMConfig) -> None:
    """The two fields of issue 14 (parts 1 and 4): ``wrap`` and ``horizon``.

    >>> from lstm_core.presets import preset
    >>> preset("variable-length").replace(window=26, wrap=True, epochs=100).window
    26
    >>> preset("timestep-window").replace(horizon=3)
    Traceback (most recent call last):
    ...
    lstm_core.validation.Refusal: horizon=3 is not allowed: only the n-char-output framing predicts \
more than 1 character.
    """
    check_flag("wrap", c.wrap)
    if c.wrap and c.framing != "variable-length":
        reject("wrap", c.wrap, "only the variable-length framing draws runs that can wrap around")
    check_int("horizon", c.horizon, 1, MAX_HORIZON)
    if c.framing != "n-char-output":
        if c.horizon != 1:
            reject("horizon", c.horizon, "only the n-char-output framing predicts more than 1 character")
        return
    if c.stateful:
        reject("stateful", c.stateful, "the n-char-output model reads each window from a fresh state")
    if c.window + c.horizon > len(c.sequence):
        reject(
            "horizon",
            c.horizon,
            f"{{window}} ({c.window}) + {{horizon}} must be at most the {{sequence}}'s {len(c.sequence)} "
            "characters, so that one sample has all its next characters",
        )


def _validate_sine(c: LSTMConfig) -> None:
    """The sine task's own fields, and the letter fields that do not apply to it.

    A refusal rather than silently ignoring a setting: a learner who typed a text or chose
    one-hot for a sine run would otherwise believe it was used::

        >>> LSTMConfig(task="sine", framing="timestep-window", window=5, sequence="ABAB")
        Traceback (most recent call last):
        ...
        lstm_core.validation.Refusal: sequence='ABAB' is not allowed: the sine task learns the wave set \
by period, noise and length, not a text; leave the sequence out.
        >>> LSTMConfig(task="sine", framing="variable-length", window=5)
        Traceback (most recent call last):
        ...
        lstm_core.validation.Refusal: framing='variable-length' is not allowed: the sine task supports \
naive, feature-window, timestep-window, whole-batch, stateful.
    """
    if c.framing not in SINE_FRAMINGS:
        reject("framing", c.framing, "the sine task supports " + ", ".join(SINE_FRAMINGS))
    if c.sequence != ALPHABET:
        reject(
            "sequence", short(c.sequence),
            "the sine task learns the wave set by period, noise and length, not a text; "
            "leave the sequence out",
        )
    if c.encoding != "scaled":
        reject("encoding", c.encoding, "the sine task feeds each value as it is (one number); use scaled")
    if c.steps_per_update != 1:
        reject("steps_per_update", c.steps_per_update, "the sine task predicts one value per sample; use 1")
    if c.stateful and c.framing != "stateful":
        reject("stateful", c.stateful, "for the sine task carried state needs the stateful framing")
    if c.framing == "stateful" and c.window != 1:
        reject("window", c.window, "the stateful framing feeds one value at a time; use 1")
    check_int("period", c.period, MIN_PERIOD, MAX_PERIOD)
    check_int("length", c.length, MIN_LENGTH, MAX_SAMPLES)
    check_number("noise", c.noise, 0.0, MAX_NOISE,
                 f"a number from 0 to {MAX_NOISE:g} (the wave's amplitude is 1)")
    if c.window >= c.length:
        reject(
            "window", c.window,
            f"it must be shorter than the {{length}} ({c.length} values), so that at least one window "
            "has a next value to predict",
        )

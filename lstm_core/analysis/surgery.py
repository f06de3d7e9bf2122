"""State surgery: let a run write on after a text, with or without changing its state first.

``continue_text(run, text)`` reads ``text`` (as :mod:`lstm_core.analysis.text_reader` reads it)
and writes on greedily; just before the text's last letter it can zero some units (once, or
held at zero from then on: switched off) or swap the state for the one another text left::

    >>> import types
    >>> from lstm_core.model.cells import init_weights
    >>> from lstm_core.presets import preset
    >>> config = preset("stateful")
    >>> run = types.SimpleNamespace(config=config, weights=init_weights(config))  # untrained
    >>> c = continue_text(run, "ABC", steps=4, zero_units=[0, 1], every_step=True)
    >>> len(c.letters), c.full.startswith("ABC"), len(c.probabilities)
    (4, True, 4)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lstm_core.analysis.text_reader import TextReader, check_text, start_reader
from lstm_core.config import LSTMConfig

MAX_CONTINUE = 200  # letters continue_text writes


@dataclass
class Continuation:
    text: str  # the text read first
    letters: str  # what the model wrote after it, greedily
    probabilities: list[float]  # the probability it gave each letter it wrote

    @property
    def full(self) -> str:
        return self.text + self.letters


def continue_text(
    run,
    text: str,
    steps: int = 10,
    warm: bool = False,
    zero_units: Sequence[int] = (),
    every_step: bool = False,
    state_from: str | None = None,
) -> Continuation:
    """Read ``text``, then write ``steps`` letters greedily, each fed back in.

    The surgery happens just before the text's last letter is read:

    - ``state_from``: the state is replaced by the one a fresh run is left with after reading
      ``state_from`` ("" means a zero state: cold). Only a stateful run carries state into
      the next sample, so only there can it be swapped.
    - ``zero_units``: those units' h and c are set to zero; with ``every_step`` they are
      held at zero after every step from then on (the units are switched off).

    With no surgery this is ``inference.generate``'s continuation: for a stateful run,
    ``continue_text(run, "ABCDEFGHIJK", 5).letters`` equals
    ``generate(run, "K", 5, warm=True).text[1:]``.
    """
    config: LSTMConfig = run.config
    units = _checked_surgery(config, text, steps, zero_units, state_from)
    reader, _ = start_reader(run, text, warm, record=False)
    for k, letter in enumerate(text[:-1]):
        reader.read(letter, k)
    if state_from is not None:
        other = TextReader(run, record=False)
        for letter in state_from:
            other.read(letter)
        reader.set_state(other.h, other.c)
    if units:
        _zero(reader, units, every_step)
    probs = reader.read(text[-1], len(text) - 1)
    letters, chances = [], []
    for k in range(steps):
        j = int(probs.argmax())
        letters.append(config.vocab[j])
        chances.append(float(probs[j]))
        if k < steps - 1:
            probs = reader.read(config.vocab[j], len(text) + k)
    return Continuation(text, "".join(letters), chances)


def _checked_surgery(
    config: LSTMConfig, text: str, steps: int, zero_units: Sequence[int], state_from: str | None
) -> list[int]:
    """Raise ``ValueError`` (one sentence) unless :func:`continue_text` can do what is asked;
    return the units to zero, sorted, each once."""
    check_text(config, text)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_CONTINUE:
        raise ValueError(
            f"steps={steps!r} is not allowed: it must be a whole number from 1 to {MAX_CONTINUE}."
        )
    units = sorted({int(u) for u in zero_units})
    if any(not 0 <= u < config.units for u in units):
        raise ValueError(
            f"zero_units={list(zero_units)!r} is not allowed: units are numbered 0 to {config.units - 1}."
        )
    if state_from is not None:
        if not config.stateful:
            raise ValueError(
                "state_from is not allowed for a stateless run: it starts every sample from zero "
                "state, so there is no carried state to swap."
            )
        check_text(config, state_from, "state_from", allow_empty=True)
    return units


def _zero(reader: TextReader, units: list[int], every_step: bool) -> None:
    """Set these units' h and c to zero now; with ``every_step``, after every later step too."""
    h, c = reader.h.copy(), reader.c.copy()
    h[:, reader.clamp_columns(units)] = 0.0
    c[:, reader.clamp_columns(units)] = 0.0
    reader.set_state(h, c)
    if every_step:
        reader.clamp = reader.clamp_columns(units)

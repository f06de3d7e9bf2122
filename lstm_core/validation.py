"""The checks every config field goes through, and the sentences that refuse a value.

``config.py`` validates an :class:`~lstm_core.config.LSTMConfig` with these; each refusal names
the field, the value given (shortened) and what is allowed, in one sentence::

    >>> check_int("units", 0, 1, 256)
    Traceback (most recent call last):
    ...
    lstm_core.validation.Refusal: units=0 is not allowed: it must be a whole number from 1 to 256.

They read no constant of ``config.py`` (which imports them), only what they are given.
"""

from __future__ import annotations

import dataclasses
import decimal
import re
from collections.abc import Callable
from typing import Any

from lstm_core.limits import cost

_MENTION = re.compile(r"\{([a-z_]+)\}")


class Refusal(ValueError):
    """A refused value as data: the ``field``, the ``value`` given (as echoed), the ``verdict``
    and what is ``allowed``, in which another field is written ``{name}``.

    ``str()`` names fields as links and the command line do; a page words it with the labels
    of its own form (:meth:`worded`), so a learner reads what the form calls a field::

        >>> r = Refusal("window", 3, "with {steps_per_update} above 1 it must be 1")
        >>> str(r)
        'window=3 is not allowed: with steps_per_update above 1 it must be 1.'
        >>> r.worded({"window": "Window", "steps_per_update": "Time steps per update"}.get)
        'Window: 3 is not allowed: with "Time steps per update" above 1 it must be 1.'
    """

    def __init__(self, field: str, value: Any, allowed: str, verdict: str = "is not allowed") -> None:
        self.field, self.value, self.allowed, self.verdict = field, value, allowed, verdict
        super().__init__(f"{field}={echo(value)} {verdict}: {_mentions(allowed, lambda n: n)}.")

    def worded(self, label: Callable[[str], str | None]) -> str:
        """The sentence with every field named by ``label(field)`` (quoted inside the sentence);
        a field ``label`` does not know (None) keeps its own name."""
        subject = label(self.field)
        allowed = _mentions(self.allowed, lambda n: f'"{label(n)}"' if label(n) else n)
        head = f"{subject}: {echo(self.value)}" if subject else f"{self.field}={echo(self.value)}"
        return f"{head} {self.verdict}: {allowed}."


def _mentions(text: str, name: Callable[[str], str]) -> str:
    return _MENTION.sub(lambda m: name(m.group(1)), text)


def reject(name: str, value: Any, allowed: str) -> None:
    """Refuse ``value`` for field ``name`` (:class:`Refusal`); ``allowed`` may mention ``{field}``s."""
    raise Refusal(name, value, allowed)


def check_int(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        reject(name, value, f"it must be a whole number from {low} to {high:,}")


def check_flag(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        reject(name, value, "it must be true or false")


def check_number(name: str, value: Any, low: float, high: float, wanted: str) -> None:
    """A real number (not a bool) from ``low`` to ``high``, else "it must be ``wanted``"."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= float(value) <= high:
        reject(name, value, f"it must be {wanted}")


def check_text(name: str, text: Any, max_chars: int, max_vocab: int) -> None:
    """A training text: printable, 2 to ``max_chars`` characters, 2 to ``max_vocab`` different ones.

    >>> check_text("sequence", "AAAA", 100, 64)
    Traceback (most recent call last):
    ...
    lstm_core.validation.Refusal: sequence='AAAA' is not allowed: it needs at least 2 different \
characters to predict.
    """
    if not isinstance(text, str):
        reject(name, text, "it must be text")
    if len(text) > max_chars:
        raise ValueError(
            f"{name} of {len(text):,} characters is not allowed: the limit is "
            f"{max_chars:,} characters; use a shorter text."
        )
    if text.strip() == "" or len(text) < 2:
        reject(name, short(text), "it needs at least 2 characters, not only spaces")
    if not text.isprintable():
        reject(name, short(text), "use printable characters only (no tabs or newlines)")
    vocab = set(text)
    if len(vocab) < 2:
        reject(name, short(text), "it needs at least 2 different characters to predict")
    if len(vocab) > max_vocab:
        reject(name, short(text), f"it may use at most {max_vocab} different characters")


def convert(name: str, type_name: Any, raw: Any) -> Any:
    kind = str(type_name)
    if kind == "int":
        return whole_number(name, raw)
    try:
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if kind == "float":
            return float(str(raw).strip())
        return str(raw)
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        wanted = {"bool": "true or false", "float": "a number"}.get(kind, "text")
        raise Refusal(name, raw, f"it must be {wanted}") from None


def whole_number(name: str, raw: Any) -> int:
    """An int from ``raw`` exactly, or a clear refusal: "1e3" is 1000, "1.5" is refused.

    Number boxes in a browser send floats and accept "1e3"; reading it as 1 (or rounding 1.5)
    would silently train something else than was typed::

        >>> whole_number("units", "1e3"), whole_number("epochs", 30.0)
        (1000, 30)
        >>> whole_number("units", "1.5")
        Traceback (most recent call last):
        ...
        lstm_core.validation.Refusal: units='1.5' is not allowed: it must be a whole number.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    text = str(raw).strip()
    try:
        if isinstance(raw, bool) or len(text) > 40:  # no allowed whole number is that long
            raise ValueError
        number = decimal.Decimal(text)  # exact: "1e3", "30.0", "99999999999999999999999"
        if not number.is_finite():
            raise ValueError
    except (ValueError, ArithmeticError):
        raise Refusal(name, raw, "it must be a whole number") from None
    if number != number.to_integral_value():
        raise Refusal(name, raw, "it must be a whole number")
    if number.adjusted() >= 30:  # "1e999999999" would be a billion-digit int; no limit is near
        raise Refusal(name, raw, "it is far too large")
    return int(number)


def echo(value: Any, limit: int = 40) -> str:
    """``repr(value)``, shortened: a message quotes what was given, never 100 KB of it."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def refuse_unused(c: Any, names: tuple[str, ...], why: str) -> None:
    """Refuse a field changed from its default where it has no effect, rather than ignore it.

    >>> from lstm_core.config import LSTMConfig
    >>> LSTMConfig(period=50)
    Traceback (most recent call last):
    ...
    lstm_core.validation.Refusal: period=50 is not allowed: it applies to the sine task only (task=sine).
    """
    defaults = {f.name: f.default for f in dataclasses.fields(c)}
    for name in names:
        if getattr(c, name) != defaults[name]:
            reject(name, getattr(c, name), why)


def check_batch(c: Any) -> None:
    """The batch size against the samples (a stateful model's must divide them)."""
    n = c.num_examples
    if c.stateful and n % c.batch_size != 0:
        divisors = [d for d in range(1, n + 1) if n % d == 0]
        reject(
            "batch_size",
            c.batch_size,
            f"a stateful LSTM needs a batch size that divides the {n} samples exactly "
            f"(carried state row i must always meet sample i); try one of {divisors[:12]}",
        )
    if c.batch_size > n:
        reject("batch_size", c.batch_size, f"it must be at most the number of samples ({n})")


def check_cost(c: Any) -> None:
    """Refuse a run estimated to train longer than ``LSTM_LAB_MAX_SECONDS`` (see cost.py)."""
    est = cost.estimate(c)
    if est.seconds <= cost.MAX_SECONDS:
        return
    most = est.largest_epochs(c.epochs)
    sizes = [f"the {{units}} ({c.units})"]
    if c.layers > 1:
        sizes.append(f"the {{layers}} ({c.layers})")
    if c.window > 1:
        sizes.append(f"the {{window}} ({c.window})")
    if c.encoding == "onehot":
        sizes.append(f"the number of different characters ({len(c.vocab)}, one-hot)")
    field, size = c.data_size  # e.g. "the {length} (200 values)": each page words the field
    sizes.append(f"the {{{field}}} ({size})")
    lower = ", ".join(sizes[:-1]) + " or " + sizes[-1]
    advice = (
        f"Lower {{epochs}} (at most {most:,} with these settings), or {lower}"
        if most >= 1
        else f"Even one epoch takes too long with these settings: lower {lower}"
    )
    raise Refusal(
        "epochs", c.epochs,
        f"training would take about {est.seconds:,.0f} s here, and the limit is "
        f"{cost.MAX_SECONDS:,.0f} s. " + advice,
        verdict="is too much work for a shared server with these settings",
    )


def short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."

"""Characters made visible: a space shown alone is an empty cell, so it is drawn as ``␣``.

Every place that shows a character (or a few) on its own goes through :func:`visible`: the
data view, the prediction table, the per-letter chart's axis, Generate's start letter and
its step tables, the State page's time steps. Text shown as text (a typed sequence, a
generated paragraph) keeps its spaces.

>>> visible("A B")
'A␣B'
>>> visible("\\u200b")  # any other invisible character: its code point
'⟨U+200B⟩'
"""

from __future__ import annotations

SPACE = "␣"  # U+2423 OPEN BOX, the usual sign for a space


def visible(text: str) -> str:
    """``text`` with spaces as ``␣`` and other invisible characters as ``⟨U+XXXX⟩``."""
    return "".join(_glyph(ch) for ch in str(text))


def _glyph(ch: str) -> str:
    if ch == " ":
        return SPACE
    if not ch.isprintable() or ch.isspace():
        return f"⟨U+{ord(ch):04X}⟩"
    return ch

"""Play respects prefers-reduced-motion (issue 27). Streamlit does not tell the server about the
browser's media queries, so the page says it in CSS: under ``@media (prefers-reduced-motion:
reduce)`` Play and its Pace are not shown (nothing is reachable that animates the step) and a
sentence says how to step instead; otherwise the sentence is not shown. Only public parts of
Streamlit are used: ``st.html`` and the ``st-key-<key>`` class Streamlit gives a keyed widget.
"""

from __future__ import annotations

import html

import streamlit as st

from ui.text.charts import REDUCED_MOTION_PLAY

NOTE_CLASS = "reduced-motion-note"


def css(keys: tuple[str, ...]) -> str:
    """The rule that hides the widgets with these keys, and shows the note, under reduced motion.

    >>> "st-key-cell_play" in css(("cell_play",))
    True
    """
    hidden = ", ".join(f".st-key-{key}" for key in keys)
    return (f"<style>.{NOTE_CLASS} {{ display: none; }} @media (prefers-reduced-motion: reduce) {{ "
            f"{hidden} {{ display: none !important; }} .{NOTE_CLASS} {{ display: block; }} }}</style>")


def reduced_motion_play(keys: tuple[str, ...] = ("cell_play", "cell_pace")) -> None:
    """Hide Play (and Pace) under reduced motion and say how to step instead."""
    st.html(f'<p class="{NOTE_CLASS}">{html.escape(REDUCED_MOTION_PLAY)}</p>{css(keys)}')

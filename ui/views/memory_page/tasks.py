"""The built-in training texts and the best any window can do on them: the Memory page shows the
picker, and the Lab shows it under its form (with a button that puts the text in the form)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lstm_core.data import texts
from ui import classroom, controls
from ui.text.memory import HELP_K, HELP_TASK, LESSON_FIXES_TEXT, MEMORY_HELP, TASK_ABOUT, TASK_TITLES


def ceiling_frame(text: str, max_window: int = 8) -> pd.DataFrame:
    rows = texts.ceiling_table(text, list(range(1, max_window + 1)))
    return pd.DataFrame(
        {
            "window (letters seen)": [r.window for r in rows],
            "best possible": [f"{r.right}/{r.total} = {100 * r.share:.1f}%" for r in rows],
        }
    )


def _use_task() -> None:
    """Button callback: runs before the script, so it may still fill the Lab form's field."""
    if classroom.fixes("sequence"):
        return
    text = texts.task_text(st.session_state["memory_task"], int(st.session_state.get("memory_k", 4)))
    st.session_state[controls.KEY["sequence"]] = text


def task_picker(in_lab: bool = True) -> str:
    """Pick a built-in text, see its ceilings; in the Lab, a button puts it in the form."""
    name = st.selectbox(
        "Built-in training text", texts.TASKS, format_func=TASK_TITLES.get, key="memory_task", help=HELP_TASK
    )
    k = 4
    if name == "delayed-recall":
        k = int(
            st.number_input(
                "Delay k",
                min_value=texts.MIN_DELAY,
                max_value=texts.MAX_DELAY,
                value=4,
                step=1,
                key="memory_k",
                help=HELP_K,
            )
        )
    text = texts.task_text(name, k)
    st.caption(TASK_ABOUT[name])
    st.code(text, language=None, wrap_lines=True)
    needed = texts.memory_needed(text)
    # A static table (not a dataframe widget): a few rows, nothing to sort or scroll.
    st.table(ceiling_frame(text, max(needed or 1, 4) + 1).set_index("window (letters seen)"))
    if in_lab and classroom.fixes("sequence"):  # a lesson's link fixed the text: not ours to change
        st.caption(LESSON_FIXES_TEXT)
    elif in_lab:
        st.button(
            "Use this text in the form",
            on_click=_use_task,
            icon=":material/input:",
            help=MEMORY_HELP["use_task"],
        )
    return text

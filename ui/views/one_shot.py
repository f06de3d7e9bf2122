"""The Lab's "one shot or recursive?" section for the n-char-output framing (issue 14 part 1).

One click trains both ways side by side (``train_many``): the one-shot encoder-decoder the
form describes, and the one-letter timestep-window model with the same window and settings,
fed its own answers. The engine scores both on the same windows, position by position
(``nchar.per_position``); this section words it. The one-shot run also becomes the current
model (Generate then continues N letters at a time), and both runs are kept in the session.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lstm_core.config import LSTMConfig
from lstm_core.model import nchar
from lstm_core.model.results import TrainResult
from ui import errors, runner, session
from ui.text.cells import CELL_NAMES
from ui.text.lab import ONE_SHOT_EXPLAIN, ONE_SHOT_HELP

RUNS = "nchar_runs"  # session key: {"config", "one shot", "recursive"} of the last comparison
def position_words(table: pd.DataFrame) -> str:
    """The table in one sentence: where the two ways part, from the engine's figures.

    >>> t = pd.DataFrame({"position": [1, 2, 3], "one shot": [90.0, 85.0, 80.0],
    ...                   "recursive": [95.0, 85.0, 70.0]})
    >>> position_words(t)
    'At position 1 recursive is ahead by 5.00 points; at position 3 one shot is ahead by 10.00 points.'
    """
    parts = []
    gaps = table["one shot"] - table["recursive"]
    first, last = table.index[0], table.index[-1]
    for idx in dict.fromkeys([first, last]):
        gap = float(gaps[idx])
        pos = int(table["position"][idx])
        if abs(gap) < 0.005:
            parts.append(f"at position {pos} both score {table['one shot'][idx]:.2f}%")
        else:
            ahead = "one shot" if gap > 0 else "recursive"
            parts.append(f"at position {pos} {ahead} is ahead by {abs(gap):.2f} points")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def train_both(config: LSTMConfig) -> None:
    """Train both ways at once through the runner; a run that finished is kept (a click may
    stop the other). The one-shot run becomes the current model."""
    pairs = [("one shot", config), ("recursive", nchar.recursive_config(config))]

    def collect(runs: dict) -> dict:
        return {"config": config, "one shot": runs.get("one shot"), "recursive": runs.get("recursive")}

    kept = runner.train_labelled(pairs, collect, RUNS, key="nchar_stop",
                                 stop_help="Stop now; a run that finished is kept.")
    if kept["one shot"] is not None:
        session.set_run(kept["one shot"], meta={"origin": "lab n-char compare"})


def comparison(shown: LSTMConfig, run: TrainResult | None) -> None:
    """The section, for an n-char-output form (or current run); nothing for other framings."""
    if nchar.is_n_char(shown):
        config = shown
    elif run is not None and nchar.is_n_char(run.config):
        config = run.config
    else:
        return
    with st.container(border=True, key="nchar_compare"):
        st.subheader("One shot or recursive: accuracy per output position", anchor=False)
        st.markdown(ONE_SHOT_EXPLAIN.format(k=config.horizon, cell=CELL_NAMES[config.cell]))
        if st.button("Train both and compare", icon=":material/compare_arrows:", key="nchar_train_both",
                     help=ONE_SHOT_HELP):
            try:
                train_both(config)
            except Exception as exc:  # one sentence for the user; a bug's traceback goes to the log
                errors.show_error(exc, "Training both ways")
            else:
                st.rerun()  # the one-shot run is the current model now: its results go above
        kept = runner.kept(RUNS)
        if kept and kept["config"] == config:
            one_shot, recursive = kept["one shot"], kept["recursive"]
        elif run is not None and run.config == config:
            one_shot, recursive = run, None  # trained with Train: the one-shot column only
        else:
            st.caption("Press **Train both and compare** to fill the table for these settings.")
            return
        if one_shot is None and recursive is None:
            st.caption("Stopped before either model finished: nothing to score yet.")
            return
        table = nchar.per_position(config, one_shot, recursive)
        st.dataframe(
            table,
            hide_index=True,
            key="nchar_table",
            column_config={
                "position": st.column_config.NumberColumn(
                    "output position", help="1 is the letter right after the window, 2 the one after, …"
                ),
                "one shot": st.column_config.NumberColumn(
                    "one shot", format="%.2f%%", help="Encoder-decoder: all letters at once."
                ),
                "recursive": st.column_config.NumberColumn(
                    "recursive", format="%.2f%%", help="One-letter model fed its own answers."
                ),
            },
        )
        windows = config.num_examples
        if one_shot is not None and recursive is not None:
            st.markdown(position_words(table))
        elif recursive is None:
            st.caption("Only the one-shot model is trained for these settings: press "
                       "**Train both and compare** for the recursive column.")
        st.caption(f"Both are scored on the same {windows} windows of {config.window} letters; "
                   f"one window = {100 / windows:.2f} points.")

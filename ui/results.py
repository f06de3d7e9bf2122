"""What a trained run (or a config about to be trained) looks like on the page.

- ``data_view(config)``: the actual ``[samples, time steps, features]`` tensor, as letters
  and as numbers, with its shape spelled out.
- ``show_results(run)``: accuracy against the tutorial, predictions, per-letter accuracy,
  training history and the four downloads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core import inference
from lstm_core.config import PRESETS, LSTMConfig
from lstm_core.framings import make_dataset
from lstm_core.results import TrainResult

from . import charts, safe
from .text import TENSOR

MAX_ROWS = 200  # rows of the tensor shown; the variable-length framing draws up to 5000 samples


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def data_view(config: LSTMConfig, expanded: bool = False) -> None:
    """An expander labelled "Data" with the tensor this config feeds the LSTM."""
    with st.expander("Data: the tensor the LSTM reads", icon=":material/table_view:", expanded=expanded):
        try:
            data = make_dataset(config)
        except ValueError as exc:
            st.error(safe.plain(exc), icon=":material/error:")
            return
        n, t, f = data.X.shape
        axes = data.axes
        st.markdown(TENSOR)
        st.markdown(
            f"**X has shape [{n}, {t}, {f}]**: {axes['samples']} × {axes['time_steps']} × "
            f"{axes['features']}.  \n**y has shape [{', '.join(map(str, data.y.shape))}]**: for each "
            f"{'time step of each sample' if data.per_step else 'sample'}, "
            f"a one-hot vector over the {_plural(len(data.vocab), 'character')} of the vocabulary."
        )
        if n > MAX_ROWS:
            st.caption(f"Showing the first {MAX_ROWS} of {n:,} samples.")
        letters_tab, numbers_tab = st.tabs(["Letters", "Numbers"])
        grid = data.letter_grid()[:MAX_ROWS]
        step_cols = [f"t{i + 1}" for i in range(len(grid[0]))]
        letters = pd.DataFrame(grid, columns=step_cols)
        letters["→ next (target)"] = data.targets[:MAX_ROWS]
        letters_tab.dataframe(letters, height=260)
        flat = data.X[:MAX_ROWS].reshape(min(n, MAX_ROWS), t * f)
        num_cols = [f"t{i + 1}·f{j + 1}" for i in range(t) for j in range(f)]
        numbers = pd.DataFrame(np.round(flat, 4), columns=num_cols)
        ids = data.target_ids[:MAX_ROWS]
        # Per-step runs (issue 12) have a target at every time step: show them side by side.
        numbers["target id"] = [" ".join(map(str, r)) for r in ids] if data.per_step else ids
        numbers_tab.dataframe(numbers, height=260)
        numbers_tab.caption(
            "Column t2·f1 is time step 2, feature 1. The target id is the index "
            "of the next letter in the vocabulary: y holds a 1 there."
        )


def differing_fields(config: LSTMConfig) -> list[str]:
    """Fields where ``config`` departs from its framing's tutorial preset."""
    base = PRESETS[config.framing].config
    return [k for k, v in config.to_dict().items() if v != getattr(base, k)]


def accuracy_metrics(run: TrainResult) -> float:
    """The Accuracy metric beside the tutorial's figure; returns accuracy in percent."""
    acc = 100 * inference.accuracy(run)
    tutorial = PRESETS[run.config.framing].tutorial_accuracy
    cols = st.columns(3)
    cols[0].metric(
        "Accuracy",
        f"{acc:.2f}%",
        delta=f"{acc - tutorial:+.2f} vs tutorial",
        delta_color="off" if abs(acc - tutorial) < 0.005 else "normal",
        help="Share of samples whose most likely next letter is right, with the trained "
        "state handling (like Keras's model.evaluate).",
    )
    cols[1].metric("Tutorial", f"{tutorial:.2f}%", help="What the tutorial reported for this preset.")
    cols[2].metric(
        "Epochs trained",
        f"{run.epochs_done:,}",
        help=f"Of {run.config.epochs:,} asked for, in {run.seconds:.1f} s (compiling a new shape included).",
    )
    note = f"`{run.config.framing}` trained in {run.seconds:.1f} s."
    changed = differing_fields(run.config)
    if changed:
        note += (
            " Your settings differ from the tutorial's for this framing in: "
            + ", ".join(changed)
            + "; its figure is for its own settings."
        )
    st.caption(note)
    return acc


def downloads(run: TrainResult) -> None:
    """The four download buttons. The .keras file is built only when clicked (deferred)."""
    from lstm_core import csvs, keras_file, script

    name = f"lstm-{run.config.framing}"
    # (label, data, file name, mime type, icon, help). A callable `data` is run by Streamlit
    # only on click: building a Keras model costs about a second and memory, which most
    # visitors never need.
    buttons = [
        ("Model (.keras)", lambda: keras_file.keras_bytes(run), f"{name}.keras", "application/octet-stream",
         ":material/download:", "The trained model as a Keras 3 file: keras.models.load_model('…keras')."),
        ("History (CSV)", csvs.history_csv(run), f"{name}-history.csv", "text/csv",
         ":material/download:", "Loss and accuracy per epoch."),
        ("Predictions (CSV)", csvs.predictions_csv(run), f"{name}-predictions.csv", "text/csv",
         ":material/download:", "The prediction table below."),
        ("Keras script (.py)", script.keras_script(run.config), f"{name}.py", "text/x-python",
         ":material/code:", "A runnable plain-Keras script (model.fit) with these settings."),
        ("Notebook (.ipynb)", lambda: _notebook_bytes(run.config), f"{name}.ipynb",
         "application/x-ipynb+json", ":material/menu_book:",
         "The same script as a Jupyter notebook, each step explained in a text cell."),
    ]
    row = st.container(horizontal=True, gap="small")  # wraps on narrow screens
    for label, data, file_name, mime, icon, help_text in buttons:
        row.download_button(
            label, data=data, file_name=file_name, mime=mime, on_click="ignore", icon=icon, help=help_text
        )


def _notebook_bytes(config: LSTMConfig) -> bytes:
    from lstm_core.notebook import notebook_bytes  # nbformat: loaded only when clicked

    return notebook_bytes(config)


def show_results(run: TrainResult) -> None:
    """Everything about a trained run, ready to read."""
    if run.stopped:
        st.warning(
            f"Stopped after epoch {run.epochs_done:,} of {run.config.epochs:,}: the partial model "
            "and its history are kept.",
            icon=":material/pause_circle:",
        )
    accuracy_metrics(run)
    downloads(run)
    table = inference.prediction_table(run)
    st.markdown("**Predictions**")
    st.dataframe(
        table,
        hide_index=True,
        height=300,
        column_config={
            "probability": st.column_config.ProgressColumn(
                "probability", min_value=0.0, max_value=1.0, format="%.3f"
            ),
            "correct": st.column_config.CheckboxColumn("correct"),
        },
    )
    st.markdown("**Accuracy per letter to predict**")
    st.altair_chart(charts.per_letter_chart(inference.per_letter_accuracy(run)), width="stretch")
    st.markdown("**Training history**")
    st.altair_chart(charts.history_chart(run.history), width="stretch")

"""What a trained run (or a config about to be trained) looks like on the page.

- ``data_view(config)``: the actual ``[samples, time steps, features]`` tensor, as letters
  and as numbers, with its shape spelled out.
- ``show_results(run)``: accuracy against the tutorial (alphabet) or the ceiling (any other
  text), predictions, per-letter accuracy, training history and the five downloads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core.analysis import inference
from lstm_core.config import ALPHABET, LSTMConfig
from lstm_core.data.ceiling import ceiling, dataset_ceiling, stateful_ceiling
from lstm_core.data.dataset import Dataset
from lstm_core.data.framings import make_dataset
from lstm_core.model.results import TrainResult
from lstm_core.presets import PRESETS, preset
from ui import charts, safe
from ui.controls import LABELS
from ui.safe import visible
from ui.text import charts as chart_words
from ui.text.lab import CEILING_HELP, TENSOR
from ui.text.shared import DOWNLOAD_HELP, stopped
from ui.views import downloads as dl
from ui.views.chart_words import show_chart

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
            f"{_y_rows(data)}, "
            f"a one-hot vector over the {_plural(len(data.vocab), 'character')} of the vocabulary."
        )
        if n > MAX_ROWS:
            st.caption(f"Showing the first {MAX_ROWS} of {n:,} samples.")
        letters_tab, numbers_tab = st.tabs(["Letters", "Numbers"])
        grid = [[visible(ch) for ch in row] for row in data.letter_grid()[:MAX_ROWS]]
        step_cols = [f"t{i + 1}" for i in range(len(grid[0]))]
        letters = pd.DataFrame(grid, columns=step_cols)
        letters["→ next (target)"] = [visible(ch) for ch in data.targets[:MAX_ROWS]]
        letters_tab.dataframe(letters, height=260)
        flat = data.X[:MAX_ROWS].reshape(min(n, MAX_ROWS), t * f)
        num_cols = [f"t{i + 1}·f{j + 1}" for i in range(t) for j in range(f)]
        numbers = pd.DataFrame(np.round(flat, 4), columns=num_cols)
        ids = data.target_ids[:MAX_ROWS]
        # Several targets per sample (a per-step run: one per time step; a one-shot run: one per
        # output position): show them side by side.
        several = ids.ndim > 1
        numbers["target id"] = [" ".join(map(str, r)) for r in ids] if several else ids
        numbers_tab.dataframe(numbers, height=260)
        numbers_tab.caption(
            "Column t2·f1 is time step 2, feature 1. The target id is the index "
            "of the next letter in the vocabulary: y holds a 1 there."
        )


def _y_rows(data: Dataset) -> str:
    """What one row of y answers, in words."""
    if data.per_step:
        return "time step of each sample"
    if data.target_ids.ndim > 1:  # one target per output position (one shot)
        return f"each of the next {data.config.horizon} letters of each sample"
    return "sample"


def differing_fields(config: LSTMConfig) -> list[str]:
    """Fields where ``config`` departs from its framing's (tutorial) preset."""
    base = preset(config.framing)
    return [k for k, v in config.to_dict().items() if v != getattr(base, k)]


def differences(trained: LSTMConfig, shown: LSTMConfig) -> str:
    """The settings where a trained run differs from the form, in words ("" if none).

    Fields are named by the form's labels and switches read on/off (not Python's True/False)::

        >>> from lstm_core.presets import preset
        >>> differences(preset("naive"), preset("naive").replace(units=16))
        'Units 32, not 16'
        >>> differences(preset("naive"), preset("naive").replace(shuffle=False))
        'Shuffle each epoch on, not off'
    """
    if trained == shown:
        return ""
    names = [k for k, v in trained.to_dict().items() if v != getattr(shown, k)]
    return "; ".join(
        f"{LABELS.get(k, k)} {_short(getattr(trained, k))}, not {_short(getattr(shown, k))}" for k in names
    )


def _short(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    text = str(value)
    return text if len(text) <= 24 else text[:21] + "…"


@dataclass(frozen=True)
class Yardstick:
    """What a run's accuracy is held against: the tutorial's figure on the tutorial's alphabet,
    the ceiling of this framing on any other text (a custom text was never in the tutorial)."""

    kind: str  # "tutorial" or "ceiling"
    value: float  # percent
    stateless_ceiling: float  # percent: the best a model without carried state can do on this data


def yardstick(config: LSTMConfig, data: Dataset) -> Yardstick:
    """``data`` is the run's ``Dataset``. The alphabet, with any framing, meets its tutorial figure::

    >>> from lstm_core.presets import preset
    >>> cfg = preset("naive").replace(sequence="aaaabbbccd" * 6)
    >>> yardstick(cfg, make_dataset(cfg))
    Yardstick(kind='ceiling', value=69.49, stateless_ceiling=69.49)
    >>> yardstick(preset("naive"), make_dataset(preset("naive"))).kind
    'tutorial'
    """
    # A per-step model predicts inside chunks; without memory it would read one letter.
    stateless = round(100 * (ceiling(config.sequence, 1) if data.per_step else dataset_ceiling(data)), 2)
    if config.sequence == ALPHABET and config.framing in PRESETS:
        return Yardstick("tutorial", PRESETS[config.framing].tutorial_accuracy, stateless)
    best = round(100 * stateful_ceiling(data), 2) if config.stateful else stateless
    return Yardstick("ceiling", best, stateless)


def _delta(acc: float, target: float, against: str) -> tuple[str, str]:
    """(delta text, arrow): rounded first, so a tie reads "same as tutorial", never "-0.00"."""
    diff = round(acc, 2) - round(target, 2)
    if abs(diff) < 0.005:
        return ("same as tutorial" if against == "tutorial" else "at the ceiling"), "off"
    return f"{diff:+.2f} vs {against}", "auto"


def accuracy_metrics(run: TrainResult) -> float:
    """The Accuracy metric beside its yardstick (see :func:`yardstick`); returns accuracy in percent."""
    acc = 100 * inference.accuracy(run)
    ref = yardstick(run.config, run.dataset)
    delta, arrow = _delta(acc, ref.value, ref.kind)
    cols = st.columns(3)
    cols[0].metric(
        "Accuracy",
        f"{acc:.2f}%",
        delta=delta,
        delta_arrow=arrow,
        delta_color="off" if arrow == "off" else "normal",
        help="Share of samples whose most likely next letter is right, with the trained "
        "state handling (like Keras's model.evaluate).",
    )
    if ref.kind == "tutorial":
        cols[1].metric("Tutorial", f"{ref.value:.2f}%", help="What the tutorial reported for this preset.")
    else:
        cols[1].metric("Ceiling", f"{ref.value:.2f}%", help=CEILING_HELP)
    cols[2].metric(
        "Epochs trained",
        f"{run.epochs_done:,}",
        help=f"Of {run.config.epochs:,} asked for, in {run.seconds:.1f} s (compiling a new shape included).",
    )
    note = f"`{run.config.framing}` trained in {run.seconds:.1f} s."
    if ref.kind == "tutorial":
        changed = differing_fields(run.config)
        if changed:
            note += (
                " Your settings differ from the tutorial's for this framing in: "
                + ", ".join(changed)
                + "; its figure is for its own settings."
            )
        if ref.stateless_ceiling == 100:
            note += (
                " The ceiling here is 100%: each input has one right answer, so a model needs no "
                "memory to get every one right."
            )
        else:
            note += f" The ceiling here is {ref.stateless_ceiling:.2f}%."
    else:
        note += (
            " Your own text is scored against its ceiling, not the tutorial (whose figure is "
            f"for the alphabet): no model that reads what this framing reads can beat "
            f"{ref.value:.2f}% on it."
        )
        if run.config.stateful and ref.value > ref.stateless_ceiling:
            note += (
                f" That counts the carried state: without it the best is {ref.stateless_ceiling:.2f}%, "
                "so anything above that is memory at work."
            )
    st.caption(note)
    return acc


def downloads(run: TrainResult) -> None:
    """The five download buttons. The .keras file and the notebook are built only when clicked."""
    from lstm_core.export import csvs

    name = f"lstm-{run.config.framing}"
    tables = [
        dl.csv("History (CSV)", csvs.history_csv(run), f"{name}-history.csv", DOWNLOAD_HELP["lab_history"]),
        dl.csv("Predictions (CSV)", csvs.predictions_csv(run), f"{name}-predictions.csv",
               DOWNLOAD_HELP["lab_predictions"]),
    ]
    dl.show(dl.run_files(run, name, tables, DOWNLOAD_HELP["lab_script"]))


def show_results(run: TrainResult) -> None:
    """Everything about a trained run, ready to read."""
    if run.stopped:
        st.warning(stopped(run), icon=":material/pause_circle:")
    accuracy_metrics(run)
    downloads(run)
    table = inference.prediction_table(run)
    for column in ("input", "expected", "predicted"):
        table[column] = table[column].map(visible)
    st.markdown("**Predictions**")
    st.dataframe(
        table,
        hide_index=True,
        height=300,
        width="stretch",
        column_config={
            "probability": st.column_config.ProgressColumn(
                "probability", min_value=0.0, max_value=1.0, format="%.3f"
            ),
            "correct": st.column_config.CheckboxColumn("correct"),
        },
    )
    st.markdown("**Accuracy per letter to predict**")
    per_letter = inference.per_letter_accuracy(run)
    show_chart(charts.per_letter_chart(per_letter, run.config.vocab), chart_words.per_letter(per_letter),
               per_letter)
    st.markdown("**Training history**")
    show_chart(charts.history_chart(run.history), chart_words.history(run.history),
               charts.history_table(run.history))

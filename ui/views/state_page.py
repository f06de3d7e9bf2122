"""The State page's body (``pages/state.py`` lays it out): the h and c trace, the reset timeline,
and the within-batch experiment (``lstm_core.experiments.within_batch``, trained by the runner)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lstm_core.analysis import inference
from lstm_core.config import MAX_TRACE_CHARS
from lstm_core.experiments import within_batch
from lstm_core.model.results import TrainResult
from ui import charts, errors, runner, safe, session
from ui.safe import visible
from ui.text import charts as chart_words
from ui.text.cells import CELL_STATE, model_words
from ui.text.state import (
    HELP_TEXT,
    WITHIN_BATCH,
    WITHIN_BATCH_CONTROL,
    WITHIN_BATCH_GAP,
    WITHIN_BATCH_STOP,
    WITHIN_BATCH_STOPPED,
    WITHIN_BATCH_VERDICT,
)
from ui.views.chart_words import show_chart


def model_caption(run: TrainResult) -> None:
    c = run.config
    st.caption(
        f"Model: `{c.framing}` · {model_words(c)} · {c.units} units · "
        f"{'stateful' if c.stateful else 'stateless'}"
    )


def trace_section(run: TrainResult) -> None:
    config = run.config
    has_c = config.cell == "lstm"
    st.subheader("Hidden state h and cell state c" if has_c else "Hidden state h", anchor=False)
    text = st.text_input(
        "Text to trace",
        value=config.sequence[: min(12, len(config.sequence))],
        key=f"state_text_{abs(hash(config))}",
        help=HELP_TEXT,
        max_chars=MAX_TRACE_CHARS,
    )
    try:
        trace = inference.state_trace(run, text)
    except ValueError as exc:
        st.error(safe.plain(exc), icon=":material/error:")
        return
    top = " of the top layer (the one the output reads)" if config.layers > 1 else ""
    st.caption(
        f"Each column is one time step (the letter fed), each row one unit{top}. ↺ marks a step "
        "that started from zero state. " + CELL_STATE[config.cell]
    )
    fed = [visible(lab) for lab in trace.labels]
    for name, values in (("h", trace.h), ("c", trace.c))[: 2 if has_c else 1]:
        show_chart(charts.state_heatmap(values, trace.labels, trace.reset_before, name),
                   chart_words.heatmap(values, fed, name), chart_words.heatmap_table(values, fed, name))
    steps = pd.DataFrame(
        {
            "fed": [visible(lab) for lab in trace.labels],
            "reset to zero before": ["↺" if r else "" for r in trace.reset_before],
            "predicts next": [visible(p) for p in trace.predictions],
        },
        index=[f"step {i + 1}" for i in range(len(trace.labels))],
    ).T
    st.dataframe(steps)


def reset_section(run: TrainResult) -> None:
    config = run.config
    st.subheader("When is the state reset?", anchor=False)
    n, b = config.num_examples, config.batch_size
    if config.stateful:
        st.markdown(
            f"This model is **stateful**: row *i* of each batch of {b} starts from the state "
            f"row *i* of the previous batch ended with. Only the first batch of an epoch starts "
            f"from zero, because the state is reset at the end of every epoch ({n} samples)."
        )
    else:
        st.markdown(
            f"This model is **stateless**: every sample starts from zero state, whatever the "
            f"batch size ({b}). Within a sample the state flows from time step to time step "
            f"({config.time_steps} here), and then it is thrown away."
        )
    timeline = inference.reset_timeline(config, samples=100)
    if n > 100:
        st.caption(f"First 100 of the epoch's {n:,} samples, in unshuffled order.")
    show_chart(charts.reset_strip(timeline), chart_words.reset_strip(timeline), timeline)


def run_experiment() -> None:
    """Train the whole-batch preset three ways at once (same seed, 16 units, 5000 epochs).

    A Stop keeps an empty list (not None): the three are compared, so a stopped arm leaves
    nothing to show, and the page says so instead of looking as if nothing was run.
    """
    runner.train_labelled(within_batch.arm_configs(), lambda runs: within_batch.outcomes(runs) or [],
                          session.EXPERIMENT, key="state_exp_stop", stop_help=WITHIN_BATCH_STOP)


def experiment_section() -> None:
    st.subheader("The within-batch experiment", anchor=False)
    st.markdown(WITHIN_BATCH)
    if st.button("Run the experiment", icon=":material/experiment:"):
        try:
            run_experiment()
        except Exception as exc:  # one sentence for the user; a bug's traceback goes to the log
            errors.show_error(exc, "The experiment")
    outcomes = runner.kept(session.EXPERIMENT)
    if outcomes == []:
        st.warning(WITHIN_BATCH_STOPPED, icon=":material/pause_circle:")
    if not outcomes:
        st.caption("Three trainings of 5000 epochs each; a few seconds in all.")
        return
    for col, o in zip(st.columns(len(outcomes)), outcomes):
        with col:
            st.metric(
                f"Accuracy, {o['label']}",
                f"{o['accuracy']:.2f}%",
                help=f"Batch size {o['batch_size']}; trained in {o['seconds']:.1f} s",
            )
            show_chart(charts.history_chart(o["history"], height=200), chart_words.history(o["history"]),
                       charts.history_table(o["history"]))
    gap = within_batch.shuffle_gap(outcomes)
    if gap < within_batch.SAME:
        st.success(WITHIN_BATCH_VERDICT, icon=":material/check_circle:")
    else:
        st.warning(WITHIN_BATCH_GAP.format(gap=gap) + WITHIN_BATCH_VERDICT, icon=":material/info:")
    st.info(WITHIN_BATCH_CONTROL.format(control=within_batch.control(outcomes)), icon=":material/science:")

"""State: what the LSTM's memory holds, when it is wiped, and what a batch does not do.

- h (hidden state) is what the LSTM outputs at each step; c (cell state) is its longer-term
  memory. Both have one number per unit and are updated at every time step.
- The reset timeline shows, for the current framing, which samples start from zero state.
- The within-batch experiment tests the tutorial's claim that state flows between the
  samples of one batch.
"""

import pandas as pd
import streamlit as st

from lstm_core.analysis import inference
from lstm_core.config import MAX_TRACE_CHARS
from lstm_core.model.results import TrainResult
from lstm_core.presets import preset
from ui import charts, errors, safe, session, training
from ui.glyphs import visible
from ui.routing import page_setup
from ui.text import WITHIN_BATCH, WITHIN_BATCH_VERDICT

HELP_TEXT = (
    f"Characters to feed the model, one time step each (at most {MAX_TRACE_CHARS}, all from its "
    "vocabulary). Windowed models read the last window of it as one sample."
)

page_setup("State")  # first: page config and the links to every page


# What each cell carries from step to step, and how h is made (GRU and SimpleRNN have no c).
CELL_STATE = {
    "lstm": "h = o · tanh(c) stays between -1 and 1; c can grow.",
    "gru": "A GRU carries h only (no c): h = z · h_prev + (1 − z) · candidate, between -1 and 1.",
    "simple": "A SimpleRNN carries h only (no c, no gates): h = tanh(x·W + h_prev·U + b).",
}
CELL_NAME = {"lstm": "LSTM", "gru": "GRU", "simple": "SimpleRNN"}


def model_words(config) -> str:
    """``LSTM`` or e.g. ``2 stacked GRU layers`` for the page's captions."""
    name = CELL_NAME[config.cell]
    return name if config.layers == 1 else f"{config.layers} stacked {name} layers"


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
    st.altair_chart(charts.state_heatmap(trace.h, trace.labels, trace.reset_before, "h"), width="stretch")
    if has_c:
        st.altair_chart(charts.state_heatmap(trace.c, trace.labels, trace.reset_before, "c"), width="stretch")
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
    st.altair_chart(charts.reset_strip(timeline), width="stretch")


# The experiment's arms: the tutorial's run, the same with shuffling, and a control with no
# batch at all (one sample per update, as in the naive framing) but the same 5000 epochs.
ARMS = (
    ("shuffle off", {"shuffle": False}),
    ("shuffle on", {"shuffle": True}),
    ("batch of 1", {"shuffle": True, "batch_size": 1}),
)


def run_experiment() -> list[dict]:
    """Train the whole-batch preset three ways: same seed, same 16 units, same 5000 epochs."""
    outcomes = []
    bar = st.progress(0.0, text="starting…")
    queue = st.empty()
    configs = [preset("whole-batch").replace(**changes) for _, changes in ARMS]
    labels = [label for label, _ in ARMS]
    # Stopped runs are not yielded, so each run's label is found by its config, not its place.
    for config, run in training.train_in_turn(configs, labels, bar, queue):
        outcomes.append(
            {
                "label": labels[configs.index(config)],
                "accuracy": 100 * inference.accuracy(run),
                "history": run.history,
                "seconds": run.seconds,
                "batch_size": config.batch_size,
            }
        )
    bar.empty()
    return outcomes


def experiment_section() -> None:
    st.subheader("The within-batch experiment", anchor=False)
    st.markdown(WITHIN_BATCH)
    if st.button("Run the experiment", icon=":material/experiment:"):
        try:
            st.session_state[session.EXPERIMENT] = run_experiment()
        except Exception as exc:  # one sentence for the user; a bug's traceback goes to the log
            errors.show_error(exc, "The experiment")
    outcomes = st.session_state.get(session.EXPERIMENT)
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
            st.altair_chart(charts.history_chart(o["history"], height=200), width="stretch")
    gap = abs(outcomes[0]["accuracy"] - outcomes[1]["accuracy"])
    if gap < 0.01:
        st.success(WITHIN_BATCH_VERDICT, icon=":material/check_circle:")
    else:
        st.warning(
            f"The two runs differ by {gap:.2f} points. All 25 samples form one batch, so each "
            "update averages the same 25 gradients whatever their order; small differences "
            "come from floating-point summation order, not from state. " + WITHIN_BATCH_VERDICT,
            icon=":material/info:",
        )
    st.info(
        f"The control, one sample per update (no batch to carry anything), reaches "
        f"{outcomes[2]['accuracy']:.2f}% with the same 5000 epochs. What the tutorial's "
        "whole-batch run had that the naive one lacked was ten times the training.",
        icon=":material/science:",
    )


def main() -> None:
    st.title("State", anchor=False)
    st.caption("What the LSTM remembers while it reads, and when that memory is wiped.")
    run = training.require_run("State")
    if run is not None:
        st.caption(
            f"Model: `{run.config.framing}` · {model_words(run.config)} · {run.config.units} units · "
            f"{'stateful' if run.config.stateful else 'stateless'}"
        )
        trace_section(run)
        reset_section(run)
    st.divider()
    experiment_section()


main()

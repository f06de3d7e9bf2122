"""The Memory page's experiment: truncated backpropagation on delayed recall, three arms, several
seeds, trained at once by the runner; the engine (``lstm_core.experiments.truncated_bptt``)
scores and judges, this module draws."""

from __future__ import annotations

import logging

import altair as alt
import pandas as pd
import streamlit as st

from lstm_core.data import texts
from lstm_core.experiments import truncated_bptt as exp
from ui import errors, runner, safe
from ui.text import charts as chart_words
from ui.text.memory import (
    EXPERIMENT_ABOUT,
    HELP_K,
    MEMORY_HELP,
    ORDER_HELP,
    OUTCOME_CAPTION,
    SHORT,
    STOPPED_EARLY,
    WAIT_SCORING,
    WHY_A,
    unstarted_words,
    verdict_sentence,
)
from ui.views.chart_words import show_chart

log = logging.getLogger(__name__)
EXPERIMENT = "memory_experiment"  # session key: the experiment's outcomes


def outcome_frame(outcomes) -> pd.DataFrame:
    """One row per model that trained at least one epoch (the page leaves the others out)."""
    return pd.DataFrame(
        [
            {
                "arm": f"({o.arm}) {SHORT[o.arm]}",
                "seed": o.seed,
                "recalled letters": o.recall_accuracy,
                "recalled, right": f"{o.recall_right} of {o.recall_total}",
                "theory, recalled": o.recall_ceiling,
                "all letters": o.accuracy,
                "window ceiling, all": o.ceiling,
                "cue via carried state": o.cue_beyond,
                "most via carried state": o.max_beyond,
                "final loss": o.history[-1].loss,
                "epochs": o.epochs,
                "finished": "stopped" if o.stopped else "yes",
                "seconds": o.seconds,
            }
            for o in outcomes
        ]
    )


def outcome_chart(frame: pd.DataFrame) -> alt.Chart:
    base = alt.Chart(frame).encode(x=alt.X("arm:N", title=None, axis=alt.Axis(labelAngle=0, labelLimit=220)))
    points = base.mark_circle(size=90).encode(
        y=alt.Y(
            "recalled letters:Q",
            scale=alt.Scale(domain=[0, 1.05]),
            axis=alt.Axis(format="%"),
            title="accuracy on the recalled letters",
        ),
        color=alt.Color("seed:N", legend=alt.Legend(orient="top")),
        xOffset="seed:N",
        # A model a Stop cut short is drawn faint: scored as far as it got, not a result.
        opacity=alt.condition(alt.datum.finished == "yes", alt.value(0.8), alt.value(0.25)),
        tooltip=[
            "finished:N",
            "arm:N",
            "seed:N",
            alt.Tooltip("recalled letters:Q", format=".0%"),
            alt.Tooltip("all letters:Q", format=".1%"),
        ],
    )
    theory = base.mark_tick(thickness=3, size=60, color="gray").encode(
        y="theory, recalled:Q", tooltip=[alt.Tooltip("theory, recalled:Q", title="theory", format=".0%")]
    )
    return (theory + points).properties(height=260)


def experiment_controls() -> tuple[int, int, str]:
    """The experiment's delay k, seeds per arm and cue order."""
    cols = st.columns(3)
    k = cols[0].number_input(
        "Delay k", min_value=texts.MIN_DELAY, max_value=texts.MAX_DELAY, value=4, step=1,
        key="memory_exp_k", help=HELP_K,
    )
    seeds = cols[1].number_input(
        "Seeds per arm", min_value=1, max_value=5, value=3, step=1, key="memory_exp_seeds",
        help=MEMORY_HELP["seeds"],
    )
    # Random by default: then the cue is the only evidence, and the forward view shows it.
    order = cols[2].selectbox("Cue order", texts.ORDERS, index=1, key="memory_exp_order", help=ORDER_HELP)
    return int(k), int(seeds), order


def run_experiment(k: int, seeds: int, order: str) -> None:
    """Train every arm and seed at once (``runner.train_labelled``) and keep the scored outcomes.

    A Stop keeps every model, finished or stopped part way, scored as it is.
    """
    plan = exp.experiment_configs(k, range(7, 7 + seeds), order)
    pairs = [(exp.label(arm, seed), config) for arm, seed, config in plan]

    def collect(runs: dict) -> dict:
        return {"outcomes": exp.score_runs(plan, runs, k), "k": k, "order": order}

    try:
        result = runner.train_labelled(
            pairs, collect, EXPERIMENT, key="memory_exp_stop", keep_stopped=True,
            stop_help=MEMORY_HELP["stop"],
        )
    except Exception as exc:  # the engine's message, never a traceback (that goes to the log)
        log.warning("the memory experiment failed", exc_info=True)
        st.error(safe.plain(f"The experiment failed: {errors.worded(exc)}"), icon=":material/error:")
        return
    if result and result["outcomes"]:
        st.rerun()  # the forward view, drawn above, can now offer the experiment's runs


def experiment_outcomes() -> dict | None:
    """The experiment's kept result ({"outcomes", "k", "order"}), after a Stop's handover."""
    return runner.kept(EXPERIMENT, notice=WAIT_SCORING)


def experiment_section() -> None:
    st.subheader("The experiment: truncated backpropagation on delayed recall", anchor=False)
    st.markdown(EXPERIMENT_ABOUT.format(epochs=exp.EPOCHS, rate=exp.LEARNING_RATE))
    k, seeds, order = experiment_controls()
    if st.button("Run the experiment", icon=":material/experiment:", key="memory_run_experiment"):
        run_experiment(k, seeds, order)
    result = experiment_outcomes()
    if not result or not result["outcomes"]:
        st.caption(f"{3 * seeds} trainings of {exp.EPOCHS} epochs; about a second each on a quiet machine.")
        return
    show_outcomes(result["outcomes"], result["k"], result["order"])


def show_outcomes(outcomes: list, k: int, order: str) -> None:
    """The experiment's chart, text, table and verdict; models that never trained are left out."""
    stopped = [o for o in outcomes if o.stopped]
    if stopped:
        st.warning(
            STOPPED_EARLY.format(stopped=len(stopped), total=len(outcomes), epochs=exp.EPOCHS),
            icon=":material/pause_circle:",
        )
    unstarted = [o for o in outcomes if o.epochs == 0]
    if unstarted:
        st.caption(unstarted_words([exp.label(o.arm, o.seed) for o in unstarted]))
    trained = [o for o in outcomes if o.epochs > 0]
    if trained:
        show_table(trained, k, order)
    surprise = False
    for v in exp.verdict(outcomes):
        if v.kind == "ok":
            st.success(verdict_sentence(v, k), icon=":material/check_circle:")
        elif v.kind == "stopped":
            st.info(verdict_sentence(v, k), icon=":material/pause_circle:")
        else:
            surprise = surprise or v.arm == "a"
            st.warning(verdict_sentence(v, k), icon=":material/help:")
    if surprise:  # (a) beat chance on finished runs: the page says why
        st.markdown(WHY_A)


def show_table(trained: list, k: int, order: str) -> None:
    """The chart, the text and the table of the models that trained at least one epoch."""
    frame = outcome_frame(trained)
    show_chart(outcome_chart(frame), chart_words.outcomes(frame))  # its table is below
    st.code(exp.experiment_text(k, order), language=None, wrap_lines=True)
    st.caption(OUTCOME_CAPTION.format(k=k, order=order))
    pct = ("recalled letters", "theory, recalled", "all letters", "window ceiling, all")
    shown = frame.assign(**{c: frame[c].map("{:.0%}".format) for c in pct})
    st.dataframe(
        shown.round({"cue via carried state": 3, "most via carried state": 3, "final loss": 4, "seconds": 1}),
        hide_index=True,
    )

"""The Compare page's body: the sweep's form, its training, and the result; "Why LSTM?" the same.

The logic (what to train, the summary table, whether a gap is real, the cells' scores) is in
``lstm_core.experiments.compare`` and ``why_lstm``; the training in ``ui.runner``. This
module reads the widgets and draws.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lstm_core.config import FIRST_SEED, FRAMINGS, MAX_SEEDS, LSTMConfig
from lstm_core.experiments import compare, why_lstm
from lstm_core.presets import PRESETS
from ui import charts, errors, form, runner, safe, session
from ui.text import charts as chart_words
from ui.text.compare import COMPARE_HELP, WHY_LSTM
from ui.views.chart_words import show_chart

WHY_MAX_SEEDS = 5  # 3 cells x 2 tasks x 5 seeds = 30 runs, within the sweep's run cap
# The page's settings as its address holds them: /compare?framings=naive,stateful&seeds=3&scale=0.5
SETTINGS = (
    form.Setting("framings", "compare_framings", "Framings", list(compare.TUTORIAL_PAIR),
                 read=form.some_of(FRAMINGS, "Framings"), text=form.list_text),
    form.Setting("seeds", "compare_seeds", "Seeds", 5, read=form.whole(1, MAX_SEEDS, "Seeds")),
    form.Setting("scale", "compare_scale", "Epochs scale", 1.0,
                 read=form.one_of(compare.SCALES, "Epochs scale")),
    form.Setting("why_seeds", "why_seeds", "Seeds per cell", 3,
                 read=form.whole(1, WHY_MAX_SEEDS, "Seeds per cell")),
    form.Setting("why_scale", "why_scale", "Epochs scale", 1.0,
                 read=form.one_of(compare.SCALES, "Epochs scale")),
)


def load_settings() -> None:
    """Before the forms: a link's settings go into them (a bad one says so and is left out)."""
    for note in form.settings_from_url("compare", SETTINGS):
        st.warning(safe.plain(note), icon=":material/link_off:")


# --- the sweep ------------------------------------------------------------------------------
def run_all(configs: list[LSTMConfig]) -> None:
    """Train every config at once; the finished runs are kept (a click may stop the rest)."""

    def collect(runs: dict) -> dict:
        rows = [compare.seed_row(run) for run in runs.values()]
        curves = [
            {"run": f"{r.config.framing} seed {r.config.seed}", "framing": r.config.framing,
             "epoch": h.epoch, "loss": h.loss}
            for r in runs.values() for h in charts.thin(r.history, 300)
        ]
        return {"rows": rows, "curves": curves, "planned": len(configs)}

    runner.train_labelled(compare.labelled(configs), collect, session.COMPARISON, key="compare_stop")


def sweep_form() -> None:
    """The framings, seeds and epochs scale, and Compare: trains on submit."""
    with st.form("compare_form"):
        # The framings get a row of their own: six chips fit on it at 1024 px, not in a column.
        framings = st.multiselect("Framings", FRAMINGS, key="compare_framings", help=COMPARE_HELP["framings"])
        c2, c3 = st.columns(2)
        seeds = c2.number_input(
            "Seeds", step=1, min_value=1, max_value=MAX_SEEDS, key="compare_seeds",
            help=COMPARE_HELP["seeds"].format(max=MAX_SEEDS, first=FIRST_SEED, next=FIRST_SEED + 1,
                                              enough=compare.SEEDS_TO_ANSWER),
        )
        scale = c3.select_slider("Epochs scale", compare.SCALES, key="compare_scale",
                                 help=COMPARE_HELP["scale"])
        clicked = st.form_submit_button("Compare", type="primary", icon=":material/compare_arrows:")
    form.settings_to_url("compare", SETTINGS)  # submitted: the address holds them (before training)
    if clicked:
        configs, problem = compare.plan(framings, int(seeds), scale)
        if problem:
            st.error(safe.plain(problem), icon=":material/error:")
            return
        try:
            run_all(configs)
        except Exception as exc:  # one sentence for the user; a bug's traceback goes to the log
            errors.show_error(exc, "The comparison")


def sweep_result() -> None:
    """The verdict, every seed's point, the summary table and every run's loss."""
    result = runner.kept(session.COMPARISON)
    if not result or not result["rows"]:
        return
    rows = result["rows"]
    if len(rows) < result["planned"]:
        st.warning(f"Stopped: {len(rows)} of {result['planned']} runs finished.",
                   icon=":material/pause_circle:")
    table = compare.summary(rows)
    words = compare.verdict(rows)
    if words:
        st.info(words, icon=":material/balance:")
    st.markdown("**Every seed** (the grey line is the tutorial's single run)")
    tutorial = {name: PRESETS[name].tutorial_accuracy for name in table["framing"]}
    runs = pd.DataFrame(rows)
    show_chart(charts.seed_points_chart(runs, tutorial), chart_words.seed_points(runs),
               height=charts.seed_points_height(runs))  # its data: the table below
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            k: st.column_config.NumberColumn(k, format="%.2f%%")
            for k in ("tutorial", "mean", "median", "min", "max")
        }
        | {
            "samples": st.column_config.NumberColumn("samples", help="Samples each run is scored on."),
            "seconds": st.column_config.NumberColumn("seconds / run", format="%.1f"),
        },
    )
    st.markdown("**Loss of every run**")
    curves = pd.DataFrame(result["curves"])
    show_chart(charts.overlaid_loss_chart(curves), chart_words.losses(curves), curves)


# --- "Why LSTM?": the three cells on a memory task and on the alphabet ---------------------
def run_why(pairs: list[tuple[str, LSTMConfig]]) -> None:
    """Train every (task, cell, seed) at once; the finished runs are kept (a click may stop the rest)."""
    labelled = why_lstm.labelled(pairs)
    tasks = {label: task for (label, _), (task, _) in zip(labelled, pairs, strict=True)}

    def collect(runs: dict) -> dict:
        rows = [why_lstm.score(tasks[label], run) for label, run in runs.items()]
        return {"rows": rows, "planned": len(pairs)}

    runner.train_labelled(labelled, collect, session.WHY_LSTM, key="why_stop")


def why_form() -> None:
    """Seeds per cell and the epochs scale, and "Compare the cells": trains on submit."""
    with st.form("why_form"):
        c1, c2 = st.columns(2)
        seeds = c1.number_input(
            "Seeds per cell", step=1, min_value=1, max_value=WHY_MAX_SEEDS, key="why_seeds",
            help=COMPARE_HELP["why_seeds"].format(max=WHY_MAX_SEEDS, first=FIRST_SEED, next=FIRST_SEED + 1),
        )
        scale = c2.select_slider("Epochs scale", compare.SCALES, key="why_scale",
                                 help=COMPARE_HELP["why_scale"])
        clicked = st.form_submit_button("Compare the cells", type="primary", icon=":material/memory:")
    form.settings_to_url("compare", SETTINGS)
    if not clicked:
        return
    pairs = why_lstm.why_lstm_configs(int(seeds), epochs_scale=scale)
    try:
        why_lstm.check_cost([c for _, c in pairs])
    except ValueError as exc:
        st.error(safe.plain(exc), icon=":material/error:")
        return
    try:
        run_why(pairs)
    except Exception as exc:  # one sentence for the user; a bug's traceback goes to the log
        errors.show_error(exc, "The comparison")


def why_lstm_section() -> None:
    st.divider()
    st.subheader("Why LSTM?", anchor=False)
    st.markdown(WHY_LSTM)
    why_form()
    result = runner.kept(session.WHY_LSTM)
    if not result or not result["rows"]:
        return
    if len(result["rows"]) < result["planned"]:
        st.warning(f"Stopped: {len(result['rows'])} of {result['planned']} runs finished.",
                   icon=":material/pause_circle:")
    table = why_lstm.summary(result["rows"])
    st.info(why_lstm.words(table), icon=":material/memory:")
    st.dataframe(
        table, hide_index=True,
        column_config={k: st.column_config.NumberColumn(k, format="%.1f%%") for k in ("mean", "min", "max")},
    )

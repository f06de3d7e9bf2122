"""Compare: train several framings over several seeds, and see whether a gap is real.

The tutorial reports 84.00% (naive) and 86.96% (feature-window) from one run each and
wonders whether the difference "may or may not be real". The spread over seeds answers it.
"""

import statistics

import pandas as pd
import streamlit as st

from lstm_core import inference
from lstm_core.config import FIRST_SEED, FRAMINGS, MAX_SEEDS, PRESETS, LSTMConfig, check_sweep_cost, sweep
from ui import charts, errors, session, training
from ui.routing import use_app_router
from ui.text import COMPARE

SCALES = [0.1, 0.25, 0.5, 1.0]

use_app_router()  # first: a direct link must still go through app.py


def plan(framings: list[str], seeds: int, scale: float) -> tuple[list[LSTMConfig], str | None]:
    """The configs to train (each framing's preset with scaled epochs, seeds 7, 8, ..., as the
    CLI's ``reproduce --seeds N``, so figures agree), or a message why not."""
    if not framings:
        return [], "Pick at least one framing."
    try:
        configs = sweep(framings, seeds, epochs_scale=scale)
        check_sweep_cost(configs)
    except ValueError as exc:
        return [], str(exc)
    return configs, None


def run_all(configs: list[LSTMConfig]) -> None:
    """Train every config in turn; each finished run is stored at once, so a click that
    interrupts the page keeps everything finished so far."""
    rows, curves = [], []
    st.session_state[session.COMPARISON] = {"rows": rows, "curves": curves, "planned": len(configs)}
    queue = st.empty()
    bar, stop_box = training.progress_with_stop(
        "compare_stop", "Stop now; the runs finished so far are kept."
    )
    labels = [f"run {k + 1}/{len(configs)} · {c.framing} seed {c.seed}" for k, c in enumerate(configs)]
    for config, run in training.train_in_turn(configs, labels, bar, queue):
        rows.append(
            {
                "framing": config.framing,
                "seed": config.seed,
                "accuracy": 100 * inference.accuracy(run),
                "seconds": run.seconds,
            }
        )
        name = f"{config.framing} seed {config.seed}"
        curves += [
            {"run": name, "framing": config.framing, "epoch": h.epoch, "loss": h.loss}
            for h in charts.thin(run.history, 300)
        ]
    bar.empty()
    stop_box.empty()


def summary(rows: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    out = []
    for name, group in table.groupby("framing", sort=False):
        acc = group["accuracy"].tolist()
        out.append(
            {
                "framing": name,
                "tutorial": PRESETS[name].tutorial_accuracy,
                "runs": len(acc),
                "median": statistics.median(acc),
                "min": min(acc),
                "max": max(acc),
                "seconds": statistics.median(group["seconds"]),
            }
        )
    return pd.DataFrame(out)


def verdict(table: pd.DataFrame) -> str | None:
    """Plain words on naive vs feature-window, when both were compared over several seeds."""
    rows = {r.framing: r for r in table.itertuples()}
    if not {"naive", "feature-window"} <= rows.keys():
        return None
    a, b = rows["naive"], rows["feature-window"]
    if min(a.runs, b.runs) < 2:
        return None
    overlap = a.min <= b.max and b.min <= a.max
    return (
        (f"Over {a.runs} seeds each" if a.runs == b.runs else f"Over {a.runs} and {b.runs} seeds")
        + f", naive spans {a.min:.2f}–{a.max:.2f}% and feature-window "
        f"{b.min:.2f}–{b.max:.2f}%. "
        + (
            "The ranges overlap: the tutorial's 84% vs 86.96% is within seed-to-seed variation, "
            "not a real difference."
            if overlap
            else "The ranges do not overlap over these seeds"
            + (
                f" — but {min(a.runs, b.runs)} seeds are few: one letter is 4 points of naive's "
                "accuracy (1 of 25), so try 5 or more seeds before calling the gap real."
                if min(a.runs, b.runs) < 5
                else ": with these settings the difference holds across seeds."
            )
        )
    )


def main() -> None:
    st.title("Compare", anchor=False)
    st.markdown(COMPARE)
    with st.form("compare_form"):
        c1, c2, c3 = st.columns([3, 1, 1])
        framings = c1.multiselect(
            "Framings", FRAMINGS, default=["naive", "feature-window"], help="The tutorial presets to train."
        )
        seeds = c2.number_input(
            "Seeds",
            value=5,
            step=1,
            min_value=1,
            max_value=MAX_SEEDS,
            help=f"Runs per framing, with seeds {FIRST_SEED}, {FIRST_SEED + 1}, {FIRST_SEED + 2}, … "
            f"({FIRST_SEED} is the tutorial's seed; each seed gives different first weights and sample "
            "order).",
        )
        scale = c3.select_slider(
            "Epochs scale", SCALES, value=1.0, help="Fraction of each preset's epochs, for a quicker look."
        )
        clicked = st.form_submit_button("Compare", type="primary", icon=":material/compare_arrows:")
    if clicked:
        configs, problem = plan(framings, int(seeds), scale)
        if problem:
            st.error(problem, icon=":material/error:")
        else:
            try:
                run_all(configs)
            except Exception as exc:  # one sentence for the user; a bug's traceback goes to the log
                errors.show_error(exc, "The comparison")
    result = st.session_state.get(session.COMPARISON)
    if not result or not result["rows"]:
        return
    if len(result["rows"]) < result["planned"]:
        st.warning(
            f"Stopped: {len(result['rows'])} of {result['planned']} runs finished.",
            icon=":material/pause_circle:",
        )
    table = summary(result["rows"])
    st.altair_chart(charts.overlaid_loss_chart(pd.DataFrame(result["curves"])), width="stretch")
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            k: st.column_config.NumberColumn(k, format="%.2f%%") for k in ("tutorial", "median", "min", "max")
        }
        | {"seconds": st.column_config.NumberColumn("seconds / run", format="%.1f")},
    )
    words = verdict(table)
    if words:
        st.info(words, icon=":material/balance:")


main()

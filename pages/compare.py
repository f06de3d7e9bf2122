"""Compare: train several framings over several seeds, and see whether a gap is real.

The tutorial reports 84.00% (naive) and 86.96% (feature-window) from one run each and
wonders whether the difference "may or may not be real". Every seed is shown as a point,
and an exact permutation test (``lstm_core.analysis.stats``) says how often seed luck alone would
give a gap that large.
"""

import statistics

import pandas as pd
import streamlit as st

from lstm_core.analysis import inference
from lstm_core.analysis.stats import RANDOM_SPLITS, PermutationTest, permutation_test, smallest_p_value
from lstm_core.config import FIRST_SEED, FRAMINGS, MAX_SEEDS, LSTMConfig
from lstm_core.experiments import why_lstm
from lstm_core.presets import PRESETS, check_sweep_cost, sweep
from ui import charts, errors, safe, session, training
from ui.routing import page_setup
from ui.text import COMPARE, WHY_LSTM

SCALES = [0.1, 0.25, 0.5, 1.0]
TUTORIAL_PAIR = ("naive", "feature-window")  # the tutorial's own question
SURE = 0.05  # a p-value at or below this is "unlikely to be seed luck"
# The fewest seeds a side that can reach SURE at all (4: even perfectly separated runs
# with 3 a side give p = 0.1).
SEEDS_TO_ANSWER = next(n for n in range(1, MAX_SEEDS + 1) if smallest_p_value(n, n) <= SURE)

page_setup("Compare")  # first: page config and the links to every page


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
    interrupts the page keeps everything finished so far. (The one place that trains: a
    trainer that runs many seeds at once can replace this loop.)"""
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
                "samples": config.num_examples,
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
                "samples": int(group["samples"].iloc[0]),
                "mean": statistics.fmean(acc),
                "median": statistics.median(acc),
                "min": min(acc),
                "max": max(acc),
                "seconds": statistics.median(group["seconds"]),
            }
        )
    return pd.DataFrame(out)


def pair_to_judge(rows: list[dict]) -> tuple[str, str] | None:
    """The tutorial's pair when both were run, else the only two framings run, else None."""
    names = list(dict.fromkeys(r["framing"] for r in rows))
    if set(TUTORIAL_PAIR) <= set(names):
        return TUTORIAL_PAIR
    return (names[0], names[1]) if len(names) == 2 else None


def how_sure(test: PermutationTest) -> str:
    """The p-value in words. The thresholds are conventions, said as such."""
    if test.p_value <= 0.01:
        return "Very unlikely to be seed luck: a real difference with these settings."
    if test.p_value <= SURE:
        return "Unlikely to be seed luck, though not beyond doubt: more seeds would make it firmer."
    if test.p_value <= 0.2:
        return "Weak evidence: this could well be seed luck. More seeds would tell."
    return "No sign of a real difference: seed luck alone gives gaps like this one."


def verdict(rows: list[dict]) -> str | None:
    """Plain words on whether two framings differ, from every seed's accuracy."""
    pair = pair_to_judge(rows)
    if pair is None:
        return None
    a_name, b_name = pair
    a = [r["accuracy"] for r in rows if r["framing"] == a_name]
    b = [r["accuracy"] for r in rows if r["framing"] == b_name]
    samples = {r["framing"]: r["samples"] for r in rows}
    test = permutation_test(a, b)
    seeds = f"{len(a)} seeds each" if len(a) == len(b) else f"{len(a)} and {len(b)} seeds"
    words = (
        f"Over {seeds}, {a_name} averages {statistics.fmean(a):.2f}% and {b_name} "
        f"{statistics.fmean(b):.2f}%: a gap of {abs(test.difference):.2f} points. "
    )
    if test.smallest_p > SURE:
        words += (
            f"{seeds.capitalize()} cannot answer whether that is real: even runs that never overlap "
            f"would give p = {test.smallest_p:.2f} at best. Use at least {SEEDS_TO_ANSWER} seeds each."
        )
    else:
        how = f"{test.splits:,} ways" if test.exact else f"{RANDOM_SPLITS:,} random ways"
        words += (
            f"If the framing made no difference, a gap this large would come up in "
            f"{100 * test.p_value:.1f}% of the {how} to split these {len(a) + len(b)} runs into two "
            f"groups (exact permutation test, p = {test.p_value:.3f}). " + how_sure(test)
        )
    if samples[a_name] != samples[b_name]:
        words += (
            f" Note the denominators: {a_name} is scored on {samples[a_name]} samples (one letter = "
            f"{100 / samples[a_name]:.2f} points), {b_name} on {samples[b_name]} "
            f"({100 / samples[b_name]:.2f} points)."
        )
    return words


# --- "Why LSTM?": the three cells on a memory task and on the alphabet ---------------------
WHY_MAX_SEEDS = 5  # 3 cells x 2 tasks x 5 seeds = 30 runs, within the sweep's run cap


def run_why(pairs: list[tuple[str, LSTMConfig]]) -> None:
    """Train every (task, cell, seed); finished runs are kept as they come (a click may stop it)."""
    rows: list[dict] = []
    st.session_state[session.WHY_LSTM] = {"rows": rows, "planned": len(pairs)}
    queue = st.empty()
    bar, stop_box = training.progress_with_stop("why_stop", "Stop now; the runs finished so far are kept.")
    configs = [c for _, c in pairs]
    tasks = {id(c): task for task, c in pairs}
    labels = [f"run {k + 1}/{len(pairs)} · {task}, {why_lstm.CELL_NAMES[c.cell]} seed {c.seed}"
              for k, (task, c) in enumerate(pairs)]
    for config, run in training.train_in_turn(configs, labels, bar, queue):
        rows.append(why_lstm.score(tasks[id(config)], run))
    bar.empty()
    stop_box.empty()


def why_words(table: pd.DataFrame) -> str:
    """The result in a sentence per task: which cell did best, on average over the seeds."""
    parts = []
    for task, group in table.groupby("task", sort=False):
        best = group.sort_values("mean", ascending=False)
        cells = ", ".join(f"{r.cell} {r.mean:.1f}%" for r in best.itertuples())
        parts.append(f"**{task}** (mean over seeds): {cells}.")
    return " ".join(parts)


def why_lstm_section() -> None:
    st.divider()
    st.subheader("Why LSTM?", anchor=False)
    st.markdown(WHY_LSTM)
    with st.form("why_form"):
        c1, c2 = st.columns(2)
        seeds = c1.number_input(
            "Seeds per cell", value=3, step=1, min_value=1, max_value=WHY_MAX_SEEDS,
            help=f"Runs per cell and task, 1 to {WHY_MAX_SEEDS}, seeds {FIRST_SEED}, {FIRST_SEED + 1}, …; "
            "the shared server's budget may allow fewer at the full epochs.",
        )
        scale = c2.select_slider(
            "Epochs scale", SCALES, value=1.0, key="why_scale",
            help="Fraction of the epochs (alphabet 500, delayed recall 400), for a quicker look.",
        )
        clicked = st.form_submit_button("Compare the cells", type="primary", icon=":material/memory:")
    if clicked:
        pairs = why_lstm.why_lstm_configs(int(seeds), epochs_scale=scale)
        try:
            why_lstm.check_cost([c for _, c in pairs])
        except ValueError as exc:
            st.error(safe.plain(exc), icon=":material/error:")
        else:
            try:
                run_why(pairs)
            except Exception as exc:  # one sentence for the user; a bug's traceback goes to the log
                errors.show_error(exc, "The comparison")
    result = st.session_state.get(session.WHY_LSTM)
    if not result or not result["rows"]:
        return
    if len(result["rows"]) < result["planned"]:
        st.warning(f"Stopped: {len(result['rows'])} of {result['planned']} runs finished.",
                   icon=":material/pause_circle:")
    table = why_lstm.summary(result["rows"])
    st.info(why_words(table), icon=":material/memory:")
    st.dataframe(
        table, hide_index=True,
        column_config={k: st.column_config.NumberColumn(k, format="%.1f%%") for k in ("mean", "min", "max")},
    )


def main() -> None:
    st.title("Compare", anchor=False)
    st.markdown(COMPARE)
    with st.form("compare_form"):
        # The framings get a row of their own: six chips fit on it at 1024 px, not in a column.
        framings = st.multiselect(
            "Framings", FRAMINGS, default=list(TUTORIAL_PAIR), help="The tutorial presets to train."
        )
        c2, c3 = st.columns(2)
        seeds = c2.number_input(
            "Seeds",
            value=5,
            step=1,
            min_value=1,
            max_value=MAX_SEEDS,
            help=f"Runs per framing, 1 to {MAX_SEEDS}, with seeds {FIRST_SEED}, {FIRST_SEED + 1}, … "
            f"({FIRST_SEED} is the tutorial's seed; "
            "each seed gives different first weights and sample order). A test needs at least "
            f"{SEEDS_TO_ANSWER} a side to call a gap real; the shared server's budget may allow fewer "
            "for expensive framings.",
        )
        scale = c3.select_slider(
            "Epochs scale", SCALES, value=1.0, help="Fraction of each preset's epochs, for a quicker look."
        )
        clicked = st.form_submit_button("Compare", type="primary", icon=":material/compare_arrows:")
    if clicked:
        configs, problem = plan(framings, int(seeds), scale)
        if problem:
            st.error(safe.plain(problem), icon=":material/error:")
        else:
            try:
                run_all(configs)
            except Exception as exc:  # one sentence for the user; a bug's traceback goes to the log
                errors.show_error(exc, "The comparison")
    result = st.session_state.get(session.COMPARISON)
    if not result or not result["rows"]:
        return
    rows = result["rows"]
    if len(rows) < result["planned"]:
        st.warning(
            f"Stopped: {len(rows)} of {result['planned']} runs finished.",
            icon=":material/pause_circle:",
        )
    table = summary(rows)
    words = verdict(rows)
    if words:
        st.info(words, icon=":material/balance:")
    st.markdown("**Every seed** (the grey line is the tutorial's single run)")
    tutorial = {name: PRESETS[name].tutorial_accuracy for name in table["framing"]}
    runs = pd.DataFrame(rows)
    st.altair_chart(
        charts.seed_points_chart(runs, tutorial), width="stretch", height=charts.seed_points_height(runs)
    )
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
    st.altair_chart(charts.overlaid_loss_chart(pd.DataFrame(result["curves"])), width="stretch")


main()
why_lstm_section()

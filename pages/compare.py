"""Compare: train several framings over several seeds, and see whether a gap is real.

The tutorial reports 84.00% (naive) and 86.96% (feature-window) from one run each and
wonders whether the difference "may or may not be real". Every seed is shown as a point,
and an exact permutation test (``lstm_core.stats``) says how often seed luck alone would
give a gap that large.
"""

import statistics

import pandas as pd
import streamlit as st

from lstm_core import inference
from lstm_core.config import FIRST_SEED, FRAMINGS, MAX_SEEDS, MAX_WORK, PRESETS, preset
from lstm_core.stats import RANDOM_SPLITS, PermutationTest, permutation_test, smallest_p_value
from ui import charts, session, training
from ui.routing import use_app_router
from ui.text import COMPARE

MAX_TOTAL_WORK = 2 * MAX_WORK  # LSTM cell steps of the whole comparison, on a shared server
SCALES = [0.1, 0.25, 0.5, 1.0]
TUTORIAL_PAIR = ("naive", "feature-window")  # the tutorial's own question
SURE = 0.05  # a p-value at or below this is "unlikely to be seed luck"
# The fewest seeds a side that can reach SURE at all (4: even perfectly separated runs
# with 3 a side give p = 0.1).
SEEDS_TO_ANSWER = next(n for n in range(1, MAX_SEEDS + 1) if smallest_p_value(n, n) <= SURE)

use_app_router()  # first: a direct link must still go through app.py


def plan(framings: list[str], seeds: int, scale: float) -> list:
    """The configs to train: each framing's preset with scaled epochs, seeds 7, 8, ... (7 is the
    tutorial's seed; the CLI's ``reproduce --seeds N`` uses the same ones, so figures agree)."""
    configs = []
    for name in framings:
        base = preset(name)
        epochs = max(1, round(base.epochs * scale))
        configs += [base.replace(epochs=epochs, seed=s) for s in range(FIRST_SEED, FIRST_SEED + seeds)]
    return configs


def seeds_that_fit(framings: list[str], scale: float) -> int:
    """How many seeds of these framings the shared server's budget allows (at most MAX_SEEDS)."""
    per_seed = sum(c.work for c in plan(framings, 1, scale))
    return min(MAX_SEEDS, MAX_TOTAL_WORK // per_seed) if per_seed else MAX_SEEDS


def check_plan(framings: list[str], seeds: int, scale: float) -> str | None:
    """A message if the comparison is not allowed or too big for a shared server, else None."""
    if not framings:
        return "Pick at least one framing."
    if not 1 <= seeds <= MAX_SEEDS:
        return f"seeds={seeds} is not allowed: it must be a whole number from 1 to {MAX_SEEDS}."
    work = sum(c.work for c in plan(framings, seeds, scale))
    if work > MAX_TOTAL_WORK:
        fit = seeds_that_fit(framings, scale)
        return (
            f"This comparison is {work:,} LSTM steps, the limit is {MAX_TOTAL_WORK:,}: these framings "
            f"at this epochs scale allow at most {fit} seed{'s' if fit != 1 else ''} "
            f"(up to {MAX_SEEDS} for cheaper ones). Lower the seeds or the epochs scale, or drop "
            "variable-length, the expensive one."
        )
    return None


def run_all(configs: list) -> None:
    """Train every config in turn; each finished run is stored at once, so a click that
    interrupts the page keeps everything finished so far. (The one place that trains: a
    trainer that runs many seeds at once can replace this loop.)"""
    rows, curves = [], []
    st.session_state[session.COMPARISON] = {"rows": rows, "curves": curves, "planned": len(configs)}
    queue = st.empty()
    bar, stop_box = training.progress_with_stop(
        "compare_stop", "Stop now; the runs finished so far are kept."
    )
    for k, config in enumerate(configs):
        label = f"run {k + 1}/{len(configs)} · {config.framing} seed {config.seed}"

        def on_progress(p, k=k, label=label):
            bar.progress((k + p.fraction) / len(configs), text=f"{label} · {training.progress_text(p)}")

        run = training.train_gated(config, on_progress=on_progress, queue_box=queue)
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


def main() -> None:
    st.title("Compare", anchor=False)
    st.markdown(COMPARE)
    with st.form("compare_form"):
        c1, c2, c3 = st.columns([3, 1, 1])
        framings = c1.multiselect(
            "Framings", FRAMINGS, default=list(TUTORIAL_PAIR), help="The tutorial presets to train."
        )
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
        problem = check_plan(framings, int(seeds), scale)
        if problem:
            st.error(problem, icon=":material/error:")
        else:
            try:
                run_all(plan(framings, int(seeds), scale))
            except Exception as exc:  # the engine's message, never a traceback
                st.error(f"The comparison failed: {exc}", icon=":material/error:")
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

"""Compare's sweep and its verdict: several framings over several seeds, and whether a gap is real.

The tutorial reports 84.00% (naive) and 86.96% (feature-window) from one run each and
wonders whether the difference "may or may not be real". Every seed gives one row (framing,
seed, accuracy, samples, seconds); :func:`summary` tables them per framing and
:func:`verdict` words an exact permutation test (:mod:`lstm_core.analysis.stats`): how often
seed luck alone would give a gap that large::

    >>> rows = [{"framing": f, "seed": 7 + i, "accuracy": a, "samples": 25, "seconds": 1.0}
    ...         for f, accs in (("naive", [80, 81, 82, 83]), ("feature-window", [90, 91, 92, 93]))
    ...         for i, a in enumerate(accs)]
    >>> pair_to_judge(rows)
    ('naive', 'feature-window')
    >>> print(verdict(rows))  # doctest: +NORMALIZE_WHITESPACE
    Over 4 seeds each, naive averages 81.50% and feature-window 91.50%: a gap of 10.00 points. If
    the framing made no difference, a gap this large would come up in 2.9% of the 70 ways to
    split these 8 runs into two groups (exact permutation test, p = 0.029). Unlikely to be seed
    luck, though not beyond doubt: more seeds would make it firmer.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import pandas as pd

from lstm_core.analysis import inference
from lstm_core.analysis.stats import RANDOM_SPLITS, PermutationTest, permutation_test, smallest_p_value
from lstm_core.config import MAX_SEEDS, LSTMConfig
from lstm_core.presets import PRESETS, check_sweep_cost, sweep

SCALES = [0.1, 0.25, 0.5, 1.0]  # the epochs scales offered: a quicker look at a fraction of the epochs
TUTORIAL_PAIR = ("naive", "feature-window")  # the tutorial's own question
SURE = 0.05  # a p-value at or below this is "unlikely to be seed luck"
# The fewest seeds a side that can reach SURE at all (4: even perfectly separated runs
# with 3 a side give p = 0.1).
SEEDS_TO_ANSWER = next(n for n in range(1, MAX_SEEDS + 1) if smallest_p_value(n, n) <= SURE)


def plan(framings: Sequence[str], seeds: int, scale: float) -> tuple[list[LSTMConfig], str | None]:
    """The configs to train (each framing's preset with scaled epochs, seeds 7, 8, ..., as the
    CLI's ``reproduce --seeds N``, so figures agree), or a message why not.

    >>> plan([], 3, 1.0)
    ([], 'Pick at least one framing.')
    >>> [(c.framing, c.seed, c.epochs) for c in plan(["naive"], 2, 0.1)[0]]
    [('naive', 7, 50), ('naive', 8, 50)]
    """
    if not framings:
        return [], "Pick at least one framing."
    try:
        configs = sweep(list(framings), seeds, epochs_scale=scale)
        check_sweep_cost(configs)
    except ValueError as exc:
        return [], str(exc)
    return configs, None


def labelled(configs: Sequence[LSTMConfig]) -> list[tuple[str, LSTMConfig]]:
    """Each config with the label its progress and result go by (unique, in training order).

    >>> [label for label, _ in labelled(plan(["naive"], 2, 0.1)[0])]
    ['run 1/2 · naive seed 7', 'run 2/2 · naive seed 8']
    """
    return [(f"run {k + 1}/{len(configs)} · {c.framing} seed {c.seed}", c) for k, c in enumerate(configs)]


def seed_row(run) -> dict:
    """One trained run as a row of the comparison: framing, seed, accuracy (0..100), samples, seconds."""
    config = run.config
    return {
        "framing": config.framing,
        "seed": config.seed,
        "accuracy": 100 * inference.accuracy(run),
        "samples": config.num_examples,
        "seconds": run.seconds,
    }


def summary(rows: Sequence[dict]) -> pd.DataFrame:
    """Per framing, in the order run: the tutorial's figure, runs, samples, mean/median/min/max, seconds.

    >>> rows = [{"framing": "naive", "seed": s, "accuracy": a, "samples": 25, "seconds": 2.0}
    ...         for s, a in ((7, 84.0), (8, 88.0))]
    >>> summary(rows)[["framing", "tutorial", "runs", "mean", "min", "max"]].to_dict("records")
    [{'framing': 'naive', 'tutorial': 84.0, 'runs': 2, 'mean': 86.0, 'min': 84.0, 'max': 88.0}]
    """
    table = pd.DataFrame(list(rows))
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


def pair_to_judge(rows: Sequence[dict]) -> tuple[str, str] | None:
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


def verdict(rows: Sequence[dict]) -> str | None:
    """Plain words on whether two framings differ, from every seed's accuracy (None: no pair)."""
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

"""Charts in words (issue 27): one sentence per chart that says what it shows, for a screen
reader and for anyone who cannot tell its colours apart. The chart's data goes in a table
beside it (``ui.views.chart_words``); these sentences say what is high and what is low.

>>> from types import SimpleNamespace as H
>>> history([H(epoch=1, loss=3.26, accuracy=0.04), H(epoch=500, loss=0.41, accuracy=1.0)])
'Loss fell from 3.26 to 0.41 over 500 epochs; accuracy went from 4% to 100%.'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _trend(first: float, last: float) -> str:
    return "fell" if last < first else "rose" if last > first else "stayed"


def history(history: Sequence, regression: bool = False) -> str:
    """The training history: loss (and accuracy) at the first and the last epoch.

    >>> from types import SimpleNamespace as H
    >>> history([H(epoch=1, loss=0.5, accuracy=0.0), H(epoch=40, loss=0.02, accuracy=0.0)], regression=True)
    'Mean squared error fell from 0.5 to 0.02 over 40 epochs.'
    >>> history([])
    'No epoch trained yet.'
    """
    if not history:
        return "No epoch trained yet."
    first, last = history[0], history[-1]
    name = "Mean squared error" if regression else "Loss"
    trend = _trend(first.loss, last.loss)
    words = f"{name} {trend} from {first.loss:.3g} to {last.loss:.3g} over {last.epoch} epochs"
    if regression:
        return words + "."
    return words + f"; accuracy went from {first.accuracy:.0%} to {last.accuracy:.0%}."


def per_letter(table: pd.DataFrame) -> str:
    """Accuracy per letter to predict: how many are perfect, and the weakest ones.

    >>> per_letter(pd.DataFrame({"letter": list("ABC"), "accuracy": [1.0, 0.5, 0.0]}))
    '1 of 3 letters predicted every time; lowest: C 0%, B 50%.'
    >>> per_letter(pd.DataFrame({"letter": list("AB"), "accuracy": [1.0, 1.0]}))
    'All 2 letters predicted every time.'
    """
    perfect = int((table["accuracy"] >= 1.0).sum())
    if perfect == len(table):
        return f"All {perfect} letters predicted every time."
    worst = table[table["accuracy"] < 1.0].sort_values(["accuracy", "letter"]).head(3)
    low = ", ".join(f"{row.letter} {row.accuracy:.0%}" for row in worst.itertuples())
    return f"{perfect} of {len(table)} letters predicted every time; lowest: {low}."


def heatmap(values: np.ndarray, labels: Sequence[str], name: str) -> str:
    """A state heatmap (steps × units): where it is highest and lowest, and which units are
    highest and lowest on average over the steps.

    >>> print(heatmap(np.array([[0.1, -0.9], [0.8, 0.0]]), ["A", "B"], "h"))  # doctest: +NORMALIZE_WHITESPACE
    h over 2 steps and 2 units, from -0.90 (unit 2 after A) to 0.80 (unit 1 after B); on average
    unit 1 is highest (0.45) and unit 2 lowest (-0.45).
    """
    values = np.asarray(values, dtype=float)
    low = np.unravel_index(np.argmin(values), values.shape)
    high = np.unravel_index(np.argmax(values), values.shape)
    means = values.mean(axis=0)
    top, bottom = int(np.argmax(means)), int(np.argmin(means))
    return (f"{name} over {values.shape[0]} steps and {values.shape[1]} units, from "
            f"{values[low]:.2f} (unit {low[1] + 1} after {labels[low[0]]}) to "
            f"{values[high]:.2f} (unit {high[1] + 1} after {labels[high[0]]}); on average unit "
            f"{top + 1} is highest ({means[top]:.2f}) and unit {bottom + 1} lowest ({means[bottom]:.2f}).")


def heatmap_table(values: np.ndarray, labels: Sequence[str], name: str) -> pd.DataFrame:
    """A heatmap's numbers as a table: one row per step (the letter fed), one column per unit.

    >>> heatmap_table(np.array([[0.1, -0.9]]), ["A"], "h").to_dict("records")
    [{'step': 1, 'fed': 'A', 'h, unit 1': 0.1, 'h, unit 2': -0.9}]
    """
    values = np.asarray(values, dtype=float)
    table = pd.DataFrame(values.round(3), columns=[f"{name}, unit {u + 1}" for u in range(values.shape[1])])
    table.insert(0, "fed", list(labels))
    table.insert(0, "step", np.arange(1, len(table) + 1))
    return table


def rows_heatmap(values: np.ndarray, rows: Sequence[str]) -> str:
    """One step's gates or states (a row each, a column per unit): each row's range and where.

    >>> rows_heatmap(np.array([[0.2, 0.9], [0.5, 0.5]]), ["i", "f"])
    'i from 0.20 (unit 1) to 0.90 (unit 2); f 0.50 in every unit.'
    """
    values = np.asarray(values, dtype=float)
    parts = []
    for name, row in zip(rows, values):
        low, high = int(np.argmin(row)), int(np.argmax(row))
        if np.isclose(row[low], row[high]):
            parts.append(f"{name} {row[low]:.2f} in every unit")
        else:
            parts.append(f"{name} from {row[low]:.2f} (unit {low + 1}) to {row[high]:.2f} (unit {high + 1})")
    return "; ".join(parts) + "."


def unit_lines(values: np.ndarray, fed: Sequence[str], units: Sequence[int], name: str = "h") -> str:
    """A few units' signal over the steps (``units``: 0-based indices): each one's low and high.

    >>> signal = np.array([[0.1, -0.5], [0.7, 0.2]])
    >>> print(unit_lines(signal, ["A", "B"], [1, 0]))  # doctest: +NORMALIZE_WHITESPACE
    h of unit 2 from -0.50 (step 1, A) to 0.20 (step 2, B); of unit 1 from 0.10 (step 1, A) to 0.70
    (step 2, B).
    """
    values = np.asarray(values, dtype=float)
    parts = []
    for u in units:
        col = values[:, u]
        lo, hi = int(np.argmin(col)), int(np.argmax(col))
        parts.append(f"of unit {u + 1} from {col[lo]:.2f} (step {lo + 1}, {fed[lo]}) to "
                     f"{col[hi]:.2f} (step {hi + 1}, {fed[hi]})")
    return f"{name} " + "; ".join(parts) + "." if parts else "No unit chosen."


def reset_strip(timeline: pd.DataFrame) -> str:
    """The reset timeline (columns sample, batch, row, source): how many samples start from zero.

    >>> timeline = pd.DataFrame({"sample": [0, 1, 2, 3], "batch": [0, 0, 1, 1], "row": [0, 1, 0, 1],
    ...                          "source": ["zero", "zero", "carried", "carried"]})
    >>> print(reset_strip(timeline))  # doctest: +NORMALIZE_WHITESPACE
    The first 4 samples, in 2 batches of up to 2 rows: 2 start from zero state, 2 carry the state an
    earlier sample ended with.
    """
    zero = int((timeline["source"] == "zero").sum())
    batches, rows = timeline["batch"].nunique(), timeline["row"].nunique()
    return (f"The first {len(timeline)} samples, in {batches} batch{'es' if batches != 1 else ''} of "
            f"{'up to ' if rows > 1 else ''}{rows} row{'s' if rows != 1 else ''}: {zero} start from zero "
            f"state, {len(timeline) - zero} carry the state an earlier sample ended with.")


def seed_points(runs: pd.DataFrame, by: str = "framing") -> str:
    """Compare's points (and the class board's, ``by="arm"``): each group's range over its seeds.

    >>> seed_points(pd.DataFrame({"framing": ["naive", "naive", "stateful"],
    ...                           "accuracy": [80.0, 84.0, 100.0]}))
    'naive: 80.00–84.00% over 2 seeds; stateful: 100.00% over 1 seed.'
    """
    parts = []
    for framing, group in runs.groupby(by, sort=False):
        low, high, n = group["accuracy"].min(), group["accuracy"].max(), len(group)
        span = f"{low:.2f}%" if low == high else f"{low:.2f}–{high:.2f}%"
        parts.append(f"{framing}: {span} over {n} seed{'s' if n != 1 else ''}")
    return "; ".join(parts) + "."


def wave(frame: pd.DataFrame, start: int) -> str:
    """The wave chart (columns position, series, value): how far each prediction strays from the
    true wave, fed the truth (teacher-forced) and fed itself (free-running, from ``start``).

    >>> f = pd.DataFrame({"position": [8, 9, 10, 9, 10, 10], "series": ["true wave"] * 3
    ...     + ["teacher-forced"] * 2 + ["free-running"], "value": [0.0, 1.0, 0.0, 0.9, 0.1, 0.5]})
    >>> print(wave(f, 10))  # doctest: +NORMALIZE_WHITESPACE
    Positions 8 to 10; free running starts at 10. Fed the true values, the prediction stays within
    0.10 of the wave; fed its own, within 0.50.
    """
    true = frame[frame["series"] == "true wave"].set_index("position")["value"]

    def gap(series: str) -> float:
        pred = frame[frame["series"] == series].set_index("position")["value"]
        return float((pred - true.reindex(pred.index)).abs().max())

    return (f"Positions {frame['position'].min()} to {frame['position'].max()}; free running starts at "
            f"{start}. Fed the true values, the prediction stays within {gap('teacher-forced'):.2f} of "
            f"the wave; fed its own, within {gap('free-running'):.2f}.")


def wave_error(frame: pd.DataFrame) -> str:
    """The error chart (columns step, series, error): each kind's mean and its largest error.

    >>> kinds = ["teacher-forced"] * 2 + ["free-running"] * 2
    >>> print(wave_error(pd.DataFrame({"step": [1, 2, 1, 2], "series": kinds,
    ...                                "error": [0.01, 0.03, 0.02, 0.4]})))  # doctest: +NORMALIZE_WHITESPACE
    Over 2 steps: teacher-forced error mean 0.02, largest 0.03 at step 2; free-running error mean
    0.21, largest 0.4 at step 2.
    """
    parts = []
    for series, group in frame.groupby("series", sort=False):
        worst = group.loc[group["error"].idxmax()]
        parts.append(f"{series} error mean {group['error'].mean():.2g}, largest {worst['error']:.2g} "
                     f"at step {int(worst['step'])}")
    return f"Over {frame['step'].nunique()} steps: " + "; ".join(parts) + "."


def influence(frame: pd.DataFrame, measure: str, title: str) -> str:
    """The Memory page's influence chart (columns run, back, fed, ``measure``): where each run's
    prediction looks most.

    >>> rows = {"run": ["a", "a"], "back": [0, 3], "fed": ["C", "K"], "occlusion": [0.1, 0.6]}
    >>> influence(pd.DataFrame(rows), "occlusion", "change of p")
    'a: largest change of p 0.6, 3 steps back (fed K); 0.1 at the last letter.'
    """
    parts = []
    for run, group in frame.groupby("run", sort=False):
        top = group.loc[group[measure].idxmax()]
        last = group.loc[group["back"].idxmin(), measure]
        parts.append(f"{run}: largest {title} {top[measure]:.2g}, {int(top['back'])} steps back "
                     f"(fed {top['fed']}); {last:.2g} at the last letter")
    return "; ".join(parts) + "."


def reach(frame: pd.DataFrame) -> str:
    """What one update sees (columns lane, position, letter, on): the letters marked in each lane.

    >>> reach(pd.DataFrame({"lane": ["state"] * 2 + ["loss"] * 2, "position": [1, 2, 1, 2],
    ...                     "letter": list("ABAB"), "on": [True, False, False, False]}))
    'state: 1 letter (A); loss: none.'
    """
    parts = []
    for lane, group in frame.groupby("lane", sort=False):
        on = group[group["on"]]
        count = f"{len(on)} letter{'s' if len(on) != 1 else ''} ({''.join(on['letter'])})"
        parts.append(f"{lane}: {count if len(on) else 'none'}")
    return "; ".join(parts) + "."


def outcomes(frame: pd.DataFrame) -> str:
    """The memory experiment's points (columns arm, recalled letters, theory, recalled): each arm's
    range over its seeds and the theory's figure.

    >>> outcomes(pd.DataFrame({"arm": ["(a)", "(a)"], "recalled letters": [0.25, 0.5],
    ...                        "theory, recalled": [1.0, 1.0]}))
    '(a): recalled 25%–50% over 2 seeds (theory 100%).'
    """
    parts = []
    for arm, group in frame.groupby("arm", sort=False):
        low, high, n = group["recalled letters"].min(), group["recalled letters"].max(), len(group)
        span = f"{low:.0%}" if low == high else f"{low:.0%}–{high:.0%}"
        parts.append(f"{arm}: recalled {span} over {n} seed{'s' if n != 1 else ''} "
                     f"(theory {group['theory, recalled'].iloc[0]:.0%})")
    return "; ".join(parts) + "."


def losses(curves: pd.DataFrame) -> str:
    """Compare's loss curves (columns run, framing, epoch, loss): each framing's last loss.

    >>> losses(pd.DataFrame({"run": [1, 1, 2, 2], "framing": ["naive"] * 4, "epoch": [1, 9, 1, 9],
    ...                      "loss": [3.2, 0.5, 3.1, 0.7]}))
    'naive: last loss 0.5–0.7 over 2 runs.'
    """
    last = curves.sort_values("epoch").groupby("run", sort=False).tail(1)
    parts = []
    for framing, group in last.groupby("framing", sort=False):
        low, high, n = group["loss"].min(), group["loss"].max(), len(group)
        span = f"{low:.3g}" if low == high else f"{low:.3g}–{high:.3g}"
        parts.append(f"{framing}: last loss {span} over {n} run{'s' if n != 1 else ''}")
    return "; ".join(parts) + "."


def live(p, regression: bool = False) -> str:
    """The live sentence under a training chart (``p``: the trainer's ``Progress``).

    >>> from types import SimpleNamespace as P
    >>> live(P(epoch=120, epochs=500, loss=0.912, accuracy=0.4))
    'Training: epoch 120 of 500, loss 0.912, accuracy 40%.'
    >>> live(P(epoch=3, epochs=40, loss=0.0123, accuracy=0.0), regression=True)
    'Training: epoch 3 of 40, mean squared error 0.0123.'
    """
    if regression:
        return f"Training: epoch {p.epoch:,} of {p.epochs:,}, mean squared error {p.loss:.3g}."
    return f"Training: epoch {p.epoch:,} of {p.epochs:,}, loss {p.loss:.3g}, accuracy {p.accuracy:.0%}."


# prefers-reduced-motion (issue 27): shown only when the learner's system asks for less motion.
REDUCED_MOTION_PLAY = (
    "Your system asks for reduced motion, so Play is not offered: step through the text with ▶ "
    "and ◀, or drag the Time step slider."
)

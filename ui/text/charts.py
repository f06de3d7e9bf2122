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
    """A state heatmap (steps × units): where it is highest and lowest.

    >>> heatmap(np.array([[0.1, -0.9], [0.8, 0.0]]), ["A", "B"], "h")
    'h over 2 steps and 2 units, from -0.90 (unit 2 after A) to 0.80 (unit 1 after B).'
    """
    values = np.asarray(values)
    low = np.unravel_index(np.argmin(values), values.shape)
    high = np.unravel_index(np.argmax(values), values.shape)
    return (f"{name} over {values.shape[0]} steps and {values.shape[1]} units, from "
            f"{values[low]:.2f} (unit {low[1] + 1} after {labels[low[0]]}) to "
            f"{values[high]:.2f} (unit {high[1] + 1} after {labels[high[0]]}).")


def seed_points(runs: pd.DataFrame) -> str:
    """Compare's points: each framing's range over its seeds.

    >>> seed_points(pd.DataFrame({"framing": ["naive", "naive", "stateful"],
    ...                           "accuracy": [80.0, 84.0, 100.0]}))
    'naive: 80.00–84.00% over 2 seeds; stateful: 100.00% over 1 seed.'
    """
    parts = []
    for framing, group in runs.groupby("framing", sort=False):
        low, high, n = group["accuracy"].min(), group["accuracy"].max(), len(group)
        span = f"{low:.2f}%" if low == high else f"{low:.2f}–{high:.2f}%"
        parts.append(f"{framing}: {span} over {n} seed{'s' if n != 1 else ''}")
    return "; ".join(parts) + "."

"""Altair charts of the Cell page: one step's gates and state, and a gate over all steps.

Scales are fixed per trace (not per step), so stepping shows change as change of colour:
gates use 0..1 (sigmoid) and -1..1 (the tanh candidate) on one diverging scale; states use
+-(largest |c| of the whole trace). Like ``charts``, no colours of text or background are set.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

GATE_ROWS = ("i (input)", "f (forget)", "g (candidate)", "o (output)")
STATE_ROWS = ("c before", "c after", "h after")
ROW_PX = 22  # height of one heatmap row
LABEL_PX = 96  # room for the row labels, the same in both step charts so their units line up
AXIS_PX = 64  # the unit axis below a heatmap: labels and title
MAX_STEP_LABELS = 60  # above this many steps, label every k-th step only


def height(chart: alt.Chart) -> int:
    """The pixel height to give ``st.altair_chart`` (Streamlit does not take it from the chart):
    the plot, plus its axis (rotated step labels need more room than unit numbers)."""
    rotated = chart.to_dict().get("encoding", {}).get("x", {}).get("axis", {}).get("labelAngle", 0)
    return int(chart.height) + AXIS_PX + (24 if rotated else 0)


def _unit_axis(units: int) -> alt.X:
    every = max(1, units // 32)  # at most ~32 unit labels: readable at 1024 px
    return alt.X(
        "unit:O",
        title="unit",
        axis=alt.Axis(labelAngle=0, values=list(range(0, units, every)), labelOverlap=True),
    )


def _rows_heatmap(values: np.ndarray, rows: tuple[str, ...], title: str, domain: list[float]) -> alt.Chart:
    """A heatmap of ``values`` (len(rows), units): one row per name, one column per unit."""
    n_rows, units = values.shape
    frame = pd.DataFrame(
        {
            "row": np.repeat(rows, units),
            "unit": np.tile(np.arange(units), n_rows),
            "value": values.reshape(-1).astype(float),
        }
    )
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=_unit_axis(units),
            y=alt.Y(
                "row:N",
                sort=list(rows),
                title=None,
                axis=alt.Axis(labelOverlap=False, labelLimit=120, minExtent=LABEL_PX),
            ),
            color=alt.Color(
                "value:Q",
                title=title,
                scale=alt.Scale(scheme="redblue", domain=domain, reverse=True),
                legend=alt.Legend(orient="right", gradientLength=ROW_PX * n_rows),
            ),
            tooltip=["row:N", "unit:O", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(height=ROW_PX * n_rows)
    )


def gates_chart(i: np.ndarray, f: np.ndarray, g: np.ndarray, o: np.ndarray) -> alt.Chart:
    """The four gates of one step for every unit, on one scale from -1 to 1."""
    return _rows_heatmap(np.stack([i, f, g, o]), GATE_ROWS, "gate", [-1.0, 1.0])


def states_chart(c_prev: np.ndarray, c: np.ndarray, h: np.ndarray, limit: float) -> alt.Chart:
    """c before the step, c after it, and h after it, on a scale of +-``limit``."""
    limit = float(max(limit, 1e-6))
    return _rows_heatmap(np.stack([c_prev, c, h]), STATE_ROWS, "state", [-limit, limit])


def step_labels(fed: list[str]) -> list[str]:
    """Unique column labels "1 A", "2 B", ... (steps are 1-based on the page)."""
    return [f"{k + 1} {s}" for k, s in enumerate(fed)]


def over_steps_chart(values: np.ndarray, fed: list[str], title: str, domain: list[float]) -> alt.Chart:
    """One gate (or state) over all steps: a column per step, a row per unit."""
    steps, units = values.shape
    labels = step_labels(fed)
    frame = pd.DataFrame(
        {
            "step": np.repeat(labels, units),
            "unit": np.tile(np.arange(units), steps),
            "value": values.reshape(-1).astype(float),
        }
    )
    every = max(1, steps // MAX_STEP_LABELS)
    scheme = "blues" if domain[0] >= 0 else "redblue"
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X(
                "step:O",
                sort=labels,
                title="time step (letter fed)",
                axis=alt.Axis(labelAngle=-60, values=labels[::every]),
            ),
            y=alt.Y("unit:O", title="unit"),
            color=alt.Color(
                "value:Q",
                title=title,
                scale=alt.Scale(scheme=scheme, domain=domain, reverse=scheme == "redblue"),
            ),
            tooltip=["step:O", "unit:O", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(height=max(120, min(12 * units, 360)))
    )


def unit_line_chart(values: np.ndarray, fed: list[str], selected: list[int], units: list[int]) -> alt.Chart:
    """The signal of a few units over all steps, the selected steps marked with dots."""
    labels = step_labels(fed)
    chosen = set(selected)
    frame = pd.DataFrame(
        [
            {"step": labels[k], "unit": f"unit {u}", "value": float(values[k, u]), "selected": k in chosen}
            for u in units
            for k in range(len(labels))
        ]
    )
    every = max(1, len(labels) // MAX_STEP_LABELS)
    base = alt.Chart(frame).encode(
        x=alt.X(
            "step:O", sort=labels, title="time step", axis=alt.Axis(labelAngle=-60, values=labels[::every])
        ),
        y=alt.Y("value:Q", title="h"),
        color=alt.Color(
            "unit:N", scale=alt.Scale(scheme="tableau10"), legend=alt.Legend(orient="top", title=None)
        ),
        tooltip=["step:O", "unit:N", alt.Tooltip("value:Q", format=".3f")],
    )
    dots = base.transform_filter(alt.datum.selected).mark_circle(size=60)
    return alt.layer(base.mark_line(), dots).properties(height=200)

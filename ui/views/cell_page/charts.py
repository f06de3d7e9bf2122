"""Charts of the Cell page: one step's gates and state, and a gate over all steps.

Scales are fixed per trace (not per step), so stepping shows change as change of colour:
gates use 0..1 (sigmoid) and -1..1 (the tanh candidate) on one diverging scale; states use
+-(largest |c| of the whole trace). Like ``charts``, no colours of text or background are set.

The two charts redrawn at every step are plain Vega-Lite specs (what Altair would generate),
for ``st.vega_lite_chart``: building and validating an Altair chart and serialising it cost
~40-70 ms each here, a spec dict well under 1 ms, and a step must redraw in under 200 ms.
The charts drawn once per text use Altair like the rest of the app.

The ``show_*`` functions draw a chart with its words (issue 27): a sentence of what is high and
low, and the numbers in a table (``ui.views.chart_words``).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.text import charts as chart_words
from ui.views.chart_words import show_chart, show_spec

GATE_ROWS = ("i (input)", "f (forget)", "g (candidate)", "o (output)")
STATE_ROWS = ("c before", "c after", "h after")
ROW_PX = 22  # height of one heatmap row
LABEL_PX = 96  # room for the row labels, the same in both step charts so their units line up
AXIS_PX = 64  # the axis below a chart: labels and title
ROTATED_PX = 24  # extra room for step labels written at an angle
MAX_STEP_LABELS = 60  # above this many steps, label every k-th step only
FIRST_UNIT = 1  # people count units from 1, as the State page does; arrays index them from 0


def unit_numbers(units: int) -> np.ndarray:
    """The numbers the page shows for ``units`` units (the engine's indices 0..units-1).

    >>> unit_numbers(3).tolist()
    [1, 2, 3]
    """
    return np.arange(units) + FIRST_UNIT


def height(chart: alt.Chart | dict, rotated_labels: bool = False) -> int:
    """The pixel height to give ``st.altair_chart``/``st.vega_lite_chart`` (Streamlit does not
    take it from the chart): the plot, plus its axis."""
    plot = chart["height"] if isinstance(chart, dict) else chart.height
    return int(plot) + AXIS_PX + (ROTATED_PX if rotated_labels else 0)


def _rows_heatmap(
    values: np.ndarray, rows: tuple[str, ...], title: str, domain: list[float]
) -> tuple[pd.DataFrame, dict]:
    """A heatmap of ``values`` (len(rows), units): one row per name, one column per unit.
    Returns (data, Vega-Lite spec) for ``st.vega_lite_chart(data, spec)``."""
    n_rows, units = values.shape
    frame = pd.DataFrame(
        {
            "row": np.repeat(rows, units),
            "unit": np.tile(unit_numbers(units), n_rows),
            "value": values.reshape(-1).astype(float),
        }
    )
    every = max(1, units // 32)  # at most ~32 unit labels: readable at 1024 px
    spec = {
        "mark": {"type": "rect"},
        "height": ROW_PX * n_rows,
        "encoding": {
            "x": {
                "field": "unit",
                "type": "ordinal",
                "title": "unit",
                "axis": {
                    "labelAngle": 0, "values": unit_numbers(units)[::every].tolist(), "labelOverlap": True
                },
            },
            "y": {
                "field": "row",
                "type": "nominal",
                "sort": list(rows),
                "title": None,
                "axis": {"labelOverlap": False, "labelLimit": 120, "minExtent": LABEL_PX},
            },
            "color": {
                "field": "value",
                "type": "quantitative",
                "title": title,
                "scale": {"scheme": "redblue", "domain": domain, "reverse": True},
                "legend": {"orient": "right", "gradientLength": ROW_PX * n_rows},
            },
            "tooltip": [
                {"field": "row", "type": "nominal"},
                {"field": "unit", "type": "ordinal"},
                {"field": "value", "type": "quantitative", "format": ".3f"},
            ],
        },
    }
    return frame, spec


def gates_chart(i: np.ndarray, f: np.ndarray, g: np.ndarray, o: np.ndarray) -> tuple[pd.DataFrame, dict]:
    """The four gates of one step for every unit, on one scale from -1 to 1."""
    return _rows_heatmap(np.stack([i, f, g, o]), GATE_ROWS, "gate", [-1.0, 1.0])


def states_chart(c_prev: np.ndarray, c: np.ndarray, h: np.ndarray, limit: float) -> tuple[pd.DataFrame, dict]:
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
            "unit": np.tile(unit_numbers(units), steps),
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
    """The signal of a few units (their indices) over all steps, the selected steps marked with dots."""
    labels = step_labels(fed)
    chosen = set(selected)
    frame = pd.DataFrame(
        [
            {"step": labels[k], "unit": f"unit {u + FIRST_UNIT}", "value": float(values[k, u]),
             "selected": k in chosen}
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


def step_table(data: pd.DataFrame) -> pd.DataFrame:
    """A step chart's long data (row, unit, value) as a table: a row per gate or state, a column per unit."""
    table = data.pivot(index="row", columns="unit", values="value")
    table = table.loc[list(dict.fromkeys(data["row"]))].round(3)
    table.columns = [f"unit {u}" for u in table.columns]
    return table.reset_index()


def show_step_chart(data: pd.DataFrame, spec: dict) -> None:
    """One step's gates or states (``gates_chart``/``states_chart``), its sentence and its numbers."""
    table = step_table(data)
    values = table.drop(columns="row").to_numpy(dtype=float)
    show_spec(data, spec, chart_words.rows_heatmap(values, list(table["row"])), table, height=height(spec))


def show_over_steps(values: np.ndarray, fed: list[str], title: str, domain: list[float]) -> None:
    """``over_steps_chart`` with its sentence (highest and lowest: which unit, after which letter)
    and its numbers (a row per step)."""
    chart = over_steps_chart(values, fed, title, domain)
    show_chart(chart, chart_words.heatmap(values, fed, title), chart_words.heatmap_table(values, fed, title),
               height=height(chart, rotated_labels=True))


def show_unit_lines(values: np.ndarray, fed: list[str], selected: list[int], units: list[int],
                    name: str = "h") -> None:
    """``unit_line_chart`` with its sentence (each unit's low and high) and its numbers."""
    chart = unit_line_chart(values, fed, selected, units)
    table = pd.DataFrame({"step": step_labels(fed)}) if units else None
    for u in units:
        table[f"{name}, unit {u + FIRST_UNIT}"] = np.round(values[:, u], 3)
    show_chart(chart, chart_words.unit_lines(values, fed, units, name), table,
               height=height(chart, rotated_labels=True))

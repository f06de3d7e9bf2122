"""The Sine page's charts: the wave with both kinds of prediction, and their error over the horizon."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lstm_core.analysis.forecast import Forecast, along
from lstm_core.model.results import TrainResult
from ui import charts
from ui.text import charts as chart_words
from ui.views.chart_words import show_chart

SERIES = ("true wave", "training values", "teacher-forced", "free-running")


def curve_frame(run: TrainResult, fc: Forecast, before: int) -> pd.DataFrame:
    """Long table (position, series, value) of the wave around a forecast, for one chart.

    ``before`` positions of context precede the start; training values stop at the length.
    """
    first = max(0, fc.start - before)
    end = fc.start + len(fc.positions)
    clean, noisy, teacher = along(run, end)
    pos = np.arange(first, end)
    trained = pos[pos < run.config.length]
    parts = [
        pd.DataFrame({"position": pos, "series": SERIES[0], "value": clean[first:end]}),
        pd.DataFrame({"position": trained, "series": SERIES[1], "value": noisy[trained]}),
        pd.DataFrame({"position": pos, "series": SERIES[2], "value": teacher[first:end]}),
        pd.DataFrame({"position": fc.positions, "series": SERIES[3], "value": fc.free}),
    ]
    return pd.concat(parts, ignore_index=True).dropna()


def curve_chart(frame: pd.DataFrame, start: int, height: int = 320) -> alt.Chart:
    """The true wave, the noisy training values, both kinds of prediction, and where free running starts."""
    color = alt.Color(
        "series:N", scale=alt.Scale(domain=list(SERIES), scheme=charts.CATEGORIES),
        # two columns: four names in one row run past a phone's width (390 px) and are cut
        legend=alt.Legend(orient="top", title=None, columns=2),
    )
    base = alt.Chart(frame).encode(
        x=alt.X("position:Q", title="position in the wave (sample)", scale=alt.Scale(zero=False, nice=False)),
        y=alt.Y("value:Q", title="value"),
        color=color,
        tooltip=["position:Q", "series:N", alt.Tooltip("value:Q", format=".4f")],
    )
    lines = base.transform_filter(alt.datum.series != SERIES[1]).mark_line(strokeWidth=2).encode(
        strokeDash=alt.condition(alt.datum.series == SERIES[3], alt.value([6, 3]), alt.value([1, 0]))
    )
    points = base.transform_filter(alt.datum.series == SERIES[1]).mark_circle(size=18, opacity=0.6)
    rule = alt.Chart(pd.DataFrame({"position": [start]})).mark_rule(strokeDash=[2, 2]).encode(x="position:Q")
    return alt.layer(points, lines, rule).properties(height=height, padding=charts.PADDING)


def show_curve(frame: pd.DataFrame, start: int) -> None:
    """The wave chart, its sentence and its data (one column per series)."""
    table = frame.pivot_table(index="position", columns="series", values="value").reset_index()
    table = table[["position", *[s for s in SERIES if s in table.columns]]].round(4)
    show_chart(curve_chart(frame, start), chart_words.wave(frame, start), table)


def show_error(frame: pd.DataFrame) -> None:
    """The error chart, its sentence and its data (one column per kind of prediction)."""
    table = frame.pivot_table(index="step", columns="series", values="error").reset_index()
    show_chart(error_chart(frame), chart_words.wave_error(frame), table.round(4))


def error_frame(fc: Forecast) -> pd.DataFrame:
    """Long table (step, series, error) of |prediction - true wave| over the horizon."""
    steps = np.arange(1, len(fc.positions) + 1)
    return pd.concat(
        [
            pd.DataFrame({"step": steps, "series": SERIES[2], "error": fc.teacher_error}),
            pd.DataFrame({"step": steps, "series": SERIES[3], "error": fc.free_error}),
        ],
        ignore_index=True,
    )


def error_chart(frame: pd.DataFrame, height: int = 240) -> alt.Chart:
    """How far each kind of prediction is from the true wave, step by step of the horizon."""
    return (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X(
                "step:Q", title="steps after the start (horizon)", axis=alt.Axis(tickMinStep=1),
                scale=alt.Scale(domain=[1, max(2, int(frame["step"].max()))], nice=False),
            ),
            y=alt.Y("error:Q", title="|prediction − true wave|"),
            color=alt.Color(
                "series:N", scale=alt.Scale(domain=list(SERIES[2:]), range=_colors(SERIES[2:])),
                legend=alt.Legend(orient="top", title=None),
            ),
            strokeDash=alt.condition(alt.datum.series == SERIES[3], alt.value([6, 3]), alt.value([1, 0])),
            tooltip=["step:Q", "series:N", alt.Tooltip("error:Q", format=".4f")],
        )
        .properties(height=height, padding=charts.PADDING)
    )


def _colors(names) -> list[str]:
    """The tableau10 hues the curve chart gives these series, so both charts agree."""
    palette = ["#4c78a8", "#f58518", "#e45756", "#72b7b2"]
    return [palette[SERIES.index(n)] for n in names]

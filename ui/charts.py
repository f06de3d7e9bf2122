"""Altair charts, theme-neutral: no background or text colours are set here, so
Streamlit's own chart theme makes them readable in light and dark mode.

Each function takes plain data (engine objects or DataFrames) and returns a chart; the
pages decide where it goes.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lstm_core.analysis.inference import StateSource
from ui.safe import visible

# Room around a chart's plot: with none, a rotated y-axis title sits at the container's edge
# and loses a few pixels on a phone (measured 2 px on the Sine page at 390 px).
PADDING = {"left": 6, "right": 4, "top": 4, "bottom": 4}
CATEGORIES = "tableau10"  # mid-tone hues, readable on light and dark backgrounds alike
MAX_POINTS = 600  # a 5000-epoch history is thinned to this many points: the browser redraws 4x/s


def thin(history: list, max_points: int = MAX_POINTS) -> list:
    """Every k-th epoch log so at most ~``max_points`` remain, always keeping the last."""
    if not history:
        return []
    kept = history[:: max(1, len(history) // max_points)]
    return kept if kept[-1] is history[-1] else [*kept, history[-1]]


def history_frame(history, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """Epoch logs as a long table (epoch, metric, value) for a two-line chart."""
    kept = thin(history, max_points)
    epochs = [h.epoch for h in kept]
    return pd.DataFrame(
        {
            "epoch": epochs * 2,
            "metric": ["loss"] * len(kept) + ["accuracy"] * len(kept),
            "value": [h.loss for h in kept] + [h.accuracy for h in kept],
        }
    )


def history_table(history, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """The history as a table a screen reader can read: epoch, loss, accuracy (thinned)."""
    kept = thin(history, max_points)
    return pd.DataFrame({"epoch": [h.epoch for h in kept], "loss": [h.loss for h in kept],
                         "accuracy": [h.accuracy for h in kept]})


ACCURACY_TOP = 1.05  # the accuracy axis's top (see history_chart)


def history_chart(history, height: int = 260, regression: bool = False) -> alt.Chart:
    """Loss (left axis) and accuracy (right axis, 0-100%) over the epochs trained so far.

    ``regression`` (the sine task): the mean squared error alone; there is no accuracy.
    """
    if regression:
        kept = thin(history)
        frame = pd.DataFrame({"epoch": [h.epoch for h in kept], "MSE": [h.loss for h in kept]})
        return (
            alt.Chart(frame)
            .mark_line()
            .encode(
                x=alt.X("epoch:Q", title="epoch", axis=alt.Axis(tickMinStep=1)),
                y=alt.Y("MSE:Q", title="loss (mean squared error)", scale=alt.Scale(zero=True)),
                tooltip=["epoch:Q", alt.Tooltip("MSE:Q", format=".5f")],
            )
            .properties(height=height, padding=PADDING)
        )
    data = history_frame(history)
    base = alt.Chart(data).encode(
        x=alt.X("epoch:Q", title="epoch", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color(
            "metric:N",
            scale=alt.Scale(domain=["loss", "accuracy"], scheme=CATEGORIES),
            legend=alt.Legend(orient="top", title=None),
        ),
        tooltip=["epoch:Q", "metric:N", alt.Tooltip("value:Q", format=".4f")],
    )
    loss = (
        base.transform_filter(alt.datum.metric == "loss")
        .mark_line()
        .encode(y=alt.Y("value:Q", title="loss (cross-entropy)", scale=alt.Scale(zero=True)))
    )
    acc = (
        base.transform_filter(alt.datum.metric == "accuracy")
        .mark_line()
        .encode(
            y=alt.Y(
                "value:Q",
                title="accuracy",
                # A little room above 100%: a run at 100% draws its line inside the plot, not on
                # (and half above) its top edge; the ticks stop at 100%.
                scale=alt.Scale(domain=[0, ACCURACY_TOP], nice=False),
                axis=alt.Axis(format="%", orient="right", values=[0, 0.25, 0.5, 0.75, 1]),
            )
        )
    )
    return alt.layer(loss, acc).resolve_scale(y="independent").properties(height=height, padding=PADDING)


def per_letter_chart(table: pd.DataFrame, vocab: str | None = None, height: int = 220) -> alt.Chart:
    """Bars of accuracy per expected letter (columns letter, accuracy, samples).

    The axis keeps the vocabulary's order (``vocab``), spelled with ``safe.visible`` so a
    space is ``␣``; the order is given explicitly, because a chart redrawn in place keeps the
    order of the letters it saw first. A 0% bar has no height, so it is labelled "0%": an
    empty slot would read as "no data".
    """
    frame = table.assign(letter=table["letter"].map(visible))
    order = [visible(ch) for ch in vocab] if vocab else list(frame["letter"])
    order = [ch for ch in order if ch in set(frame["letter"])]
    x = alt.X("letter:N", sort=order, title="letter to predict", axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("accuracy:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            color=alt.Color(
                # viridis: dark to light stays readable under every common colour-vision
                # deficiency and in grey (red-yellow-green does not); the bar's height says it too
                "accuracy:Q", scale=alt.Scale(scheme="viridis", domain=[0, 1]), legend=None
            ),
            tooltip=["letter:N", alt.Tooltip("accuracy:Q", format=".0%"), "samples:Q"],
        )
    )
    zeros = (
        alt.Chart(frame)
        .transform_filter(alt.datum.accuracy == 0)
        .mark_text(baseline="bottom", dy=-2, fontWeight="bold", color="#d62728")
        .encode(x=x, y=alt.Y("accuracy:Q"), text=alt.value("0%"))
    )
    return alt.layer(bars, zeros).properties(height=height)


def state_heatmap(values: np.ndarray, labels: list[str], resets: list[bool], name: str) -> alt.Chart:
    """Heatmap of one state (h or c): a column per time step, a row per unit.

    Column labels read "3 C" (step 3 fed C); a "↺" marks a step that started from zero state.
    Colours diverge around 0: blue negative, red positive, pale near zero.
    """
    steps, units = values.shape
    cols = [
        f"{i + 1} {visible(lab)}{' ↺' if reset else ''}" for i, (lab, reset) in enumerate(zip(labels, resets))
    ]
    frame = pd.DataFrame(
        {
            "step": np.repeat(cols, units),
            "unit": np.tile(np.arange(1, units + 1), steps),
            "value": values.reshape(-1).astype(float),
        }
    )
    limit = float(max(1e-6, np.abs(values).max()))
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("step:O", sort=cols, title="time step (letter fed)", axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("unit:O", title="unit"),
            color=alt.Color(
                "value:Q",
                title=name,
                # blue-orange: a diverging palette that colour-blind readers can still split
                scale=alt.Scale(scheme="blueorange", domain=[-limit, limit]),
            ),
            tooltip=["step:O", "unit:O", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(height=max(120, min(16 * units, 420)))
    )


def reset_strip(timeline: pd.DataFrame) -> alt.Chart:
    """Samples of one epoch laid out as batches (columns) x rows in the batch (rows).

    Read it left to right: a stateful LSTM hands row i's state to row i of the next batch,
    i.e. to the square on its right. Colour says where each sample's state starts.
    """
    zero = timeline["source"] == StateSource.ZERO.value
    frame = timeline.assign(
        start=np.where(zero, "zero state", "carried state"),
        starts_from=np.where(
            zero, "zero state", "end state of sample " + timeline["from_sample"].astype(str)
        ),
    )
    return (
        alt.Chart(frame)
        .mark_rect(stroke="gray", strokeWidth=0.5)
        .encode(
            x=alt.X("batch:O", title="batch (in epoch order)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("row:O", title="row in batch"),
            color=alt.Color(
                "start:N",
                title="state starts from",
                scale=alt.Scale(domain=["zero state", "carried state"], scheme="set2"),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=["sample:O", "batch:O", "row:O", "starts_from:N"],
        )
        .properties(height=alt.Step(16))
    )


def overlaid_loss_chart(curves: pd.DataFrame, height: int = 320) -> alt.Chart:
    """Loss curves of many runs (columns run, framing, epoch, loss), one colour per framing."""
    return (
        alt.Chart(curves)
        .mark_line(opacity=0.75)
        .encode(
            x=alt.X("epoch:Q"),
            y=alt.Y("loss:Q", title="loss (cross-entropy)", scale=alt.Scale(zero=True)),
            color=alt.Color("framing:N", scale=alt.Scale(scheme=CATEGORIES), legend=alt.Legend(orient="top")),
            detail="run:N",
            tooltip=["run:N", "epoch:Q", alt.Tooltip("loss:Q", format=".4f")],
        )
        .properties(height=height)
    )


def points_domain(values: list[float]) -> list[float]:
    """The accuracy axis of :func:`seed_points_chart`: every value with room for a whole point on
    both sides (a point at the domain's edge is cut in half by the plot's clip).

    >>> points_domain([82.61, 86.96])
    [82.0, 87.5]
    >>> points_domain([100.0, 100.0])
    [99.0, 100.5]
    """
    low, high = min(values), max(values)
    pad = max(0.5, 0.1 * (high - low))
    return [float(np.floor(low - pad)), float(np.ceil(2 * (high + pad)) / 2)]


def seed_points_chart(runs: pd.DataFrame, tutorial: dict[str, float]) -> alt.Chart:
    """Every run as one point (columns framing, seed, accuracy), one band per framing, and the
    tutorial's single-run figure as a grey line across that band, so a spread is seen, not
    summarised away.

    Within its band each seed has its own height, so runs with equal accuracy sit one above
    the other instead of on top of each other. (Placed by hand on a numeric axis: Vega-Lite's
    yOffset misplaces points once a second layer shares the axis.) Drawn as SVG, so each
    point is an element with its own label, for screen readers and the browser test.
    """
    order = list(dict.fromkeys(runs["framing"]))
    data = runs[["framing", "seed", "accuracy"]].copy()
    band = data["framing"].map({f: i for i, f in enumerate(order)})
    rank = data.groupby("framing")["seed"].rank(method="first") - 1
    count = data.groupby("framing")["seed"].transform("count")
    data["y"] = band + 0.1 + 0.8 * (rank + 0.5) / count  # inside [band + 0.1, band + 0.9]
    names = " : ".join(f"datum.value == {i + 0.5} ? {name!r}" for i, name in enumerate(order))
    y_axis = alt.Axis(values=[i + 0.5 for i in range(len(order))], labelExpr=f"{names} : ''",
                      grid=False, ticks=False, domain=False, labelPadding=6)
    y_scale = alt.Scale(domain=[0, len(order)], reverse=True, nice=False)
    x_scale = alt.Scale(domain=points_domain([*data["accuracy"], *tutorial.values()]), nice=False)
    points = (
        alt.Chart(data)
        .mark_circle(size=70, opacity=0.85)
        .encode(
            x=alt.X("accuracy:Q", title="accuracy (%), one point per seed", scale=x_scale),
            y=alt.Y("y:Q", title=None, scale=y_scale, axis=y_axis),
            color=alt.Color("framing:N", scale=alt.Scale(scheme=CATEGORIES), legend=None),
            tooltip=["framing:N", "seed:O", alt.Tooltip("accuracy:Q", format=".2f")],
        )
    )
    marks = pd.DataFrame(
        {
            "framing": order,
            "tutorial": [tutorial[f] for f in order],
            "top": [i + 0.05 for i in range(len(order))],
            "bottom": [i + 0.95 for i in range(len(order))],
        }
    )
    lines = (
        alt.Chart(marks)
        .mark_rule(strokeWidth=3, color="gray")
        .encode(
            x="tutorial:Q",
            y=alt.Y("top:Q", scale=y_scale, axis=y_axis),
            y2="bottom:Q",
            tooltip=["framing:N", alt.Tooltip("tutorial:Q", title="tutorial (%)")],
        )
    )
    return alt.layer(lines, points).properties(usermeta={"embedOptions": {"renderer": "svg"}})


def seed_points_height(runs: pd.DataFrame) -> int:
    """Pixels for :func:`seed_points_chart` (pass it to ``st.altair_chart``, which does not
    take the height from a layered spec): 12 per seed in each band, 48 to 200 a band, plus
    the x axis and its title."""
    per_band = min(200, max(48, 12 * int(runs.groupby("framing").size().max())))
    return per_band * runs["framing"].nunique() + 60

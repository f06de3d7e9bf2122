"""The Sine page's pieces: its settings (widgets <-> config <-> URL), live training, charts, words.

The sine task (``lstm_core.data.sine``) is regression: one real number in per time step, the next
value out, mean squared error. Its runs live apart from the Lab's current run (the Lab,
Generate, State and Cell pages work on letters), under :data:`RUN` in the session, and are
kept in the run store like every trained model.

The settings are live widgets, like the Lab's: each change reruns the page, the address
bar holds what differs from the framing's sine preset (``/sine?framing=stateful&noise=0.1``),
and a bad value gets the config's own sentence beside the form.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lstm_core.analysis.forecast import Forecast, mse, teacher_forced
from lstm_core.config import MAX_GENERATE_STEPS, MAX_NOISE, MAX_PERIOD, MIN_PERIOD, SINE_FRAMINGS, LSTMConfig
from lstm_core.data import sine
from lstm_core.model.results import TrainResult
from lstm_core.presets import sine_preset
from lstm_core.store import runs

from . import charts, form, runner, safe, session
from . import downloads as dl
from .text.shared import DOWNLOAD_HELP

log = logging.getLogger(__name__)

RUN = "sine_run"  # session key (and mailbox key) of the Sine page's trained run
# The fields the page offers, in form order: (field, label, +/- step, help).
FIELDS = (
    ("period", "Period (samples per cycle)", 1.0,
     f"How many samples make one full cycle of the wave ({MIN_PERIOD} to {MAX_PERIOD:,}). "
     "Short periods are coarse zig-zags; long ones change slowly from sample to sample."),
    ("noise", "Noise (std)", 0.01,
     f"Standard deviation of the Gaussian noise added to every value (0 to {MAX_NOISE:g}; the "
     "wave's amplitude is 1). The model is trained on, and fed, the noisy values."),
    ("length", "Length (values)", 50.0,
     "How many values of the wave the model trains on. Each window of past values and the "
     "value after it is one sample."),
    ("window", "Window (values)", 1.0,
     "How many past values one sample shows the network. The stateful framing feeds one value "
     "at a time and carries its state instead, so its window is 1."),
    ("units", "Units", 1.0, "The LSTM's memory cells: the size of its hidden state h and cell state c."),
    ("epochs", "Epochs", 10.0, "Passes over every window of the wave."),
    ("seed", "Seed", 1.0, "One seed for the first weights, the sample order and the noise."),
)
HELP_FRAMING = (
    "How the wave is cut into samples. timestep-window: a window of past values as time steps; "
    "feature-window: the same values side by side in one step; naive: one value; whole-batch: "
    "one value, every sample in one update; stateful: one value at a time with the state "
    "carried from sample to sample (in order). Picking one loads its starting settings."
)
HELP_START = (
    "The position of the wave where free running starts. The model gets the true values before "
    "it, then only its own output. Past the training length the wave simply continues."
)
HELP_STEPS = f"How many values to predict from the start, each fed back in (1 to {MAX_GENERATE_STEPS})."
# The page opens on the stateful framing: one value at a time, as the tutorial's reader fed
# his network, and the one where feeding the model its own output drifts soonest.
DEFAULT_FRAMING = "stateful"


# -- settings ------------------------------------------------------------------------------
def base_config(framing: str) -> LSTMConfig:
    """The framing's sine preset (an unknown framing gives the default one)."""
    return sine_preset(framing if framing in SINE_FRAMINGS else DEFAULT_FRAMING)


def config_from(values: Mapping[str, Any]) -> LSTMConfig:
    """The config the page's values describe; ``ValueError`` (one sentence) if none.

    The batch size follows the framing (whole-batch: every sample; else 1), so changing the
    length never makes a whole-batch run invalid::

        >>> c = config_from({"framing": "whole-batch", "length": "120"})
        >>> c.batch_size, c.num_examples
        (119, 119)
    """
    framing = str(values.get("framing") or DEFAULT_FRAMING)
    if framing not in SINE_FRAMINGS:
        raise ValueError(
            f"framing={framing[:40]!r} is not allowed: the sine task supports {', '.join(SINE_FRAMINGS)}."
        )
    given = {name: values[name] for name, *_ in FIELDS if values.get(name) is not None}
    empty = [name for name, *_ in FIELDS if name in values and values[name] is None]
    if empty:
        raise ValueError(f"{', '.join(empty)} is empty: type a value.")
    config = LSTMConfig.from_dict({**base_config(framing).to_dict(), **given, "batch_size": 1})
    if framing == "whole-batch":
        config = config.replace(batch_size=config.num_examples)
    return config


def link_config(params: Mapping[str, str]) -> tuple[LSTMConfig, list[str]]:
    """A link's config; one that cannot be used gives the framing's preset and says why.

    >>> link_config({"framing": "stateful", "noise": "3"})[1]  # doctest: +ELLIPSIS
    ["The link's settings cannot be used: noise=3.0 is not allowed: ..."]
    """
    try:
        return config_from(params), []
    except ValueError as exc:
        return base_config(str(params.get("framing", ""))), [f"The link's settings cannot be used: {exc}"]


def new_framing(values: Mapping[str, Any], old: str) -> dict[str, Any]:
    """A new framing loads its starting settings, keeping the wave (period, noise, length, seed)."""
    base = base_config(str(values["framing"]))
    return {**values, **{name: form.widget_value(base, name) for name in ("window", "units", "epochs")}}


SINE = form.Form(
    prefix="sine",
    fields=("framing", *(f[0] for f in FIELDS)),
    base=base_config,
    default=lambda: base_config(DEFAULT_FRAMING),
    to_config=config_from,
    from_url=link_config,
    on_framing=new_framing,
    notes_stay=False,  # a link that cannot be used is this run's problem, said once
    remember=False,  # the page opens on the default framing's preset
)
KEY = SINE.keys


def url_params(config: LSTMConfig) -> dict[str, str]:
    """The shortest URL parameters that rebuild ``config`` on this page.

    >>> url_params(sine_preset("stateful").replace(noise=0.1))
    {'framing': 'stateful', 'noise': '0.1'}
    """
    return form.url_params(SINE, config)


def load_state() -> tuple[LSTMConfig, str | None]:
    """Decide what the widgets show (a new link wins), and mirror it in the address bar.

    Returns the config shown (the last valid one if the widgets are invalid) and the problem.
    """
    config, problem, _ = form.load_state(SINE)
    return config, problem


def settings_form():
    """The framing, the wave and the model's settings, and Train; returns the area beside Train."""
    with st.container(border=True, key="sine_settings"):
        cells = iter(st.columns(4) + st.columns(4))
        next(cells).selectbox(
            "Framing", SINE_FRAMINGS, key=KEY["framing"], help=HELP_FRAMING,
            on_change=form.on_framing_change, args=(SINE,),
        )
        for name, label, step, help_text in FIELDS:
            fmt = "%.3f" if name == "noise" else "%g"
            next(cells).number_input(label, step=step, format=fmt, key=KEY[name], help=help_text)
        action = st.columns([1, 4], vertical_alignment="center")
        action[0].button(
            "Train", type="primary", icon=":material/play_arrow:", on_click=form.on_train, args=(SINE,),
            key="sine_train", width="stretch",
            help="Train an LSTM on this wave, with a live chart of its MSE.",
        )
        return action[1].container()


# -- training ----------------------------------------------------------------------------
def current_run() -> TrainResult | None:
    """This session's sine run, adopting one an interrupted training left in the mailbox."""
    session.adopt_pending()  # a Lab run an interruption left, if any
    runner.adopt(RUN, keep)
    return st.session_state.get(RUN)


def keep(run: TrainResult) -> None:
    """Make ``run`` the page's run and store it (the store first: it cannot be interrupted)."""
    try:
        runs.get_store().save(run, {"origin": "sine"})
    except Exception:  # noqa: BLE001 - the store is a convenience; the session keeps the run
        log.exception("storing a sine run failed")
    st.session_state[RUN] = run


def regression_chart(history) -> alt.Chart:
    """The live chart of a sine training: its MSE per epoch."""
    return charts.history_chart(history, regression=True)


def train(config: LSTMConfig, progress_area) -> None:
    """Train with a progress bar, Stop, and a live MSE chart; keep the run even if interrupted."""
    runner.train_one(config, key="sine_stop", progress_area=progress_area, result_key=RUN, keep=keep,
                     chart=regression_chart, mark_url=False)


# -- charts -------------------------------------------------------------------------------
SERIES = ("true wave", "training values", "teacher-forced", "free-running")


def curve_frame(run: TrainResult, fc: Forecast, before: int) -> pd.DataFrame:
    """Long table (position, series, value) of the wave around a forecast, for one chart.

    ``before`` positions of context precede the start; training values stop at the length.
    """
    first = max(0, fc.start - before)
    end = fc.start + len(fc.positions)
    w = sine.wave(run.config, end)
    teacher = teacher_forced(run, w.noisy)
    pos = np.arange(first, end)
    trained = pos[pos < run.config.length]
    parts = [
        pd.DataFrame({"position": pos, "series": SERIES[0], "value": w.clean[first:end]}),
        pd.DataFrame({"position": trained, "series": SERIES[1], "value": w.noisy[trained]}),
        pd.DataFrame({"position": pos, "series": SERIES[2], "value": teacher[first:end]}),
        pd.DataFrame({"position": fc.positions, "series": SERIES[3], "value": fc.free}),
    ]
    return pd.concat(parts, ignore_index=True).dropna()


def curve_chart(frame: pd.DataFrame, start: int, height: int = 320) -> alt.Chart:
    """The true wave, the noisy training values, both kinds of prediction, and where free running starts."""
    color = alt.Color(
        "series:N", scale=alt.Scale(domain=list(SERIES), scheme=charts.CATEGORIES),
        legend=alt.Legend(orient="top", title=None),
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
    return alt.layer(points, lines, rule).properties(height=height)


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
        .properties(height=height)
    )


def _colors(names) -> list[str]:
    """The tableau10 hues the curve chart gives these series, so both charts agree."""
    palette = ["#4c78a8", "#f58518", "#e45756", "#72b7b2"]
    return [palette[SERIES.index(n)] for n in names]


# -- words -------------------------------------------------------------------------------
def finding(fc: Forecast, noise: float) -> str:
    """The reader's finding, in numbers from this forecast: why free running drifts.

    >>> fc = Forecast(50, np.arange(50, 54), np.zeros(4), np.full(4, 0.01),
    ...                    np.array([0.01, 0.05, 0.2, 0.4]))
    >>> print(finding(fc, 0.0))  # doctest: +NORMALIZE_WHITESPACE
    Fed the true values, the model is off by 0.010 on average over these 4 steps: each
    prediction starts again from real data, so a mistake is forgotten at the next step. Fed
    its own output, it starts as well (0.010 at step 1) but is off by 0.400 at step 4 (0.165
    on average): every prediction becomes part of the next input, so its error is carried
    forward and adds up. That is the drift the tutorial's reader saw generating a sine wave
    from its first input only.
    """
    n = len(fc.positions)
    mean_t, mean_f = float(fc.teacher_error.mean()), float(fc.free_error.mean())
    text = (
        f"Fed the true values, the model is off by {mean_t:.3f} on average over these {n} steps: "
        "each prediction starts again from real data, so a mistake is forgotten at the next step. "
        f"Fed its own output, it starts as well ({fc.free_error[0]:.3f} at step 1) but is off by "
        f"{fc.free_error[-1]:.3f} at step {n} ({mean_f:.3f} on average): every prediction becomes "
        "part of the next input, so its error is carried forward and adds up."
    )
    if mean_f > 1.5 * mean_t:
        text += (
            " That is the drift the tutorial's reader saw generating a sine wave from its first "
            "input only."
        )
    else:
        text += (
            " Here it has not drifted much yet: try a longer horizon, fewer epochs, or more noise "
            "(the drift the tutorial's reader saw grows with every step fed back)."
        )
    if noise > 0:
        text += (
            f" (Teacher-forced inputs carry the noise, std {noise:g}; free-running ones are the "
            "model's own, smooth guesses.)"
        )
    return text


def mse_sentence(run: TrainResult) -> str:
    """The run's training MSE, and what noise alone would cost."""
    error = mse(run)
    text = f"Mean squared error on the {run.config.num_examples:,} training windows: {error:.5f}."
    if run.config.noise > 0:
        text += (
            f" Noise of std {run.config.noise:g} alone makes about {run.config.noise ** 2:.5f}: "
            "no model can predict the noise."
        )
    return text


def downloads(run: TrainResult, fc: Forecast) -> None:
    """The run's downloads; the .keras file and the notebook are built only when clicked."""
    from lstm_core.export import csvs

    name = f"lstm-sine-{run.config.framing}"
    tables = [
        dl.csv("Forecast (CSV)", fc.table().to_csv(index=False), f"{name}-forecast.csv",
               DOWNLOAD_HELP["sine_forecast"]),
        dl.csv("History (CSV)", csvs.history_csv(run), f"{name}-history.csv", DOWNLOAD_HELP["sine_history"]),
    ]
    dl.show(dl.run_files(run, name, tables, DOWNLOAD_HELP["sine_script"]))


def show_error(exc: Exception) -> None:
    st.error(safe.plain(str(exc)), icon=":material/error:")

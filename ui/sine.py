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

from . import charts, runner, safe, session

log = logging.getLogger(__name__)

RUN = "sine_run"  # session key (and mailbox key) of the Sine page's trained run
REQUEST = "sine_request"  # a validated config waiting to be trained by this script run
ERROR = "sine_error"  # why the last Train click was refused
URL_SEEN = "sine_url_seen"  # the query string last applied to the widgets
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
KEY = {name: f"sine_{name}" for name in ("framing", *(f[0] for f in FIELDS))}
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


def url_params(config: LSTMConfig) -> dict[str, str]:
    """The shortest URL parameters that rebuild ``config`` on this page.

    >>> url_params(sine_preset("stateful").replace(noise=0.1))
    {'framing': 'stateful', 'noise': '0.1'}
    """
    base = base_config(config.framing)
    params = {"framing": config.framing}
    for name, *_ in FIELDS:
        if getattr(config, name) != getattr(base, name):
            params[name] = str(getattr(config, name))
    return params


def _widget_value(config: LSTMConfig, name: str) -> Any:
    value = getattr(config, name)
    return value if isinstance(value, str) else float(value)


def _fill(config: LSTMConfig) -> None:
    for name in KEY:
        st.session_state[KEY[name]] = _widget_value(config, name)


def _values() -> dict[str, Any]:
    return {name: st.session_state.get(KEY[name]) for name in KEY}


def _on_framing_change() -> None:
    """A new framing loads its starting settings, keeping the wave (period, noise, length, seed)."""
    framing = st.session_state[KEY["framing"]]
    base = base_config(framing)
    for name in ("window", "units", "epochs"):
        st.session_state[KEY[name]] = _widget_value(base, name)


def _on_train() -> None:
    try:
        config = config_from(_values())
    except ValueError as exc:
        st.session_state[ERROR] = str(exc)
        st.session_state.pop(REQUEST, None)
        return
    st.session_state[ERROR] = None
    st.session_state[REQUEST] = config


def load_state() -> tuple[LSTMConfig, str | None]:
    """Decide what the widgets show (a new link wins), and mirror it in the address bar.

    Returns the config shown (the last valid one if the widgets are invalid) and the problem.
    """
    given = {k: v for k, v in st.query_params.to_dict().items() if k in KEY}
    problem = None
    if given and given != st.session_state.get(URL_SEEN):
        try:
            _fill(config_from(given))
        except ValueError as exc:
            problem = f"The link's settings cannot be used: {exc}"
            _fill(base_config(str(given.get("framing", ""))))
    elif KEY["framing"] not in st.session_state:
        _fill(base_config(DEFAULT_FRAMING))
    problem = session.pop(ERROR) or problem
    try:
        config = config_from(_values())
    except ValueError as exc:
        config = st.session_state.get("sine_shown") or base_config(DEFAULT_FRAMING)
        problem = str(exc)
    st.session_state["sine_shown"] = config
    params = url_params(config)
    st.session_state[URL_SEEN] = params
    if given != params:
        st.query_params.from_dict({**{k: v for k, v in st.query_params.to_dict().items() if k not in KEY},
                                   **params})
    return config, problem


def settings_form():
    """The framing, the wave and the model's settings, and Train; returns the area beside Train."""
    with st.container(border=True, key="sine_settings"):
        cells = iter(st.columns(4) + st.columns(4))
        next(cells).selectbox(
            "Framing", SINE_FRAMINGS, key=KEY["framing"], help=HELP_FRAMING, on_change=_on_framing_change
        )
        for name, label, step, help_text in FIELDS:
            fmt = "%.3f" if name == "noise" else "%g"
            next(cells).number_input(label, step=step, format=fmt, key=KEY[name], help=help_text)
        action = st.columns([1, 4], vertical_alignment="center")
        action[0].button(
            "Train", type="primary", icon=":material/play_arrow:", on_click=_on_train, key="sine_train",
            width="stretch", help="Train an LSTM on this wave, with a live chart of its MSE.",
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
    from lstm_core.export import csvs, keras_file, script
    from lstm_core.export.notebook import notebook_bytes

    name = f"lstm-sine-{run.config.framing}"
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "Model (.keras)", data=lambda: keras_file.keras_bytes(run), file_name=f"{name}.keras",
        mime="application/octet-stream", on_click="ignore", icon=":material/download:",
        help="The trained model as a Keras 3 file: keras.models.load_model('…keras').",
    )
    row.download_button(
        "Forecast (CSV)", data=fc.table().to_csv(index=False), file_name=f"{name}-forecast.csv",
        mime="text/csv", on_click="ignore", icon=":material/download:",
        help="Step, position, true value, teacher-forced and free-running predictions and their errors.",
    )
    row.download_button(
        "History (CSV)", data=csvs.history_csv(run), file_name=f"{name}-history.csv", mime="text/csv",
        on_click="ignore", icon=":material/download:", help="The MSE per epoch (accuracy does not apply: 0).",
    )
    row.download_button(
        "Keras script (.py)", data=script.keras_script(run.config), file_name=f"{name}.py",
        mime="text/x-python", on_click="ignore", icon=":material/code:",
        help="A runnable plain-Keras script (model.fit, loss mse) with these settings.",
    )
    row.download_button(
        "Notebook (.ipynb)", data=lambda: notebook_bytes(run.config), file_name=f"{name}.ipynb",
        mime="application/x-ipynb+json", on_click="ignore", icon=":material/menu_book:",
        help="The same script as a Jupyter notebook, each step explained in a text cell.",
    )


def show_error(exc: Exception) -> None:
    st.error(safe.plain(str(exc)), icon=":material/error:")

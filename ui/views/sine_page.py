"""The Sine page's body: its settings (a field list of ``ui.form``), training (``ui.runner``), downloads.

The sine task (``lstm_core.data.sine``) is regression: one real number in per time step, the next
value out, mean squared error. Its runs live apart from the Lab's current run (the Lab,
Generate, State and Cell pages work on letters), under :data:`RUN` in the session, and are
kept in the run store like every trained model: the address ends in ``?run=<id>`` and the page
opens that run again after F5 or in another browser (:func:`open_link`).

The settings are live widgets, like the Lab's: each change reruns the page, the address
bar holds what differs from the framing's sine preset (``/sine?framing=stateful&noise=0.1``),
and a bad value gets the config's own sentence beside the form.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import altair as alt
import streamlit as st

from lstm_core.analysis.forecast import Forecast
from lstm_core.config import SINE_FRAMINGS, LSTMConfig
from lstm_core.data.sine import sine_preset
from lstm_core.model.results import TrainResult
from ui import charts, form, runner, safe, session, share
from ui.text.shared import DOWNLOAD_HELP
from ui.text.sine import FIELD_HELP, HELP_FRAMING, LINK, TRAIN_HELP
from ui.views import downloads as dl

log = logging.getLogger(__name__)

RUN = "sine_run"  # session key (and mailbox key) of the Sine page's trained run
RUN_ID = "sine_run_id"  # its id in the run store, also in the address as ?run=<id>
LINK_PENDING = "sine_link_pending"  # a ?run= id the store could not read yet: it stays in the address
# The fields the page offers, in form order: (field, label, +/- step); help: ui/text/sine.FIELD_HELP.
FIELDS = (
    ("period", "Period (samples per cycle)", 1.0),
    ("noise", "Noise (std)", 0.01),
    ("length", "Length (values)", 50.0),
    ("window", "Window (values)", 1.0),
    ("units", "Units", 1.0),
    ("epochs", "Epochs", 10.0),
    ("seed", "Seed", 1.0),
)
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
    labels={"framing": "Framing", **{name: label for name, label, _ in FIELDS}},
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
        for name, label, step in FIELDS:
            fmt = "%.3f" if name == "noise" else "%g"
            next(cells).number_input(label, step=step, format=fmt, key=KEY[name], help=FIELD_HELP[name])
        action = st.columns([1, 4], vertical_alignment="center")
        action[0].button(
            "Train", type="primary", icon=":material/play_arrow:", on_click=form.on_train, args=(SINE,),
            key="sine_train", width="stretch",
            help=TRAIN_HELP,
        )
        return action[1].container()


# -- the run and its link -----------------------------------------------------------------
def current_run() -> TrainResult | None:
    """This session's sine run, adopting one an interrupted training left in the mailbox; its
    ``?run=<id>`` stays in the address, so F5 or a second browser opens it again."""
    session.adopt_pending()  # a Lab run an interruption left, if any
    runner.adopt(RUN, keep)
    rid = st.session_state.get(RUN_ID)
    if rid and st.query_params.get(session.RUN_PARAM) != rid and not st.session_state.get(LINK_PENDING):
        st.query_params[session.RUN_PARAM] = rid
    return st.session_state.get(RUN)


def keep(run: TrainResult) -> None:
    """Make ``run`` the page's run and store it (the store first: it cannot be interrupted)."""
    rid = None
    try:
        rid = session.save(run, {"origin": "sine"})  # as this session's (its share of the store)
    except Exception:  # noqa: BLE001 - the store is a convenience; the session keeps the run
        log.exception("storing a sine run failed")
    st.session_state[RUN] = run
    st.session_state[RUN_ID] = rid
    st.session_state.pop(LINK_PENDING, None)


def open_link() -> str | None:
    """Open the run a ``?run=<id>`` link names (before the form is drawn: a link without the
    settings gets the run's, so the form shows what was trained). Returns a sentence when the
    link cannot be opened (a letters run is the Lab's), else None. Never raises."""
    found = session.fetch_linked_run(RUN_ID, LINK_PENDING, wave=True)
    if found is None:
        return None
    if found.run is None:
        return LINK[found.problem].format(run=found.quoted)
    st.session_state[RUN] = found.run
    st.session_state[RUN_ID] = found.wanted
    if not any(name in st.query_params for name in SINE.fields):
        st.query_params.update(url_params(found.run.config))  # read as a link by load_state
    return None


def link_box(run: TrainResult) -> None:
    """"Copy link to this trained model": its settings and its id (none if it was not stored)."""
    rid = st.session_state.get(RUN_ID)
    if rid and st.session_state.get(RUN) is run:
        share.link_box(rid, url_params(run.config), caption=LINK["caption"])


def regression_chart(history) -> alt.Chart:
    """The live chart of a sine training: its MSE per epoch."""
    return charts.history_chart(history, regression=True)


def train(config: LSTMConfig, progress_area) -> None:
    """Train with a progress bar, Stop, and a live MSE chart; keep the run even if interrupted."""
    runner.train_one(config, key="sine_stop", progress_area=progress_area, result_key=RUN, keep=keep,
                     chart=regression_chart, mark_url=False, labels=SINE.labels)


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

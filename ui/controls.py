"""The Lab's settings: the form, and their round trip through the URL.

One ``LSTMConfig`` is "shown" at a time (``session.LAB_CONFIG``). It comes from the URL
(a teacher's link), from the session (coming back from another page), or from a Train.
The URL always mirrors it with only what differs from the framing's preset, e.g.
``/lab?framing=stateful&units=8``, so a shared link opens the same Lab.

Picking another framing in the form loads that preset's tutorial settings for every field
the user did not change by hand: fields equal to the shown config follow the new preset,
edited fields win. Then the config validates itself; its ``ValueError`` is the message
shown beside the form.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import streamlit as st

from lstm_core.config import ENCODINGS, FRAMINGS, PADDINGS, LSTMConfig, get_default_config, preset

from . import classroom, safe, session
from .text import HELP

FIELDS = [f.name for f in dataclasses.fields(LSTMConfig)]  # also the URL parameter names
KEY = {name: f"lab_{name}" for name in FIELDS}  # widget keys of the Lab form
URL_WARNINGS = "lab_url_warnings"
INT = "%g"  # whole-number fields are float boxes (see _widget_value): 30.0 shows as "30"
FORCE_URL = "lab_force_url"  # set by Overview: apply the URL even if it was seen before


# -- URL ---------------------------------------------------------------------------------
def config_from_url(params: Mapping[str, str]) -> tuple[LSTMConfig, list[str]]:
    """Read settings from URL parameters, one at a time, skipping the ones that fail.

    Starts from the preset of ``framing`` (or the default), then applies each parameter;
    a bad one gives a warning naming it and keeps the value it would have replaced::

        config_from_url({"framing": "stateful", "units": "many"})
        -> (preset("stateful"), ["URL parameter units: units='many' is not allowed: ..."])
    """
    warnings: list[str] = []
    config = get_default_config()
    if "framing" in params:
        try:
            config = preset(str(params["framing"]))
        except ValueError as exc:
            warnings.append(f"URL parameter framing: {exc} Using {config.framing!r}.")
    given = {name: params[name] for name in FIELDS[1:] if name in params}
    try:  # all together first: units=128&epochs=1 is fine, though 128 units x 500 epochs is not
        return LSTMConfig.from_dict({**config.to_dict(), **given}), warnings
    except ValueError:
        pass
    for name in FIELDS[1:]:
        if name not in params:
            continue
        try:
            config = LSTMConfig.from_dict({**config.to_dict(), name: params[name]})
        except ValueError as exc:
            kept = getattr(config, name)
            warnings.append(f"URL parameter {name}: {exc} Using {kept!r} instead.")
    return config, warnings


def url_params(config: LSTMConfig) -> dict[str, str]:
    """The shortest URL parameters that rebuild ``config``: framing + what differs from its preset."""
    base = preset(config.framing)
    params = {"framing": config.framing}
    for name in FIELDS[1:]:
        value = getattr(config, name)
        if value != getattr(base, name):
            params[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return params


# -- the shown config and the form's widget state ---------------------------------------
def _widget_value(config: LSTMConfig, name: str) -> Any:
    value = getattr(config, name)
    # Every number box holds a float, whole-number fields too: a browser's int box reads
    # "1e3" as 1 and drops 99999999999999999999999; a float box sends 1000.0 and 1e23, and
    # LSTMConfig.from_dict takes a whole float exactly and refuses 1.5 with a sentence.
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def fill_form(config: LSTMConfig, overwrite: bool) -> None:
    """Put ``config`` into the form's widgets (only those not already set, unless ``overwrite``)."""
    for name in FIELDS:
        if overwrite or KEY[name] not in st.session_state:
            st.session_state[KEY[name]] = _widget_value(config, name)


def load_lab_state() -> LSTMConfig:
    """Decide which config the Lab shows, fill the form with it and mirror it in the URL.

    Call once at the top of the Lab page, before the form is drawn. URL problems are
    shown as warnings (and kept until the next successful Train).
    """
    given = {k: v for k, v in st.query_params.to_dict().items() if k in KEY}
    forced = session.pop(FORCE_URL, False)
    if given and (forced or given != st.session_state.get(session.URL_SEEN)):
        config, warnings = config_from_url(given)
        st.session_state[URL_WARNINGS] = warnings
        st.session_state[session.LAB_CONFIG] = config
        st.session_state[session.LAB_ERROR] = None
        fill_form(config, overwrite=True)
    else:
        config = st.session_state.setdefault(session.LAB_CONFIG, get_default_config())
        fill_form(config, overwrite=False)
    sync_url(config)
    for warning in st.session_state.get(URL_WARNINGS, []):
        st.warning(safe.plain(warning), icon=":material/link_off:")
    return config


def sync_url(config: LSTMConfig) -> None:
    """Make the address bar hold ``config``, so copying it shares these settings."""
    params = url_params(config)
    st.session_state[session.URL_SEEN] = params
    given = {k: v for k, v in st.query_params.to_dict().items() if k in KEY}
    if given != params:
        st.query_params.from_dict({**params, **session.url_extras()})  # keeps ?run=<id>


def merge_form(values: Mapping[str, Any], shown: LSTMConfig) -> LSTMConfig:
    """The config a Train click asks for (see the module docstring for the preset rule)."""
    edited = {k: v for k, v in values.items() if v != getattr(shown, k)}
    base = shown.to_dict()
    if values["framing"] != shown.framing and values["framing"] in FRAMINGS:
        base = preset(values["framing"]).to_dict()
    return LSTMConfig.from_dict({**base, **edited})


def _on_train() -> None:
    """Form-submit callback: runs before the script, so it may still rewrite the widgets."""
    shown = st.session_state.get(session.LAB_CONFIG) or get_default_config()
    # A field a classroom link hides has no widget: it keeps the shown (linked) value.
    values = {name: st.session_state.get(KEY[name], getattr(shown, name)) for name in FIELDS}
    try:
        config = merge_form(values, shown)
    except (ValueError, TypeError) as exc:
        st.session_state[session.LAB_ERROR] = str(exc)
        st.session_state.pop(session.LAB_REQUEST, None)
        return
    st.session_state[session.LAB_ERROR] = None
    st.session_state[session.LAB_REQUEST] = config
    st.session_state[session.LAB_CONFIG] = config
    st.session_state[URL_WARNINGS] = []
    fill_form(config, overwrite=True)


# -- the form ----------------------------------------------------------------------------
def lab_form() -> None:
    """Draw the Lab form (key ``lab_form``). Its Train button queues a validated config.

    No min/max on the number inputs on purpose: an out-of-range value reaches the config,
    whose message says what is allowed and why (a silently clamped field teaches nothing).
    """
    hidden = classroom.notice()  # a classroom link may fix and hide some fields (ui/classroom.py)
    with st.form("lab_form", border=True):
        if "framing" not in hidden:
            st.selectbox("Framing preset", FRAMINGS, key=KEY["framing"], help=HELP["framing"])
        if "sequence" not in hidden:
            st.text_input("Training sequence", key=KEY["sequence"], help=HELP["sequence"])
        left, right = st.columns(2)
        if "window" not in hidden:
            left.number_input(
                "Window / max length", step=1.0, format=INT, key=KEY["window"], help=HELP["window"]
            )
        if "units" not in hidden:
            right.number_input("Units", step=1.0, format=INT, key=KEY["units"], help=HELP["units"])
        if "batch_size" not in hidden:
            left.number_input(
                "Batch size", step=1.0, format=INT, key=KEY["batch_size"], help=HELP["batch_size"]
            )
        if "epochs" not in hidden:
            right.number_input("Epochs", step=50.0, format=INT, key=KEY["epochs"], help=HELP["epochs"])
        if "learning_rate" not in hidden:
            left.number_input(
                "Learning rate",
                step=0.0005,
                format="%.5f",
                key=KEY["learning_rate"],
                help=HELP["learning_rate"],
            )
        if "seed" not in hidden:
            right.number_input("Seed", step=1.0, format=INT, key=KEY["seed"], help=HELP["seed"])
        if "encoding" not in hidden:
            left.selectbox("Input encoding", ENCODINGS, key=KEY["encoding"], help=HELP["encoding"])
        if "padding" not in hidden:
            right.selectbox("Padding", PADDINGS, key=KEY["padding"], help=HELP["padding"])
        if "num_samples" not in hidden:
            st.number_input(
                "Samples (variable-length)",
                step=100.0,
                format=INT,
                key=KEY["num_samples"],
                help=HELP["num_samples"],
            )
        if "shuffle" not in hidden:
            st.checkbox("Shuffle each epoch", key=KEY["shuffle"], help=HELP["shuffle"])
        if "stateful" not in hidden:
            st.checkbox("Stateful", key=KEY["stateful"], help=HELP["stateful"])
        if "steps_per_update" not in hidden:
            st.number_input(  # issue 12: truncated-BPTT length
                "Time steps per update (stateful)",
                step=1.0,
                format=INT,
                key=KEY["steps_per_update"],
                help=HELP["steps_per_update"],
            )
        st.form_submit_button(
            "Train", type="primary", icon=":material/play_arrow:", on_click=_on_train, width="stretch"
        )

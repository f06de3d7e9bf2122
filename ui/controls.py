"""The Lab's settings form: its field list for the form machine (``ui.form``), and its layout.

What the form shows is what trains. The machine (``ui.form``) keeps the widgets, the config
they describe and the address bar in step; this module says what is particular to the Lab:

- every ``LSTMConfig`` field but the sine task's, the URL naming them by their own names
  (only what differs from the framing's preset, e.g. ``/lab?framing=stateful&units=8``);
- a link is read one parameter at a time, a bad one gets a warning naming it;
- picking another framing switches every field that still holds the old preset's value to
  the new preset's value, before anything else happens; fields the user changed (a typed
  training sequence, units 8 from a teacher's link) keep their value::

      follow_preset({"framing": "stateful", "units": 32, "sequence": "HELLO WORLD", ...},
                    old="naive")
      -> units 16 (naive's 32 was untouched), sequence "HELLO WORLD" (typed)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import streamlit as st

from lstm_core.config import ALL_FRAMINGS, CELLS, ENCODINGS, PADDINGS, LSTMConfig
from lstm_core.model.variant import applies
from lstm_core.presets import get_default_config, preset
from ui import classroom, form, safe, session
from ui.form import widget_value
from ui.text.cells import CELL_NAMES
from ui.text.lab import HELP, LAB_LINK_UNUSED, LAB_LINK_WAVE

# The wave task's fields are not the Lab's: it trains letters (the Sine page trains waves).
WAVE_FIELDS = ("task", "period", "noise", "length")
FIELDS = [f.name for f in dataclasses.fields(LSTMConfig) if f.name not in WAVE_FIELDS]  # also URL names
INT = "%g"  # whole-number fields are float boxes (see widget_value): 30.0 shows as "30"
KEY = {name: f"lab_{name}" for name in FIELDS}  # widget keys of the Lab form (LAB.keys)
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
    given = {name: params[name] for name in FIELDS[1:] if name in params and applies(name, config.framing)}
    unused = [LAB_LINK_UNUSED.format(name=n, framing=config.framing)
              for n in FIELDS[1:] if n in params and not applies(n, config.framing)]
    try:  # all together first: units=128&epochs=1 is fine, though 128 units x 500 epochs is not
        return LSTMConfig.from_dict({**config.to_dict(), **given}), warnings + unused
    except ValueError:
        pass
    for name in FIELDS[1:]:
        if name not in params:
            continue
        if not applies(name, config.framing):
            warnings.append(LAB_LINK_UNUSED.format(name=name, framing=config.framing))
            continue
        try:
            config = LSTMConfig.from_dict({**config.to_dict(), name: params[name]})
        except ValueError as exc:
            kept = getattr(config, name)
            warnings.append(f"URL parameter {name}: {exc} Using {kept!r} instead.")
    return config, warnings


def url_params(config: LSTMConfig) -> dict[str, str]:
    """The shortest URL parameters that rebuild ``config``: framing + what differs from its preset.

    >>> url_params(preset("stateful").replace(units=8))
    {'framing': 'stateful', 'units': '8'}
    """
    return form.url_params(LAB, config)


# -- the preset rule ----------------------------------------------------------------------
def follow_preset(values: Mapping[str, Any], old: str) -> dict[str, Any]:
    """Form values after the framing changed from ``old`` to ``values["framing"]``.

    A field still equal to ``old``'s preset moves to the new preset; any other value was
    set on purpose and stays:

    >>> form = {n: widget_value(preset("naive"), n) for n in FIELDS}
    >>> form.update(framing="timestep-window", sequence="aaaabbbccd" * 6)
    >>> new = follow_preset(form, old="naive")
    >>> new["window"], new["units"], new["sequence"][:10]
    (3.0, 32.0, 'aaaabbbccd')
    """
    new = dict(values)
    if values["framing"] not in ALL_FRAMINGS or old not in ALL_FRAMINGS or old == values["framing"]:
        return new
    before, after = preset(old), preset(values["framing"])
    for name in FIELDS[1:]:
        if values.get(name) == widget_value(before, name):
            new[name] = widget_value(after, name)
    return new


def form_config(values: Mapping[str, Any]) -> LSTMConfig:
    """The config the form's values describe; ``ValueError`` with the reason if none."""
    missing = [name for name in FIELDS if values.get(name) is None]
    if missing:  # an emptied number box: from_dict would quietly use the default
        raise ValueError(f"{', '.join(missing)} is empty: type a value.")
    return LSTMConfig.from_dict(applying(values))


def applying(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with every field the framing does not read set to its preset's value, so a
    hidden field (Samples on naive) never reaches the config or the address bar.

    >>> typed = {**{n: widget_value(preset("naive"), n) for n in FIELDS}, "num_samples": 50.0}
    >>> applying(typed)["num_samples"]
    1000.0
    """
    framing = str(values.get("framing"))
    if framing not in ALL_FRAMINGS:
        return {name: values[name] for name in FIELDS}
    base = preset(framing)
    return {name: values[name] if applies(name, framing) else widget_value(base, name) for name in FIELDS}


# -- the fields' labels ---------------------------------------------------------------------
NUMBERS = [  # the number boxes of the grid: (field, label, step of the +/- buttons)
    ("window", "Window / max length", 1.0),
    ("units", "Units", 1.0),
    ("batch_size", "Batch size", 1.0),
    ("epochs", "Epochs", 50.0),
    ("seed", "Seed", 1.0),
    ("num_samples", "Samples", 100.0),
    ("steps_per_update", "Time steps per update", 1.0),
    ("horizon", "Letters out (horizon)", 1.0),
]
CHOICES = [("encoding", "Input encoding", ENCODINGS), ("padding", "Padding", PADDINGS)]
CHECKBOXES = [("shuffle", "Shuffle each epoch"), ("stateful", "Stateful"), ("wrap", "Wrap around (…XYZABC…)")]
# What the form calls each field: a refusal names fields so (ui.errors.worded), not "steps_per_update".
LABELS = {
    "framing": "Framing preset", "sequence": "Training sequence", "cell": "Cell", "layers": "Layers",
    "learning_rate": "Learning rate",
    **{name: label for name, label, _ in NUMBERS + CHOICES}, **dict(CHECKBOXES),
}


# -- the Lab's form for the machine -----------------------------------------------------------
LAB = form.Form(
    prefix="lab",
    fields=tuple(FIELDS),
    base=preset,
    default=get_default_config,
    to_config=form_config,
    from_url=config_from_url,
    on_framing=follow_preset,
    url_extras=session.url_extras,  # keeps ?run=<id> and a classroom link's parameters
    labels=LABELS,
)
assert LAB.key("config") == session.LAB_CONFIG  # set_run makes the form show what was trained


def load_lab_state() -> tuple[LSTMConfig, str | None]:
    """Decide what the form shows, fill it, and mirror it in the URL (``form.load_state``).

    Call once at the top of the Lab page, before the form is drawn. Returns the config the
    form describes (the last valid one if the form is invalid) and the form's problem, if
    any, as one sentence. URL problems are shown as warnings.
    """
    if any(k in st.query_params for k in WAVE_FIELDS):
        st.warning(LAB_LINK_WAVE, icon=":material/link_off:")
    config, problem, warnings = form.load_state(LAB, force=session.pop(FORCE_URL, False))
    for warning in warnings:
        st.warning(safe.plain(warning), icon=":material/link_off:")
    return config, problem


def _on_framing_change() -> None:
    form.on_framing_change(LAB)


def _on_train() -> None:
    form.on_train(LAB)


# -- the form ----------------------------------------------------------------------------
def top_row(show) -> None:
    """The framing, the text, the cell and its layers: what the network reads, and what reads it."""
    top = st.columns([1, 1.7, 0.75, 0.55])
    if show("framing"):
        top[0].selectbox(
            "Framing preset", ALL_FRAMINGS, key=KEY["framing"], help=HELP["framing"],
            on_change=_on_framing_change,
        )
    if show("sequence"):
        top[1].text_input("Training sequence", key=KEY["sequence"], help=HELP["sequence"])
    if show("cell"):  # the recurrent cell and its stack (issue 14): beside what it reads
        top[2].selectbox("Cell", CELLS, key=KEY["cell"], help=HELP["cell"], format_func=CELL_NAMES.get)
    if show("layers"):
        top[3].number_input("Layers", step=1.0, format=INT, key=KEY["layers"], help=HELP["layers"])


def grid(show) -> None:
    """Every other field, four to a row: numbers (the learning rate fifth), choices, checkboxes."""
    boxes = [n for n in NUMBERS if show(n[0])]
    cells = iter(st.columns(4) + st.columns(4) + st.columns(4) + st.columns(4, vertical_alignment="center"))
    for name, label, step in boxes[:4]:
        next(cells).number_input(label, step=step, format=INT, key=KEY[name], help=HELP[name])
    if show("learning_rate"):
        next(cells).number_input(
            "Learning rate", step=0.0005, format="%.5f", key=KEY["learning_rate"], help=HELP["learning_rate"],
        )
    for name, label, step in boxes[4:]:
        next(cells).number_input(label, step=step, format=INT, key=KEY[name], help=HELP[name])
    for name, label, options in CHOICES:
        if show(name):
            next(cells).selectbox(label, options, key=KEY[name], help=HELP[name])
    for name, label in CHECKBOXES:
        if show(name):
            next(cells).checkbox(label, key=KEY[name], help=HELP[name])


def lab_form():
    """Draw the Lab's settings and its Train button; return the container beside Train,
    where the training's progress, Stop and queue place appear (where the click was).

    No min/max on the number inputs on purpose: an out-of-range value reaches the config,
    whose message says what is allowed and why (a silently clamped field teaches nothing).
    Four fields to a row: at 1024 px wide each label and value fits on its line.
    """
    hidden = classroom.notice(LABELS)  # a classroom link may fix and hide some fields (ui/classroom.py)

    framing = str(st.session_state.get(KEY["framing"]))

    def show(name: str) -> bool:  # a lesson's fixed fields, and fields this framing does not read
        return name not in hidden and (framing not in ALL_FRAMINGS or applies(name, framing))

    with st.container(border=True, key="lab_settings"):
        top_row(show)
        grid(show)
        action = st.columns([1, 4], vertical_alignment="center")
        action[0].button(
            "Train", type="primary", icon=":material/play_arrow:", on_click=_on_train, key="lab_train",
            width="stretch",
        )
        return action[1].container()

"""One form <-> config <-> URL machine, driven by a field list (:class:`Form`).

The Lab (``ui.controls.LAB``) and the Sine page (``ui.views.sine_page.SINE``) each describe their form
as a :class:`Form`: which ``LSTMConfig`` fields it holds (also the URL's parameter names),
the framing's starting config, how values make a config, how a link is read and what a new
framing does to the other fields. The machine does the rest, the same way for both:

- The widgets are live (no ``st.form``: a form holds every new value until it is submitted,
  so the URL and the other fields could not follow a change); each change reruns the page.
- Other pages' settings (Generate, Cell, Compare, Memory) live in the address by the same
  rules, through a list of :class:`Setting` (``settings_from_url`` / ``settings_to_url``).
- Widget keys are ``<prefix>_<field>``; the session keeps the last valid config
  (``<prefix>_config``), a refused Train's sentence (``<prefix>_error``), a Train request
  waiting for this script run (``<prefix>_request``) and the query string last applied
  (``<prefix>_url_seen``) and every query string it wrote (``<prefix>_url_written``).
- A new link wins over the session; an address the form itself wrote earlier is no link but
  a stale echo (a rerun that left the browser before it applied the form's last rewrite) and
  never overwrites what was typed since (issue 22, item 14); the address bar holds the
  shortest parameters that rebuild the config (the framing, and what differs from its
  starting config); an invalid combination gives the config's own one-sentence message
  and the URL keeps the last valid settings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from lstm_core.config import LSTMConfig
from ui import errors
from ui.text.shared import LINK_SETTING


def widget_value(config: LSTMConfig, name: str) -> Any:
    """A config field as its widget holds it: every number box holds a float.

    Whole-number fields too: a browser's int box reads "1e3" as 1 and drops
    99999999999999999999999; a float box sends 1000.0 and 1e23, and
    ``LSTMConfig.from_dict`` takes a whole float exactly and refuses 1.5 with a sentence.

    >>> widget_value(LSTMConfig(units=8), "units"), widget_value(LSTMConfig(), "shuffle")
    (8.0, True)
    """
    value = getattr(config, name)
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


@dataclass(frozen=True)
class Form:
    """What one page's settings form holds and how it reads.

    ``fields`` starts with "framing". ``base(framing)`` is a framing's starting config and
    ``default()`` the page's first one. ``to_config(values)`` makes the config the values
    describe (``ValueError``, one sentence, if none). ``from_url(params)`` reads a link into
    (config, notes about parameters it could not use). ``on_framing(values, old)`` gives the
    values after the framing changed from ``old``. ``url_extras()`` gives the parameters that
    survive the form rewriting the address (None: every other parameter survives).
    ``notes_stay``: a link's notes stay on screen until Train (else they are this run's problem).
    ``remember``: an empty form (a page opened again) shows the last config, else ``default()``.
    ``labels``: what the widgets call the fields; a refusal names them so (``ui.errors.worded``).
    """

    prefix: str
    fields: tuple[str, ...]
    base: Callable[[str], LSTMConfig]
    default: Callable[[], LSTMConfig]
    to_config: Callable[[Mapping[str, Any]], LSTMConfig]
    from_url: Callable[[Mapping[str, str]], tuple[LSTMConfig, list[str]]]
    on_framing: Callable[[Mapping[str, Any], str], dict[str, Any]]
    url_extras: Callable[[], dict[str, str]] | None = None
    notes_stay: bool = True
    remember: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)  # field -> the label its widget shows

    def key(self, name: str) -> str:
        """The widget key of a field (``lab_units``) or a session key of the form (``lab_config``)."""
        return f"{self.prefix}_{name}"

    @property
    def keys(self) -> dict[str, str]:
        return {name: self.key(name) for name in self.fields}


def url_params(form: Form, config: LSTMConfig) -> dict[str, str]:
    """The shortest URL parameters that rebuild ``config``: framing + what differs from its base."""
    base = form.base(config.framing)
    params = {"framing": config.framing}
    for name in form.fields[1:]:
        value = getattr(config, name)
        if value != getattr(base, name):
            params[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return params


def shown(form: Form) -> LSTMConfig:
    """The last valid config the form showed (or the page's default)."""
    return st.session_state.get(form.key("config")) or form.default()


def values(form: Form) -> dict[str, Any]:
    """The form's values; a field without a widget (a classroom link hides it) keeps the shown value."""
    last = shown(form)
    return {name: st.session_state.get(form.key(name), widget_value(last, name)) for name in form.fields}


def fill(form: Form, config: LSTMConfig, overwrite: bool) -> None:
    """Put ``config`` into the form's widgets (only those not already set, unless ``overwrite``)."""
    for name in form.fields:
        if overwrite or form.key(name) not in st.session_state:
            st.session_state[form.key(name)] = widget_value(config, name)
    st.session_state[form.key("shown_framing")] = st.session_state[form.key("framing")]


def on_framing_change(form: Form) -> None:
    """The framing's ``on_change`` (runs before the page script): the other fields follow at once."""
    old = st.session_state.get(form.key("shown_framing")) or form.default().framing
    for name, value in form.on_framing(values(form), old).items():
        st.session_state[form.key(name)] = value
    st.session_state[form.key("shown_framing")] = st.session_state[form.key("framing")]


def on_train(form: Form) -> None:
    """Train's ``on_click`` (runs before the page script): queue the form's config if it is valid."""
    try:
        config = form.to_config(values(form))
    except ValueError as exc:
        st.session_state[form.key("error")] = errors.worded(exc, form.labels)
        st.session_state.pop(form.key("request"), None)
        return
    st.session_state[form.key("error")] = None
    st.session_state[form.key("request")] = config
    st.session_state[form.key("notes")] = []


def request(form: Form) -> LSTMConfig | None:
    """The config a Train click asked this script run to train (once), or None."""
    return st.session_state.pop(form.key("request"), None)


def load_state(form: Form, force: bool = False) -> tuple[LSTMConfig, str | None, list[str]]:
    """Decide what the form shows (a new link wins, or any link when ``force``), fill it, and
    mirror it in the address bar. Call once, before the form is drawn.

    Returns the config the form describes (the last valid one if the form is invalid), the
    form's problem as one sentence (or None) and the link's notes still to show.
    """
    given = {k: v for k, v in st.query_params.to_dict().items() if k in form.keys}
    problem = None
    if given and (force or is_new_link(form.prefix, given)):
        config, notes = form.from_url(given)  # a link: it wins over the session
        remember(form.prefix, given)  # as given (units=8.0): its echo is no new link either
        st.session_state[form.key("error")] = None
        fill(form, config, overwrite=True)
        if form.notes_stay:
            st.session_state[form.key("notes")] = notes
        elif notes:
            problem = notes[0]
    else:
        fill(form, shown(form) if form.remember else form.default(), overwrite=False)
    problem = st.session_state.pop(form.key("error"), None) or problem  # a refused Train says why, once
    try:
        config = form.to_config(values(form))
    except ValueError as exc:
        config = shown(form)
        problem = errors.worded(exc, form.labels)
    else:
        st.session_state[form.key("config")] = config
    sync_url(form, config, given)
    return config, problem, list(st.session_state.get(form.key("notes"), []))


WRITTEN_KEPT = 64  # how many of its own addresses a form remembers (a session's edits, each a few bytes)


def is_new_link(prefix: str, given: Mapping[str, str]) -> bool:
    """Whether the address's form parameters are a link to apply, not this form's own address.

    Each change of a field reruns the page and rewrites the address; a rerun the browser sent
    before it applied that rewrite (a quick fill, then the next field, then Train) carries an
    older address the form wrote itself. Read as a link, it put the old values back over what
    was typed (issue 22, item 14). A link from elsewhere (a teacher's, the Overview's buttons
    with ``force``) is one the form never wrote.
    """
    given = dict(given)
    return given != st.session_state.get(f"{prefix}_url_seen") and given not in written(prefix)


def written(prefix: str) -> list[dict[str, str]]:
    """The query strings the form ``prefix`` wrote in this session (the last :data:`WRITTEN_KEPT`)."""
    return st.session_state.setdefault(f"{prefix}_url_written", [])


def remember(prefix: str, params: Mapping[str, str]) -> None:
    """Count ``params`` among the addresses the form ``prefix`` wrote (the last :data:`WRITTEN_KEPT`)."""
    mine = written(prefix)
    if dict(params) not in mine:
        mine.append(dict(params))
        del mine[:-WRITTEN_KEPT]


def seen(prefix: str, params: dict[str, str]) -> None:
    """Remember ``params`` as the form ``prefix``'s address now (and among those it wrote)."""
    st.session_state[f"{prefix}_url_seen"] = params
    remember(prefix, params)


def sync_url(form: Form, config: LSTMConfig, given: Mapping[str, str]) -> None:
    """Make the address bar hold ``config``, so copying it shares these settings."""
    params = url_params(form, config)
    seen(form.prefix, params)
    if dict(given) == params:
        return
    if form.url_extras is not None:
        st.query_params.from_dict({**params, **form.url_extras()})
    else:
        others = {k: v for k, v in st.query_params.to_dict().items() if k not in form.keys}
        st.query_params.from_dict({**others, **params})


# -- a page's other settings (Generate, Cell, Compare, Memory) ----------------------------------
@dataclass(frozen=True)
class Setting:
    """One widget of a page whose value lives in the address as ``?<name>=<text>``.

    ``key`` is the widget's session key (the widget is drawn without a default of its own),
    ``label`` what the widget calls it, ``default`` its value without a link, ``read`` turns a
    link's text into the widget's value (``ValueError``, one sentence, if it cannot) and
    ``text`` the value back into the link's text.
    """

    name: str
    key: str
    label: str
    default: Any
    read: Callable[[str], Any]
    text: Callable[[Any], str] = str


def settings_from_url(prefix: str, settings: Sequence[Setting]) -> list[str]:
    """Before the widgets are drawn: put a new link's values into them (a field it leaves out,
    or one it gives badly, gets its default) and give every other widget its value or default.

    The same rules as the settings forms above: a link wins over the session, but not an
    address the page wrote itself (a stale echo, :func:`is_new_link`). Returns one sentence per
    parameter that could not be used, naming it as the link does.
    """
    given = {s.name: st.query_params[s.name] for s in settings if s.name in st.query_params}
    new = bool(given) and is_new_link(prefix, given)
    if new:
        remember(prefix, given)
    notes = []
    for s in settings:
        if new:
            value = s.default
            if s.name in given:
                try:
                    value = s.read(given[s.name])
                except ValueError as exc:
                    notes.append(LINK_SETTING.format(name=s.name, label=s.label, reason=exc,
                                                     default=s.text(s.default)))
            st.session_state[s.key] = value
        elif s.key not in st.session_state:
            st.session_state[s.key] = s.default
    return notes


def settings_to_url(prefix: str, settings: Sequence[Setting]) -> None:
    """After the widgets are drawn: the address holds the values that differ from the defaults
    (a link to this page opens it as it is); other parameters (``?run=``) stay."""
    params = {
        s.name: s.text(st.session_state[s.key]) for s in settings
        if s.key in st.session_state and st.session_state[s.key] != s.default
    }
    seen(prefix, params)
    for s in settings:
        if s.name in params and st.query_params.get(s.name) != params[s.name]:
            st.query_params[s.name] = params[s.name]
        elif s.name not in params and s.name in st.query_params:
            del st.query_params[s.name]


def whole(low: int, high: int, label: str) -> Callable[[str], int]:
    """A reader of whole numbers from ``low`` to ``high`` for a link's ``label`` field.

    >>> whole(1, 5, "Seeds")("3"), whole(1, 5, "Seeds")("3.0")
    (3, 3)
    >>> whole(1, 5, "Seeds")("9")
    Traceback (most recent call last):
    ValueError: Seeds must be a whole number from 1 to 5.
    """
    def read(text: str) -> int:
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if not number.is_integer() or not low <= number <= high:
            raise ValueError(f"{label} must be a whole number from {low} to {high}.")
        return int(number)
    return read


def number(low: float, high: float, label: str) -> Callable[[str], float]:
    """A reader of numbers from ``low`` to ``high``.

    >>> number(0, 2, "Temperature")("1")
    1.0
    >>> number(0, 2, "Temperature")("hot")
    Traceback (most recent call last):
    ValueError: Temperature must be a number from 0 to 2.
    """
    def read(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:
            raise ValueError(f"{label} must be a number from {low:g} to {high:g}.")
        return value
    return read


def one_of(options: Sequence[Any], label: str) -> Callable[[str], Any]:
    """A reader of one of ``options`` (matched by their text).

    >>> one_of([0.5, 1.0], "Epochs scale")("1.0")
    1.0
    """
    def read(text: str) -> Any:
        for option in options:
            if str(option) == text:
                return option
        shown = ", ".join(str(o) for o in options)
        raise ValueError(f"{label} must be one of {shown[:200]}.")
    return read


def yes_no(label: str) -> Callable[[str], bool]:
    """A reader of a link's true/false.

    >>> yes_no("Warm start")("true"), yes_no("Warm start")("0")
    (True, False)
    """
    def read(text: str) -> bool:
        if text.lower() in ("true", "1", "yes", "on"):
            return True
        if text.lower() in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"{label} must be true or false.")
    return read


def some_of(options: Sequence[str], label: str) -> Callable[[str], list[str]]:
    """A reader of a comma-separated choice of ``options`` (at least one).

    >>> some_of(["naive", "stateful"], "Framings")("stateful,naive")
    ['stateful', 'naive']
    """
    def read(text: str) -> list[str]:
        chosen = [part for part in text.split(",") if part]
        if not chosen or any(part not in options for part in chosen):
            raise ValueError(f"{label} must be a comma-separated choice of {', '.join(options)[:200]}.")
        return list(dict.fromkeys(chosen))
    return read


def list_text(value: Any) -> str:
    return ",".join(value)


def flag_text(value: Any) -> str:
    return str(bool(value)).lower()

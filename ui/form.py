"""One form <-> config <-> URL machine, driven by a field list (:class:`Form`).

The Lab (``ui.controls.LAB``) and the Sine page (``ui.views.sine_page.SINE``) each describe their form
as a :class:`Form`: which ``LSTMConfig`` fields it holds (also the URL's parameter names),
the framing's starting config, how values make a config, how a link is read and what a new
framing does to the other fields. The machine does the rest, the same way for both:

- The widgets are live (no ``st.form``: a form holds every new value until it is submitted,
  so the URL and the other fields could not follow a change); each change reruns the page.
- Widget keys are ``<prefix>_<field>``; the session keeps the last valid config
  (``<prefix>_config``), a refused Train's sentence (``<prefix>_error``), a Train request
  waiting for this script run (``<prefix>_request``) and the query string last applied
  (``<prefix>_url_seen``) and every query string it wrote (``<prefix>_url_written``).
- A new link wins over the session; an address the form itself wrote earlier is no link but
  a stale echo (a rerun that left the browser before it applied the form's last rewrite) and
  never overwrites what was typed since (issue 22, item 14); the address bar holds the shortest parameters that
  rebuild the config (the framing, and what differs from its starting config); an invalid
  combination gives the config's own one-sentence message and the URL keeps the last valid
  settings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from lstm_core.config import LSTMConfig
from ui import errors


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
    if given and (force or is_new_link(form, given)):
        config, notes = form.from_url(given)  # a link: it wins over the session
        written(form).append(given)  # as given (units=8.0): its echo is no new link either
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


def is_new_link(form: Form, given: Mapping[str, str]) -> bool:
    """Whether the address's form parameters are a link to apply, not this form's own address.

    Each change of a field reruns the page and rewrites the address; a rerun the browser sent
    before it applied that rewrite (a quick fill, then the next field, then Train) carries an
    older address the form wrote itself. Read as a link, it put the old values back over what
    was typed (issue 22, item 14). A link from elsewhere (a teacher's, the Overview's buttons
    with ``force``) is one the form never wrote.
    """
    given = dict(given)
    return given != st.session_state.get(form.key("url_seen")) and given not in written(form)


def written(form: Form) -> list[dict[str, str]]:
    """The query strings this form wrote in this session (the last :data:`WRITTEN_KEPT`)."""
    return st.session_state.setdefault(form.key("url_written"), [])


def sync_url(form: Form, config: LSTMConfig, given: Mapping[str, str]) -> None:
    """Make the address bar hold ``config``, so copying it shares these settings."""
    params = url_params(form, config)
    st.session_state[form.key("url_seen")] = params
    mine = written(form)
    if params not in mine:
        mine.append(params)
        del mine[:-WRITTEN_KEPT]
    if dict(given) == params:
        return
    if form.url_extras is not None:
        st.query_params.from_dict({**params, **form.url_extras()})
    else:
        others = {k: v for k, v in st.query_params.to_dict().items() if k not in form.keys}
        st.query_params.from_dict({**others, **params})

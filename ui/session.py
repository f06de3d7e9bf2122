"""Where each user's work lives: ``st.session_state``, one per browser session.

Trained models are per user, so they never go in ``st.cache_resource`` (shared by every
session of the process). The keys under which the app keeps a user's work are named here,
once (a widget's own key stays beside its widget)::

    RUN         the current TrainResult (the Lab's, or one trained on Generate/State)
    RUN_ID      its id in the run store (lstm_core.store.runs), also in the URL as ?run=<id>
    MAILBOX     a plain dict kept in session state, for writes that must not be interrupted
    LAB_CONFIG  the Lab's shown config (its form's other keys: ui/form.py)
    EXPERIMENT, COMPARISON   the State page's experiment and the Compare page's runs

Every page asks for "the current run" through one function, :func:`current_run`: the run
this session trained, else the one a ``?run=`` link names (loaded from the store, read
only: training always makes a new run with a new id), else a shipped, already trained
tutorial preset.

Why a mailbox: reading or writing ``st.session_state`` is itself a point where Streamlit
may raise its rerun/stop signal (after a click). A training callback that is being
interrupted must still keep what was trained, so it writes into this dict (a plain
object: no Streamlit code runs) and the next script run adopts it (``adopt_pending``).
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lstm_core.config import LSTMConfig
from lstm_core.model.results import TrainResult
from lstm_core.model.variant import variant_of
from lstm_core.store import pretrained, runs
from ui import classroom
from ui.text.shared import STORE

log = logging.getLogger(__name__)

RUN = "run"
RUN_ID = "run_id"  # store id of RUN; None for a shipped preset or a run not (yet) stored
RUN_PARAM = "run"  # the URL parameter naming a stored run: /generate?run=<id>
RUN_LINK_ERROR = "run_link_error"  # message about a ?run= id that could not be opened
LINK_PENDING = "run_link_pending"  # a ?run= id the store could not read yet: it stays in the URL
LINK_OPENED = "run_link_opened"  # the ?run= id this session opened (the run came from a shared link)
MAILBOX = "mailbox"
LAB_CONFIG = "lab_config"  # the settings the Lab form shows (ui.form keeps it: controls.LAB)
EXPERIMENT = "within_batch_experiment"
COMPARISON = "comparison"
WHY_LSTM = "why_lstm_comparison"  # the Compare page's "Why LSTM?" runs (rows of why_lstm.score)
CELL_PLAYING = "cell_playing"  # the Cell page is stepping by itself (Play)
CELL_TOUCHED = "cell_touched"  # a Cell widget changed: this run is not a Play tick
# How long a new script run waits for an interrupted training to hand over its model: the
# slowest case is a click during TensorFlow's first import (~4 s) and a compile (~2 s).
HANDOVER_SECONDS = 30.0


def mailbox() -> dict:
    """This session's mailbox dict; fetch it *before* training, write to it freely during."""
    return st.session_state.setdefault(MAILBOX, {})


BUSY = "training"  # mailbox flag: a training of this session has not handed over yet
WAIT_NOTICE = (
    "Stopping the training you interrupted: what it trained is kept and appears here in a moment."
)


def wait_for_handover(busy: str = BUSY, notice: str = WAIT_NOTICE) -> None:
    """Wait (at most ``HANDOVER_SECONDS``) while the mailbox flag ``busy`` is set.

    With Streamlit's fast reruns, a click starts the new script run at once while the
    interrupted one is still finishing: usually one training chunk (a fraction of a second),
    but up to TensorFlow's import and a compile if the click came that early. ``notice`` is
    shown if it takes more than a moment; it is an st.* call, so yet another click still
    interrupts this wait.
    """
    box = mailbox()
    start = time.monotonic()
    shown = None
    while box.get(busy) and time.monotonic() - start < HANDOVER_SECONDS:
        if shown is None and time.monotonic() - start > 0.3:
            shown = st.empty()
            shown.info(notice, icon=":material/hourglass_top:")
        time.sleep(0.05)
    if shown is not None:
        shown.empty()


def take(key: str, keep) -> None:
    """Hand what an interrupted training left in the mailbox under ``key`` to ``keep``.

    It leaves the mailbox only after ``keep`` returned: an interrupted ``keep`` leaves it
    to adopt at the next script run.
    """
    box = mailbox()
    pending = box.get(key)
    if pending is not None:
        keep(pending)
        box.pop(key, None)


def adopt_pending() -> None:
    """Make a run left in the mailbox by an interrupted training the current run."""
    wait_for_handover()
    take(RUN, set_run)


def get_run() -> TrainResult | None:
    """The user's trained run or None."""
    adopt_pending()
    open_run_link()
    return st.session_state.get(RUN)


def current_run(fallback: LSTMConfig | None = None) -> TrainResult | None:
    """The run every page works on (Generate, State, Cell, Memory, the Lab's results).

    In order: a run this session trained or opened; the run a ``?run=<id>`` link names;
    else the shipped, already trained run of ``fallback`` when it is a tutorial preset
    (``pretrained.run_for``), else None. Keeps ``?run=<id>`` in the address bar so the
    page's URL always links to the model on screen. No TensorFlow is imported.
    """
    run = get_run()
    keep_run_in_url()
    if run is None and fallback is not None:
        run = pretrained.run_for(fallback)
    return run


def is_shipped(run: TrainResult | None) -> bool:
    """Whether ``run`` is one of the presets shipped already trained (never stored)."""
    return run is not None and pretrained.run_for(run.config) is run


def set_run(run: TrainResult, meta: dict | None = None) -> None:
    """Make ``run`` the current model (every page reads it from here) and keep it in the store.

    The save comes first and touches no Streamlit state, so an interrupted script run
    cannot lose the model (at worst it is stored twice).
    """
    run_id = None if is_shipped(run) else save(run, meta or {"origin": "app"})
    st.session_state[RUN] = run
    st.session_state[RUN_ID] = run_id
    st.session_state[LAB_CONFIG] = run.config  # the Lab form then shows what was trained
    keep_run_in_url()


OWNER = "run_owner"  # session key: this session's id in the run store


def owner() -> str:
    """Who saves runs from this page: an id of this browser session, made on first use.

    The run store bounds what one owner keeps (``LSTM_LAB_DB_OWNER_MB``), evicting its own
    runs first, so that one student cannot push everyone else's out (issue 21).
    """
    # A random id kept in the session (Streamlit's own session id is not public API).
    if OWNER not in st.session_state:
        st.session_state[OWNER] = uuid.uuid4().hex
    return st.session_state[OWNER]


def save(run: TrainResult, meta: dict) -> str:
    """Keep ``run`` in the run store as this session's; its new id (never raises for storage)."""
    return runs.get_store().save(run, {**meta, "owner": owner()})


def run_id() -> str | None:
    """The store id of the current run, or None."""
    return st.session_state.get(RUN_ID)


def url_extras() -> dict[str, str]:
    """Query parameters that must survive a page rewriting its own (the Lab's settings)."""
    rid = _pending_link() or run_id()
    return {**classroom.url_params(), **({RUN_PARAM: rid} if rid else {})}


def opened_from_link() -> bool:
    """True while the current run is the one a shared ``?run=`` link opened in this session
    (the Lab then shows its results above the form: on a phone they were 1,700 px down)."""
    rid = run_id()
    return bool(rid) and st.session_state.get(LINK_OPENED) == rid


def keep_run_in_url() -> None:
    """Put ``?run=<current id>`` in the address bar (Streamlit drops it between pages)."""
    rid = run_id()
    if rid and not _pending_link() and st.query_params.get(RUN_PARAM) != rid:
        st.query_params[RUN_PARAM] = rid


def _pending_link() -> str | None:
    """A ``?run=`` id the store could not read yet, while the URL still names it."""
    pending = st.session_state.get(LINK_PENDING)
    return pending if pending and st.query_params.get(RUN_PARAM) == pending else None


@dataclass(frozen=True)
class LinkedRun:
    """What a ``?run=<id>`` link found: the run, or why not (a key of the page's messages)."""

    wanted: str
    run: TrainResult | None
    problem: str | None  # "unreadable" (stays in the URL), "missing", "wave" or "letters" (the other kind)

    @property
    def quoted(self) -> str:
        """The id as a message shows it: quoted, and shortened past 30 characters."""
        return repr(self.wanted if len(self.wanted) <= 30 else self.wanted[:27] + "...")


def fetch_linked_run(id_key: str, pending_key: str, wave: bool) -> LinkedRun | None:
    """The stored run the URL's ``?run=`` names, unless it is already the one under ``id_key``
    (then None). The Lab's pages open letter runs (``wave=False``), the Sine page wave runs.

    The store cannot look it up right now (its database busy or gone, issue 21): problem
    "unreadable", and the id stays in the URL (remembered under ``pending_key``) to be tried
    again at the next script run. The store has no such run (unknown, evicted, damaged): problem
    "missing"; a run of the other kind: problem "wave" or "letters", what the run is. Either
    way the id leaves the URL. Never raises.
    """
    wanted = st.query_params.get(RUN_PARAM)
    if not wanted or wanted == st.session_state.get(id_key):
        return None
    try:
        run = runs.get_store().load(wanted)
    except Exception as err:  # noqa: BLE001 - a broken store must not break the page, nor the link
        if not isinstance(err, runs.StoreUnavailable):
            log.exception("opening run %r failed", wanted)
        st.session_state[pending_key] = wanted
        return LinkedRun(wanted, None, "unreadable")
    st.session_state.pop(pending_key, None)
    is_wave = run is not None and variant_of(run.config).regression
    if run is None or is_wave != wave:
        del st.query_params[RUN_PARAM]
        return LinkedRun(wanted, None, "missing" if run is None else ("wave" if is_wave else "letters"))
    return LinkedRun(wanted, run, None)


def open_run_link() -> None:
    """If the URL names a stored run other than the current one, make it the current run.

    A link that cannot be opened (:func:`fetch_linked_run`) leaves a message
    (``RUN_LINK_ERROR``, shown by :func:`link_problem`); a wave's run is the Sine page's to
    open. The page goes on with the session's own run or the preset. Never raises.
    """
    found = fetch_linked_run(RUN_ID, LINK_PENDING, wave=False)
    if found is None:
        return
    if found.run is None:
        st.session_state[RUN_LINK_ERROR] = STORE[found.problem].format(run=found.quoted)
        return
    st.session_state[RUN] = found.run
    st.session_state[RUN_ID] = found.wanted
    st.session_state[LINK_OPENED] = found.wanted
    st.session_state[LAB_CONFIG] = found.run.config
    st.session_state[RUN_LINK_ERROR] = None


def link_problem() -> str | None:
    """The message about a ``?run=`` link that could not be opened (once), or None."""
    return st.session_state.pop(RUN_LINK_ERROR, None)


def pop(key: str, default: Any = None) -> Any:
    return st.session_state.pop(key, default)

"""Where each user's work lives: ``st.session_state``, one per browser session.

Trained models are per user, so they never go in ``st.cache_resource`` (shared by every
session of the process). The keys under which the app keeps a user's work are named here,
once (a widget's own key stays beside its widget)::

    RUN         the current TrainResult (the Lab's, or one trained on Generate/State)
    MAILBOX     a plain dict kept in session state, for writes that must not be interrupted
    LAB_*       the Lab's shown config, its form error and a queued Train request
    EXPERIMENT, COMPARISON   the State page's experiment and the Compare page's runs

Why a mailbox: reading or writing ``st.session_state`` is itself a point where Streamlit
may raise its rerun/stop signal (after a click). A training callback that is being
interrupted must still keep what was trained, so it writes into this dict (a plain
object: no Streamlit code runs) and the next script run adopts it (``adopt_pending``).
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from lstm_core.results import TrainResult

RUN = "run"
MAILBOX = "mailbox"
LAB_CONFIG = "lab_config"  # the settings the Lab form shows (last loaded or trained)
LAB_ERROR = "lab_error"  # message of the last invalid form submit, shown beside the form
LAB_REQUEST = "lab_request"  # a validated config waiting to be trained by this script run
URL_SEEN = "lab_url_seen"  # the query string last applied to the form
EXPERIMENT = "within_batch_experiment"
COMPARISON = "comparison"
# How long a new script run waits for an interrupted training to hand over its model: the
# slowest case is a click during TensorFlow's first import (~4 s) and a compile (~2 s).
HANDOVER_SECONDS = 30.0


def mailbox() -> dict:
    """This session's mailbox dict; fetch it *before* training, write to it freely during."""
    return st.session_state.setdefault(MAILBOX, {})


def adopt_pending() -> None:
    """Make a run left in the mailbox by an interrupted training the current run."""
    box = mailbox()
    # With Streamlit's fast reruns, a click starts the new script run at once while the
    # interrupted one is still finishing: usually one training chunk (a fraction of a
    # second), but up to TensorFlow's import and a compile if the click came that early.
    # Wait for the handover; say so if it takes more than a moment. The notice is an st.*
    # call, so yet another click still interrupts this wait.
    start = time.monotonic()
    notice = None
    while box.get("training") and time.monotonic() - start < HANDOVER_SECONDS:
        if notice is None and time.monotonic() - start > 0.3:
            notice = st.empty()
            notice.info(
                "Stopping the training you interrupted: what it trained is kept and appears "
                "here in a moment.",
                icon=":material/hourglass_top:",
            )
        time.sleep(0.05)
    if notice is not None:
        notice.empty()
    pending = box.get("run")
    if pending is not None:
        set_run(pending)
        box.pop("run", None)  # only now: an interrupted set_run leaves it to adopt next time


def get_run() -> TrainResult | None:
    """The user's trained run or None."""
    adopt_pending()
    return st.session_state.get(RUN)


def set_run(run: TrainResult) -> None:
    """Make ``run`` the current model (every page reads it from here)."""
    st.session_state[RUN] = run
    st.session_state[LAB_CONFIG] = run.config  # the Lab form then shows what was trained


def pop(key: str, default: Any = None) -> Any:
    return st.session_state.pop(key, default)

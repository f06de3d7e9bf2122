"""Where each user's work lives: ``st.session_state``, one per browser session.

Trained models are per user, so they never go in ``st.cache_resource`` (shared by every
session of the process). Every key the app uses is named here, once::

    RUN         the current TrainResult (the Lab's, or one trained on Generate/State)
    PARTIAL     {"config", "history"} written by the live callback *before* it touches the
                page, so even an interrupted script run leaves a trace of how far it got
"""

from __future__ import annotations

from typing import Any

import streamlit as st

RUN = "run"
PARTIAL = "training_partial"
LAB_CONFIG = "lab_config"  # the settings the Lab form shows (last loaded or trained)
LAB_ERROR = "lab_error"  # message of the last invalid form submit, shown beside the form
LAB_REQUEST = "lab_request"  # a validated config waiting to be trained by this script run
URL_SEEN = "lab_url_seen"  # the query string last applied to the form
GENERATION = "generation"
EXPERIMENT = "within_batch_experiment"
COMPARISON = "comparison"


def get_run() -> Any | None:
    """The user's trained run (a ``lstm_core.trainer.TrainResult``) or None."""
    return st.session_state.get(RUN)


def set_run(run: Any) -> None:
    """Make ``run`` the current model; views derived from the old one are dropped."""
    st.session_state[RUN] = run
    st.session_state[LAB_CONFIG] = run.config  # the Lab form then shows what was trained
    st.session_state.pop(GENERATION, None)


def pop(key: str, default: Any = None) -> Any:
    return st.session_state.pop(key, default)

"""How the app reports trouble: one sentence to the user, the details to the operator's log.

- A ``ValueError`` is a refusal the engine worded for a person (a config, a letter, a
  file): it is shown as it is and is not an error of the app, so it is not logged as one.
- Anything else is a bug or a broken environment: the user reads one sentence saying what
  failed, and the server's log gets the traceback (``logging``, logger ``ui.errors``).

Pages catch what they can explain and hand it here::

    try:
        run_all(configs)
    except Exception as exc:
        errors.show_error(exc, "The comparison")

Importing this module also sets up the log once per process: a stderr handler for the
``lstm_core`` and ``ui`` loggers when nobody (the operator, pytest) has configured logging,
and a warning for every badly set ``LSTM_LAB_*`` variable (``lstm_core.limits.settings``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping

import streamlit as st

from lstm_core.limits import settings
from ui import safe

log = logging.getLogger(__name__)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # Streamlit's own log looks alike
_setup_lock = threading.Lock()
_set_up = False


def setup_logging() -> None:
    """Send the app's log to stderr (once per process) and report bad settings there."""
    global _set_up
    with _setup_lock:
        if _set_up:
            return
        _set_up = True
    if not logging.getLogger().handlers:  # respect a configuration someone else made
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        for name in ("lstm_core", "ui"):
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            logger.propagate = False
    settings.log_problems()


def worded(exc: BaseException, labels: Mapping[str, str] | None = None) -> str:
    """A refusal in the words of the page's form: fields named by ``labels`` (the form's own),
    advice only about fields the page has (none: ``labels`` empty or None).

    >>> from lstm_core.config import LSTMConfig
    >>> try:
    ...     LSTMConfig(steps_per_update=5)
    ... except ValueError as exc:
    ...     print(worded(exc, {"steps_per_update": "Time steps per update"}))
    Time steps per update: 5 is not allowed: more than 1 time step per update needs the stateful \
framing with stateful on (the text is cut into chunks and state carries from chunk to chunk).
    """
    if hasattr(exc, "worded"):  # lstm_core's refusals carry their field and advice as data
        return exc.worded(dict(labels or {}).get)
    return str(exc)


def message(exc: BaseException, doing: str, labels: Mapping[str, str] | None = None) -> str:
    """The one sentence the user reads, e.g. ``message(KeyError("x"), "Training")``.

    >>> message(ValueError("units=0 is not allowed: it must be a whole number from 1 to 256."), "Training")
    'units=0 is not allowed: it must be a whole number from 1 to 256.'
    >>> message(KeyError("w"), "Training")
    'Training failed unexpectedly (KeyError). The details are in the server log.'
    """
    if isinstance(exc, ValueError):
        return worded(exc, labels)
    return f"{doing} failed unexpectedly ({type(exc).__name__}). The details are in the server log."


def show_error(exc: BaseException, doing: str, labels: Mapping[str, str] | None = None) -> None:
    """Show ``exc`` as one sentence (fields named by the page's ``labels``); log it with its
    traceback unless it is a ``ValueError``."""
    if isinstance(exc, ValueError):
        log.info("%s refused: %s", doing, exc)
    else:
        log.error("%s failed", doing, exc_info=exc)
    # A refusal may quote what the user typed or linked: shown escaped and shortened (ui/safe.py).
    st.error(safe.plain(message(exc, doing, labels)), icon=":material/error:")


setup_logging()

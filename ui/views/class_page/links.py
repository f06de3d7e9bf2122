"""What the Class page's views share: the class store, the join link and its QR code, who is guessing."""

from __future__ import annotations

import io
from urllib.parse import urlencode, urlsplit

import segno
import streamlit as st

from lstm_core.experiments.class_experiment import JoinLimiter
from lstm_core.store.classes import ClassStore, get_classes
from ui import session

PAGE = "/class"


@st.cache_resource
def limiters() -> tuple[JoinLimiter, JoinLimiter]:
    """One pair per server process: wrong codes per browser session (5 a minute) and per address
    (60 a minute: a school's students share one address behind its router, so it must allow a
    class's typos, while a script that opens a new session per guess still meets it)."""
    return JoinLimiter(max_wrong=5, window=60.0), JoinLimiter(max_wrong=60, window=60.0)


def may_guess() -> bool:
    """Whether this visitor may try another code now."""
    per_session, per_address = limiters()
    return per_session.allowed(session.owner()) and per_address.allowed(_address())


def guessed_wrong() -> None:
    per_session, per_address = limiters()
    per_session.wrong(session.owner())
    per_address.wrong(_address())


def classes() -> ClassStore:
    return get_classes()


def _address() -> str:
    ip = st.context.ip_address
    return ip if isinstance(ip, str) and ip else "unknown"  # (none under a test harness)


def base_url() -> str:
    """The app's address as the browser sees it (scheme and host), e.g. ``http://lab.school:8501``."""
    url = st.context.url or ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def page_url(**params: str) -> str:
    """The Class page's address with these parameters (absolute when the host is known)."""
    return f"{base_url()}{PAGE}?{urlencode(params)}"


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as a PNG (pure Python: segno)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()

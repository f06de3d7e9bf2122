"""A student's place in a class: settings fixed, arm and seed assigned, a prediction, then Train.

The run goes through the app's one runner (``ui.runner.train_one``) and, once finished, into the
run store and the class's slot: once only. A stopped run is not sent (the student trains again).
Nothing a student types is shown as Markdown or HTML: the nickname is kept as plain text and
shown through ``ui.safe``.
"""

from __future__ import annotations

import re
import secrets

import streamlit as st

from lstm_core.experiments.class_experiment import (
    NICKNAME_CHARS,
    choices,
    clean_nickname,
    differing,
    score,
    shown_value,
    slot_config,
)
from lstm_core.model.results import TrainResult
from lstm_core.store.class_records import ClassInfo, Slot, normalize_code
from lstm_core.store.classes import AlreadySubmitted, ClassError
from lstm_core.store.records import StoreError, StoreUnavailable
from ui import controls, runner, safe, session
from ui.text.class_ import JOIN
from ui.views.class_page import links
from ui.views.class_page.start import check_code

RESULT = "class_result"  # the runner's mailbox key for a class run (adopted after a click)
ME = "me"  # the URL parameter that keeps a student's place through a reload (F5)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16}$")
SHOWN_FIELDS = ("framing", "window", "units", "epochs", "batch_size", "shuffle", "stateful", "seed")


def _key(code: str, what: str) -> str:
    return f"class_{what}:{code}"


def show(typed: str) -> None:
    code = normalize_code(typed)
    if code is None or check_code(code) is None:
        if code is None:
            st.error(JOIN["malformed"], icon=":material/error:")
        return  # said why (an unknown code counts against guessing, as a typed one does)
    try:
        info = links.classes().by_code(code)
    except StoreUnavailable:
        st.error(JOIN["store"], icon=":material/cloud_off:")
        return
    slot = place(info)
    if slot is None:
        return
    st.markdown(f"**{safe.plain(info.title)}**")  # bold, not a heading: Train stays in a phone's view
    arm, other = info.arms[slot.arm], info.arms[1 - slot.arm]
    st.markdown(JOIN["you"].format(arm=arm.label, seed=slot.seed, other=other.label))
    config = slot_config(info, slot)
    names = [*differing(info.arms), *(f for f in SHOWN_FIELDS if f not in differing(info.arms))]
    fixed = ", ".join(f"{controls.LABELS.get(f, f)} {shown_value(f, getattr(config, f))}" for f in names)
    st.caption(JOIN["fixed"].format(settings=fixed))  # a line, not a table: the question stays in view
    runner.adopt(RESULT, lambda run: send(info, slot, run))  # a run a click interrupted
    sent = st.session_state.get(_key(code, "sent")) == slot.joined  # by this session, into this slot
    if sent and not slot.submitted:
        slot = place(info) or slot  # as stored now (sent in this script run)
    if slot.submitted:
        st.success(JOIN["done"].format(accuracy=slot.accuracy, samples=slot.samples, arm=arm.label,
                                       seed=slot.seed), icon=":material/check_circle:")
        return
    if sent:  # the store took the run into memory: it reaches the board when the database is back
        st.info(JOIN["pending"], icon=":material/hourglass_top:")
        return
    answers = choices(info.arms, info.claim)
    prediction = st.radio(JOIN["predict"].format(question=info.question), list(answers),
                          format_func=answers.get, index=None, key=_key(code, "prediction"),
                          help=JOIN["predict_help"])
    st.text_input(JOIN["nickname"], max_chars=NICKNAME_CHARS, key=_key(code, "nickname"),
                  help=JOIN["nickname_help"])
    pressed = st.button(JOIN["train"], type="primary", icon=":material/play_arrow:",
                        disabled=prediction is None, help=None if prediction else JOIN["train_help"])
    if pressed:
        runner.train_one(config, key="class_stop", result_key=RESULT,
                         keep=lambda run: send(info, slot, run), mark_url=False)
        if st.session_state.get(_key(code, "sent")) == slot.joined:
            st.rerun()  # the form gives way to the result


def token(code: str) -> str:
    """This student's key to their place: kept in the session and in the address (``me=``), so a
    reload keeps the place, and a new browser gets a new one."""
    given = st.query_params.get(ME)
    mine = given if isinstance(given, str) and TOKEN.match(given) else None
    mine = mine or st.session_state.get(_key(code, "me")) or secrets.token_urlsafe(12)
    st.session_state[_key(code, "me")] = mine
    if given != mine:
        st.query_params[ME] = mine
    return mine


def place(info: ClassInfo | None) -> Slot | None:
    """This student's slot (joining on the first visit), or None after one sentence why not."""
    if info is None:
        return None
    try:
        return links.classes().join(info.code, token(info.code))
    except ClassError:
        state = info.state()
        why = JOIN["full" if state == "open" else state].format(code=info.code)
        st.info(why, icon=":material/door_front:")
    except StoreError:
        st.error(JOIN["store"], icon=":material/cloud_off:")
    return None


def send(info: ClassInfo, slot: Slot, run: TrainResult) -> None:
    """Keep a finished run in the store and in this student's slot (once); say how it did."""
    if run.stopped:
        st.warning(JOIN["stopped"], icon=":material/stop_circle:")
        return
    session.set_run(run, {"origin": "class", "class": info.code})
    accuracy, samples = score(info.claim, run)
    prediction = st.session_state.get(_key(info.code, "prediction")) or ""
    nickname = clean_nickname(st.session_state.get(_key(info.code, "nickname")))
    try:
        links.classes().submit(info.code, token(info.code), session.run_id() or "", accuracy, samples,
                               prediction=prediction, nickname=nickname)
    except AlreadySubmitted:
        st.warning(JOIN["twice"], icon=":material/block:")
    except StoreError:
        st.error(JOIN["store"], icon=":material/cloud_off:")
        return
    st.session_state[_key(info.code, "sent")] = slot.joined

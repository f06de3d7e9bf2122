"""The board (the teacher link): the code, the join link and its QR code, the runs arriving live,
the verdict and the predictions; closing, reopening and resetting the class.

Made to be projected at 1024×768. It polls the store every 2 s (``st.fragment(run_every=2)``), so
runs saved on any replica appear (PostgreSQL), or from any process of this machine (SQLite). When
the store cannot be read, one sentence says so and the board keeps showing what it last had.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lstm_core.experiments.class_experiment import NEITHER, Board, board, choices, to_csv
from lstm_core.store.class_records import ClassInfo, Slot
from lstm_core.store.records import StoreError
from ui import safe
from ui.text import charts as chart_words
from ui.text.class_ import BOARD
from ui.views.chart_words import show_chart
from ui.views.class_page import links

POLL_SECONDS = 2
LAST = "class_board_last"  # session key: the last board read, shown while the store is out
OPENED = "class_board_opened"  # session key: (secret, class) this board opened


def show(secret: str) -> None:
    try:
        info = links.classes().by_secret(secret)
        st.session_state[OPENED] = (secret, info)
    except StoreError:
        opened = st.session_state.get(OPENED)
        if not opened or opened[0] != secret:
            st.error(BOARD["outage"], icon=":material/cloud_off:")
            return
        info = opened[1]  # the board goes on with what it had; live() says the store is out
    if info is None:
        st.error(BOARD["bad_link"], icon=":material/link_off:")
        return
    st.subheader(safe.plain(info.title), anchor=False)
    join = links.page_url(join=info.code)
    code_col, qr_col, board_col = st.columns([1, 1, 3], gap="medium")
    with code_col:
        st.metric(BOARD["code"], info.code)
        st.caption(BOARD["link"])
        st.code(join, language=None, wrap_lines=True)
    with qr_col:
        st.image(links.qr_png(join), caption=info.code, width=180)
    with board_col:
        live(info.code)
    controls(info, secret)


@st.fragment(run_every=POLL_SECONDS)
def live(code: str) -> None:
    """The part of the board that polls the store."""
    try:
        info, slots = links.classes().snapshot(code)  # one read: count, points and verdict agree
        st.session_state[LAST] = (info, slots)
    except StoreError:
        st.warning(BOARD["outage"], icon=":material/cloud_off:")
        info, slots = st.session_state.get(LAST, (None, []))
        if info is None:
            return
    draw(info, slots)


def draw(info: ClassInfo, slots: list[Slot]) -> None:
    """Everything from one read of the store. The count is written last, into a place kept at the
    top: the browser applies a redraw element by element, so once it reads "6 of 6 done" the
    chart, the verdict and the names below are already this redraw's, never the one before."""
    state = info.state()
    if state != "open":
        st.info(BOARD[state], icon=":material/door_front:")
    data = board(info, slots)
    count = st.empty()
    if not data.points:
        st.caption(BOARD["waiting"])
    else:
        points = pd.DataFrame(data.points)[["arm", "seed", "accuracy"]]
        show_chart(chart(info, data), chart_words.seed_points(points, by="arm"), points)
        st.caption(BOARD["tutorial"])
        if data.verdict is None:
            st.caption(BOARD["one_arm"])
        else:
            st.markdown(f"**{BOARD['verdict']}.** {data.verdict}")
            predictions(info, data)
        names(info, data)
    count.markdown(f"### {BOARD['done'].format(done=data.done, joined=data.joined)}")


def names(info: ClassInfo, data: Board) -> None:
    """Who ran what: each run's name (a student's nickname, plain text, or an anonymous one)."""
    with st.expander(BOARD["names"].format(runs=len(data.points))):
        frame = pd.DataFrame(data.points)
        frame["side"] = [[a.label for a in info.arms].index(arm) for arm in frame["arm"]]
        frame = frame.sort_values(["side", "accuracy"], ascending=[True, False])  # each side, best first
        frame["accuracy"] = [f"{a:.2f}%" for a in frame["accuracy"]]
        st.table(frame[["name", "arm", "accuracy", "seed"]].set_index("name"))  # cells are text, never HTML


def chart(info: ClassInfo, data: Board) -> alt.LayerChart:
    """One point per run per arm, each arm's mean, and the tutorial's single figure."""
    labels = [a.label for a in info.arms]
    x = alt.X("arm:N", sort=labels, title=None, axis=alt.Axis(labelAngle=0, labelFontSize=14))
    y = alt.Y("accuracy:Q", title="accuracy (%)", scale=alt.Scale(zero=False, nice=True))
    frame = pd.DataFrame(data.points)
    # Spread the points across the band by seed: fixed, so the projected board does not jump at every poll.
    frame["jitter"] = (frame["seed"] * 0.618034) % 1.0
    points = alt.Chart(frame).mark_circle(size=120, opacity=0.7).encode(
        x=x, y=y, color=alt.Color("arm:N", sort=labels, legend=None),
        xOffset=alt.XOffset("jitter:Q", scale=alt.Scale(domain=[-1.5, 2.5])),  # the band's middle
        tooltip=[alt.Tooltip("name:N"), alt.Tooltip("seed:Q"), alt.Tooltip("accuracy:Q", format=".2f")],
    )
    means = pd.DataFrame([{"arm": a, "accuracy": m} for a, m in data.means.items()])
    mean_ticks = alt.Chart(means).mark_tick(thickness=3, size=60, color="black").encode(x=x, y=y)
    layers = [points, mean_ticks]
    tutorial = pd.DataFrame([{"arm": a.label, "accuracy": a.tutorial} for a in info.arms if a.tutorial])
    if not tutorial.empty:
        layers.append(alt.Chart(tutorial).mark_point(shape="diamond", size=200, filled=True, color="#d62728")
                      .encode(x=x, y=y, tooltip=[alt.Tooltip("accuracy:Q", title="tutorial", format=".2f")]))
    return alt.layer(*layers).properties(height=240)  # the verdict stays on a 768 px projector


def predictions(info: ClassInfo, data: Board) -> None:
    """How the class predicted, against what happened."""
    names = choices(info.arms, info.claim)
    outcome = (BOARD["outcome_neither"] if data.outcome == NEITHER
               else BOARD["outcome_arm"].format(arm=info.arms[int(data.outcome)].label))
    st.markdown(f"**{BOARD['predicted']}**")
    st.table(pd.DataFrame({
        "prediction": list(names.values()),
        "students": [data.predictions.get(k, 0) for k in names],
        "happened": ["✔" if k == data.outcome else "" for k in names],
    }))
    total = sum(data.predictions.values())
    st.caption(BOARD["right"].format(right=data.right, total=total, outcome=outcome))


def controls(info: ClassInfo, secret: str) -> None:
    """Close or reopen, reset (confirmed), the CSV; and the teacher link to keep."""
    classes = links.classes()
    cols = st.columns(3, vertical_alignment="bottom")
    try:
        if info.closed:
            if cols[0].button(BOARD["reopen"], icon=":material/lock_open:"):
                classes.close(info.code, closed=False)
                st.rerun()
        elif cols[0].button(BOARD["close"], icon=":material/lock:"):
            classes.close(info.code)
            st.rerun()
        with cols[1].popover(BOARD["reset"], icon=":material/restart_alt:"):
            if st.button(BOARD["reset_confirm"], type="primary"):
                classes.reset(info.code)
                st.rerun()
        cols[2].download_button(BOARD["csv"], to_csv(info, classes.slots(info.code)),
                                file_name=f"class-{info.code}.csv", mime="text/csv",
                                icon=":material/download:", on_click="ignore")
    except StoreError:
        st.error(BOARD["outage"], icon=":material/cloud_off:")
    st.caption(BOARD["keep"])
    with st.expander(BOARD["teacher"]):
        st.code(links.page_url(teacher=secret), language=None, wrap_lines=True)

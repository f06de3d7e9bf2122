"""The Memory page's two views: how far back a prediction looks (forward: occlusion and gradient of
the Lab's run or the experiment's), and how far back training reaches (backward: one update's
letters and the reset timeline)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lstm_core.analysis import inference
from lstm_core.analysis import influence as inf
from lstm_core.data import texts
from lstm_core.experiments import truncated_bptt as exp
from ui import charts, form, safe, session
from ui.text import charts as chart_words
from ui.text.memory import FORWARD_ABOUT, MEMORY_HELP, REACH_CAPTION, REACH_LANES, RULE, SHORT
from ui.views.chart_words import show_chart
from ui.views.memory_page import experiment

# The page's settings as its address holds them (keys: the widgets' in tasks.py and experiment.py):
# /memory?task=delayed-recall&delay=6&k=8&seeds=2&order=alternating
SETTINGS = (
    form.Setting("task", "memory_task", "Built-in training text", texts.TASKS[0],
                 read=form.one_of(texts.TASKS, "Built-in training text")),
    form.Setting("delay", "memory_k", "Delay k", 4,
                 read=form.whole(texts.MIN_DELAY, texts.MAX_DELAY, "Delay k")),
    form.Setting("k", "memory_exp_k", "Delay k", 4,
                 read=form.whole(texts.MIN_DELAY, texts.MAX_DELAY, "Delay k")),
    form.Setting("seeds", "memory_exp_seeds", "Seeds per arm", 3, read=form.whole(1, 5, "Seeds per arm")),
    form.Setting("order", "memory_exp_order", "Cue order", texts.ORDERS[1],
                 read=form.one_of(texts.ORDERS, "Cue order")),
)


def load_settings() -> None:
    """Before the widgets: a link's settings go into them (a bad one says so and is left out)."""
    for note in form.settings_from_url("memory", SETTINGS):
        st.warning(safe.plain(note), icon=":material/link_off:")


def keep_settings() -> None:
    """After the widgets: the address holds what differs from the page's defaults."""
    form.settings_to_url("memory", SETTINGS)


def default_text(sequence: str, longest: int = 30) -> str:
    """The start of the text, cut to end on a recalled letter when there is one (the step to look at)."""
    answers = {answer for _, answer in texts.RECALL_CUES}
    for end in range(min(longest, len(sequence)), 1, -1):
        if sequence[end - 1] in answers:
            return sequence[:end]
    return sequence[:longest]


def available_runs() -> dict[str, object]:
    """Runs the forward view can compare: the Lab's, and the experiment's first seed per arm."""
    runs = {}
    lab = session.get_run()
    if lab is not None:
        c = lab.config
        extra = f", {c.steps_per_update} steps per update" if c.per_step else ""
        runs[f"Lab: {c.framing}{extra}"] = lab
    seen = set()
    for o in (experiment.experiment_outcomes() or {}).get("outcomes", []):
        if o.arm not in seen and o.run is not None and o.epochs > 0:  # an untrained model is no result
            seen.add(o.arm)
            runs[f"({o.arm}) {SHORT[o.arm]}, seed {o.seed}"] = o.run
    return runs


def influence_chart(frame: pd.DataFrame, measure: str, title: str) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("back:Q", title="steps back from the prediction", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(f"{measure}:Q", title=title),
            color=alt.Color(
                "run:N",
                scale=alt.Scale(scheme=charts.CATEGORIES),
                legend=alt.Legend(orient="top", direction="vertical", title=None, labelLimit=400),
            ),
            tooltip=["run:N", "back:Q", "fed:N", alt.Tooltip(f"{measure}:Q", format=".4f")],
        )
        .properties(height=340)  # the whole chart, legend and axes included
    )


def forward_frames(
    runs: dict, chosen: list[str], text: str, step: int
) -> tuple[list[pd.DataFrame], list[str]]:
    """Each chosen run's influence rows and its one-sentence note (a run that cannot read the text
    gets its sentence as an error instead)."""
    frames, notes = [], []
    for name in chosen:
        try:
            result = inf.influence(runs[name], text, step)
        except ValueError as exc:
            st.error(safe.plain(f"{name}: {exc}"), icon=":material/error:")
            continue
        frames.append(pd.DataFrame([
            {"run": name, "back": r.back, "fed": r.fed, "occlusion": r.occlusion, "gradient": r.gradient}
            for r in result.rows
        ]))
        notes.append(
            f"**{name}** predicts **{result.predicted}** (p = {result.probability:.2f}) after reading "
            f"{result.steps_read} time steps."
        )
    return frames, notes


def forward_inputs(runs: dict) -> tuple[list[str], str, int] | None:
    """The runs to compare, the text and the step to examine (None: nothing to draw)."""
    # Stateful with one step per update against the window: the comparison the lesson needs.
    default = [n for n in runs if n.startswith(("(a)", "(c)"))] or list(runs)[-2:]
    chosen = st.multiselect(
        "Runs to compare (at most two)", list(runs), default=default[:2], max_selections=2,
        key="memory_runs", help=MEMORY_HELP["runs"],
    )
    if not chosen:
        return None
    text = st.text_input(
        "Text", value=default_text(runs[chosen[0]].config.sequence), max_chars=inf.MAX_TEXT,
        key="memory_text", help=MEMORY_HELP["text"],
    )
    if not text:
        st.error("Type at least one letter.", icon=":material/error:")
        return None
    step = st.slider(
        "Predict after this many letters", 1, max(1, len(text)), value=len(text) - 1 if len(text) > 1 else 1,
        key="memory_step", help=MEMORY_HELP["step"],
    )
    return chosen, text, step


def forward_view() -> None:
    st.subheader("How far back a prediction looks", anchor=False)
    st.markdown(FORWARD_ABOUT)
    runs = available_runs()
    if not runs:
        st.info(
            "Train a model in the Lab, or run the experiment below, to see its forward view.",
            icon=":material/info:",
        )
        return
    inputs = forward_inputs(runs)
    if inputs is None:
        return
    frames, notes = forward_frames(runs, *inputs)
    if not frames:
        return
    st.markdown("  \n".join(notes))
    frame = pd.concat(frames)
    left, right = st.columns(2)
    for where, measure, title in ((left, "occlusion", "largest change of p(predicted)"),
                                  (right, "gradient", "|d log p / d input|")):
        show_chart(influence_chart(frame, measure, title), chart_words.influence(frame, measure, title),
                   frame[["run", "back", "fed", measure]], where=where)


def reach_frame(rows: list[dict]) -> pd.DataFrame:
    """``update_reach``'s rows as a table, each lane named in one word (the caption says what each means)."""
    frame = pd.DataFrame(rows)
    frame["lane"] = frame["lane"].map(dict(zip(inf.LANES, REACH_LANES, strict=True)))
    return frame


def reach_chart(frame: pd.DataFrame) -> alt.Chart:
    """Three lanes of 30 letters (``reach_frame``). The lanes are named in one word (the caption
    above says what each means): with their full names the cells were 6 px wide on a phone and
    the letters overlapped (issue 22, 16); now about 10 px, letters in a smaller font."""
    base = alt.Chart(frame).encode(
        x=alt.X("position:O", title="letter of the text", axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("lane:N", title=None, sort=list(REACH_LANES)),
    )
    cells = base.mark_rect(stroke="gray", strokeWidth=0.5).encode(
        color=alt.Color(
            "on:N", scale=alt.Scale(domain=[False, True], range=["#eeeeee", "#4c78a8"]), legend=None
        ),
        tooltip=["lane:N", "position:O", "letter:N", "on:N"],
    )
    letters = base.mark_text(baseline="middle", fontSize=10).encode(
        text="letter:N", color=alt.condition(alt.datum.on, alt.value("white"), alt.value("black"))
    )
    return (cells + letters).properties(height=alt.Step(26))


def backward_view(k: int = 4) -> None:
    st.subheader("How far back training reaches", anchor=False)
    st.markdown(RULE)
    configs = {exp.ARMS[arm]: cfg for arm, _, cfg in exp.experiment_configs(k, seeds=[7])}
    lab = session.get_run()
    if lab is not None and lab.config.framing != "variable-length":
        configs = {f"Lab run: {lab.config.framing}": lab.config, **configs}
    name = st.selectbox(
        "Framing",
        list(configs),
        key="memory_reach_framing",
        help=MEMORY_HELP["reach_framing"],
    )
    config = configs[name]
    n = config.num_examples
    sample = (
        st.slider(
            "Weight update for sample",
            1,
            n,
            value=min(n, 3),
            key="memory_reach_sample",
            help=MEMORY_HELP["reach_sample"],
        )
        - 1
    )
    st.caption(REACH_CAPTION)
    reach = reach_frame(inf.update_reach(config, sample))
    show_chart(reach_chart(reach), chart_words.reach(reach), reach)
    st.caption("Where each sample's forward state comes from (the reset timeline, first 60 samples)")
    timeline = inference.reset_timeline(config, samples=60)
    show_chart(charts.reset_strip(timeline), chart_words.reset_strip(timeline), timeline)

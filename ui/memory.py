"""The Memory page's pieces, and the built-in task picker the Lab shows under its form.

The engine (``lstm_core.data.texts``, ``influence``, ``memory_experiment``) returns numbers;
the words and charts are here.
"""

from __future__ import annotations

import logging

import altair as alt
import pandas as pd
import streamlit as st

from lstm_core.analysis import inference
from lstm_core.analysis import influence as inf
from lstm_core.data import texts
from lstm_core.experiments import truncated_bptt as exp

from . import charts, controls, runner, safe, session

log = logging.getLogger(__name__)
EXPERIMENT = "memory_experiment"  # session key: the experiment's outcomes
TASK_TITLES = {
    "alphabet": "Alphabet (needs no memory)",
    "delayed-recall": "Delayed recall (needs k letters of memory)",
    "counting": "Counting aaaabbbccd (needs 4 letters)",
}
TASK_ABOUT = {
    "alphabet": "Every letter tells the next one: a window of 1 already reaches 100%.",
    "delayed-recall": (
        "Runs XabcY and ZabcW alternate. After the filler letters comes Y if the run began with X, "
        "W if it began with Z: the letter k steps back decides it. Every other next letter follows "
        "from the current one, so a model that sees k letters back can reach 100%."
    ),
    "counting": (
        "After an 'a' the next letter depends on how many a's came before it, so the model must "
        "count: only a window of 4 tells every position apart."
    ),
}
HELP_TASK = (
    "A built-in training text. Delayed recall and counting cannot be predicted from the current "
    "letter alone: the table shows the best accuracy any model that sees that many letters can reach."
)
HELP_K = "Delay: how many steps after its cue the recalled letter comes (2 to 12)."


# -- tasks and ceilings ------------------------------------------------------------------
def ceiling_frame(text: str, max_window: int = 8) -> pd.DataFrame:
    rows = texts.ceiling_table(text, list(range(1, max_window + 1)))
    return pd.DataFrame(
        {
            "window (letters seen)": [r.window for r in rows],
            "best possible": [f"{r.right}/{r.total} = {100 * r.share:.1f}%" for r in rows],
        }
    )


def _use_task() -> None:
    """Button callback: runs before the script, so it may still fill the Lab form's field."""
    text = texts.task_text(st.session_state["memory_task"], int(st.session_state.get("memory_k", 4)))
    st.session_state[controls.KEY["sequence"]] = text


def task_picker(in_lab: bool = True) -> str:
    """Pick a built-in text, see its ceilings; in the Lab, a button puts it in the form."""
    name = st.selectbox(
        "Built-in training text", texts.TASKS, format_func=TASK_TITLES.get, key="memory_task", help=HELP_TASK
    )
    k = 4
    if name == "delayed-recall":
        k = int(
            st.number_input(
                "Delay k",
                min_value=texts.MIN_DELAY,
                max_value=texts.MAX_DELAY,
                value=4,
                step=1,
                key="memory_k",
                help=HELP_K,
            )
        )
    text = texts.task_text(name, k)
    st.caption(TASK_ABOUT[name])
    st.code(text, language=None, wrap_lines=True)
    needed = texts.memory_needed(text)
    # A static table (not a dataframe widget): a few rows, nothing to sort or scroll.
    st.table(ceiling_frame(text, max(needed or 1, 4) + 1).set_index("window (letters seen)"))
    if in_lab:
        st.button(
            "Use this text in the form",
            on_click=_use_task,
            icon=":material/input:",
            help="Puts the text into the form's Training sequence; press Train to train on it.",
        )
    return text


# -- forward view ------------------------------------------------------------------------
SHORT = {"a": "stateful, 1 step", "b": "stateful, k+1 steps", "c": "window k+1"}  # legend-sized names


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
    for o in (experiment_outcomes() or {}).get("outcomes", []):
        if o.arm not in seen and o.run is not None:
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


def forward_view() -> None:
    st.subheader("How far back a prediction looks", anchor=False)
    st.markdown(
        "Pick a step of a text: the model reads the letters before it the way it was trained "
        "(a window from a fresh state, or sample after sample with its state carried) and predicts "
        "the next one. **Occlusion**: feed one earlier letter differently (the zero input, or any "
        "other letter) and measure the largest change in the probability of the predicted letter. "
        "**Gradient**: how strongly log p(predicted) reacts to that letter's input, through every "
        "step the state went through."
    )
    runs = available_runs()
    if not runs:
        st.info(
            "Train a model in the Lab, or run the experiment below, to see its forward view.",
            icon=":material/info:",
        )
        return
    # Stateful with one step per update against the window: the comparison the lesson needs.
    default = [n for n in runs if n.startswith(("(a)", "(c)"))] or list(runs)[-2:]
    chosen = st.multiselect(
        "Runs to compare (at most two)",
        list(runs),
        default=default[:2],
        max_selections=2,
        key="memory_runs",
        help="Two runs on the same text are drawn on the same chart.",
    )
    if not chosen:
        return
    first = runs[chosen[0]]
    text = st.text_input(
        "Text",
        value=default_text(first.config.sequence),
        max_chars=inf.MAX_TEXT,
        key="memory_text",
        help="Letters to feed, at most 200, all from the models' vocabularies.",
    )
    if not text:
        st.error("Type at least one letter.", icon=":material/error:")
        return
    step = st.slider(
        "Predict after this many letters",
        1,
        max(1, len(text)),
        value=len(text) - 1 if len(text) > 1 else 1,
        key="memory_step",
        help="The prediction examined: the letter after this many.",
    )
    frames, notes = [], []
    for name in chosen:
        try:
            result = inf.influence(runs[name], text, step)
        except ValueError as exc:
            st.error(safe.plain(f"{name}: {exc}"), icon=":material/error:")
            continue
        frames.append(
            pd.DataFrame(
                [
                    {
                        "run": name,
                        "back": r.back,
                        "fed": r.fed,
                        "occlusion": r.occlusion,
                        "gradient": r.gradient,
                    }
                    for r in result.rows
                ]
            )
        )
        notes.append(
            f"**{name}** predicts **{result.predicted}** (p = {result.probability:.2f}) after reading "
            f"{result.steps_read} time steps."
        )
    if not frames:
        return
    st.markdown("  \n".join(notes))
    frame = pd.concat(frames)
    left, right = st.columns(2)
    left.altair_chart(influence_chart(frame, "occlusion", "largest change of p(predicted)"), width="stretch")
    right.altair_chart(influence_chart(frame, "gradient", "|d log p / d input|"), width="stretch")


# -- backward view -----------------------------------------------------------------------
def reach_chart(rows: list[dict]) -> alt.Chart:
    frame = pd.DataFrame(rows)
    base = alt.Chart(frame).encode(
        x=alt.X("position:O", title="letter of the text", axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("lane:N", title=None, sort=list(inf.LANES), axis=alt.Axis(labelLimit=300)),
    )
    cells = base.mark_rect(stroke="gray", strokeWidth=0.5).encode(
        color=alt.Color(
            "on:N", scale=alt.Scale(domain=[False, True], range=["#eeeeee", "#4c78a8"]), legend=None
        ),
        tooltip=["lane:N", "position:O", "letter:N", "on:N"],
    )
    letters = base.mark_text(baseline="middle").encode(
        text="letter:N", color=alt.condition(alt.datum.on, alt.value("white"), alt.value("black"))
    )
    return (cells + letters).properties(height=alt.Step(26))


RULE = (
    "**The rule:** a weight update's gradient flows through the time steps of its own sample "
    "only. A stateful model's state may come from every earlier sample of the epoch, but that "
    "state enters the update as a fixed number: training never reaches back into the batch before."
)


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
        help="Which training setup to picture: the three of the experiment, or your Lab run.",
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
            help="Samples in training order (shuffle off), numbered from 1.",
        )
        - 1
    )
    st.caption("What one update sees (first 30 letters of the text)")
    st.altair_chart(reach_chart(inf.update_reach(config, sample)), width="stretch")
    st.caption("Where each sample's forward state comes from (the reset timeline, first 60 samples)")
    st.altair_chart(charts.reset_strip(inference.reset_timeline(config, samples=60)), width="stretch")


# -- the experiment ----------------------------------------------------------------------
def outcome_frame(outcomes) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "arm": f"({o.arm}) {SHORT[o.arm]}",
                "seed": o.seed,
                "recalled letters": o.recall_accuracy,
                "theory, recalled": o.recall_ceiling,
                "all letters": o.accuracy,
                "window ceiling, all": o.ceiling,
                "cue via carried state": o.cue_beyond,
                "most via carried state": o.max_beyond,
                "final loss": o.history[-1].loss if o.history else float("nan"),
                "epochs": o.history[-1].epoch if o.history else 0,
                "seconds": o.seconds,
            }
            for o in outcomes
        ]
    )


def outcome_chart(frame: pd.DataFrame) -> alt.Chart:
    base = alt.Chart(frame).encode(x=alt.X("arm:N", title=None, axis=alt.Axis(labelAngle=0, labelLimit=220)))
    points = base.mark_circle(size=90, opacity=0.8).encode(
        y=alt.Y(
            "recalled letters:Q",
            scale=alt.Scale(domain=[0, 1.05]),
            axis=alt.Axis(format="%"),
            title="accuracy on the recalled letters",
        ),
        color=alt.Color("seed:N", legend=alt.Legend(orient="top")),
        xOffset="seed:N",
        tooltip=[
            "arm:N",
            "seed:N",
            alt.Tooltip("recalled letters:Q", format=".0%"),
            alt.Tooltip("all letters:Q", format=".1%"),
        ],
    )
    theory = base.mark_tick(thickness=3, size=60, color="gray").encode(
        y="theory, recalled:Q", tooltip=[alt.Tooltip("theory, recalled:Q", title="theory", format=".0%")]
    )
    return (theory + points).properties(height=260)


WHY_A = (
    "**Why (a) beats its theory.** One step of backpropagation cannot teach the network to "
    "*store* the cue: no update's gradient reaches the step that read it. But the carried state "
    "is an input of every update (a fixed one), and the gradient does teach the network to *read* "
    "whatever that state already holds. Reading X and reading Z leave different traces in h and c "
    "(different inputs always do), and with the forget gate starting open (bias 1) the traces "
    "survive the filler letters. The columns *via carried state* measure it on the trained "
    "models: occlusion (the forward view's measure) of letters outside the update's own sample "
    "at one recall. For (a) they are well above zero, so the prediction depends on letters no "
    "gradient ever reached; for the window model (c) they are exactly zero. With the *alternating* "
    "text the state can also learn the X/Z turn-taking itself (the cue then hardly matters); the "
    "*random* order leaves only the cue. Truncation limits what training can deliberately write "
    "into the state, not what the state carries by accident; the longer the delay, the fainter the "
    "accident. Try k = 8 with random order: measured here, (a) then stays at 50% on every seed."
)
EXPERIMENT_ABOUT = (
    "Three ways to train on delayed recall, several seeds each, the same 16 units and "
    "{epochs} epochs (learning rate {rate}): **(a)** stateful, 1 time step per "
    "update — the state can carry the cue, but each update's gradient sees one step; **(b)** "
    "stateful, k+1 time steps per update — the gradient reaches the cue inside the chunk; **(c)** "
    "timestep-window with window k+1 — every sample holds its cue. Theory: (a) stays at chance on "
    "the recalled letters (50%), (b) and (c) reach 100%. Gray ticks mark what theory allows."
)
OUTCOME_CAPTION = (
    "Delay k = {k}, {order} order. *Window ceiling, all*: the best any model seeing "
    "1 letter (a) or k+1 letters (b, c) can do on every letter; a stateful model may pass it by "
    "memorising the whole text. *Via carried state*: occlusion at one recall by letters outside "
    "the update's own sample."
)
WAIT_SCORING = (
    "Stopping the experiment: every model trained so far is scored and shown here in a moment."
)
ORDER_HELP = (
    "alternating: X-runs and Z-runs take turns, so every other letter is predictable and 100% is "
    "reachable. random: the same runs shuffled, so only the cue tells the answer."
)


def experiment_controls() -> tuple[int, int, str]:
    """The experiment's delay k, seeds per arm and cue order."""
    cols = st.columns(3)
    k = cols[0].number_input(
        "Delay k", min_value=texts.MIN_DELAY, max_value=texts.MAX_DELAY, value=4, step=1,
        key="memory_exp_k", help=HELP_K,
    )
    seeds = cols[1].number_input(
        "Seeds per arm", min_value=1, max_value=5, value=3, step=1, key="memory_exp_seeds",
        help="Seeds 7, 8, 9, …: each arm trains once per seed.",
    )
    # Random by default: then the cue is the only evidence, and the forward view shows it.
    order = cols[2].selectbox("Cue order", texts.ORDERS, index=1, key="memory_exp_order", help=ORDER_HELP)
    return int(k), int(seeds), order


def run_experiment(k: int, seeds: int, order: str) -> None:
    """Train every arm and seed at once (``runner.train_labelled``) and keep the scored outcomes.

    A Stop keeps every model, finished or stopped part way, scored as it is.
    """
    plan = exp.experiment_configs(k, range(7, 7 + seeds), order)
    pairs = [(exp.label(arm, seed), config) for arm, seed, config in plan]

    def collect(runs: dict) -> dict:
        return {"outcomes": exp.score_runs(plan, runs, k), "k": k, "order": order}

    try:
        result = runner.train_labelled(
            pairs, collect, EXPERIMENT, key="memory_exp_stop", keep_stopped=True,
            stop_help="Stop now: every model trained so far is kept and scored as it is.",
        )
    except Exception as exc:  # the engine's message, never a traceback (that goes to the log)
        log.warning("the memory experiment failed", exc_info=True)
        st.error(safe.plain(f"The experiment failed: {exc}"), icon=":material/error:")
        return
    if result and result["outcomes"]:
        st.rerun()  # the forward view, drawn above, can now offer the experiment's runs


def experiment_outcomes() -> dict | None:
    """The experiment's kept result ({"outcomes", "k", "order"}), after a Stop's handover."""
    return runner.kept(EXPERIMENT, notice=WAIT_SCORING)


def experiment_section() -> None:
    st.subheader("The experiment: truncated backpropagation on delayed recall", anchor=False)
    st.markdown(EXPERIMENT_ABOUT.format(epochs=exp.EPOCHS, rate=exp.LEARNING_RATE))
    k, seeds, order = experiment_controls()
    if st.button("Run the experiment", icon=":material/experiment:", key="memory_run_experiment"):
        run_experiment(k, seeds, order)
    result = experiment_outcomes()
    if not result or not result["outcomes"]:
        st.caption(f"{3 * seeds} trainings of {exp.EPOCHS} epochs; about a second each on a quiet machine.")
        return
    show_outcomes(result["outcomes"], result["k"], result["order"])


def show_outcomes(outcomes: list, k: int, order: str) -> None:
    """The experiment's chart, text, table and verdict."""
    stopped = [o for o in outcomes if getattr(o, "stopped", False)]
    if stopped:
        st.warning(
            f"Stopped early: {len(stopped)} of {len(outcomes)} models did not finish their "
            f"{exp.EPOCHS} epochs. They are scored as they were when Stop was pressed; run the "
            "experiment again for the full result.",
            icon=":material/pause_circle:",
        )
    frame = outcome_frame(outcomes)
    st.altair_chart(outcome_chart(frame), width="stretch")
    st.code(exp.experiment_text(k, order), language=None, wrap_lines=True)
    st.caption(OUTCOME_CAPTION.format(k=k, order=order))
    pct = ("recalled letters", "theory, recalled", "all letters", "window ceiling, all")
    shown = frame.assign(**{c: frame[c].map("{:.0%}".format) for c in pct})
    st.dataframe(
        shown.round({"cue via carried state": 3, "most via carried state": 3, "final loss": 4, "seconds": 1}),
        hide_index=True,
    )
    surprise = False
    for kind, sentence in exp.verdict(outcomes, k):
        if kind == "ok":
            st.success(sentence, icon=":material/check_circle:")
        else:
            surprise = True
            st.warning(sentence, icon=":material/help:")
    if surprise and any(o.arm == "a" and o.recall_accuracy > o.recall_ceiling for o in outcomes):
        st.markdown(WHY_A)

"""Cell: step through a trained LSTM letter by letter and watch its gates decide.

At every time step each unit computes four numbers from the letter it reads and the state it
carries: the input gate i, the forget gate f, the candidate g and the output gate o. Then
c = f·c_prev + i·g (keep some memory, write some new) and h = o·tanh(c) (show some of it).
This page shows those numbers, the trained model's own, for a text you choose.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core.analysis import inference
from lstm_core.analysis import trace as cell_trace
from ui import cell_charts, runner, safe, session
from ui.routing import page_setup
from ui.text import md_escape

HELP_TEXT = (
    "Characters to feed the model, one letter at a time (at most 200, all from its vocabulary). "
    "Window models read the window ending at each letter."
)
HELP_WARM = (
    "Off (cold): the model starts from a zero state and an empty window. On (warm): it first reads "
    "the training text up to your text's first letter, as on the Generate page."
)
HELP_STEP = (
    "The time step shown below: one LSTM step, i.e. one letter read (window models: one letter "
    "of the window)."
)
HELP_BACK = "Show the previous time step."
HELP_NEXT = "Show the next time step."
HELP_PLAY = "Step through the text by itself at the chosen pace; press again to pause."
HELP_PACE = "Seconds each step stays on screen while playing."
HELP_UNIT = (
    "The unit whose arithmetic is written out below. The default is the most active one: the "
    "largest average |h| over this text."
)
HELP_FIND = (
    'Pick the steps you are curious about (e.g. the letters after "K"); the table ranks units by '
    "how differently they fire there than at the other steps."
)
HELP_SIGNAL = "h: what the unit shows the next layer at each step. c: the memory it carries."
HELP_SURGERY = (
    "Change the state just before the text's last letter is read, then let the model write on. "
    "The untouched run is beside it."
)
HELP_ZERO = "These units' h and c are set to 0 before the last letter (units are numbered from 0)."
HELP_EVERY = (
    "Hold the chosen units at 0 after every step from then on (switch them off). A stateless "
    "model starts every sample from zero, so for it only this changes anything."
)
HELP_OTHER = (
    "The model reads this text from a fresh state; the state it ends with replaces the state "
    "before your text's last letter. Empty means a zero state (a cold start)."
)
HELP_WRITE = "How many letters the model writes after the text, each fed back in (1 to 50)."

STEP = "cell_step"  # the slider's key: the current time step, 1-based
PACE = "cell_pace"
PACES = {"slow: 2 s": 2.0, "normal: 1 s": 1.0, "fast: 0.5 s": 0.5}
SURGERY_ZERO = "Zero some units"
SURGERY_SWAP = "Swap in another text's state"

page_setup("Cell")  # first: page config and the links to every page


# --- stepping -------------------------------------------------------------------------------------
def _touch() -> None:
    """A widget of the stepper changed: this fragment run is not a tick of the Play timer."""
    st.session_state[session.CELL_TOUCHED] = True


def _move(delta: int, steps: int) -> None:
    _touch()
    st.session_state[STEP] = min(steps, max(1, st.session_state.get(STEP, 1) + delta))


def _toggle_play(steps: int) -> None:
    _touch()
    playing = not st.session_state.get(session.CELL_PLAYING, False)
    st.session_state[session.CELL_PLAYING] = playing
    if playing and st.session_state.get(STEP, 1) >= steps:
        st.session_state[STEP] = 1  # Play at the end starts again from the first step


def _timer() -> tuple[bool, float]:
    return st.session_state.get(session.CELL_PLAYING, False), PACES[st.session_state.get(PACE, "normal: 1 s")]


def stepper(run, trace: cell_trace.GateTrace, registered: tuple[bool, float], limit: float) -> None:
    """The step controls and everything that belongs to one step. Runs as a fragment: a click
    here redraws only this part; while playing, Streamlit reruns it every ``pace`` seconds."""
    if _timer() != registered:
        # Only a full run can (re)start or stop the fragment's timer (run_every).
        st.rerun(scope="app")
    n = trace.steps
    current = min(max(1, int(st.session_state.get(STEP, 1))), n)
    playing, _ = registered
    if playing and not st.session_state.pop(session.CELL_TOUCHED, False):
        if current < n:
            current += 1  # a tick of the Play timer
        else:
            st.session_state[session.CELL_PLAYING] = False
            st.rerun(scope="app")
    st.session_state[STEP] = current
    st.session_state.pop(session.CELL_TOUCHED, None)

    if n > 1:
        st.slider("Time step", 1, n, key=STEP, help=HELP_STEP, on_change=_touch)
    b1, b2, b3, b4 = st.columns([1, 1, 1.6, 2.4], vertical_alignment="bottom")
    b1.button("◀", key="cell_back", help=HELP_BACK, on_click=_move, args=(-1, n), width="stretch")
    b2.button("▶", key="cell_next", help=HELP_NEXT, on_click=_move, args=(1, n), width="stretch")
    b3.button(
        "Pause" if playing else "Play",
        key="cell_play",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        help=HELP_PLAY,
        on_click=_toggle_play,
        args=(n,),
        width="stretch",
    )
    b4.selectbox("Pace", list(PACES), index=1, key=PACE, help=HELP_PACE, label_visibility="collapsed")

    k = current - 1
    st.markdown(step_sentence(trace, k, run.config.encoding == "scaled"))
    st.caption(
        "Top: the four gates of every unit at this step (the same colours at every step). Bottom: "
        "the cell state before and after the step, and the new hidden state h."
    )
    for data, spec in (
        cell_charts.gates_chart(trace.i[k], trace.f[k], trace.g[k], trace.o[k]),
        cell_charts.states_chart(trace.c_prev[k], trace.c[k], trace.h[k], limit),
    ):
        st.vega_lite_chart(data, spec, width="stretch", height=cell_charts.height(spec))
    equations(run, trace, k)


def step_sentence(trace: cell_trace.GateTrace, k: int, scaled: bool = True) -> str:
    """One line about step k: what was fed, from which state, and what the model predicts."""
    fed = trace.fed[k]
    # Scaled inputs feed letter index / vocabulary size, so a 0.0 pad reads like the first letter.
    pad = "padding (0.0, which looks like the first letter)" if scaled else "padding (all zeros)"
    shown = pad if fed == "·" else f"**{md_escape(fed)}**"
    parts = [f"Step {k + 1} of {trace.steps}: fed {shown}"]
    if trace.reset_before[k]:
        parts.append("starting from a zero state ↺")
    letter, p = trace.prediction(k)
    guess = f"**{md_escape(letter)}** ({p:.0%})"
    if trace.is_output[k]:
        parts.append(f"the model predicts {guess}")
    else:
        parts.append(f"inside the window: read as an answer, h would say {guess}")
    return " · ".join(parts) + "."


def _n(v: float) -> str:
    """A number for LaTeX: 3 decimals, negative ones in parentheses when they follow an operator."""
    return f"{v:.3f}"


def _p(v: float) -> str:
    return f"({v:.3f})" if v < 0 else f"{v:.3f}"


def equations(run, trace: cell_trace.GateTrace, k: int) -> None:
    top = cell_trace.most_active_unit(trace)
    u = trace.units
    unit = st.selectbox(
        "Unit for the equations",
        list(range(u)),
        index=top,
        format_func=lambda j: f"unit {j}" + (" (most active)" if j == top else ""),
        key=f"cell_unit_{u}_{top}",
        help=HELP_UNIT,
        on_change=_touch,
    )
    terms = cell_trace.contributions(run, trace, k, unit)
    lines = []
    for gate, fn in (("i", r"\sigma"), ("f", r"\sigma"), ("g", r"\tanh"), ("o", r"\sigma")):
        from_x, from_h, bias = terms[gate]
        z = trace.pre(gate)[k, unit]
        value = getattr(trace, gate)[k, unit]
        lines.append(
            rf"{gate} &= {fn}(\underbrace{{x_t W_{gate}}}_{{{_n(from_x)}}} + "
            rf"\underbrace{{h_{{t-1}} U_{gate}}}_{{{_n(from_h)}}} + \underbrace{{b_{gate}}}_{{{_n(bias)}}})"
            rf" = {fn}({_n(z)}) = {_n(value)}"
        )
    i, f, g, o = (getattr(trace, name)[k, unit] for name in "ifgo")
    c_prev, c, h = trace.c_prev[k, unit], trace.c[k, unit], trace.h[k, unit]
    lines.append(
        rf"c_t &= f \cdot c_{{t-1}} + i \cdot g = {_n(f)} \cdot {_p(c_prev)} + "
        rf"{_n(i)} \cdot {_p(g)} = {_n(c)}"
    )
    lines.append(rf"h_t &= o \cdot \tanh(c_t) = {_n(o)} \cdot \tanh({_n(c)}) = {_n(h)}")
    # The trailing space keeps KaTeX's box from overflowing its container by a pixel or two.
    st.latex(r"\begin{aligned}" + r" \\[2pt] ".join(lines) + r"\end{aligned}\hspace{6pt}")
    st.caption(
        f"Unit {unit} at step {k + 1}, rounded to 3 decimals (the last digit of a hand check may "
        "differ). Under each term: x_t W is what the input adds, h_{t-1} U what the previous h "
        "adds, b the bias. σ squashes into 0…1 (a gate), tanh into −1…1 (a value to write)."
    )


# --- the whole text -------------------------------------------------------------------------------
def keeps_section(trace: cell_trace.GateTrace, stateful: bool) -> None:
    st.subheader("What each unit keeps", anchor=False)
    st.caption(
        "The forget gate f at every step: near 1 (dark) the unit keeps its c, near 0 (pale) it "
        "wipes it. A row dark all along is a unit that holds on to memory."
        + ("" if stateful else " This model starts every sample from a zero state (↺) anyway.")
    )
    chart = cell_charts.over_steps_chart(trace.f, trace.fed, "f", [0.0, 1.0])
    st.altair_chart(chart, width="stretch", height=cell_charts.height(chart, rotated_labels=True))


def _default_selection(trace: cell_trace.GateTrace) -> list[int]:
    """The steps after the first "K" if the text has one, else its last third."""
    if "K" in trace.text[:-1]:
        after = trace.text.index("K") + 1
        return [k for k in range(trace.steps) if trace.position[k] >= after][:12]
    return list(range(trace.steps - max(1, trace.steps // 3), trace.steps))


def finder_section(trace: cell_trace.GateTrace) -> int | None:
    """Rank units by selectivity at the chosen steps; returns the top unit (or None)."""
    st.subheader("Unit finder", anchor=False)
    labels = cell_charts.step_labels(trace.fed)
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    selected = c1.multiselect(
        "Steps to look at",
        list(range(trace.steps)),
        default=_default_selection(trace),
        format_func=lambda k: labels[k],
        key=f"cell_find_{trace.framing}_{trace.steps}_{trace.units}_{trace.text}_{trace.warm}",
        help=HELP_FIND,
    )
    signal = c2.radio("Signal", ["h", "c"], horizontal=True, key="cell_signal", help=HELP_SIGNAL)
    try:
        table = cell_trace.rank_units(trace, selected, signal)
    except ValueError as exc:
        st.info(safe.plain(exc), icon=":material/info:")
        return None
    st.caption(
        "Selectivity: the unit's mean at the chosen steps minus its mean elsewhere, in units of its "
        "spread (about 2 or more is strong; negative: it goes quiet there). r: correlation with the "
        "letter's position in the alphabet."
    )
    st.dataframe(
        table.head(8).rename(columns={"alphabet_r": "r with alphabet position"}),
        hide_index=True,
        column_config={
            "selectivity": st.column_config.NumberColumn(format="%.2f"),
            "inside": st.column_config.NumberColumn("mean at chosen steps", format="%.3f"),
            "outside": st.column_config.NumberColumn("mean elsewhere", format="%.3f"),
            "r with alphabet position": st.column_config.NumberColumn(format="%.2f"),
        },
    )
    values = trace.h if signal == "h" else trace.c
    top = [int(u) for u in table["unit"].head(3)]
    chart = cell_charts.unit_line_chart(values, trace.fed, selected, top)
    st.altair_chart(chart, width="stretch", height=cell_charts.height(chart, rotated_labels=True))
    return top[0]


def surgery_section(run, trace: cell_trace.GateTrace, text: str, warm: bool, suggested: int) -> None:
    config = run.config
    st.subheader("State surgery", anchor=False)
    st.caption(
        "The state is the model's memory: change it and the same letter leads somewhere else. "
        f"The model reads your text, then writes on; the change happens just before it reads the "
        f"last letter, {md_escape(repr(text[-1]))}."
    )
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    mode = c1.radio(
        "Surgery", [SURGERY_ZERO, SURGERY_SWAP], horizontal=True, key="cell_surgery", help=HELP_SURGERY
    )
    steps = c2.number_input("Letters to write", 1, 50, 10, key="cell_write", help=HELP_WRITE)
    surgery: dict = {}
    if mode == SURGERY_ZERO:
        units = st.multiselect(
            "Units to zero",
            list(range(config.units)),
            default=[suggested],
            key=f"cell_zero_{config.units}",
            help=HELP_ZERO,
        )
        every = st.checkbox("Keep them at zero at every step", value=True, key="cell_every", help=HELP_EVERY)
        if not units:
            st.info("Choose at least one unit to zero.", icon=":material/info:")
            return
        surgery = {"zero_units": units, "every_step": every}
    else:
        other = st.text_input(
            "Other text",
            value=config.sequence[:3],
            key=f"cell_other_{abs(hash(config))}",
            max_chars=200,
            help=HELP_OTHER,
        )
        if not config.stateful:
            st.info(
                "This model is stateless: it starts every sample from a zero state, so there is no "
                "carried state to swap. Zero some units instead, or train the stateful preset.",
                icon=":material/info:",
            )
            return
        surgery = {"state_from": other}
    try:
        untouched = cell_trace.continue_text(run, text, int(steps), warm)
        operated = cell_trace.continue_text(run, text, int(steps), warm, **surgery)
    except ValueError as exc:
        st.error(safe.plain(exc), icon=":material/error:")
        return
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**Untouched**")
        st.code(untouched.full, language=None)
    with right:
        st.markdown("**After surgery**")
        st.code(operated.full, language=None)
    changed = sum(a != b for a, b in zip(untouched.letters, operated.letters))
    if changed:
        st.caption(f"The surgery changed {changed} of the {len(untouched.letters)} letters written.")
    else:
        st.caption("Nothing changed: what was removed or swapped did not matter for these letters.")


# --- other cells (issue 14): GRU and SimpleRNN, and stacks -----------------------------------------
CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "simple": "SimpleRNN"}
CELL_EXPLAINED = {
    "lstm": (
        "**LSTM**: two states, h and c, and three gates. The forget gate f decides how much of c to "
        "keep, the input gate i how much of the candidate g to write, the output gate o how much of "
        "tanh(c) to show as h. c can carry a value for many steps untouched (f near 1, i near 0)."
    ),
    "gru": (
        "**GRU**: one state, h, and two gates. The update gate z decides how much of h_prev to keep: "
        "h = z·h_prev + (1 − z)·g. The reset gate r decides how much of h_prev the candidate g may "
        "look at: g = tanh(x·W + r·(h_prev·U) + b). With z near 1 a unit holds its value, like an "
        "LSTM's c with f near 1."
    ),
    "simple": (
        "**SimpleRNN**: one state, h, and no gates: h = tanh(x·W + h_prev·U + b). Every step rewrites "
        "all of h, so what it read long ago fades quickly (and its gradient with it): the problem the "
        "LSTM's gates were invented for."
    ),
}


def other_cell_section(run, text: str, warm: bool) -> None:
    """A run the LSTM gate view cannot show: its cell explained, and the trace it does have."""
    config = run.config
    name = CELL_NAMES[config.cell]
    st.markdown(CELL_EXPLAINED[config.cell])
    if (config.cell, config.layers) == ("gru", 1):
        try:
            trace = cell_trace.gru_trace(run, text, warm=warm)
        except ValueError as exc:
            st.error(safe.plain(exc), icon=":material/error:")
            return
        st.caption(
            f"The trace below shows this run's GRU: its {trace.units} units at each of the "
            f"{trace.steps} steps of your text. Update gate z: near 1 (dark) the unit keeps its h. "
            "Reset gate r: near 0 the candidate ignores h_prev."
        )
        for values, title, domain in ((trace.z, "z", [0.0, 1.0]), (trace.r, "r", [0.0, 1.0]),
                                      (trace.h, "h", [-1.0, 1.0])):
            chart = cell_charts.over_steps_chart(values, trace.fed, title, domain)
            st.altair_chart(chart, width="stretch", height=cell_charts.height(chart, rotated_labels=True))
        last = trace.steps - 1
        letter, p = trace.prediction(last)
        st.markdown(f"After the last step the model predicts **{md_escape(letter)}** ({p:.0%}).")
        return
    what = f"{config.layers} stacked {name} layers" if config.layers > 1 else f"a {name}"
    st.info(
        f"This run has {what}. The step-by-step gate view writes out one LSTM or one GRU layer; "
        "below is the hidden state h of the top layer (the one the output reads) at every step.",
        icon=":material/info:",
    )
    try:
        trace = inference.state_trace(run, text)
    except ValueError as exc:
        st.error(safe.plain(exc), icon=":material/error:")
        return
    chart = cell_charts.over_steps_chart(trace.h, trace.labels, "h", [-1.0, 1.0])
    st.altair_chart(chart, width="stretch", height=cell_charts.height(chart, rotated_labels=True))


def main() -> None:
    st.title("Cell", anchor=False)
    st.caption(
        "Step through a trained LSTM one letter at a time. At each step every unit opens its gates: "
        "c = f·c_prev + i·g keeps some memory and writes some new; h = o·tanh(c) shows part of it."
    )
    run = runner.require_run("Cell")  # the session's run, a ?run= link's, or the shipped preset
    if run is None:
        return
    config = run.config
    layers = f"{config.layers} stacked " if config.layers > 1 else ""
    st.caption(
        f"Model: `{config.framing}` · {layers}{CELL_NAMES[config.cell]} · {config.units} units · "
        f"{'stateful' if config.stateful else 'stateless'} · window {config.window}"
    )
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    text = c1.text_input(
        "Text to feed",
        value=config.sequence[: min(16, len(config.sequence))],
        key=f"cell_text_{abs(hash(config))}",
        max_chars=cell_trace.MAX_TEXT,
        help=HELP_TEXT,
    )
    warm = c2.toggle("Warm start", key="cell_warm", help=HELP_WARM)
    if (config.cell, config.layers) != ("lstm", 1):
        other_cell_section(run, text, warm)
        return
    try:
        trace = cell_trace.gate_trace(run, text, warm=warm)
    except ValueError as exc:
        st.error(safe.plain(exc), icon=":material/error:")
        return
    limit = float(max(np.abs(trace.c).max(), np.abs(trace.c_prev).max()))
    playing, pace = _timer()
    st.session_state[session.CELL_TOUCHED] = True  # this full run is not a tick of the timer
    st.fragment(stepper, run_every=pace if playing else None)(run, trace, (playing, pace), limit)
    st.divider()
    keeps_section(trace, config.stateful)
    suggested = finder_section(trace)
    surgery_section(
        run, trace, text, warm, cell_trace.most_active_unit(trace) if suggested is None else suggested
    )
    with st.expander("Other cells: GRU and SimpleRNN", icon=":material/compare_arrows:"):
        for cell in ("gru", "simple"):
            st.markdown(CELL_EXPLAINED[cell])
        st.caption("Pick the cell in the Lab (Cell, Layers) and train: this page then shows that cell.")


main()

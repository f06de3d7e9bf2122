"""The Cell page's stepper: one time step's gates, state and equations, with Back, Next and Play.

It runs as a fragment (``st.fragment``): a click here redraws only this part; while playing,
Streamlit reruns it every ``pace`` seconds.
"""

from __future__ import annotations

import streamlit as st

from lstm_core.analysis.cell_diagram import diagram_numbers, state_limit
from lstm_core.analysis.lstm_trace import GateTrace, contributions, most_active_unit
from lstm_core.model.variant import variant_of
from ui import form, session
from ui.safe import md_escape
from ui.text.cell import (
    EQUATIONS_CAPTION,
    HEATMAPS_CAPTION,
    HELP_BACK,
    HELP_NEXT,
    HELP_PACE,
    HELP_PLAY,
    HELP_STEP,
    HELP_UNIT,
    LAYER_WORDS,
)
from ui.views.cell_page import charts as cell_charts
from ui.views.cell_page import motion
from ui.views.cell_page.diagram import diagram_html

STEP = "cell_step"  # the slider's key: the current time step, 1-based
PACE = "cell_pace"
PACES = {"slow: 2 s": 2.0, "normal: 1 s": 1.0, "fast: 0.5 s": 0.5}


def touch() -> None:
    """A widget of the stepper changed: this fragment run is not a tick of the Play timer."""
    st.session_state[session.CELL_TOUCHED] = True


def _move(delta: int, steps: int) -> None:
    touch()
    st.session_state[STEP] = min(steps, max(1, st.session_state.get(STEP, 1) + delta))


def _toggle_play(steps: int) -> None:
    touch()
    playing = not st.session_state.get(session.CELL_PLAYING, False)
    st.session_state[session.CELL_PLAYING] = playing
    if playing and st.session_state.get(STEP, 1) >= steps:
        st.session_state[STEP] = 1  # Play at the end starts again from the first step


def timer() -> tuple[bool, float]:
    """(playing, pace in seconds) as the session holds them."""
    return st.session_state.get(session.CELL_PLAYING, False), PACES[st.session_state.get(PACE, "normal: 1 s")]


def stepper(run, trace, registered: tuple[bool, float], limit: float, layer: int | None = None,
            settings=()) -> None:
    """The step controls and everything that belongs to one step of ``trace`` (any cell's; the
    diagram's colours for c span ±``limit``; ``layer``: the stack's layer drawn, None for one
    layer; ``settings``: the page's, kept in the address with the step). Runs as a fragment: a
    click here redraws only this part; while playing, Streamlit reruns it every ``pace`` seconds."""
    if timer() != registered:
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
        st.slider("Time step", 1, n, key=STEP, help=HELP_STEP, on_change=touch)
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
    form.settings_to_url("cell", settings)  # a link to "step 7, warm" opens there
    motion.reduced_motion_play()  # under prefers-reduced-motion: no Play, a sentence instead

    k = current - 1
    unit = unit_choice(trace)
    step_view(run, trace, k, unit, limit, layer)


def unit_choice(trace) -> int:
    """The unit the diagram (and, for one LSTM layer, the equations) write out."""
    top = most_active_unit(trace)
    u = trace.units
    return st.selectbox(
        "Unit for the diagram and equations",
        list(range(u)),
        index=top,
        format_func=lambda j: f"unit {j + cell_charts.FIRST_UNIT}" + (" (most active)" if j == top else ""),
        key=f"cell_unit_{u}_{top}",
        help=HELP_UNIT,
        on_change=touch,
    )


# On a phone the equations, with their underbraced numbers, are 490 px wide in a 358 px column:
# KaTeX then scrolls them sideways in a box the keyboard cannot reach (axe: scrollable-region-
# focusable) and cuts them with no sign that they scroll (issue 22, 16). Smaller type there
# fits them. KaTeX's own class; a style tag is what st.html is for.
NARROW_EQUATIONS = "<style>@media (max-width: 640px) { .katex-display { font-size: 0.66em; } }</style>"


def step_view(run, trace, k: int, unit: int, limit: float, layer: int | None) -> None:
    """Everything that belongs to step ``k``, computed first and then written in one go, and the
    step's header and equations in one element: while a step catches up, they change together
    or not at all (issue 22, item 6)."""
    config = run.config
    lstm_gates = variant_of(config).gate_trace == "lstm"  # heatmaps and equations: one LSTM layer
    figure = diagram_numbers(config.cell, trace, k, unit)
    layer_words = "" if layer is None else LAYER_WORDS.format(layer=layer + 1)
    svg = diagram_html(figure, limit, layer_words)
    header = step_sentence(trace, k, config.encoding == "scaled")
    if lstm_gates:
        charts = (
            cell_charts.gates_chart(trace.i[k], trace.f[k], trace.g[k], trace.o[k]),
            cell_charts.states_chart(trace.c_prev[k], trace.c[k], trace.h[k], state_limit("lstm", trace)),
        )
        header += "\n\n$$\n" + equations_latex(run, trace, k, unit) + "\n$$"
        st.html(NARROW_EQUATIONS)
    st.markdown(header)
    if not lstm_gates:
        st.markdown(svg, unsafe_allow_html=True)
        return
    st.caption(EQUATIONS_CAPTION.format(unit=unit + cell_charts.FIRST_UNIT, step=k + 1))
    left, right = st.columns([2, 3], gap="medium")  # the diagram wider: its texts must be read
    # The diagram first: it is sent (and painted) before Vega draws the heatmaps. st.markdown, not
    # st.html: st.html's sanitiser keeps HTML only and drops the SVG; the figure is the app's own
    # markup with every text escaped (diagram.py).
    right.markdown(svg, unsafe_allow_html=True)
    with left:
        st.caption(HEATMAPS_CAPTION)
        for data, spec in charts:
            cell_charts.show_step_chart(data, spec)


def step_sentence(trace: GateTrace, k: int, scaled: bool = True) -> str:
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


def equations_latex(run, trace: GateTrace, k: int, unit: int) -> str:
    """The LSTM equations of step ``k`` for ``unit`` with the model's numbers, as LaTeX."""
    terms = contributions(run, trace, k, unit)
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
    return r"\begin{aligned}" + r" \\[2pt] ".join(lines) + r"\end{aligned}\hspace{6pt}"

"""The Cell page's sections over the whole text: what each unit keeps, the unit finder, state
surgery, and the cells the gate view does not write out (GRU, SimpleRNN, stacks)."""

from __future__ import annotations

import streamlit as st

from lstm_core.analysis import inference
from lstm_core.analysis.cell_diagram import layer_trace, state_limit
from lstm_core.analysis.lstm_trace import GateTrace, gate_trace, most_active_unit, rank_units
from lstm_core.analysis.surgery import continue_text
from lstm_core.analysis.text_reader import MAX_TEXT
from lstm_core.model.variant import variant_of
from ui import form, safe, session
from ui.safe import md_escape
from ui.text.cell import (
    DIAGRAM_SHOWN,
    HELP_EVERY,
    HELP_FIND,
    HELP_LAYER,
    HELP_OTHER,
    HELP_SIGNAL,
    HELP_SURGERY,
    HELP_TEXT,
    HELP_WARM,
    HELP_WRITE,
    HELP_ZERO,
    ONE_SHOT_SHOWN,
)
from ui.text.cells import CELL_CAPTION, CELL_EXPLAINED, CELL_NAMES, GATES_OVER_STEPS, OTHER_CELLS
from ui.views.cell_page import charts as cell_charts
from ui.views.cell_page import stepper as stepping

SURGERY_ZERO = "Zero some units"
SURGERY_SWAP = "Swap in another text's state"


def keeps_section(trace: GateTrace, stateful: bool) -> None:
    st.subheader("What each unit keeps", anchor=False)
    st.caption(
        "The forget gate f at every step: near 1 (dark) the unit keeps its c, near 0 (pale) it "
        "wipes it. A row dark all along is a unit that holds on to memory."
        + ("" if stateful else " This model starts every sample from a zero state (↺) anyway.")
    )
    cell_charts.show_over_steps(trace.f, trace.fed, "f", [0.0, 1.0])


def _default_selection(trace: GateTrace) -> list[int]:
    """The steps after the first "K" if the text has one, else its last third."""
    if "K" in trace.text[:-1]:
        after = trace.text.index("K") + 1
        return [k for k in range(trace.steps) if trace.position[k] >= after][:12]
    return list(range(trace.steps - max(1, trace.steps // 3), trace.steps))


def finder_section(trace: GateTrace) -> int | None:
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
        table = rank_units(trace, selected, signal)
    except ValueError as exc:
        st.info(safe.plain(exc), icon=":material/info:")
        return None
    st.caption(
        "Selectivity: the unit's mean at the chosen steps minus its mean elsewhere, in units of its "
        "spread (about 2 or more is strong; negative: it goes quiet there). r: correlation with the "
        "letter's position in the alphabet."
    )
    shown = table.head(8).assign(unit=table["unit"].head(8) + cell_charts.FIRST_UNIT)  # as the charts
    st.dataframe(
        shown.rename(columns={"alphabet_r": "r with alphabet position"}),
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
    cell_charts.show_unit_lines(values, trace.fed, selected, top, signal)
    return top[0]


def swap_choice(config) -> dict | None:
    """The text whose state is swapped in (None: a stateless model has no carried state to swap)."""
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
        return None
    return {"state_from": other}


def zero_choice(config, suggested: int) -> dict | None:
    """Which units to zero, and whether at every step (None: no unit chosen)."""
    units = st.multiselect(
        "Units to zero",
        list(range(config.units)),
        default=[suggested],
        format_func=lambda u: str(u + cell_charts.FIRST_UNIT),
        key=f"cell_zero_{config.units}",
        help=HELP_ZERO,
    )
    every = st.checkbox("Keep them at zero at every step", value=True, key="cell_every", help=HELP_EVERY)
    if not units:
        st.info("Choose at least one unit to zero.", icon=":material/info:")
        return None
    return {"zero_units": units, "every_step": every}


def surgery_section(run, trace: GateTrace, text: str, warm: bool, suggested: int) -> None:
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
    surgery = zero_choice(config, suggested) if mode == SURGERY_ZERO else swap_choice(config)
    if surgery is None:
        return
    try:
        untouched = continue_text(run, text, int(steps), warm)
        operated = continue_text(run, text, int(steps), warm, **surgery)
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


def other_cell_section(run, text: str, warm: bool, trace=None) -> None:
    """A run the LSTM sections do not fit: its cell explained, then its gates over all steps (one
    GRU layer: ``trace``, the stepper's), or its top layer's h at every step."""
    config = run.config
    spec = variant_of(config)
    name = CELL_NAMES[config.cell]
    st.markdown(CELL_EXPLAINED[config.cell])
    if trace is not None and spec.traceable:
        st.caption(GATES_OVER_STEPS[config.cell].format(units=trace.units, steps=trace.steps))
        for gate in (*spec.cell.gate_names, "h"):
            domain = [-1.0, 1.0] if gate in ("g", "h") else [0.0, 1.0]  # the tanh ones, the σ gates
            cell_charts.show_over_steps(getattr(trace, gate), trace.fed, gate, domain)
        letter, p = trace.prediction(trace.steps - 1)
        st.markdown(f"After the last step the model predicts **{md_escape(letter)}** ({p:.0%}).")
        return
    what = f"{config.layers} stacked {name} layers" if config.layers > 1 else f"a {name}"
    shown = ONE_SHOT_SHOWN if variant_of(config).one_shot else DIAGRAM_SHOWN
    st.info(shown.format(what=what), icon=":material/info:")
    try:
        trace = inference.state_trace(run, text)
    except ValueError as exc:
        st.error(safe.plain(exc), icon=":material/error:")
        return
    cell_charts.show_over_steps(trace.h, trace.labels, "h", [-1.0, 1.0])


def settings(config) -> list[form.Setting]:
    """What the address holds of this page: ``/cell?text=KLMNOP&warm=true&step=3``."""
    return [
        form.Setting("text", f"cell_text_{abs(hash(config))}", "Text to feed",
                     config.sequence[: min(16, len(config.sequence))], read=text_of("Text to feed")),
        form.Setting("warm", "cell_warm", "Warm start", False, read=form.yes_no("Warm start"),
                     text=form.flag_text),
        form.Setting("step", stepping.STEP, "Time step", 1, read=form.whole(1, MAX_TEXT, "Time step")),
    ]


def text_of(label: str):
    """A reader of a link's text: 1 to ``MAX_TEXT`` letters (the model says which it cannot read)."""
    def read(text: str) -> str:
        if not text or len(text) > MAX_TEXT:
            raise ValueError(f"{label} must have 1 to {MAX_TEXT} letters.")
        return text
    return read


def text_to_feed(fields: list[form.Setting]) -> tuple[str, bool]:
    """The text to feed and whether to start warm (their values: ``fields``, see :func:`settings`)."""
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    text = c1.text_input("Text to feed", key=fields[0].key, max_chars=MAX_TEXT, help=HELP_TEXT)
    warm = c2.toggle("Warm start", key="cell_warm", help=HELP_WARM)
    return text, warm


def layer_choice(config) -> int | None:
    """The stack's layer to draw (0-based; the top by default), or None for one layer."""
    if config.layers == 1:
        return None
    return st.selectbox(
        "Layer", list(range(config.layers)), index=config.layers - 1, key=f"cell_layer_{config.layers}",
        format_func=lambda j: f"layer {j + 1}" + (" (top)" if j == config.layers - 1 else ""),
        help=HELP_LAYER,
    )


def step_trace(run, text: str, warm: bool, layer: int | None):
    """The trace the stepper shows: one LSTM layer's gate trace (the LSTM sections read it too),
    else the chosen layer's (``layer_trace``: a one-layer GRU's equals ``gru_trace``)."""
    if variant_of(run.config).gate_trace == "lstm":
        return gate_trace(run, text, warm=warm)
    return layer_trace(run, text, warm, layer)


def body(run) -> None:
    """Everything the Cell page shows about ``run``: the model, the stepper and the sections."""
    config = run.config
    st.caption(CELL_CAPTION[config.cell])  # what this cell computes: the page follows the run's cell
    layers = f"{config.layers} stacked " if config.layers > 1 else ""
    st.caption(
        f"Model: `{config.framing}` · {layers}{CELL_NAMES[config.cell]} · {config.units} units · "
        f"{'stateful' if config.stateful else 'stateless'} · window {config.window}"
    )
    fields = settings(config)
    for note in form.settings_from_url("cell", fields):
        st.warning(safe.plain(note), icon=":material/link_off:")
    text, warm = text_to_feed(fields)
    form.settings_to_url("cell", fields)  # the stepper keeps the step in it as it moves
    spec = variant_of(config)
    if spec.one_shot:  # its letters come from a decoder no trace writes out
        other_cell_section(run, text, warm)
        return
    layer = layer_choice(config)
    try:
        trace = step_trace(run, text, warm, layer)
    except ValueError as exc:
        st.error(safe.plain(exc), icon=":material/error:")
        return
    playing, pace = stepping.timer()
    st.session_state[session.CELL_TOUCHED] = True  # this full run is not a tick of the timer
    st.fragment(stepping.stepper, run_every=pace if playing else None)(
        run, trace, (playing, pace), state_limit(config.cell, trace), layer, fields
    )
    st.divider()
    if spec.gate_trace != "lstm":
        other_cell_section(run, text, warm, trace)
        return
    keeps_section(trace, config.stateful)
    suggested = finder_section(trace)
    surgery_section(
        run, trace, text, warm, most_active_unit(trace) if suggested is None else suggested
    )
    with st.expander("Other cells: GRU and SimpleRNN", icon=":material/compare_arrows:"):
        for cell in OTHER_CELLS:
            st.markdown(CELL_EXPLAINED[cell])
        st.caption("Pick the cell in the Lab (Cell, Layers) and train: this page then shows that cell.")

"""The numbers of the classic cell diagram: which trace value sits on which node (issue 26).

The Cell page draws the cell every learner knows (the conveyor belt c, the gates, the ⊙ and +
nodes, h leaving) with the model's own numbers. This module says, for one step ``k`` and one
``unit`` of a trace, what each node of that picture holds; the page (``ui/views/cell_page/
diagram.py``) only places and rounds them. Every number is read from the trace or is the
product or sum the picture draws of them, so the diagram and the trace have one source.

It is the one place that knows each cell's picture (keyed by ``CellKind.name``): which numbers
it records (:func:`layer_trace`, for a SimpleRNN or any layer of a stack; a one-layer LSTM or GRU
also has :func:`~lstm_core.analysis.lstm_trace.gate_trace` and
:func:`~lstm_core.analysis.gru_trace.gru_trace`, which ``layer_trace`` equals), which value sits
on which node, and where the nodes sit (:data:`PICTURES`); and which trace reads a whole run
(:func:`trace`, the CLI's)::

    >>> import types
    >>> from lstm_core.analysis.lstm_trace import gate_trace
    >>> from lstm_core.model.cells import init_weights
    >>> from lstm_core.presets import preset
    >>> config = preset("stateful")
    >>> run = types.SimpleNamespace(config=config, weights=init_weights(config, seed=1))
    >>> t = gate_trace(run, "ABC")
    >>> d = diagram_numbers("lstm", t, 2, 5)
    >>> [n.key for n in d.nodes]
    ['x', 'h_prev', 'c_prev', 'f', 'i', 'g', 'o', 'keep', 'write', 'c', 'tanh_c', 'h']
    >>> bool(np.isclose(d.value("c"), d.value("keep") + d.value("write")))
    True
    >>> d.moved in ("i", "f", "g", "o"), diagram_numbers("lstm", t, 0, 5).moved   # step 1: nothing before
    (True, None)
    >>> state_limit("lstm", t) == float(np.abs(np.concatenate([t.c, t.c_prev])).max())
    True

A SimpleRNN, and one layer of a stack::

    >>> simple = preset("stateful").replace(cell="simple", layers=2)
    >>> two = types.SimpleNamespace(config=simple, weights=init_weights(simple, seed=1))
    >>> bottom = layer_trace(two, "ABC", layer=0)
    >>> type(bottom).__name__, bottom.h.shape, bool(np.allclose(bottom.h, np.tanh(bottom.pre)))
    ('SimpleTrace', (3, 16), True)
    >>> bool(np.allclose(layer_trace(run, "ABC").c, t.c))   # one layer: gate_trace's numbers
    True

The trace written for a run's cell (a one-layer LSTM or GRU)::

    >>> gru = preset("stateful").replace(cell="gru", units=4)
    >>> g = trace(types.SimpleNamespace(config=gru, weights=init_weights(gru)), "KLM")
    >>> type(g).__name__, g.steps
    ('GRUTrace', 3)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.analysis.gru_trace import GRUTrace, gru_trace
from lstm_core.analysis.layer_reader import SimpleTrace, common_columns, read_layer
from lstm_core.analysis.lstm_trace import GateTrace, gate_trace
from lstm_core.analysis.text_reader import check_text, check_traceable
from lstm_core.limits.shape import CELL_KINDS
from lstm_core.model.cells import gru_step, simple_step, step
from lstm_core.model.variant import variant_of

SIGMA, TANH, STATE = "sigma", "tanh", "state"  # a node's range: 0..1, -1..1, unbounded (c, sums)


@dataclass(frozen=True)
class Node:
    """One number on the diagram: ``key`` names it, ``scale`` says which colour range it uses."""

    key: str
    value: float
    scale: str  # SIGMA (0..1), TANH (-1..1) or STATE (c: can leave -1..1)


@dataclass(frozen=True)
class Diagram:
    """What the diagram shows for one step and one unit of one cell."""

    cell: str  # config.cell: "lstm", "gru" or "simple"
    step: int  # 0-based
    unit: int  # 0-based (the page shows unit + 1)
    fed: str  # the letter (or window) read at this step
    nodes: tuple[Node, ...]
    prediction: tuple[str, float]  # the model's most likely next letter after this step, and its p
    is_output: bool  # the step's prediction is the model's answer (else: inside a window)
    moved: str | None  # the gate that moved most since the previous step (None at step 1)
    moved_from: float = 0.0
    moved_to: float = 0.0

    def value(self, key: str) -> float:
        return next(n.value for n in self.nodes if n.key == key)


def _lstm(x, h, c, kernel, recurrent, bias):
    s = step(x, h, c, kernel, recurrent, bias)
    return s.h, s.c, s


def _gru(x, h, c, kernel, recurrent, bias):
    s = gru_step(x, h, kernel, recurrent, bias)
    return s.h, c, s


def _simple(x, h, c, kernel, recurrent, bias):
    pre = x @ kernel + h @ recurrent + bias
    return simple_step(x, h, kernel, recurrent, bias), c, pre


# The one step of each cell that keeps its inner numbers (``cells.STEPS`` keeps only h and c).
RECORDING_STEPS = {"lstm": _lstm, "gru": _gru, "simple": _simple}


def layer_trace(run, text: str, warm: bool = False, layer: int | None = None):
    """Feed ``text`` to ``run`` and record ``layer`` (0 = the bottom; default the top) at every step.

    Returns a ``GateTrace`` (LSTM), ``GRUTrace`` (GRU) or :class:`SimpleTrace` (SimpleRNN).
    Raises ``ValueError`` (one sentence) for a text outside the vocabulary, a layer the run does
    not have, or a one-shot run (its decoder is not traced).
    """
    config = run.config
    check_text(config, text)
    spec = variant_of(config)
    if spec.one_shot:
        raise ValueError(spec.trace_refusal)
    top = spec.layers - 1
    layer = top if layer is None else int(layer)
    if not 0 <= layer <= top:
        raise ValueError(f"layer={layer + 1} is not allowed: this run has layers 1 to {top + 1}.")
    rows, probs, prefix = read_layer(run, text, warm, layer, RECORDING_STEPS[spec.cell.name])
    return TRACES[spec.cell.name](common_columns(config, text, warm, prefix, rows, probs), rows)


def _gate_trace(common: dict, rows: list) -> GateTrace:
    steps = [r[7] for r in rows]
    gates = {name: np.stack([s[n][0] for s in steps]) for n, name in enumerate(("z", "i", "f", "g", "o"))}
    states = {"c_prev": np.stack([r[6] for r in rows]), "c": np.stack([r[9] for r in rows])}
    return GateTrace(**common, **states, **gates)


def _gru_trace(common: dict, rows: list) -> GRUTrace:
    return GRUTrace(**common, **{name: np.stack([getattr(r[7], name)[0] for r in rows]) for name in "zrg"})


def _simple_trace(common: dict, rows: list) -> SimpleTrace:
    return SimpleTrace(**common, pre=np.stack([r[7][0] for r in rows]))


TRACES = {"lstm": _gate_trace, "gru": _gru_trace, "simple": _simple_trace}  # the record of each cell
TRACERS = {"lstm": gate_trace, "gru": gru_trace}  # the whole-run trace of each CellKind.gate_trace cell


def trace(run, text: str, warm: bool = False):
    """The trace of ``text`` read by ``run``; ``ValueError`` (one sentence) if it has none."""
    check_traceable(run.config)
    return TRACERS[run.config.cell](run, text, warm=warm)


def _lstm_nodes(t, k: int, u: int) -> list[Node]:
    f, i, g, o = (float(getattr(t, name)[k, u]) for name in "figo")
    c_prev, c = float(t.c_prev[k, u]), float(t.c[k, u])
    return [
        Node("h_prev", float(t.h_prev[k, u]), TANH),
        Node("c_prev", c_prev, STATE),
        Node("f", f, SIGMA),
        Node("i", i, SIGMA),
        Node("g", g, TANH),
        Node("o", o, SIGMA),
        Node("keep", f * c_prev, STATE),  # f ⊙ c_{t-1}: the memory kept
        Node("write", i * g, TANH),  # i ⊙ g: what is written
        Node("c", c, STATE),
        Node("tanh_c", float(np.tanh(c)), TANH),
        Node("h", float(t.h[k, u]), TANH),
    ]


def _gru_nodes(t, k: int, u: int) -> list[Node]:
    z, r, g, h_prev = (float(getattr(t, name)[k, u]) for name in ("z", "r", "g", "h_prev"))
    return [
        Node("h_prev", h_prev, TANH),
        Node("z", z, SIGMA),
        Node("r", r, SIGMA),
        Node("g", g, TANH),
        Node("one_minus_z", 1.0 - z, SIGMA),
        Node("keep", z * h_prev, TANH),  # z ⊙ h_{t-1}: the old h kept
        Node("write", (1.0 - z) * g, TANH),  # (1 − z) ⊙ h̃: the candidate written
        Node("h", float(t.h[k, u]), TANH),
    ]


def _simple_nodes(t, k: int, u: int) -> list[Node]:
    return [
        Node("h_prev", float(t.h_prev[k, u]), TANH),
        Node("pre", float(t.pre[k, u]), STATE),  # x·W + h_{t-1}·U + b
        Node("h", float(t.h[k, u]), TANH),
    ]


NODES = {"lstm": _lstm_nodes, "gru": _gru_nodes, "simple": _simple_nodes}  # keyed by CellKind.name


# The picture of each cell: node key -> (centre x, centre y, shape); wires as polylines; where c
# and h leave; the symbol in each round node (a product ⊙ or a sum +); viewBox (width, height).
PICTURES = {
    "lstm": {
        "size": (600, 460),
        "nodes": {
            "c_prev": (50, 60, "box"), "keep": (170, 60, "circle"), "c": (320, 60, "circle"),
            "write": (320, 150, "circle"), "tanh_c": (470, 130, "box"), "h": (470, 240, "circle"),
            "f": (170, 330, "box"), "i": (270, 330, "box"), "g": (370, 330, "box"), "o": (470, 330, "box"),
            "h_prev": (50, 400, "box"), "x": (250, 425, "box"),
        },
        "wires": [
            [(92, 60), (560, 60)], [(170, 305), (170, 87)], [(270, 305), (270, 150), (293, 150)],
            [(370, 305), (370, 150), (347, 150)], [(320, 123), (320, 87)], [(470, 60), (470, 105)],
            [(470, 155), (470, 213)], [(470, 305), (470, 267)], [(497, 240), (560, 240)],
            [(92, 400), (120, 400), (120, 375), (470, 375), (470, 355)], [(250, 400), (250, 375)],
            [(170, 375), (170, 355)], [(270, 375), (270, 355)], [(370, 375), (370, 355)],
        ],
        "exits": {"c_out": (560, 60), "h_out": (560, 240)},
        "ops": {"keep": "⊙", "write": "⊙", "c": "+", "h": "⊙"},
    },
    "gru": {
        "size": (600, 440),
        "nodes": {
            "h_prev": (50, 60, "box"), "keep": (200, 60, "circle"), "h": (380, 60, "circle"),
            "one_minus_z": (290, 160, "box"), "write": (380, 160, "circle"),
            "r": (110, 330, "box"), "z": (200, 330, "box"), "g": (380, 330, "box"), "x": (290, 415, "box"),
        },
        "wires": [
            [(92, 60), (560, 60)], [(200, 305), (200, 87)], [(200, 250), (290, 250), (290, 185)],
            [(332, 160), (353, 160)], [(380, 305), (380, 187)], [(380, 133), (380, 87)],
            [(50, 85), (50, 380), (380, 380), (380, 355)], [(110, 380), (110, 355)], [(200, 380), (200, 355)],
            [(110, 305), (110, 285), (300, 285), (300, 330), (338, 330)], [(290, 390), (290, 380)],
        ],
        "exits": {"h_out": (560, 60)},
        "ops": {"keep": "⊙", "write": "⊙", "h": "+"},
    },
    "simple": {
        "size": (600, 260), "box_w": 130,
        "nodes": {"h_prev": (75, 70, "box"), "x": (75, 200, "box"), "pre": (290, 135, "box"),
                  "h": (460, 135, "box")},
        "wires": [[(140, 70), (170, 70), (170, 135), (225, 135)],
                  [(140, 200), (170, 200), (170, 135)], [(355, 135), (395, 135)], [(525, 135), (585, 135)]],
        "exits": {"h_out": (585, 135)},
        "gate_nodes": {"g": "h"},  # its one tanh (the "gate" of CellKind.gate_names) is the h box
    },
}


def diagram_numbers(cell: str, trace, k: int, unit: int) -> Diagram:
    """The diagram of step ``k`` (0-based) and ``unit`` of ``trace``, a trace of ``cell``.

    The first node is the input ``x`` when it is one number (a scaled letter: its index /
    vocabulary size); a vector input (one-hot, or the layer below's h) has no node. ``moved`` is the gate (of
    ``CellKind.gate_names``) whose value changed most since step ``k - 1``.
    """
    if not 0 <= k < trace.steps or not 0 <= unit < trace.units:
        raise ValueError(
            f"step {k + 1}, unit {unit + 1} is not allowed: the trace has {trace.steps} steps, "
            f"{trace.units} units."
        )
    # One input number (a scaled letter) is drawn; a one-hot letter or a lower layer's h is a
    # vector, and the diagram names the letter instead.
    x = [Node("x", float(trace.x[k][0]), STATE)] if trace.x.shape[1] == 1 else []
    nodes = [*x, *NODES[cell](trace, k, unit)]
    moved, before, after = None, 0.0, 0.0
    if k > 0:
        gates = CELL_KINDS[cell].gate_names
        change = {name: float(getattr(trace, name)[k, unit] - getattr(trace, name)[k - 1, unit])
                  for name in gates}
        moved = max(gates, key=lambda name: abs(change[name]))
        before, after = float(getattr(trace, moved)[k - 1, unit]), float(getattr(trace, moved)[k, unit])
    return Diagram(
        cell=cell, step=k, unit=unit, fed=trace.fed[k], nodes=tuple(nodes),
        prediction=trace.prediction(k), is_output=bool(trace.is_output[k]),
        moved=moved, moved_from=before, moved_to=after,
    )


STATE_ARRAYS = {"lstm": ("c", "c_prev"), "gru": (), "simple": ("pre",)}  # the unbounded nodes' arrays


def state_limit(cell: str, trace) -> float:
    """The largest |value| the unbounded (STATE) nodes take over the whole trace: their colour
    range, fixed per text so that stepping shows change as change of colour (1.0 if none)."""
    values = [float(np.abs(getattr(trace, name)).max()) for name in STATE_ARRAYS[cell]]
    return max([*values, 1e-6]) if values else 1.0

"""The numbers of the classic cell diagram: which trace value sits on which node (issue 26).

The Cell page draws the cell every learner knows (the conveyor belt c, the gates, the ⊙ and +
nodes, h leaving) with the model's own numbers. This module says, for one step ``k`` and one
``unit`` of a trace, what each node of that picture holds; the page (``ui/views/cell_page/
diagram.py``) only places and rounds them. Every number is read from the trace or is the
product or sum the picture draws of them, so the diagram and the trace have one source.

The nodes of each cell are one table entry, keyed by the cell's name (``CellKind.name``)::

    >>> import types
    >>> from lstm_core.analysis.lstm_trace import gate_trace
    >>> from lstm_core.model.cells import init_weights
    >>> from lstm_core.presets import preset
    >>> config = preset("stateful")
    >>> t = gate_trace(types.SimpleNamespace(config=config, weights=init_weights(config, seed=1)), "ABC")
    >>> d = diagram_numbers("lstm", t, 2, 5)
    >>> [n.key for n in d.nodes]
    ['x', 'h_prev', 'c_prev', 'f', 'i', 'g', 'o', 'keep', 'write', 'c', 'tanh_c', 'h']
    >>> bool(np.isclose(d.value("c"), d.value("keep") + d.value("write")))
    True
    >>> d.moved in ("i", "f", "g", "o"), diagram_numbers("lstm", t, 0, 5).moved   # step 1: nothing before
    (True, None)
    >>> state_limit("lstm", t) == float(np.abs(np.concatenate([t.c, t.c_prev])).max())
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.limits.shape import CELL_KINDS

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

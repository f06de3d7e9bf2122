"""The gate-by-gate trace of any run that has one: the trace written for its cell.

Each trace module names the cell it reads (``CELL``); this table is built from them, so a new
traced cell is one more module here and nothing else asks which cell a run has::

    >>> import types
    >>> from lstm_core.model.cells import init_weights
    >>> from lstm_core.presets import preset
    >>> config = preset("stateful").replace(cell="gru", units=4)
    >>> t = trace(types.SimpleNamespace(config=config, weights=init_weights(config)), "KLM")
    >>> type(t).__name__, t.steps
    ('GRUTrace', 3)
"""

from __future__ import annotations

from lstm_core.analysis import gru_trace, lstm_trace
from lstm_core.analysis.text_reader import check_traceable

TRACERS = {lstm_trace.CELL: lstm_trace.gate_trace, gru_trace.CELL: gru_trace.gru_trace}


def trace(run, text: str, warm: bool = False):
    """The trace of ``text`` read by ``run``; ``ValueError`` (one sentence) if it has none."""
    check_traceable(run.config)
    return TRACERS[run.config.cell](run, text, warm=warm)

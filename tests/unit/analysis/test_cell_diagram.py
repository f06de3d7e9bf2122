"""The cell diagram's numbers (issue 26): every number drawn is the trace's, for every cell.

Three layers of checks: ``layer_trace`` (SimpleRNN and stacked layers) gives what the one-layer
traces and the State page's forward pass give; ``diagram_numbers`` puts the trace's values on
the right nodes (compared with the trace arrays, and with the cell's equations); the SVG writes
those numbers, rounded to 3 decimals, on the nodes, escaped, with a title and a description.
"""

from __future__ import annotations

import re
import types

import numpy as np
import pytest

from lstm_core.analysis.cell_diagram import diagram_numbers, layer_trace, state_limit
from lstm_core.analysis.gru_trace import gru_trace
from lstm_core.analysis.inference import state_trace
from lstm_core.analysis.lstm_trace import gate_trace
from lstm_core.model.cells import init_weights
from lstm_core.presets import preset
from ui.views.cell_page.diagram import diagram_html

TEXT = "ABCDEFGHIJ"
STEPS = (0, 1, 4, 9)  # the first step (nothing before it), and later ones
UNITS = (0, 7, 15)


def fresh_run(framing: str = "stateful", seed: int = 3, **changes):
    """A run with Keras-style fresh weights: the numbers need not be learned, only traced."""
    config = preset(framing).replace(**changes)
    return types.SimpleNamespace(config=config, weights=init_weights(config, seed=seed))


def expected(cell: str, t, k: int, u: int) -> dict[str, float]:
    """What each node must hold, written from the trace arrays and the cell's equations."""
    if cell == "lstm":
        return {
            "h_prev": t.h_prev[k, u], "c_prev": t.c_prev[k, u], "f": t.f[k, u], "i": t.i[k, u],
            "g": t.g[k, u], "o": t.o[k, u], "keep": t.f[k, u] * t.c_prev[k, u],
            "write": t.i[k, u] * t.g[k, u], "c": t.c[k, u], "tanh_c": np.tanh(t.c[k, u]), "h": t.h[k, u],
        }
    if cell == "gru":
        return {
            "h_prev": t.h_prev[k, u], "z": t.z[k, u], "r": t.r[k, u], "g": t.g[k, u],
            "one_minus_z": 1 - t.z[k, u], "keep": t.z[k, u] * t.h_prev[k, u],
            "write": (1 - t.z[k, u]) * t.g[k, u], "h": t.h[k, u],
        }
    return {"h_prev": t.h_prev[k, u], "pre": t.pre[k, u], "h": t.h[k, u]}


def drawn(svg: str) -> dict[str, str]:
    return dict(re.findall(r'data-node="(\w+)" data-value="(-?[\d.]+)"', svg))


TRACES = {
    "lstm": lambda run: gate_trace(run, TEXT),
    "gru": lambda run: gru_trace(run, TEXT),
    "simple": lambda run: layer_trace(run, TEXT),
}


@pytest.mark.parametrize("cell", ["lstm", "gru", "simple"])
def test_every_number_on_the_diagram_is_the_traces(cell):
    run = fresh_run(cell=cell)
    t = TRACES[cell](run)
    limit = state_limit(cell, t)
    for k in STEPS:
        for u in UNITS:
            d = diagram_numbers(cell, t, k, u)
            want = expected(cell, t, k, u)
            got = {n.key: n.value for n in d.nodes}
            assert got.pop("x") == pytest.approx(float(t.x[k, 0]))  # the stateful preset's scaled letter
            assert got == pytest.approx(want, abs=1e-12)
            assert d.fed == TEXT[k] and d.prediction == t.prediction(k)
            # The sums the picture draws add up: c = kept + written; a GRU's h likewise.
            if cell in ("lstm", "gru"):
                total = got["c"] if cell == "lstm" else got["h"]
                assert total == pytest.approx(got["keep"] + got["write"], abs=1e-12)
            if cell == "lstm":
                assert got["h"] == pytest.approx(got["o"] * got["tanh_c"], abs=1e-12)
            if cell == "simple":
                assert got["h"] == pytest.approx(np.tanh(got["pre"]), abs=1e-12)
            # The SVG writes each of them, rounded to 3 decimals, on its node.
            svg = diagram_html(d, limit)
            on_svg = drawn(svg)
            assert set(on_svg) == set(got) | {"x"}
            for key, value in got.items():
                assert on_svg[key] == f"{value:.3f}", key
                visible = f"{value:.3f}".replace("-", "−")
                assert visible in svg, (key, visible)


@pytest.mark.parametrize("cell", ["lstm", "gru", "simple"])
def test_what_changed_names_the_gate_that_moved_most(cell):
    from lstm_core.limits.shape import CELL_KINDS

    t = TRACES[cell](fresh_run(cell=cell))
    assert diagram_numbers(cell, t, 0, 3).moved is None
    for k in STEPS[1:]:
        d = diagram_numbers(cell, t, k, 3)
        moves = {g: abs(getattr(t, g)[k, 3] - getattr(t, g)[k - 1, 3]) for g in CELL_KINDS[cell].gate_names}
        assert d.moved == max(moves, key=moves.get)
        assert (d.moved_from, d.moved_to) == (getattr(t, d.moved)[k - 1, 3], getattr(t, d.moved)[k, 3])


@pytest.mark.parametrize(("framing", "cell", "warm"), [
    ("stateful", "lstm", True), ("timestep-window", "lstm", False), ("feature-window", "gru", False),
    ("stateful", "gru", True), ("naive", "lstm", False),
])
def test_layer_trace_of_one_layer_is_the_one_layer_trace(framing, cell, warm):
    run = fresh_run(framing, cell=cell)
    text = "KLMNO"
    ours = layer_trace(run, text, warm)
    theirs = (gate_trace if cell == "lstm" else gru_trace)(run, text, warm)
    assert type(ours) is type(theirs) and ours.fed == theirs.fed and ours.warmup == theirs.warmup
    for name in ("position", "reset_before", "is_output"):
        assert np.array_equal(getattr(ours, name), getattr(theirs, name)), name
    inner = ("c_prev", "i", "f", "g", "o", "c") if cell == "lstm" else ("r", "g")
    names = ("x", "h_prev", "z", "h", "probs", *inner)
    for name in names:
        assert np.allclose(getattr(ours, name), getattr(theirs, name), atol=1e-12), name


@pytest.mark.parametrize("cell", ["lstm", "gru", "simple"])
def test_a_stacks_layers_chain_and_the_top_is_what_the_state_page_reads(cell):
    run = fresh_run(cell=cell, layers=2)
    bottom, top = layer_trace(run, TEXT, layer=0), layer_trace(run, TEXT, layer=1)
    assert np.allclose(top.x, bottom.h)  # layer 2 reads layer 1's new h
    assert np.allclose(top.h, state_trace(run, TEXT).h, atol=1e-9)  # the forward pass the State page uses
    assert np.allclose(top.probs, bottom.probs)  # the model's prediction, whichever layer is drawn
    for k in (0, 5):
        d = diagram_numbers(cell, bottom, k, 2)
        assert d.value("h") == bottom.h[k, 2]
    with pytest.raises(ValueError, match="layers 1 to 2"):
        layer_trace(run, TEXT, layer=2)


def test_the_svg_is_accessible_escaped_and_scales():
    run = fresh_run(cell="lstm")
    t = gate_trace(run, TEXT)
    svg = diagram_html(diagram_numbers("lstm", t, 2, 0), state_limit("lstm", t), ", layer 1")
    assert re.search(r'<svg viewBox="0 0 \d+ \d+" width="100%"', svg) and 'role="img"' in svg
    title = re.search(r"<title[^>]*>(.*?)</title>", svg).group(1)
    assert title == "LSTM cell, layer 1, unit 1, step 3"
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert "It reads C." in desc and "f (forget gate, σ)" in desc
    # A letter that is markup is written as text, never as markup.
    weird = types.SimpleNamespace(**{**vars(diagram_numbers("lstm", t, 2, 0)), "fed": "<b>&"})
    assert "&lt;b&gt;&amp;" in diagram_html(weird, 1.0) and "<b>&" not in diagram_html(weird, 1.0)

"""The cells' words (``ui/text/cells.py``): every cell the engine knows has its own Cell page
caption, and each caption writes out its own cell's arithmetic, not another cell's."""

from __future__ import annotations

import pytest

from lstm_core.limits.shape import CELL_KINDS
from ui.text.cells import CELL_CAPTION, CELL_EXPLAINED, CELL_NAMES, CELL_STATE

LSTM_ONLY = ("c = f·c_prev", "o·tanh(c)")  # the LSTM's c: no other cell has one


def test_every_cell_kind_has_a_caption_and_no_other_name_does():
    assert set(CELL_CAPTION) == set(CELL_KINDS)
    assert set(CELL_EXPLAINED) == set(CELL_STATE) == set(CELL_NAMES) == set(CELL_KINDS)


@pytest.mark.parametrize("name", sorted(CELL_KINDS))
def test_a_caption_names_its_cell_and_only_an_lstm_speaks_of_c(name):
    caption = CELL_CAPTION[name]
    assert f"trained {CELL_KINDS[name].label} " in caption
    for lstm_term in LSTM_ONLY:
        assert (lstm_term in caption) == CELL_KINDS[name].has_c


def test_the_gru_caption_is_keras_update_rule_with_its_three_parts():
    caption = CELL_CAPTION["gru"]
    assert "h = (1 − z)·h̃ + z·h_prev" in caption  # Keras: z keeps the old h
    assert all(part in caption for part in ("update gate z", "reset gate r", "candidate h̃"))


def test_the_simple_rnn_caption_has_no_gates():
    assert "h = tanh(x·W + h_prev·U + b)" in CELL_CAPTION["simple"]
    assert "no gates" in CELL_CAPTION["simple"]

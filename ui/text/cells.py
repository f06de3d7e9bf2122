"""What each recurrent cell is, in words: its display name, how it works, what it carries.

One table per question, keyed by ``LSTMConfig.cell``; the Lab's form, the Cell, State and
Generate pages and the n-char comparison read their cell words here. The display names are
the cell records' own (``lstm_core.limits.shape.CELL_KINDS``), so a new cell is named once.
"""

from lstm_core.limits.shape import CELL_KINDS, CELL_NAMES  # noqa: F401 - CELL_NAMES: the pages read it here

OTHER_CELLS = tuple(name for name in CELL_KINDS if name != "lstm")  # beside the tutorial's LSTM (issue 14)

CELL_EXPLAINED = {
    "lstm": (
        "**LSTM**: two states, h and c, and three gates. The forget gate f decides how much of c to "
        "keep, the input gate i how much of the candidate g to write, the output gate o how much of "
        "tanh(c) to show as h. c can carry a value for many steps untouched (f near 1, i near 0)."
    ),
    "gru": (
        "**GRU**: one state, h, and two gates. The update gate z decides how much of h_prev to keep: "
        "h = (1 − z)·h̃ + z·h_prev. The reset gate r decides how much of h_prev the candidate h̃ may "
        "look at: h̃ = tanh(x·W + r·(h_prev·U) + b). With z near 1 a unit holds its value, like an "
        "LSTM's c with f near 1."
    ),
    "simple": (
        "**SimpleRNN**: one state, h, and no gates: h = tanh(x·W + h_prev·U + b). Every step rewrites "
        "all of h, so what it read long ago fades quickly (and its gradient with it): the problem the "
        "LSTM's gates were invented for."
    ),
}

# What each cell carries from step to step, and how h is made (GRU and SimpleRNN have no c).
CELL_STATE = {
    "lstm": "h = o · tanh(c) stays between -1 and 1; c can grow.",
    "gru": "A GRU carries h only (no c): h = (1 − z) · h̃ + z · h_prev, between -1 and 1.",
    "simple": "A SimpleRNN carries h only (no c, no gates): h = tanh(x·W + h_prev·U + b).",
}


# The Cell page's caption, one per cell: the arithmetic its charts show, in Keras's convention
# (x·W: the input's kernel, h_prev·U: the recurrent kernel; lstm_core/model/cells.py computes it).
CELL_CAPTION = {
    "lstm": (
        "Step through a trained LSTM one letter at a time. At each step every unit opens its gates: "
        "c = f·c_prev + i·g keeps some memory and writes some new; h = o·tanh(c) shows part of it."
    ),
    "gru": (
        "Step through a trained GRU one letter at a time. At each step every unit computes an update "
        "gate z = σ(x·W_z + h_prev·U_z + b_z), a reset gate r = σ(x·W_r + h_prev·U_r + b_r) and a "
        "candidate h̃ = tanh(x·W_h + r·(h_prev·U_h + b_Uh) + b_h); then h = (1 − z)·h̃ + z·h_prev: "
        "z near 1 keeps the old h, z near 0 writes the candidate."
    ),
    "simple": (
        "Step through a trained SimpleRNN one letter at a time. It has no gates and no c: at each "
        "step every unit computes h = tanh(x·W + h_prev·U + b), rewriting all of h."
    ),
}

def model_words(config) -> str:
    """``LSTM`` or e.g. ``2 stacked GRU layers`` for a page's captions."""
    name = CELL_NAMES[config.cell]
    return name if config.layers == 1 else f"{config.layers} stacked {name} layers"

# The cell diagram's words per cell (ui/views/cell_page/diagram.py; the rest in ui/text/cell.py).
DIAGRAM_LABELS = {  # the symbol in each box: (main, subscript)
    "lstm": {"f": ("f  σ", ""), "i": ("i  σ", ""), "g": ("g  tanh", ""), "o": ("o  σ", ""),
             "tanh_c": ("tanh(c)", "")},
    "gru": {"z": ("z  σ", ""), "r": ("r  σ", ""), "g": ("h̃  tanh", ""), "one_minus_z": ("1 − z", "")},
    "simple": {"pre": ("xW + hU + b", ""), "h": ("h = tanh", "")},
}
# Every number on the diagram, named for the table under it and for screen readers.
DIAGRAM_NAMES = {
    "lstm": {
        "x": "x_t (the letter's input)", "h_prev": "h_{t-1} (h before)", "c_prev": "c_{t-1} (memory before)",
        "f": "f (forget gate, σ)", "i": "i (input gate, σ)", "g": "g (candidate, tanh)",
        "o": "o (output gate, σ)", "keep": "f ⊙ c_{t-1} (memory kept)", "write": "i ⊙ g (written)",
        "c": "c_t = kept + written", "tanh_c": "tanh(c_t)", "h": "h_t = o ⊙ tanh(c_t)",
    },
    "gru": {
        "x": "x_t (the letter's input)", "h_prev": "h_{t-1} (h before)", "z": "z (update gate, σ)",
        "r": "r (reset gate, σ)", "g": "h̃ (candidate, tanh; sees r ⊙ h_{t-1})", "one_minus_z": "1 − z",
        "keep": "z ⊙ h_{t-1} (old h kept)", "write": "(1 − z) ⊙ h̃ (written)", "h": "h_t = kept + written",
    },
    "simple": {
        "x": "x_t (the letter's input)", "h_prev": "h_{t-1} (h before)",
        "pre": "x_t·W + h_{t-1}·U + b", "h": "h_t = tanh(x_t·W + h_{t-1}·U + b)",
    },
}
GATE_WORDS = {  # the gates of CellKind.gate_names, for the "what changed" line
    "lstm": {"i": "the input gate i", "f": "the forget gate f", "g": "the candidate g",
             "o": "the output gate o"},
    "gru": {"z": "the update gate z", "r": "the reset gate r", "g": "the candidate h̃"},
    "simple": {"g": "h (its one tanh)"},
}
# The Cell page's caption over a one-layer trace's gates at every step (the LSTM has its own sections).
GATES_OVER_STEPS = {
    "gru": (
        "The trace below shows this run's GRU: its {units} units at each of the {steps} steps of your "
        "text. Update gate z: near 1 (dark) the unit keeps its h. Reset gate r: near 0 the candidate "
        "ignores h_prev. Then the candidate h̃ (g) and the new h."
    ),
}

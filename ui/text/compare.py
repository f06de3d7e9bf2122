"""The Compare page's words: the sweep, its help texts ({...} filled in by ``ui.views.compare_page``), and
"Why LSTM?".
"""

COMPARE = (
    "The tutorial's naive framing reports 84.00% and the feature-window framing 86.96%, and it "
    'asks whether that difference "may or may not be real". One run per framing cannot tell. '
    "Train each framing with several seeds: every seed is one point, and an exact permutation "
    "test says how often seed luck alone would open a gap that large."
)

COMPARE_HELP = {
    "framings": "The tutorial presets to train.",
    "seeds": (
        "Runs per framing, 1 to {max}, with seeds {first}, {next}, … ({first} is the tutorial's seed; "
        "each seed gives different first weights and sample order). A test needs at least "
        "{enough} a side to call a gap real; the shared server's budget may allow fewer "
        "for expensive framings."
    ),
    "scale": "Fraction of each preset's epochs, for a quicker look.",
    "why_seeds": (
        "Runs per cell and task, 1 to {max}, seeds {first}, {next}, …; "
        "the shared server's budget may allow fewer at the full epochs."
    ),
    "why_scale": "Fraction of the epochs (alphabet 500, delayed recall 400), for a quicker look.",
}

WHY_LSTM = (
    "Three cells, the same settings: the **LSTM** (h and c, three gates), the **GRU** (h only, "
    "update and reset gates) and the **SimpleRNN** (h only, no gates). On the alphabet every "
    "next letter follows from the one before, so no cell needs memory. In **delayed recall** "
    "(`XabcdefgY ZabcdefgW …`) the letter at the end of a run depends on the cue 8 steps back: "
    "each sample shows the cue, and the cell must carry it to the end and learn to. The score "
    "there counts only the recalled letters (the others follow from the letter before)."
)

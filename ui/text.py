"""Every sentence the app says to a learner, in one place.

Help texts (``HELP``) are keyed by the ``LSTMConfig`` field they explain, so the form,
the URL warnings and the tests all speak about the same names.
"""

from lstm_core import cost
from lstm_core.config import MAX_SEQUENCE_CHARS, MAX_WORK

HELP = {
    "framing": (
        "How the text is cut into samples for the LSTM. Each preset is one of the tutorial's "
        "six experiments. Picking another preset loads its tutorial settings for every field "
        "you did not change yourself."
    ),
    "sequence": (
        "The text the network learns to continue: for every position it must predict the next "
        "character. Its distinct characters form the vocabulary (the alphabet has 26). "
        f"At most {MAX_SEQUENCE_CHARS:,} characters."
    ),
    "window": (
        "How many letters one sample shows the network. Naive uses 1; the window framings use 3; "
        "for variable-length it is the longest run, shorter runs are padded in front."
    ),
    "units": (
        "Units are the LSTM's memory cells: the size of its hidden state h and cell state c. "
        "More units can remember more, but train slower."
    ),
    "batch_size": (
        "A batch is the group of samples whose errors are averaged for one weight update. "
        "For a stateful LSTM it is also the number of parallel state rows, so it must divide "
        "the number of samples."
    ),
    "epochs": (
        "An epoch is one pass over every sample. The tutorial uses 300 to 5000. "
        f"Epochs x samples x time steps must stay under {MAX_WORK:,}, and the whole run under "
        f"about {cost.MAX_SECONDS:.0f} s of training on this shared server (more units, features "
        "or time steps make each step cost more)."
    ),
    "learning_rate": (
        "The step size of the Adam optimizer: how far the weights move after each batch. "
        "0.001 is Keras's default; bigger learns faster but can overshoot."
    ),
    "shuffle": (
        "Reorder the samples at the start of every epoch, as Keras's model.fit does by default. "
        "A stateful LSTM needs this off, so each sample follows the one before it."
    ),
    "stateful": (
        "Stateful: carry h and c from one batch to the next (row i of a batch continues row i "
        "of the previous batch) and reset them only at the end of each epoch. Otherwise the "
        "state starts from zero for every sample."
    ),
    "encoding": (
        "How a letter becomes numbers (its features). scaled: one number, letter index / "
        "vocabulary size, so 'A' is 0.0 (the tutorial). onehot: a vector with a 1 at the "
        "letter's position."
    ),
    "padding": (
        "Variable-length only: what fills the time steps in front of a short run. zeros: 0.0, "
        "which looks exactly like 'A' (the tutorial). mask: a marker the LSTM skips."
    ),
    "num_samples": ("Variable-length only: how many random runs of 1 to window letters to draw as samples."),
    "steps_per_update": (
        "Stateful framing only: how many letters one sample holds, i.e. how far back each weight "
        "update's gradient reaches (truncated backpropagation through time). Above 1 the text is "
        "cut into chunks, state carries chunk to chunk, and the next letter is predicted at every step."
    ),
    "seed": (
        "The random seed for the first weights, the sample order and the drawn runs. "
        "The same seed gives the same result every time."
    ),
}

TENSOR = (
    "An LSTM reads a 3-D tensor **[samples, time steps, features]**: *samples* are the "
    "examples, *time steps* are the positions the LSTM reads one after another (updating its "
    "state each time), and *features* are the numbers it receives at each time step."
)

TASK = (
    "The tutorial this lab is built from teaches a small LSTM to continue the alphabet: given "
    "a letter, predict the next one. That sounds trivial, yet the network only succeeds when "
    "it gets the letters in a form it can use: as time steps, or with its state carried from "
    "one letter to the next. Six framings try six ways of feeding the same 26 letters; their "
    "accuracies range from 84% to 100%."
)

WITHIN_BATCH = (
    "**Does state flow between the samples of one batch?** The tutorial says the whole-batch "
    "framing reaches 100% because the LSTM sees all 25 letters in one batch and carries state "
    "between them. Keras does not do that: the samples of a batch are computed side by side, "
    "and the state of sample *i* never reaches sample *i + 1* (and without `stateful` it is "
    "thrown away after every batch). If order inside the batch mattered, shuffling would "
    "hurt. Here all runs use the same seed, 16 units and 5000 epochs: the tutorial's run, the "
    "same with shuffling, and a control with no batch at all (one sample per update)."
)

WITHIN_BATCH_VERDICT = (
    "Same accuracy with and without shuffling: the order of samples inside the batch plays no "
    "role. Each sample is one letter in one time step, so there is no state to carry; the "
    "100% comes from 5000 epochs of training, ten times the naive framing's 500."
)

COMPARE = (
    "The tutorial's naive framing reports 84.00% and the feature-window framing 86.96%, and it "
    'asks whether that difference "may or may not be real". One run per framing cannot tell. '
    "Train each framing with several seeds and compare the spread."
)


# Escaping user text lives in one place, ui/safe.py; kept importable from here too.
from .safe import MARKDOWN_CHARS, md_escape  # noqa: E402, F401

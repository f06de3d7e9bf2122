"""The Lab's words: a help text per ``LSTMConfig`` field (keyed by the field, so the form, the URL
warnings and the tests speak about the same names), the tensor and the ceiling.
"""

from lstm_core.config import MAX_SEQUENCE_CHARS, MAX_WORK
from lstm_core.limits import cost

INTRO = (
    "Pick a framing, look at the data it makes, train, and read what the network learned. "
    "The address bar always holds these settings: copy it to share this lab."
)
OLD_RESULTS = (
    "These results are from the last training ({changed}); the form and "
    "the address bar now hold other settings. Press **Train** to train them."
)
NO_DATA_VIEW = "The data view returns once the settings above are valid."
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
        "vocabulary size, so 'A' is 0.0 and neighbours differ by 1/26 (the tutorial). onehot: a "
        "vector with a 1 at the letter's position, so any two letters are equally far apart."
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
    "wrap": (
        "Variable-length only: read the text as a circle, so a run may continue past its last "
        "letter at its first (…XYZABC…). Without it a run must end before the last letter, so "
        "the longest run is one letter shorter than the text; with it the maximum length may be "
        "26 (the whole alphabet) or more, as the tutorial suggests."
    ),
    "horizon": (
        "n-char-output only: how many next letters one sample asks for (1 to 10). Given the "
        "window BCDE and horizon 3 the answer is FGH, all at once, from an encoder LSTM whose "
        "last state a decoder LSTM unrolls into one letter per position."
    ),
    "seed": (
        "The random seed for the first weights, the sample order and the drawn runs. "
        "The same seed gives the same result every time."
    ),
    "cell": (
        "The recurrent cell. lstm: the tutorial's, with a hidden state h and a cell state c guarded "
        "by input, forget and output gates. gru: h only, with an update gate (how much of h to keep) "
        "and a reset gate (how much of h the new candidate sees). simple: SimpleRNN, "
        "h = tanh(x·W + h·U + b), no gates: it forgets fast."
    ),
    "layers": (
        "How many recurrent layers are stacked (1 to 3). The lowest reads the letters; each layer "
        "above reads the h of the one below at every time step; the last one's h is read out. "
        "Each layer adds its own state and training time."
    ),
}

TENSOR = (
    "An LSTM reads a 3-D tensor **[samples, time steps, features]**: *samples* are the "
    "examples, *time steps* are the positions the LSTM reads one after another (updating its "
    "state each time), and *features* are the numbers it receives at each time step."
)

CEILING_HELP = (
    "The best accuracy any model that reads what this framing reads can reach on this text, "
    "counted from the data: for each distinct input, the share of its most frequent next "
    "character. A stateful model reads everything since the last reset, so its ceiling counts that."
)

LAB_LINK_WAVE = (
    "The Lab trains letters: the sine task (and its period, noise and length) has its own "
    "page, Sine, in the links above."
)
# The one-shot (n-char-output) comparison under the Lab's results (ui/views/one_shot.py).
ONE_SHOT_HELP = (
    "Trains two models on the same text, window and settings, side by side: the one-shot "
    "encoder-decoder (these settings) and a one-letter model (timestep-window) that is fed its "
    "own answer to reach the letters after the first. The table then scores both on the same "
    "windows, one output position at a time. The one-shot model becomes the current model."
)
ONE_SHOT_EXPLAIN = (
    "Two ways to predict several letters. **One shot**: an encoder {cell} reads the window, and "
    "a decoder {cell}, given the encoder's last *h* at every step, answers all {k} letters at "
    "once. **Recursive**: the one-letter model predicts the next letter, appends it to its "
    "window, and predicts again, {k} times; a mistake it makes is fed back in. The first "
    "position is the same question for both; the far positions are where they differ."
)
# A link's setting that its framing does not read (ui/controls.py): not silently kept.
LAB_LINK_UNUSED = "URL parameter {name}: the {framing} framing does not use it, so it is left out."

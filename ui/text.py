"""Every sentence the app says to a learner, in one place.

Help texts (``HELP``) are keyed by the ``LSTMConfig`` field they explain, so the form,
the URL warnings and the tests all speak about the same names.

Lessons (``LESSONS``, ``MEMORY``) say only what a learner can reproduce: each claim comes
with a :class:`Demo`, a link that opens the Lab with the settings that show it and the
accuracy those settings reached here. ``tests/unit/ui/test_lessons_demos.py`` trains
every link and checks the figure its label states::

    >>> demo = LESSONS["naive"].demos[1]
    >>> demo.url, demo.label
    ('/lab?framing=naive&encoding=onehot', 'one-hot input → 100%')
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from lstm_core.config import FIRST_SEED, MAX_SEQUENCE_CHARS, MAX_WORK
from lstm_core.limits import cost

# Escaping user text lives in one place, ui/safe.py; kept importable from here too.
from .safe import MARKDOWN_CHARS, md_escape  # noqa: F401

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

TASK = (
    "The tutorial this lab is built from teaches a small LSTM to continue the alphabet: given "
    "a letter, predict the next one. Each letter has exactly one successor, so a network needs "
    "no memory to get all 25 right; the six framings differ in how easily it learns them. The "
    "tutorial feeds each letter as one number, its index / 26, so neighbouring letters differ "
    "by only 1/26 = 0.038: after 500 epochs the naive framing still mixes up a few neighbours "
    "and scores 84% (80–84% here over seeds 7–11). Context, meaning three letters as time steps "
    "or state carried from one letter to the next, makes the alphabet quicker to learn; it is "
    "not what makes 100% possible. Each claim below has a link that opens the Lab with the "
    "settings that show it: train and check."
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

WITHIN_BATCH_GAP = (
    "The two runs differ by {gap:.2f} points. All 25 samples form one batch, so each "
    "update averages the same 25 gradients whatever their order; small differences "
    "come from floating-point summation order, not from state. "
)
WITHIN_BATCH_CONTROL = (
    "The control, one sample per update (no batch to carry anything), reaches "
    "{control:.2f}% with the same 5000 epochs. What the tutorial's "
    "whole-batch run had that the naive one lacked was ten times the training."
)
CEILING_HELP = (
    "The best accuracy any model that reads what this framing reads can reach on this text, "
    "counted from the data: for each distinct input, the share of its most frequent next "
    "character. A stateful model reads everything since the last reset, so its ceiling counts that."
)

COMPARE = (
    "The tutorial's naive framing reports 84.00% and the feature-window framing 86.96%, and it "
    'asks whether that difference "may or may not be real". One run per framing cannot tell. '
    "Train each framing with several seeds: every seed is one point, and an exact permutation "
    "test says how often seed luck alone would open a gap that large."
)


# The Compare page's help texts ({...} are filled in by ui/compare_view.py).
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


# -- lessons you can check -----------------------------------------------------------------
LAB_LINK_SINE = (
    "The Lab trains letters: the sine task (and its period, noise and length) has its own "
    "page, Sine, in the links above."
)
# The download buttons (ui/downloads.py; the Lab's in ui/results.py, the Sine page's in ui/sine.py).
DOWNLOAD_HELP = {
    "model": "The trained model as a Keras 3 file: keras.models.load_model('…keras').",
    "notebook": "The same script as a Jupyter notebook, each step explained in a text cell.",
    "lab_history": "Loss and accuracy per epoch.",
    "lab_predictions": "The prediction table below.",
    "lab_script": "A runnable plain-Keras script (model.fit) with these settings.",
    "sine_forecast": (
        "Step, position, true value, teacher-forced and free-running predictions and their errors."
    ),
    "sine_history": "The MSE per epoch (accuracy does not apply: 0).",
    "sine_script": "A runnable plain-Keras script (model.fit, loss mse) with these settings.",
}
# The runner's words (ui/runner.py): progress, Stop, the handover, a lost training.
RUNNER = {
    "starting": "starting: loading TensorFlow…",
    "stop_one": "Stop training now. The model and history trained so far are kept.",
    "stop_many": "Stop now; the runs finished so far are kept.",
    "waiting": "Stopping: the runs finished so far are kept and appear here in a moment.",
    "lost": (
        "This page was training when it lost its server (the server restarted, or this link was "
        "copied mid-training): that training is not on this server any more and its model is "
        "lost. The settings below are the ones it was training."
    ),
    "preset": (
        "The {page} page works on a trained model. Until you train one in the Lab, it shows the "
        "tutorial's stateful preset, trained ahead of time (seed 7, 300 epochs). You can also "
        "train that preset right here and watch it learn (a few seconds)."
    ),
}
DEMO_SEEDS = tuple(range(FIRST_SEED, FIRST_SEED + 5))  # the seeds each Demo's range was measured on


def _pct(x: float) -> str:
    """84.0 -> "84", 86.96 -> "86.96": as many digits as the figure has."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Demo:
    """One claim a learner can check in one click.

    ``params`` are the Lab's URL parameters (the link sets nothing else, so the seed is the
    preset's 7); ``low``..``high`` is the accuracy in percent those settings reached here
    over seeds 7–11 (``DEMO_SEEDS``).
    """

    what: str  # what the link shows, e.g. "one-hot input"
    params: dict[str, str]
    low: float
    high: float

    @property
    def result(self) -> str:
        """The figure as the label states it, e.g. ``"80–84%"`` or ``"100%"``."""
        if self.low == self.high:
            return f"{_pct(self.low)}%"
        return f"{_pct(self.low)}–{_pct(self.high)}%"

    @property
    def label(self) -> str:
        return f"{self.what} → {self.result}"

    @property
    def url(self) -> str:
        return "/lab?" + urlencode(self.params)


@dataclass(frozen=True)
class Lesson:
    text: str  # Markdown
    demos: tuple[Demo, ...]


def _demo(what: str, low: float, high: float | None = None, **params: str) -> Demo:
    return Demo(what, params, low, low if high is None else high)


def _tutorial(framing: str, low: float, high: float | None = None) -> Demo:
    return _demo("the tutorial's settings", low, high, framing=framing)


LESSONS: dict[str, Lesson] = {
    "naive": Lesson(
        "One letter in, as one number (index / 26), so neighbours differ by only 0.038. After "
        "500 epochs the network still mixes up a few of them: its wrong answers are one or two "
        "letters off. Nothing is missing from the input, since each letter has one successor: the "
        "same network gets all 25 right once the letters are easy to tell apart, or with more "
        "training.",
        (
            _tutorial("naive", 80, 84),
            _demo("one-hot input", 100, framing="naive", encoding="onehot"),
            _demo("3,000 epochs", 100, framing="naive", epochs="3000"),
        ),
    ),
    "feature-window": Lesson(
        "Three letters side by side as three numbers of one time step: more to see, but not as "
        "a sequence. It scores 23 samples, not 25, so one letter is 4.35 points here and 4 on "
        "naive. Whether it beats naive is the tutorial's open question: the **Compare** page "
        "answers it over seeds. One-hot input again reaches 100%.",
        (
            _tutorial("feature-window", 82.61, 86.96),
            _demo("one-hot input", 100, framing="feature-window", encoding="onehot"),
        ),
    ),
    "timestep-window": Lesson(
        "The same three letters as three time steps: the LSTM reads them in order, updating its "
        "state. It reaches 100%, and sooner than naive: context makes the alphabet quicker to "
        "learn, though naive gets there too with one-hot input or more epochs.",
        (
            _tutorial("timestep-window", 100),
            _demo("200 epochs", 86.96, 95.65, framing="timestep-window", epochs="200"),
            _demo("naive, 200 epochs", 44, 48, framing="naive", epochs="200"),
        ),
    ),
    "whole-batch": Lesson(
        "All 25 samples in one batch, in order. The tutorial credits state flowing inside the "
        "batch; Keras does not do that (the **State** page's experiment shows it). Each sample "
        "is still one letter in one time step, as in naive: the 100% comes from 5,000 epochs.",
        (
            _tutorial("whole-batch", 100),
            _demo("500 epochs", 24, 32, framing="whole-batch", epochs="500"),
            _demo("one sample per update, shuffled", 100, framing="whole-batch", batch_size="1",
                  shuffle="true"),
        ),
    ),
    "stateful": Lesson(
        "State carried from each letter to the next, reset at each epoch's end: the network "
        "reads the alphabet as one sequence and learns it in 300 epochs with 16 units. The state "
        "is really used: from a fresh state K is followed by B (**Generate**), and the same "
        "settings without carried state learn far less.",
        (
            _tutorial("stateful", 100),
            _demo("without carried state", 44, 64, framing="stateful", stateful="false"),
        ),
    ),
    "variable-length": Lesson(
        "Random runs of 1 to 5 letters, padded in front with 0.0, which is also how 'A' is "
        "encoded. A stateless model that answers any short run. Padding the LSTM skips (mask) "
        "scores in the same range here.",
        (
            _tutorial("variable-length", 96.9, 98.9),
            _demo("masked padding", 96.8, 99.4, framing="variable-length", padding="mask"),
        ),
    ),
}

# The reader's question under the tutorial, answered with a text where memory is needed.
MEMORY_TEXT = "aaaabbbccd" * 6
MEMORY_TITLE = "Why LSTM units, if each letter decides the next?"
MEMORY = Lesson(
    "A reader of the tutorial asked exactly this: *why are LSTM units needed in the alphabet "
    "example, where any output depends directly on the input letter?* On the alphabet they are "
    "not. Each letter has one successor, so the best accuracy any model that reads one letter "
    "can reach (its **ceiling**, counted from the data) is 100% for every framing, and naive "
    "reaches it with one-hot input. Memory matters when the current letter is not enough. In "
    "`aaaabbbccd` repeated, an `a` is followed by another `a` three times out of four, so no "
    "model that reads one letter can beat 69.49%. Three letters are not enough either; four "
    "are. So is state carried through the text, with most seeds.",
    (
        _demo("one letter (naive)", 69.49, framing="naive", sequence=MEMORY_TEXT),
        _demo("three letters as time steps", 89.47, framing="timestep-window", sequence=MEMORY_TEXT),
        _demo("four letters as time steps", 100, framing="timestep-window", sequence=MEMORY_TEXT,
              window="4"),
        _demo("stateful, state carried through the text", 77.97, 100, framing="stateful",
              sequence=MEMORY_TEXT),
    ),
)

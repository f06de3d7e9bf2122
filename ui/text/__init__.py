"""Every sentence the app says to a learner, by page: ``ui.text.lab``, ``.cell``, ``.compare``,
``.generate``, ``.memory``, ``.sine``, ``.state``, and ``.shared`` for words several pages say.

Here: the Overview's lessons. They (``LESSONS``, ``MEMORY``) say only what a learner can
reproduce: each claim comes with a :class:`Demo`, a link that opens the Lab with the settings
that show it and the accuracy those settings reached here. ``tests/unit/ui/test_lessons_demos.py``
trains every link and checks the figure its label states::

    >>> demo = LESSONS["naive"].demos[1]
    >>> demo.url, demo.label
    ('/lab?framing=naive&encoding=onehot', 'one-hot input → 100%')
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from lstm_core.config import FIRST_SEED

# The Overview's map of the pages, every page named once (issue 22, 18: it named four of eight).
OVERVIEW_PAGES = (
    "New here? The **Tour** asks you to predict before it shows, step by step. Open a framing in the "
    "**Lab** to train it live and read its predictions, then see what it generates (**Generate**), "
    "what its memory holds (**State**), and each gate at each step (**Cell**); whether the "
    "tutorial's accuracies hold up over many seeds (**Compare**); what state is for (**Memory**); "
    "a wave instead of letters (**Sine**); and a whole class as one experiment (**Class**)."
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


# -- lessons you can check -----------------------------------------------------------------


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
            _tutorial("variable-length", 97.1, 100),
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
        _demo("stateful, state carried through the text", 71.19, 100, framing="stateful",
              sequence=MEMORY_TEXT),
    ),
)

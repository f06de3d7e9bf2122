"""The Memory page's words: the built-in tasks, the forward and backward views, the experiment."""

from lstm_core.experiments.truncated_bptt import ARMS, EPOCHS, ArmVerdict, ChanceTest

TASK_TITLES = {
    "alphabet": "Alphabet (needs no memory)",
    "delayed-recall": "Delayed recall (needs k letters of memory)",
    "counting": "Counting aaaabbbccd (needs 4 letters)",
}
TASK_ABOUT = {
    "alphabet": "Every letter tells the next one: a window of 1 already reaches 100%.",
    "delayed-recall": (
        "Runs XabcY and ZabcW alternate. After the filler letters comes Y if the run began with X, "
        "W if it began with Z: the letter k steps back decides it. Every other next letter follows "
        "from the current one, so a model that sees k letters back can reach 100%."
    ),
    "counting": (
        "After an 'a' the next letter depends on how many a's came before it, so the model must "
        "count: only a window of 4 tells every position apart."
    ),
}
HELP_TASK = (
    "A built-in training text. Delayed recall and counting cannot be predicted from the current "
    "letter alone: the table shows the best accuracy any model that sees that many letters can reach."
)
HELP_K = "Delay: how many steps after its cue the recalled letter comes (2 to 12)."


RULE = (
    "**The rule:** a weight update's gradient flows through the time steps of its own sample "
    "only. A stateful model's state may come from every earlier sample of the epoch, but that "
    "state enters the update as a fixed number: training never reaches back into the batch before."
)


WHY_A = (
    "**Why (a) beats its theory.** One step of backpropagation cannot teach the network to "
    "*store* the cue: no update's gradient reaches the step that read it. But the carried state "
    "is an input of every update (a fixed one), and the gradient does teach the network to *read* "
    "whatever that state already holds. Reading X and reading Z leave different traces in h and c "
    "(different inputs always do), and with the forget gate starting open (bias 1) the traces "
    "survive the filler letters. The columns *via carried state* measure it on the trained "
    "models: occlusion (the forward view's measure) of letters outside the update's own sample "
    "at one recall. For (a) they are well above zero, so the prediction depends on letters no "
    "gradient ever reached; for the window model (c) they are exactly zero. With the *alternating* "
    "text the state can also learn the X/Z turn-taking itself (the cue then hardly matters); the "
    "*random* order leaves only the cue. Truncation limits what training can deliberately write "
    "into the state, not what the state carries by accident; the longer the delay, the fainter the "
    "accident: try a longer delay (k = 8, random order) and see whether (a) still beats chance."
)
EXPERIMENT_ABOUT = (
    "Three ways to train on delayed recall, several seeds each, the same 16 units and "
    "{epochs} epochs (learning rate {rate}): **(a)** stateful, 1 time step per "
    "update — the state can carry the cue, but each update's gradient sees one step; **(b)** "
    "stateful, k+1 time steps per update — the gradient reaches the cue inside the chunk; **(c)** "
    "timestep-window with window k+1 — every sample holds its cue. Theory: (a) stays at chance on "
    "the recalled letters (50%), (b) and (c) reach 100%. Gray ticks mark what theory allows."
)
OUTCOME_CAPTION = (
    "Delay k = {k}, {order} order. *Window ceiling, all*: the best any model seeing "
    "1 letter (a) or k+1 letters (b, c) can do on every letter; a stateful model may pass it by "
    "memorising the whole text. *Via carried state*: occlusion at one recall by letters outside "
    "the update's own sample."
)
STOPPED_EARLY = (
    "Stopped early: {stopped} of {total} models did not finish their {epochs} epochs. They are drawn "
    "faint and left out of the verdict; run the experiment again for the full result."
)
WAIT_SCORING = (
    "Stopping the experiment: every model trained so far is scored and shown here in a moment."
)
ORDER_HELP = (
    "alternating: X-runs and Z-runs take turns, so every other letter is predictable and 100% is "
    "reachable. random: the same runs shuffled, so only the cue tells the answer."
)
SHORT = {"a": "stateful, 1 step", "b": "stateful, k+1 steps", "c": "window k+1"}  # legend-sized arm names
FORWARD_ABOUT = (
    "Pick a step of a text: the model reads the letters before it the way it was trained "
    "(a window from a fresh state, or sample after sample with its state carried) and predicts "
    "the next one. **Occlusion**: feed one earlier letter differently (the zero input, or any "
    "other letter) and measure the largest change in the probability of the predicted letter. "
    "**Gradient**: how strongly log p(predicted) reacts to that letter's input, through every "
    "step the state went through."
)
MEMORY_HELP = {  # the help texts of the Memory page's widgets, by widget
    "seeds": "Seeds 7, 8, 9, …: each arm trains once per seed.",
    "stop": "Stop now: every model trained so far is kept and scored as it is.",
    "runs": "Two runs on the same text are drawn on the same chart.",
    "text": "Letters to feed, at most 200, all from the models' vocabularies.",
    "step": "The prediction examined: the letter after this many.",
    "reach_framing": "Which training setup to picture: the three of the experiment, or your Lab run.",
    "reach_sample": "Samples in training order (shuffle off), numbered from 1.",
    "use_task": "Puts the text into the form's Training sequence; press Train to train on it.",
}


def verdict_sentence(v: ArmVerdict, k: int) -> str:
    """One arm's verdict in words, from the engine's numbers (:func:`truncated_bptt.verdict`).

    >>> from lstm_core.experiments.truncated_bptt import ChanceTest
    >>> tests = [ChanceTest(7, 11, 20, 0.41, False), ChanceTest(8, 10, 20, 0.59, False),
    ...          ChanceTest(9, 12, 20, 0.25, False)]
    >>> print(verdict_sentence(ArmVerdict("a", "ok", 3, 0, tests=tests, threshold=0.05 / 3), 8))
    ... # doctest: +NORMALIZE_WHITESPACE
    (a) stateful, 1 step per update: no seed recalls better than chance (50%), as truncated
    backpropagation predicts. Recalled letters right: seed 7 11 of 20 (p = 0.41), seed 8 10 of 20
    (p = 0.59), seed 9 12 of 20 (p = 0.25); a seed beats chance only when guessing reaches its
    count less than 1.7% of the time (p, exact binomial test).
    >>> print(verdict_sentence(ArmVerdict("b", "stopped", 0, 0, stopped=[(7, 123)]), 4))
    ... # doctest: +NORMALIZE_WHITESPACE
    (b) stateful, k+1 steps per update: no verdict, every run was stopped before its 400 epochs:
    seed 7 (123 epochs).
    """
    head = f"({v.arm}) {ARMS[v.arm]}: "
    cut = ", ".join(f"seed {seed} ({epochs} epochs)" for seed, epochs in v.stopped)
    if v.kind == "stopped":
        return head + f"no verdict, every run was stopped before its {EPOCHS} epochs: {cut}."
    body = chance_words(v, k) if v.arm == "a" else full_recall_words(v)
    if v.stopped:  # a Stop ended them early: no verdict on training they did not get
        body += f" Left out of the verdict, stopped before the end: {cut}."
    return head + body


def full_recall_words(v: ArmVerdict) -> str:
    """Arm (b) or (c): how many finished seeds recall every letter, and which ones stalled."""
    words = (
        f"{v.hits} of {v.finished} finished seeds recall every letter "
        "(theory: all can, since the cue is inside the sample)."
    )
    if v.stalled:
        stuck = ", ".join(f"seed {seed} (final loss {loss:.2f})" for seed, loss in v.stalled)
        words += f" Not yet there after {EPOCHS} epochs: {stuck}; training stalled, the framing allows it."
    return words


def chance_words(v: ArmVerdict, k: int) -> str:
    """Arm (a): the binomial test per finished seed, with its counts."""
    counts = ", ".join(count_words(t) for t in v.tests)
    rule = (
        f"a seed beats chance only when guessing reaches its count less than {100 * v.threshold:.1f}% "
        "of the time (p, exact binomial test)"
    )
    if not v.hits:
        return (
            f"no seed recalls better than chance ({100 * v.chance:.0f}%), as truncated backpropagation "
            f"predicts. Recalled letters right: {counts}; {rule}."
        )
    return (
        f"{v.hits} of {v.finished} finished seeds recall better than chance ({100 * v.chance:.0f}%), "
        f"although no weight update's gradient ever reached the cue {k} steps back: theory and result "
        f"disagree. Recalled letters right: {counts}; {rule}."
    )


def count_words(t: ChanceTest) -> str:
    """``seed 7 17 of 20 (p = 0.001)``: one seed's count of recalled letters and its p-value."""
    return f"seed {t.seed} {t.right} of {t.total} (p = {t.p_value:.2g})"


def unstarted_words(seeds: list[str]) -> str:
    """The models a Stop caught before their first epoch: named, never drawn as results."""
    return (
        f"Not shown: {', '.join(seeds)} had not finished one epoch when Stop was pressed, so there "
        "is nothing of theirs to score."
    )

# "What one update sees": its three lanes in one word each, and the caption that explains them
# (the engine's lanes, lstm_core.analysis.influence.LANES, in this order).
REACH_LANES = ("state", "gradient", "loss")
REACH_CAPTION = (
    "What one update sees (first 30 letters of the text): **state**, the letters the state entering "
    "the sample has already read; **gradient**, the letters the update's gradient flows through; "
    "**loss**, the letters it is scored on."
)

# Under a built-in text in the Lab when a lesson's link fixes the training text (tasks.task_picker).
LESSON_FIXES_TEXT = (
    "This lesson's link fixes the training text, so it cannot be replaced here; "
    "\"Show all settings\" above gives you the whole form."
)

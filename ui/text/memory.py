"""The Memory page's words: the built-in tasks, the forward and backward views, the experiment."""

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
    "accident. Try k = 8 with random order: measured here, (a) then stays at 50% on every seed."
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

"""The Tour page's words: each step's title, question, answers, evidence sentence and why.

The figures in the evidence sentences are named fields, filled from what
``lstm_core.experiments.tour`` computes on the shipped models (never typed here)::

    >>> EVIDENCE["timesteps"].format(feature_window=86.9565, timestep_window=100.0, epochs=500)
    'Feature-window reached **86.96%**, timestep-window **100.00%**, both after 500 epochs.'
"""

from __future__ import annotations

from ui.text import LESSONS, MEMORY, Demo

TITLE = "Tour"
INTRO = (
    "Eight steps through the tutorial's story. At each one you first commit to a prediction, "
    "then **Show me** runs the app's own trained models (the shipped presets, seed 7) and shows "
    "what they do, then a short why and a way to dig further. Predicting first is the point: "
    "a surprise is remembered."
)
STEP_OF = "Step {n} of {total}"
ALL_STEPS = "All {total} steps"
SUMMARY_TITLE = "Your predictions against what happened"
COMMIT = "Commit my prediction"
SHOW = "Show me"
NEXT = "Next step"
BACK = "Back"
TO_SUMMARY = "Your predictions"
RESTART = "Start again"
PICK_FIRST = "Commit a prediction first: the evidence shows after you have one."
YOUR_ANSWER = "Your prediction: **{answer}**"
CAME_TRUE = "Your prediction came true."
DID_NOT = "Not what happened: you predicted {answer}; the model's answer was {outcome}."
NUMBER_CLOSE = "Within {close:g} points of what happened counts as right."
WHY = "Why"
CLAIMS = "The Overview's claims for these settings (measured over seeds {first}–{last}; each opens the Lab):"
DIG = "Open the {page}"
DIG_HELP = "Opens the {page} with this step's settings, to dig further."
PAGE_NAMES = {"lab": "Lab", "compare": "Compare page", "generate": "Generate page", "state": "State page",
              "memory": "Memory page"}
SUMMARY_EMPTY = "No predictions yet: start at step 1."
SUMMARY_COUNT = "{right} of {shown} predictions you checked came true."
NOT_SHOWN = "(not shown yet)"
SUMMARY_COLUMNS = ("step", "you predicted", "what happened", "came true")
SUMMARY_ROW = "- {mark} **{step}**: you predicted {predicted}; what happened: {happened}"
PREDICTION = "Your prediction"
NUMBER_PLACEHOLDER = "your guess, in %"

TITLES = {
    "tensor": "What a framing feeds the network",
    "naive": "Naive, at the tutorial's settings",
    "gap": "Naive against feature-window: real or luck?",
    "timesteps": "Letters as time steps",
    "stateful": "Stateful: K from a fresh state",
    "within-batch": "Does state flow inside a batch?",
    "memory": "What state is for",
    "reach": "How far back training reaches",
}

QUESTIONS = {
    "tensor": (
        "An LSTM reads a 3-d tensor: [samples, time steps, features]. The timestep-window framing "
        "feeds the three letters before each next letter, one per time step, from the "
        "{letters}-letter alphabet. What shape is its tensor?"
    ),
    "naive": (
        "The naive framing feeds one letter as one number (its index / {letters}) and trains {units} "
        "units for {epochs} epochs, the tutorial's settings. What accuracy, in percent, does it "
        "reach on the {samples} letters it predicts?"
    ),
    "gap": (
        "The tutorial ran naive and feature-window once each and saw feature-window ahead. "
        "Is that gap real, or could it be the luck of the random seed?"
    ),
    "timesteps": (
        "Feature-window feeds three letters side by side in one time step. Timestep-window feeds "
        "the same three letters as three time steps, in order. Compared with feature-window, "
        "its accuracy is…"
    ),
    "stateful": (
        "The stateful model reads the alphabet one letter at a time and carries its state from "
        "each letter to the next. Now it starts from a fresh (zero) state and is given {start}. Which "
        "letter does it predict next?"
    ),
    "within-batch": (
        "The whole-batch framing puts all {batch} letters in one batch, in order. The tutorial says "
        "the LSTM carries state from sample to sample inside that batch. Does the answer for one "
        "letter depend on the other samples of its batch?"
    ),
    "memory": (
        "Now a text where the current letter is not enough: {text}, repeated. What is the "
        "best accuracy, in percent, that any model seeing only the current letter could reach?"
    ),
    "reach": (
        "The stateful model learns from updates one letter long: no training gradient ever "
        "reaches back past the current letter. After it has read the alphabet up to {start}, "
        "can swapping a letter further back still change what it predicts?"
    ),
}

CHOICES = {
    "gap": {"real": "Real: feature-window is better", "luck": "Luck: the seed made the difference",
            "cannot-tell": "One run each cannot tell"},
    "timesteps": {"lower": "lower", "same": "the same", "higher": "higher"},
    "within-batch": {"yes": "Yes: state flows from sample to sample",
                     "no": "No: each sample is computed alone"},
    "reach": {"no": "No: only the current letter was trained",
              "yes": "Yes: letters further back still matter"},
}

EVIDENCE = {
    "tensor": (
        "The shipped models' datasets: naive **{naive}**, feature-window **{feature_window}**, "
        "timestep-window **{timestep_window}**. A window of three leaves {window_samples} samples, not "
        "{letters}: the first letter to predict is {first_target}."
    ),
    "naive": (
        "The shipped naive model (seed 7) gets **{accuracy:.2f}%**: {wrong} of {samples} letters "
        "wrong. Its mistakes, below, are at most {off_most} letters off: "
        "neighbours mixed up."
    ),
    "gap": (
        "The shipped runs (seed 7): naive **{naive:.2f}%** ({naive_right} of {naive_samples}), "
        "feature-window **{window:.2f}%** ({window_right} of {window_samples}), a gap of "
        "{gap:.2f} points. A permutation test on one run each gives p = **{p:.2f}**: with one run "
        "a side no gap can ever look real (the smallest possible p is {smallest_p:.2f}). It takes "
        "{seeds_needed} seeds a side before any gap could reach p ≤ {sure:g}. Note the denominators: "
        "one letter is {naive_letter:.2f} points on naive, {window_letter:.2f} on feature-window."
    ),
    "timesteps": (
        "Feature-window reached **{feature_window:.2f}%**, timestep-window **{timestep_window:.2f}%**, "
        "both after {epochs} epochs."
    ),
    "stateful": (
        "From a fresh state, {start} is followed by **{cold}** (p = {cold_p:.2f} for the first "
        "letter). After the state has read {warmup} first, the same {start} gives **{warm}**."
    ),
    "within-batch": (
        "The shipped whole-batch model (batch of {batch_size}, {epochs:,} epochs, {accuracy:.2f}%) "
        "answered each of its {samples} letters alone, in its batch, and in the batch reversed. "
        "Largest difference in any probability: **{difference:.6f}**. Samples that start from zero "
        "state: {zero_starts} of {samples}."
    ),
    "memory": (
        "Counted from the text itself: seeing one letter, the best possible is **{one:.2f}%**; "
        "three letters {three:.2f}%, four {four:.2f}%, and a stateful model that carries everything "
        "it read can reach {stateful:.2f}%. On the alphabet the same one-letter ceiling is "
        "{alphabet:.2f}%."
    ),
    "reach": (
        "Having read {text}, the shipped stateful model predicts **{predicted}** (p = {probability:.2f}). "
        "Swapping {top_letter}, {top_back} letters back, changes that probability by "
        "**{top_change:.2f}**. Letters outside its one-letter update that move it by at least "
        "{reach:g}: {reached} of {beyond}."
    ),
}

WHYS = {
    "tensor": (
        "Feature-window and timestep-window feed the same numbers; only the shape differs. As "
        "features, the three letters arrive at once; as time steps, the LSTM reads them in order, "
        "updating its state after each."
    ),
    "naive": (
        "Each letter has exactly one successor, so nothing is missing from the input. But as one "
        "number, neighbouring letters differ by only {gap:.3f}, and after {epochs} epochs the network "
        "still mixes a few of them up. One-hot input or more epochs fix it: see the claims below."
    ),
    "gap": (
        "The seed sets the starting weights, and one seed's luck can be a letter or two. Only "
        "several seeds of each framing say whether a gap is real: the Compare page trains five "
        "seeds of each and runs the same test."
    ),
    "timesteps": (
        "As time steps, each letter passes through the LSTM's gates in order, and the state builds "
        "up context one letter at a time: the alphabet is learned sooner (the claims below: at fewer "
        "epochs). Context is not what makes a perfect score possible (naive gets there with one-hot "
        "input); it makes it quicker."
    ),
    "stateful": (
        "A fresh state is what the model saw at the start of every epoch, right before B was the "
        "answer (after A). So from zero state it answers as if it had just read A. Warm, the state "
        "carries where in the alphabet it is: the state is really used."
    ),
    "within-batch": (
        "Keras computes the samples of a batch side by side: sample *i*'s state never reaches "
        "sample *i + 1*, and without `stateful` it is thrown away after each batch. The "
        "whole-batch framing's {accuracy:.2f}% comes from {epochs:,} epochs of training, not from "
        "state. The State page trains it with and without shuffling to show that order plays no role."
    ),
    "memory": (
        "After an `a`, another `a` follows three times out of four, so one letter cannot tell where "
        "in the run you are. That is what memory is for: four letters back, or state carried "
        "through the text, tell every position apart."
    ),
    "reach": (
        "Training reaches back one letter: each update's gradient flows through its own sample "
        "only, and the carried state enters as a fixed number. But the state still carries what "
        "earlier letters left in it, and the model learns to read it. Truncation limits what "
        "training can deliberately store, not what the state carries. The Memory page's experiment "
        "trains delayed recall with 1 and with k+1 steps per update."
    ),
}

# The Overview's claims (ui.text) each step stands beside: the same Demo objects, so the figures
# here and there can never disagree.
CLAIMS_BY_STEP: dict[str, tuple[Demo, ...]] = {
    "tensor": LESSONS["timestep-window"].demos[:1],
    "naive": LESSONS["naive"].demos,
    "gap": LESSONS["naive"].demos[:1] + LESSONS["feature-window"].demos[:1],
    "timesteps": LESSONS["timestep-window"].demos,
    "stateful": LESSONS["stateful"].demos,
    "within-batch": LESSONS["whole-batch"].demos,
    "memory": MEMORY.demos,
    "reach": (),
}

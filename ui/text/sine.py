"""The Sine page's words: help texts, and the sentences that word a run's MSE and a forecast's drift."""

from __future__ import annotations

import numpy as np  # noqa: F401 - the doctest below builds a Forecast from arrays

from lstm_core.analysis.forecast import Forecast, mse
from lstm_core.config import MAX_GENERATE_STEPS, MAX_NOISE, MAX_PERIOD, MIN_PERIOD
from lstm_core.model.results import TrainResult

INTRO = (
    "Not letters this time: the next value of a sampled sine wave, a real number. The output "
    "is one linear unit and the loss is the mean squared error (MSE). A reader of the tutorial "
    "found that such a model follows the wave when fed the true values, and drifts when fed "
    "its own output. Train one and see both. The address bar holds these settings."
)
OLD_RESULTS = (
    "These results are from the last training; the settings above are different now. "
    "Press **Train** to train them."
)
TRAIN_HELP = "Train an LSTM on this wave, with a live chart of its MSE."
# A ?run= link on this page (issue 22, item 9): one that cannot be opened, and what the link box says.
LINK = {
    "missing": (
        "The link names a trained model ({run}) that this server does not have: it may have been removed "
        "to make room, or the link is incomplete. Train a model here to get a new link."
    ),
    "unreadable": (
        "The trained model this link names ({run}) cannot be read right now: the server's run store is "
        "busy or unavailable. The link is kept; reload the page in a minute to open it."
    ),
    "letters": (
        "The link names a model ({run}) trained on letters, not on a wave: open it in the Lab, "
        "Generate or State. Train a model here to get a link to a wave."
    ),
    "caption": (
        "Press the copy icon in the box. Whoever opens the link sees this trained model, its settings, "
        "its forecast and its history, without training it again."
    ),
}
# The help text of each field of the form, in form order (labels and steps: ui/sine_page.FIELDS).
FIELD_HELP = {
    "period": (
        f"How many samples make one full cycle of the wave ({MIN_PERIOD} to {MAX_PERIOD:,}). "
        "Short periods are coarse zig-zags; long ones change slowly from sample to sample."
    ),
    "noise": (
        f"Standard deviation of the Gaussian noise added to every value (0 to {MAX_NOISE:g}; the "
        "wave's amplitude is 1). The model is trained on, and fed, the noisy values."
    ),
    "length": (
        "How many values of the wave the model trains on. Each window of past values and the "
        "value after it is one sample."
    ),
    "window": (
        "How many past values one sample shows the network. The stateful framing feeds one value "
        "at a time and carries its state instead, so its window is 1."
    ),
    "units": "The LSTM's memory cells: the size of its hidden state h and cell state c.",
    "epochs": "Passes over every window of the wave.",
    "seed": "One seed for the first weights, the sample order and the noise.",
}
HELP_FRAMING = (
    "How the wave is cut into samples. timestep-window: a window of past values as time steps; "
    "feature-window: the same values side by side in one step; naive: one value; whole-batch: "
    "one value, every sample in one update; stateful: one value at a time with the state "
    "carried from sample to sample (in order). Picking one loads its starting settings."
)
HELP_START = (
    "The position of the wave where free running starts. The model gets the true values before "
    "it, then only its own output. Past the training length the wave simply continues."
)
HELP_STEPS = f"How many values to predict from the start, each fed back in (1 to {MAX_GENERATE_STEPS})."


# What the free-running error chart shows: fed back, the error does not pile up step by step;
# the forecast slips in phase, so the error comes and goes (it can return to about 0).
FREE_RUNNING_ERROR = (
    "its error does not simply grow: the forecast drifts in phase, and its error swells and "
    "shrinks as the forecast slips against the true wave."
)


def finding(fc: Forecast, noise: float) -> str:
    """The reader's finding, in numbers from this forecast: why free running drifts.

    >>> fc = Forecast(50, np.arange(50, 54), np.zeros(4), np.full(4, 0.01),
    ...                    np.array([0.01, 0.05, 0.2, 0.4]))
    >>> print(finding(fc, 0.0))  # doctest: +NORMALIZE_WHITESPACE
    Fed the true values, the model is off by 0.010 on average over these 4 steps: each
    prediction starts again from real data, so a mistake is forgotten at the next step. Fed
    its own output, it starts as well (0.010 at step 1) but is off by 0.400 at step 4 (0.165
    on average): every prediction becomes part of the next input, so its error does not
    simply grow: the forecast drifts in phase, and its error swells and shrinks as the
    forecast slips against the true wave. That is the drift the tutorial's reader saw
    generating a sine wave from its first input only.
    """
    n = len(fc.positions)
    mean_t, mean_f = float(fc.teacher_error.mean()), float(fc.free_error.mean())
    text = (
        f"Fed the true values, the model is off by {mean_t:.3f} on average over these {n} steps: "
        "each prediction starts again from real data, so a mistake is forgotten at the next step. "
        f"Fed its own output, it starts as well ({fc.free_error[0]:.3f} at step 1) but is off by "
        f"{fc.free_error[-1]:.3f} at step {n} ({mean_f:.3f} on average): every prediction becomes "
        f"part of the next input, so {FREE_RUNNING_ERROR}"
    )
    if mean_f > 1.5 * mean_t:
        text += (
            " That is the drift the tutorial's reader saw generating a sine wave from its first "
            "input only."
        )
    else:
        text += (
            " Here it has not drifted much yet: try a longer horizon, fewer epochs, or more noise "
            "(the drift the tutorial's reader saw grows with every step fed back)."
        )
    if noise > 0:
        text += (
            f" (Teacher-forced inputs carry the noise, std {noise:g}; free-running ones are the "
            "model's own, smooth guesses.)"
        )
    return text


def mse_sentence(run: TrainResult) -> str:
    """The run's training MSE, and what noise alone would cost."""
    error = mse(run)
    text = f"Mean squared error on the {run.config.num_examples:,} training windows: {error:.5f}."
    if run.config.noise > 0:
        text += (
            f" Noise of std {run.config.noise:g} alone makes about {run.config.noise ** 2:.5f}: "
            "no model can predict the noise."
        )
    return text

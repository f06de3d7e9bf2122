"""The starting points: the tutorial's six framings with its settings and reported accuracy, the extra
framings' settings, the sine task's, and the seed sweeps Compare and the CLI run.

    >>> cfg = preset("stateful")
    >>> cfg.units, cfg.epochs, cfg.stateful, about("stateful").tutorial_accuracy
    (16, 300, True, 100.0)
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_core.config import (
    ALL_FRAMINGS,
    FIRST_SEED,
    MAX_SEEDS,
    MAX_SWEEP_RUNS,
    MAX_SWEEP_WORK,
    LSTMConfig,
)
from lstm_core.validation import check_int, reject


@dataclass(frozen=True)
class Preset:
    """A tutorial framing with its settings and what the tutorial reported."""

    name: str
    title: str
    config: LSTMConfig
    tutorial_accuracy: float | None  # percent, as printed by the tutorial (None: not in the tutorial)
    feeds: str  # what one sample gives the network, in words
    lesson: str  # what it teaches, in one line (the notebook); with links: ui/text/__init__.py LESSONS


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "naive",
            "Naive: one letter in, one out",
            LSTMConfig(framing="naive", window=1, units=32, epochs=500, batch_size=1),
            84.00,
            "one letter, one time step; state reset after every sample",
            "Each letter has one successor, so no memory is needed: fed as one number (index / 26), a "
            "few neighbours are still mixed up after 500 epochs; one-hot input or 3,000 epochs reach 100%.",
        ),
        Preset(
            "feature-window",
            "Three letters as three features",
            LSTMConfig(framing="feature-window", window=3, units=32, epochs=500, batch_size=1),
            86.96,
            "three letters side by side as 3 features of a single time step",
            "More to see, but not as a sequence; scored on 23 samples, not 25. One-hot input reaches 100%.",
        ),
        Preset(
            "timestep-window",
            "Three letters as three time steps",
            LSTMConfig(framing="timestep-window", window=3, units=32, epochs=500, batch_size=1),
            100.00,
            "three letters one after another: 3 time steps of 1 feature",
            "Letters as time steps: 100%, and sooner than naive (at 200 epochs 86.96–95.65%, naive 44–48%).",
        ),
        Preset(
            "whole-batch",
            "All samples in one batch",
            LSTMConfig(
                framing="whole-batch", window=1, units=16, epochs=5000, batch_size=25, shuffle=False
            ),
            100.00,
            "one letter per sample, all 25 samples in one batch, in order",
            "The tutorial credits state flowing inside the batch; Keras does not do that. "
            "The 100% comes from 5000 epochs (500 give 24–32%).",
        ),
        Preset(
            "stateful",
            "Stateful: state carried across samples",
            LSTMConfig(
                framing="stateful",
                window=1,
                units=16,
                epochs=300,
                batch_size=1,
                shuffle=False,
                stateful=True,
            ),
            100.00,
            "one letter per sample, in order, state carried to the next sample, reset each epoch",
            "State carried from letter to letter: 100% in 300 epochs with 16 units (44–64% without "
            "carried state); a cold start from K says B.",
        ),
        Preset(
            "variable-length",
            "Variable-length runs, zero-padded",
            LSTMConfig(
                framing="variable-length", window=5, units=32, epochs=500, batch_size=1, num_samples=1000
            ),
            98.90,
            "a random run of 1 to 5 letters, zero-padded in front to 5 time steps",
            "A stateless model that answers any short run; its padding looks exactly like 'A'.",
        ),
    )
}


# The framings the tutorial does not have (no tutorial figure), with their starting settings.
# n-char-output: the timestep-window's settings, asked for the next 3 letters (issue 14).
EXTRA_PRESETS: dict[str, Preset] = {
    "n-char-output": Preset(
        "n-char-output",
        "Several letters out: given BCD, predict EFG",
        LSTMConfig(framing="n-char-output", window=3, units=32, epochs=500, batch_size=1, horizon=3),
        None,
        "three letters as three time steps; the answer is the next 3 letters at once",
        "An encoder LSTM sums up the window, a decoder LSTM unrolls it into one letter per position; "
        "the recursive way (a one-letter model fed its own answers) carries its mistakes forward.",
    ),
}


def about(name: str) -> Preset:
    """A framing's :class:`Preset` (title, what it feeds, its lesson), the tutorial's six or not.

    >>> about("n-char-output").tutorial_accuracy is None, about("naive").tutorial_accuracy
    (True, 84.0)
    """
    preset(name)  # refuses an unknown name in one sentence
    return EXTRA_PRESETS[name] if name in EXTRA_PRESETS else PRESETS[name]


def preset(name: str) -> LSTMConfig:
    """The starting settings of a framing, e.g. ``preset("stateful").epochs == 300``.

    The tutorial's six come from ``PRESETS``; the others from ``EXTRA_PRESETS``.
    """
    if name in EXTRA_PRESETS:
        return EXTRA_PRESETS[name].config
    if name not in PRESETS:
        reject("framing", name, "choose one of " + ", ".join(ALL_FRAMINGS))
    return PRESETS[name].config


def seed_sweep(count: int) -> list[int]:
    """The seeds of a sweep of ``count`` runs: the tutorial's 7, then 8, 9, ...

    >>> seed_sweep(3)
    [7, 8, 9]
    >>> seed_sweep(0)
    Traceback (most recent call last):
    ...
    lstm_core.validation.Refusal: seeds=0 is not allowed: it must be a whole number from 1 to 30.
    """
    check_int("seeds", count, 1, MAX_SEEDS)
    return list(range(FIRST_SEED, FIRST_SEED + count))


def sweep(
    framings: list[str], seeds: int, epochs: int | None = None, epochs_scale: float = 1.0
) -> list[LSTMConfig]:
    """Each framing's tutorial preset once per seed of :func:`seed_sweep`, framing by framing.

    ``epochs`` replaces the presets' epochs; else ``epochs_scale`` scales them (at least 1)::

        >>> [(c.framing, c.epochs, c.seed) for c in sweep(["naive", "stateful"], 2, epochs_scale=0.1)]
        [('naive', 50, 7), ('naive', 50, 8), ('stateful', 30, 7), ('stateful', 30, 8)]
    """
    configs = []
    for name in framings:
        base = preset(name)
        count = epochs if epochs is not None else max(1, round(base.epochs * epochs_scale))
        base = base.replace(epochs=count)
        configs += [base.replace(seed=s) for s in seed_sweep(seeds)]
    return configs


def check_sweep_cost(configs: list[LSTMConfig]) -> None:
    """Raise ``ValueError`` if a sweep is too big for the shared server (the app's Compare),
    saying how many seeds of these framings fit.

    >>> check_sweep_cost(sweep(["variable-length"], 10))
    Traceback (most recent call last):
    ...
    ValueError: This comparison is 25,000,000 LSTM steps, the limit is 6,000,000: these framings at \
these epochs allow at most 2 seeds. Lower the seeds or the epochs scale (variable-length is the \
expensive one).
    """
    framings = list(dict.fromkeys(c.framing for c in configs))
    per_seed = {}  # one seed's work per framing (every seed of a framing costs the same)
    for c in configs:
        per_seed.setdefault(c.framing, c.work)
    fit = min(MAX_SEEDS, MAX_SWEEP_RUNS // max(1, len(framings)),
              MAX_SWEEP_WORK // max(1, sum(per_seed.values())))
    allowed = f"these framings at these epochs allow at most {fit} seed{'' if fit == 1 else 's'}"
    if len(configs) > MAX_SWEEP_RUNS:
        raise ValueError(
            f"{len(configs)} runs is too many: at most {MAX_SWEEP_RUNS}, so {allowed}. "
            "Use fewer framings or seeds."
        )
    work = sum(c.work for c in configs)
    if work > MAX_SWEEP_WORK:
        raise ValueError(
            f"This comparison is {work:,} LSTM steps, the limit is {MAX_SWEEP_WORK:,}: {allowed}. "
            "Lower the seeds or the epochs scale (variable-length is the expensive one)."
        )


def get_default_config() -> LSTMConfig:
    """The configuration the app and CLI start from: the tutorial's first framing."""
    return preset("naive")

"""The truncated-backpropagation experiment: does training reach back as far as state does?

On delayed recall with delay k (``XabcY ZabcW ...``, see :mod:`lstm_core.data.texts`), three
framings, several seeds each:

- **(a) stateful, 1 time step per update**: the state *can* carry the cue letter forward,
  but each weight update backpropagates through one time step only, so nothing teaches the
  network to store the cue. Theory: the context-free ceiling (the recalled letter right
  half the time at best).
- **(b) stateful, k + 1 time steps per update**: chunks as long as one run; the gradient
  of the recall reaches the cue inside the chunk. Theory: 100%.
- **(c) timestep-window, window k + 1**: every sample holds its cue. Theory: 100%.

The engine returns numbers; the page words them. Every run trains in one call of
``train_all`` (:func:`lstm_core.train.trainer.train_many` by default: the seeds of an arm side by
side in one compiled function, the arms on both cores)::

    >>> [(arm, cfg.framing, cfg.time_steps) for arm, _, cfg in experiment_configs(4, seeds=[7])]
    [('a', 'stateful', 1), ('b', 'stateful', 5), ('c', 'timestep-window', 5)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lstm_core.analysis import inference
from lstm_core.config import LSTMConfig
from lstm_core.data import texts
from lstm_core.data.ceiling import best_share, ceiling

ARMS = {
    "a": "stateful, 1 step per update",
    "b": "stateful, k+1 steps per update",
    "c": "timestep-window, window k+1",
}
UNITS = 16
EPOCHS = 400
LEARNING_RATE = 0.01  # ten times Keras's default: the three arms settle within 400 epochs
RUNS = 20  # runs of the task in the text: 10 of each cue
TEXT_SEED = 0  # the shuffled cue order of the "random" text (the same for every model seed)


def experiment_text(k: int, order: str = "alternating") -> str:
    return texts.delayed_recall(k, RUNS, order=order, seed=TEXT_SEED)


def experiment_configs(
    k: int = 4, seeds: Iterable[int] = (7, 8, 9), order: str = "alternating"
) -> list[tuple[str, int, LSTMConfig]]:
    """(arm, seed, config) for every arm and seed, on ``delayed_recall(k, order=order)``."""
    text = experiment_text(k, order)
    common = {
        "sequence": text,
        "units": UNITS,
        "epochs": EPOCHS,
        "learning_rate": LEARNING_RATE,
        "batch_size": 1,
    }
    stateful = {**common, "framing": "stateful", "window": 1, "shuffle": False, "stateful": True}
    arms = {
        "a": LSTMConfig(**stateful, steps_per_update=1),
        "b": LSTMConfig(**stateful, steps_per_update=k + 1),
        "c": LSTMConfig(**common, framing="timestep-window", window=k + 1, shuffle=True),
    }
    return [(arm, seed, arms[arm].replace(seed=seed)) for seed in seeds for arm in ARMS]


def predicted_positions(config: LSTMConfig) -> np.ndarray:
    """Text position of the letter each prediction-table row predicts, in table order."""
    n = config.num_examples * (config.time_steps if config.per_step else 1)
    offset = 1 if config.per_step else config.window
    return np.arange(n) + offset


@dataclass
class Outcome:
    arm: str  # "a", "b" or "c"
    seed: int
    config: LSTMConfig
    accuracy: float  # 0..1 over every prediction the framing makes
    recall_accuracy: float  # 0..1 over the recalled letters only (the ones that need memory)
    ceiling: float  # best accuracy the framing's window allows, from the data
    recall_ceiling: float  # the same, for the recalled letters only
    history: list  # EpochLog per epoch
    seconds: float
    run: object = None  # the trained run itself, for the forward view
    cue_beyond: float = 0.0  # occlusion of the cue at a recall, when the cue lies outside the update
    max_beyond: float = 0.0  # largest occlusion from any letter outside the update's own sample
    stopped: bool = False  # a stop ended its training early: scored as far as it got


def _ceilings(config: LSTMConfig, arm: str, k: int) -> tuple[float, float]:
    """What theory allows each arm: (all predictions, recalled letters).

    (a) learns from one step of backpropagation: what the current letter tells (window 1).
    (b) and (c) see k + 1 letters: the cue is always among them.
    """
    text = config.sequence
    window = 1 if arm == "a" else k + 1
    answers = {answer for _, answer in texts.RECALL_CUES}
    recalls = [(text[i - window : i], text[i]) for i in range(window, len(text)) if text[i] in answers]
    return ceiling(text, window), best_share(recalls)


def score(arm: str, seed: int, run, k: int) -> Outcome:
    """Accuracy overall and on the recalled letters for one trained run."""
    config = run.config
    correct = inference.prediction_table(run)["correct"].to_numpy()
    answers = {answer for _, answer in texts.RECALL_CUES}
    positions = predicted_positions(config)
    recalled = np.array([config.sequence[p] in answers for p in positions])
    top, top_recall = _ceilings(config, arm, k)
    cue, most = influence_beyond_update(run, k)
    return Outcome(
        arm,
        seed,
        config,
        float(correct.mean()),
        float(correct[recalled].mean()),
        top,
        top_recall,
        list(run.history),
        run.seconds,
        run,
        cue,
        most,
        bool(getattr(run, "stopped", False)),
    )


def recall_step(k: int) -> int:
    """Letters read before the first recall of the text's second half (cue + fillers included)."""
    return (RUNS // 2) * (k + 1) + k


def influence_beyond_update(run, k: int) -> tuple[float, float]:
    """(cue, largest) occlusion at that recall from letters *outside* the update's own sample.

    Those letters reach the prediction only through carried state; no gradient of an update
    ever flowed through them. A window model reads none of them, so both are exactly 0 there.
    """
    from lstm_core.analysis.influence import influence

    step = recall_step(k)
    result = influence(run, run.config.sequence[:step], step)
    config = run.config
    if config.per_step:
        own = (step - 1) % config.steps_per_update + 1  # letters of this chunk read so far
    else:
        own = config.window
    outside = [r.occlusion for r in result.rows if r.back >= own]
    cue = result.rows[k - 1]
    return (cue.occlusion if cue.back >= own else 0.0), max(outside, default=0.0)


def label(arm: str, seed: int) -> str:
    """The label a run of the experiment goes by, e.g. ``(a) seed 7``: unique per arm and seed."""
    return f"({arm}) seed {seed}"


def score_runs(
    plan: Sequence[tuple[str, int, LSTMConfig]], runs: Mapping[str, object], k: int
) -> list[Outcome]:
    """Score the runs of ``plan`` (from :func:`experiment_configs`) found in ``runs``, keyed by
    :func:`label`, in plan order; a run missing from ``runs`` is left out, never shifted."""
    return [score(arm, seed, runs[label(arm, seed)], k) for arm, seed, _ in plan if label(arm, seed) in runs]


def run_experiment(
    k: int = 4,
    seeds: Iterable[int] = (7, 8, 9),
    train_fn: Callable[[LSTMConfig], object] | None = None,
    on_start: Callable[[int, int, str, int], None] | None = None,
    order: str = "alternating",
    train_all: Callable[[list[LSTMConfig]], Sequence[object]] | None = None,
) -> list[Outcome]:
    """Train every arm for every seed and score it, in :func:`experiment_configs` order.

    All runs train in one call, ``train_all(configs) -> runs`` (default
    :func:`lstm_core.train.trainer.train_many`; the app passes its gated version, with progress
    and Stop). A run a stop left unfinished is scored as it is (``Outcome.stopped``), so a
    stop keeps every model. Given ``train_fn(config) -> run`` instead, the runs train one
    after another, with ``on_start(i, total, arm, seed)`` before each.
    """
    plan = experiment_configs(k, seeds, order)
    if train_fn is not None:
        runs = []
        for i, (arm, seed, config) in enumerate(plan):
            if on_start is not None:
                on_start(i, len(plan), arm, seed)
            runs.append(train_fn(config))
    else:
        if train_all is None:
            from lstm_core.train.trainer import train_many as train_all
        runs = list(train_all([config for _, _, config in plan]))
    return [score(arm, seed, run, k) for (arm, seed, _), run in zip(plan, runs, strict=True)]


def verdict(outcomes, k: int) -> list[tuple[str, str]]:
    """(kind, sentence) pairs, in words, per arm: kind is 'ok' when theory held, 'surprise' when not.

    Arms (b) and (c) can recall every letter (the cue is inside the sample); arm (a) cannot do
    better than chance (no update's gradient reaches the cue). A run a stop ended early gets no
    verdict on the training it did not get::

        >>> from types import SimpleNamespace as O
        >>> done = [O(arm="b", seed=7, recall_accuracy=1.0, stopped=False),
        ...         O(arm="c", seed=7, recall_accuracy=1.0, stopped=False),
        ...         O(arm="a", seed=7, recall_accuracy=0.5, recall_ceiling=0.5, stopped=False)]
        >>> [kind for kind, _ in verdict(done, 4)]
        ['ok', 'ok', 'ok']
        >>> print(verdict(done, 4)[2][1])  # doctest: +NORMALIZE_WHITESPACE
        (a) stateful, 1 step per update: no seed recalls better than chance (50%), as truncated
        backpropagation predicts.
    """
    by_arm: dict[str, list] = {}
    for o in outcomes:
        by_arm.setdefault(o.arm, []).append(o)
    return [full_recall_verdict(arm, by_arm.get(arm, [])) for arm in ("b", "c")] + [
        chance_verdict(by_arm.get("a", []), k)
    ]


def full_recall_verdict(arm: str, runs: list) -> tuple[str, str]:
    """Arm (b) or (c): every seed should recall every letter; stalled and stopped seeds are named."""
    hit = sum(o.recall_accuracy == 1.0 for o in runs)
    sentence = (
        f"({arm}) {ARMS[arm]}: {hit} of {len(runs)} seeds recall every letter "
        "(theory: all can, since the cue is inside the sample)."
    )
    stalled = [o for o in runs if o.recall_accuracy < 1.0 and not getattr(o, "stopped", False)]
    stopped = [o for o in runs if o.recall_accuracy < 1.0 and getattr(o, "stopped", False)]
    if stalled:
        stuck = ", ".join(f"seed {o.seed} (final loss {o.history[-1].loss:.2f})" for o in stalled)
        sentence += f" Not yet there after {EPOCHS} epochs: {stuck}; training stalled, the framing allows it."
    if stopped:  # a Stop ended them early: no verdict on training they did not get
        cut = ", ".join(f"seed {o.seed} ({o.history[-1].epoch if o.history else 0} epochs)" for o in stopped)
        sentence += f" Stopped before the end: {cut}."
    return ("ok" if hit == len(runs) else "surprise", sentence)


def chance_verdict(runs: list, k: int) -> tuple[str, str]:
    """Arm (a): no seed should recall better than chance (no gradient reaches the cue)."""
    chance = max((o.recall_ceiling for o in runs), default=0.5)
    above = [o for o in runs if o.recall_accuracy > chance]
    if not above:
        return (
            "ok",
            f"(a) {ARMS['a']}: no seed recalls better than chance ({100 * chance:.0f}%), "
            "as truncated backpropagation predicts.",
        )
    best = max(o.recall_accuracy for o in above)
    return (
        "surprise",
        f"(a) {ARMS['a']}: {len(above)} of {len(runs)} seeds recall better than chance "
        f"(best {100 * best:.0f}%), although no weight update's gradient ever reached the cue "
        f"{k} steps back. Theory said {100 * chance:.0f}% at most: theory and result disagree.",
    )

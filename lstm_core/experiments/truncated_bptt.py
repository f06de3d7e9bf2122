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
from dataclasses import dataclass, field
from math import comb

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
    recall_right: int = 0  # recalled letters predicted right (recall_accuracy = right / total)
    recall_total: int = 0  # recalled letters predicted

    @property
    def epochs(self) -> int:
        """Epochs it trained: 0 when a Stop came before its first epoch ended."""
        return self.history[-1].epoch if self.history else 0


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
        int(correct[recalled].sum()),
        int(recalled.sum()),
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


ALPHA = 0.05  # a count is "better than chance" when chance gives it less often than this


def p_at_least(right: int, total: int, chance: float) -> float:
    """P(X >= right) for X ~ Binomial(total, chance): how often guessing does at least this well.

    Exact (a sum of ``math.comb`` terms). 12 of 20 coin flips happen a quarter of the time;
    17 of 20 about once in a thousand::

        >>> round(p_at_least(12, 20, 0.5), 4), round(p_at_least(17, 20, 0.5), 4)
        (0.2517, 0.0013)
        >>> p_at_least(0, 20, 0.5)
        1.0
    """
    tail = sum(comb(total, i) * chance**i * (1 - chance) ** (total - i) for i in range(right, total + 1))
    return min(1.0, tail)


@dataclass(frozen=True)
class ChanceTest:
    """One finished seed of arm (a) against chance on the recalled letters."""

    seed: int
    right: int
    total: int
    p_value: float  # P(at least ``right`` of ``total`` by guessing at the chance rate)
    beats_chance: bool  # p_value below the threshold (ALPHA shared by the seeds tested)


@dataclass(frozen=True)
class ArmVerdict:
    """What one arm's runs say about its theory; the page words it.

    ``kind``: "ok" (theory held), "surprise" (theory and result disagree) or "stopped" (no
    finished run: no verdict). Only runs that trained every epoch are judged.
    """

    arm: str
    kind: str
    finished: int  # runs that trained every epoch: the only ones judged
    hits: int  # (b), (c): finished seeds recalling every letter; (a): finished seeds beating chance
    stopped: list[tuple[int, int]] = field(default_factory=list)  # (seed, epochs trained) cut short by a Stop
    stalled: list[tuple[int, float]] = field(default_factory=list)  # (b), (c): (seed, loss) below 100%
    tests: list[ChanceTest] = field(default_factory=list)  # (a): one per finished seed
    chance: float = 0.5  # (a): the rate a context-free guess reaches on the recalled letters
    threshold: float = ALPHA  # (a): the p-value a seed must stay under (ALPHA / seeds tested)


def verdict(outcomes) -> list[ArmVerdict]:
    """One :class:`ArmVerdict` per arm, (b), (c) then (a).

    Arms (b) and (c) can recall every letter (the cue is inside the sample); arm (a) cannot do
    better than chance (no update's gradient reaches the cue), which an exact binomial test per
    seed checks (:func:`p_at_least`; the threshold is split between the seeds, so three lucky
    draws at 5% each do not add up to a finding). A run a Stop ended early is never judged::

        >>> from types import SimpleNamespace as O
        >>> def run(arm, right, stopped=False):
        ...     return O(arm=arm, seed=7, recall_right=right, recall_total=20, recall_accuracy=right / 20,
        ...              recall_ceiling=0.5, stopped=stopped, epochs=123 if stopped else 400, history=[])
        >>> [v.kind for v in verdict([run("b", 20), run("c", 20), run("a", 12)])]  # 12 of 20: chance
        ['ok', 'ok', 'ok']
        >>> round(verdict([run("a", 12)])[2].tests[0].p_value, 2)
        0.25
        >>> verdict([run("a", 20, stopped=True)])[2].kind, verdict([run("a", 20, stopped=True)])[2].stopped
        ('stopped', [(7, 123)])
    """
    by_arm: dict[str, list] = {}
    for o in outcomes:
        by_arm.setdefault(o.arm, []).append(o)
    return [full_recall_verdict(arm, by_arm.get(arm, [])) for arm in ("b", "c")] + [
        chance_verdict(by_arm.get("a", []))
    ]


def stopped_runs(runs: list) -> list[tuple[int, int]]:
    """(seed, epochs trained) of the runs a Stop cut short."""
    return [(o.seed, o.epochs) for o in runs if o.stopped]


def full_recall_verdict(arm: str, runs: list) -> ArmVerdict:
    """Arm (b) or (c): every finished seed should recall every letter; stalled ones are named."""
    done = [o for o in runs if not o.stopped]
    hit = sum(o.recall_accuracy == 1.0 for o in done)
    stalled = [(o.seed, o.history[-1].loss) for o in done if o.recall_accuracy < 1.0 and o.history]
    kind = "stopped" if not done else "ok" if hit == len(done) else "surprise"
    return ArmVerdict(arm, kind, len(done), hit, stopped=stopped_runs(runs), stalled=stalled)


def chance_verdict(runs: list) -> ArmVerdict:
    """Arm (a): no finished seed should recall better than chance (no gradient reaches the cue)."""
    done = [o for o in runs if not o.stopped]
    chance = max((o.recall_ceiling for o in runs), default=0.5)
    threshold = ALPHA / max(1, len(done))
    tests = []
    for o in done:
        p = p_at_least(o.recall_right, o.recall_total, chance)
        tests.append(ChanceTest(o.seed, o.recall_right, o.recall_total, p, p < threshold))
    hits = sum(t.beats_chance for t in tests)
    kind = "stopped" if not done else "surprise" if hits else "ok"
    return ArmVerdict("a", kind, len(done), hits, stopped=stopped_runs(runs), tests=tests,
                      chance=chance, threshold=threshold)

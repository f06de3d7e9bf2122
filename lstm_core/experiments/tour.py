"""The guided tour's steps: what each asks, what it can be answered with, and its evidence.

Eight steps along the tutorial's story (issue 25). Each :class:`Step` names the answers it
offers (``choices``; none means a percentage) and a function computing its evidence from the
shipped trained presets (:mod:`lstm_core.store.pretrained`) or exactly from the data: numpy
only, no TensorFlow, no training, and no figure typed in. The page (``ui/views/tour_page``)
words the questions and the evidence (``ui/text/tour.py``)::

    >>> [s.key for s in STEPS]
    ['tensor', 'naive', 'gap', 'timesteps', 'stateful', 'within-batch', 'memory', 'reach']
    >>> ev = step("stateful").evidence()
    >>> ev.outcome, ev.figures["cold"], ev.figures["warm"]
    ('B', 'KBCDEF', 'KLMNOP')
    >>> matches(step("stateful"), "B", ev), matches(step("naive"), 90, step("naive").evidence())
    (True, False)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lstm_core.analysis import inference
from lstm_core.analysis.influence import influence
from lstm_core.analysis.stats import permutation_test
from lstm_core.data import texts
from lstm_core.data.ceiling import ceiling, dataset_ceiling, stateful_ceiling
from lstm_core.data.dataset import grid_row
from lstm_core.data.framings import make_dataset
from lstm_core.experiments.compare import SEEDS_TO_ANSWER, SURE
from lstm_core.model.results import TrainResult
from lstm_core.model.variant import variant_of
from lstm_core.presets import PRESETS, preset
from lstm_core.store import pretrained

CLOSE = 5.0  # points: a predicted percentage this near what happened counts as right
START = "K"  # the letter the stateful step starts from (the tutorial's own example)
SAME_PROBS = 1e-9  # probabilities closer than this are the same (float rounding, not state)
REACH = 0.01  # a letter "changes the prediction" when swapping it moves p by at least this


@dataclass(frozen=True)
class Evidence:
    """What the app's own models did: ``outcome`` in the question's terms (a choice, or a
    percentage), the named ``figures`` the page words, and a ``table`` to look at."""

    outcome: str | float
    figures: dict[str, float | str | int]
    table: pd.DataFrame | None = None


@dataclass(frozen=True)
class Step:
    key: str
    choices: tuple[str, ...]  # the answers offered; empty: a percentage, 0 to 100
    evidence: Callable[[], Evidence] = field(repr=False)
    lab: dict[str, str] | None = None  # the Lab's URL parameters showing this step's settings
    page: str = "lab"  # where to dig further: lab, compare, generate, state or memory

    @property
    def numeric(self) -> bool:
        return not self.choices


def shipped(name: str) -> TrainResult:
    """The shipped trained preset ``name``; ``LookupError`` if its files are missing."""
    run = pretrained.preset_run(name)
    if run is None:
        raise LookupError(f"the shipped preset {name!r} is missing: run {pretrained.MADE_BY}")
    return run


def percent(run: TrainResult) -> float:
    """A run's accuracy in percent, as the Lab and the Overview show it."""
    return 100 * inference.accuracy(run)


def shape_label(shape) -> str:
    """``(23, 3, 1)`` -> ``"[23, 3, 1]"``, the way the Overview writes a tensor's shape."""
    return "[" + ", ".join(str(int(n)) for n in shape) + "]"


# -- 1. what a framing feeds --------------------------------------------------------------
def _config_shape(name: str) -> tuple[int, int, int]:
    c = PRESETS[name].config
    return c.num_examples, c.time_steps, c.features


def tensor_choices() -> tuple[str, ...]:
    """Naive's, feature-window's and timestep-window's shapes, and three steps of 25 samples
    (the slip of forgetting that a window of three leaves fewer samples)."""
    shapes = [_config_shape(n) for n in ("naive", "feature-window", "timestep-window")]
    slip = (shapes[0][0], shapes[2][1], shapes[2][2])
    return tuple(shape_label(s) for s in [*shapes, slip])


def tensor_evidence() -> Evidence:
    rows, figures = [], {}
    for name in ("naive", "feature-window", "timestep-window"):
        data = shipped(name).dataset
        figures[name.replace("-", "_")] = shape = shape_label(data.X.shape)
        first = " ".join(grid_row(data.config, data.inputs[0]))
        rows.append({"framing": name, "shape": shape, "first sample": first,
                     "fed as": fed_as(data.X[0]), "next letter": data.targets[0]})
    tw = shipped("timestep-window").dataset
    figures.update(letters=len(shipped("naive").dataset.X), window_samples=len(tw.X),
                   first_target=tw.targets[0])
    return Evidence(figures["timestep_window"], figures, pd.DataFrame(rows))


def fed_as(sample: np.ndarray) -> str:
    """One sample's numbers, time step by time step.

    >>> fed_as(np.array([[0.0], [0.0385], [0.0769]], np.float32))
    'step 1: 0 · step 2: 0.038 · step 3: 0.077'
    """
    def num(v: float) -> str:
        return f"{v:.3f}".rstrip("0").rstrip(".")

    return " · ".join(f"step {t + 1}: " + ", ".join(num(v) for v in row) for t, row in enumerate(sample))


# -- 2. naive at the tutorial's settings ----------------------------------------------------
def naive_evidence() -> Evidence:
    run = shipped("naive")
    table = inference.prediction_table(run)
    wrong = table[~table["correct"]][["input", "expected", "predicted"]].reset_index(drop=True)
    acc = percent(run)
    where = {ch: i for i, ch in enumerate(run.config.vocab)}
    off = max((abs(where[p] - where[e]) for p, e in zip(wrong["predicted"], wrong["expected"])), default=0)
    return Evidence(acc, {"accuracy": acc, "wrong": len(wrong), "samples": len(table), "off_most": off,
                          "epochs": run.config.epochs, "gap": 1 / len(run.config.vocab)}, wrong)


# -- 3. naive against feature-window: real or luck? -----------------------------------------
def gap_evidence() -> Evidence:
    """The tutorial's one run each, redone by the shipped seed-7 runs, and the permutation test."""
    a_run, b_run = shipped("naive"), shipped("feature-window")
    a, b = percent(a_run), percent(b_run)
    test = permutation_test([a], [b])
    if test.smallest_p > SURE:
        outcome = "cannot-tell"
    else:
        outcome = "real" if test.p_value <= SURE else "luck"
    n_a, n_b = a_run.config.num_examples, b_run.config.num_examples
    return Evidence(outcome, {
        "naive": a, "window": b, "gap": abs(a - b), "p": test.p_value,
        "smallest_p": test.smallest_p, "seeds_needed": SEEDS_TO_ANSWER, "sure": SURE,
        "naive_samples": n_a, "window_samples": n_b,
        "naive_letter": 100 / n_a, "window_letter": 100 / n_b,
        "naive_right": round(a * n_a / 100), "window_right": round(b * n_b / 100),
    })


# -- 4. letters as time steps ----------------------------------------------------------------
def timesteps_evidence() -> Evidence:
    fw, tw = percent(shipped("feature-window")), percent(shipped("timestep-window"))
    outcome = "same" if abs(tw - fw) < 0.01 else "higher" if tw > fw else "lower"
    return Evidence(outcome, {"feature_window": fw, "timestep_window": tw,
                              "epochs": PRESETS["timestep-window"].config.epochs})


# -- 5. stateful: cold K against warm K --------------------------------------------------------
def stateful_choices() -> tuple[str, ...]:
    """The letter after K in the text, the text's second and first letters, and K itself."""
    seq = PRESETS["stateful"].config.sequence
    return seq[seq.index(START) + 1], seq[1], seq[0], START


def stateful_evidence() -> Evidence:
    run = shipped("stateful")
    cold = inference.generate(run, START, steps=5)
    warm = inference.generate(run, START, steps=5, warm=True)
    table = pd.DataFrame({
        "from": ["fresh state (cold)", f"state after {warm.warmup[0]}–{warm.warmup[-1]} (warm)"],
        "generates": [cold.text, warm.text],
        "p(first letter)": [round(g.steps[0].probability, 3) for g in (cold, warm)],
    })
    return Evidence(cold.text[1], {"cold": cold.text, "warm": warm.text, "warmup": warm.warmup,
                                   "cold_p": cold.steps[0].probability, "warm_p": warm.steps[0].probability,
                                   "start": START}, table)


# -- 6. the within-batch claim ----------------------------------------------------------------
def within_batch_evidence() -> Evidence:
    """The shipped whole-batch model answers each letter alone, in its batch of 25, and in
    that batch reversed: if state flowed from sample to sample the answers would differ."""
    run = shipped("whole-batch")
    data, predict = run.dataset, variant_of(run.config).predict
    together = predict(run.weights, data.X, data.mask)
    alone = np.concatenate([predict(run.weights, data.X[i : i + 1], data.mask[i : i + 1])
                            for i in range(len(data.X))])
    reversed_ = predict(run.weights, data.X[::-1], data.mask[::-1])[::-1]
    diff = float(max(np.abs(together - alone).max(), np.abs(together - reversed_).max()))
    timeline = inference.reset_timeline(run.config)
    zero = int((timeline["source"] == inference.StateSource.ZERO.value).sum())
    return Evidence("yes" if diff >= SAME_PROBS else "no", {
        "difference": diff, "accuracy": percent(run), "batch_size": run.config.batch_size,
        "samples": len(data.X), "zero_starts": zero, "epochs": run.config.epochs,
    })


# -- 7. what state is for -------------------------------------------------------------------
def memory_text() -> str:
    """The counting text of the Overview's memory lesson: ``aaaabbbccd`` six times."""
    return texts.counting(6)


def memory_evidence() -> Evidence:
    """Ceilings, exact from the data: the best any model can do seeing this much."""
    text = memory_text()
    best = "best possible (%)"
    rows = [{"sees": f"the last {w} letter{'s' if w > 1 else ''}", best: round(100 * ceiling(text, w), 2)}
            for w in (1, 2, 3, 4)]
    carried = round(100 * stateful_ceiling(make_dataset(preset("stateful").replace(sequence=text))), 2)
    rows.append({"sees": "everything read so far (stateful)", "best possible (%)": carried})
    alphabet = 100 * dataset_ceiling(shipped("naive").dataset)
    one = rows[0][best]
    return Evidence(one, {"one": one, "three": rows[2][best], "four": rows[3][best],
                          "stateful": carried, "alphabet": alphabet, "text": text[:10]},
                    pd.DataFrame(rows))


# -- 8. how far back training reaches ---------------------------------------------------------
def reach_evidence() -> Evidence:
    """Occlusion on the shipped stateful model after reading A..K: does a letter the update
    never saw (anything before the current one) change what it predicts?"""
    run = shipped("stateful")
    seq = run.config.sequence
    text = seq[: seq.index(START) + 1]
    result = influence(run, text)
    own = run.config.window * run.config.steps_per_update  # letters inside one update's sample
    beyond = [r for r in result.rows if r.back >= own]
    top = max(beyond, key=lambda r: r.occlusion)
    table = pd.DataFrame([{"letters back": r.back, "letter": r.fed,
                           "largest change of p": round(r.occlusion, 4)} for r in result.rows])
    return Evidence("yes" if top.occlusion >= REACH else "no", {
        "predicted": result.predicted, "probability": result.probability, "text": text,
        "own": own, "top_letter": top.fed, "top_back": top.back, "top_change": top.occlusion,
        "reached": sum(r.occlusion >= REACH for r in beyond), "beyond": len(beyond), "reach": REACH,
    }, table)


def facts() -> dict[str, int | str]:
    """The settings the questions name, from the presets (what was trained, never a result).

    >>> facts()["units"], facts()["epochs"], facts()["start"]
    (32, 500, 'K')
    """
    naive, whole = PRESETS["naive"].config, PRESETS["whole-batch"].config
    return {"units": naive.units, "epochs": naive.epochs, "samples": naive.num_examples,
            "letters": len(naive.vocab), "start": START, "text": memory_text()[:10],
            "batch": whole.batch_size, "close": CLOSE}


def _cached(fn: Callable[[], Evidence]) -> Callable[[], Evidence]:
    # The shipped runs never change in a process, so neither does their evidence.
    return functools.cache(fn)


STEPS: tuple[Step, ...] = (
    Step("tensor", tensor_choices(), _cached(tensor_evidence), {"framing": "timestep-window"}),
    Step("naive", (), _cached(naive_evidence), {"framing": "naive"}),
    Step("gap", ("real", "luck", "cannot-tell"), _cached(gap_evidence), None, "compare"),
    Step("timesteps", ("lower", "same", "higher"), _cached(timesteps_evidence),
         {"framing": "timestep-window"}),
    Step("stateful", stateful_choices(), _cached(stateful_evidence), {"framing": "stateful"}, "generate"),
    Step("within-batch", ("yes", "no"), _cached(within_batch_evidence), {"framing": "whole-batch"}, "state"),
    Step("memory", (), _cached(memory_evidence), {"framing": "naive", "sequence": memory_text()}),
    Step("reach", ("no", "yes"), _cached(reach_evidence), None, "memory"),
)


def step(key: str) -> Step:
    """The step called ``key``; ``KeyError`` if none is."""
    for s in STEPS:
        if s.key == key:
            return s
    raise KeyError(key)


def matches(s: Step, answer: str | float | None, evidence: Evidence) -> bool:
    """Whether a prediction came true: the same choice, or a percentage within ``CLOSE`` points.

    >>> matches(step("naive"), 84, Evidence(80.0, {})), matches(step("gap"), "real", Evidence("luck", {}))
    (True, False)
    """
    if answer is None:
        return False
    if s.numeric:
        return abs(float(answer) - float(evidence.outcome)) <= CLOSE
    return answer == evidence.outcome

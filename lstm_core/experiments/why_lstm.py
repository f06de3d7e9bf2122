"""Why LSTM? The three cells side by side, on a text that needs memory and on one that does not.

The Compare page's "Why LSTM?" preset. Each cell (LSTM, GRU, SimpleRNN) trains on two tasks,
several seeds each, with everything else equal:

- **the alphabet** (the tutorial's timestep-window preset: 3 letters as 3 time steps): every
  next letter follows from the current one, so no cell needs memory to reach 100%;
- **delayed recall** (``XabcdefgY ZabcdefgW ...``, :mod:`lstm_core.data.texts`): the letter at the
  end of a run depends on the cue ``DELAY`` steps back. Every sample holds its cue (a window
  of ``DELAY + 1`` letters), so the question is only whether the cell carries it that far and
  learns to. Scored on the recalled letters (the others are predictable from the letter before).

The engine returns numbers; the page words them::

    >>> [(task, cfg.cell, cfg.window, cfg.seed) for task, cfg in why_lstm_configs(seeds=1)][:4]
    [('alphabet', 'lstm', 3, 7), ('alphabet', 'gru', 3, 7), ('alphabet', 'simple', 3, 7), \
('delayed recall', 'lstm', 9, 7)]
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import numpy as np
import pandas as pd

from lstm_core.analysis import inference
from lstm_core.config import CELLS, MAX_SWEEP_RUNS, MAX_SWEEP_WORK, LSTMConfig
from lstm_core.data import texts
from lstm_core.limits.shape import CELL_NAMES
from lstm_core.presets import preset, seed_sweep

DELAY = 8  # steps from cue to recalled letter: a SimpleRNN's gradient fades over that many
RUNS = 20  # runs of the task in the text: 10 of each cue
UNITS = 16
EPOCHS = 400
LEARNING_RATE = 0.01  # as the Memory page's experiment: every cell settles within 400 epochs
TASK_NAMES = ("alphabet", "delayed recall")


def why_lstm_configs(
    seeds: int = 3, delay: int = DELAY, epochs_scale: float = 1.0
) -> list[tuple[str, LSTMConfig]]:
    """(task, config) for every task, cell and seed (seeds 7, 8, ... as every sweep)."""
    alphabet = preset("timestep-window")
    recall = LSTMConfig(
        framing="timestep-window", sequence=texts.delayed_recall(delay, RUNS), window=delay + 1,
        units=UNITS, epochs=EPOCHS, learning_rate=LEARNING_RATE,
    )
    out = []
    for task, base in zip(TASK_NAMES, (alphabet, recall)):
        base = base.replace(epochs=max(1, round(base.epochs * epochs_scale)))
        for seed in seed_sweep(seeds):
            out += [(task, base.replace(cell=cell, seed=seed)) for cell in CELLS]
    return out


def labelled(pairs: Sequence[tuple[str, LSTMConfig]]) -> list[tuple[str, LSTMConfig]]:
    """Each (task, config) as (label, config): the label its progress and result go by (unique).

    >>> [label for label, _ in labelled(why_lstm_configs(seeds=1))][:2]
    ['run 1/6 · alphabet, LSTM seed 7', 'run 2/6 · alphabet, GRU seed 7']
    """
    return [(f"run {k + 1}/{len(pairs)} · {task}, {CELL_NAMES[c.cell]} seed {c.seed}", c)
            for k, (task, c) in enumerate(pairs)]


def check_cost(configs: Sequence[LSTMConfig]) -> None:
    """Refuse (one sentence) a comparison too big for the shared server, as Compare's sweeps."""
    work = sum(c.work for c in configs)
    if len(configs) > MAX_SWEEP_RUNS or work > MAX_SWEEP_WORK:
        per_seed = work / max(1, len({c.seed for c in configs}))
        fit = int(min(MAX_SWEEP_RUNS // 6, MAX_SWEEP_WORK // max(1, per_seed)))
        raise ValueError(
            f"This comparison is {len(configs)} runs and {work:,} LSTM steps, the limit is "
            f"{MAX_SWEEP_RUNS} runs and {MAX_SWEEP_WORK:,} steps: at most {fit} seeds at this epochs "
            "scale. Lower the seeds or the epochs scale."
        )


def recall_mask(config: LSTMConfig) -> np.ndarray:
    """Which prediction-table rows predict a recalled letter (Y or W) of a delayed-recall text."""
    answers = {answer for _, answer in texts.RECALL_CUES}
    return np.array([config.sequence[i + config.window] in answers for i in range(config.num_examples)])


def score(task: str, run) -> dict:
    """One run's row: its task, cell, seed, and the accuracy that matters for the task (0..100)."""
    correct = inference.prediction_table(run)["correct"].to_numpy()
    if task == "delayed recall":
        correct = correct[recall_mask(run.config)]
    return {"task": task, "cell": CELL_NAMES[run.config.cell], "seed": run.config.seed,
            "accuracy": 100.0 * float(correct.mean()), "seconds": run.seconds}


def summary(rows: Sequence[dict]) -> pd.DataFrame:
    """Mean, min and max accuracy per task and cell, in the order they were trained.

    >>> rows = [{"task": "alphabet", "cell": "LSTM", "seed": s, "accuracy": a, "seconds": 1.0}
    ...         for s, a in ((7, 100.0), (8, 90.0))]
    >>> summary(rows).to_dict("records")
    [{'task': 'alphabet', 'cell': 'LSTM', 'runs': 2, 'mean': 95.0, 'min': 90.0, 'max': 100.0}]
    """
    out = []
    frame = pd.DataFrame(list(rows))
    for (task, cell), group in frame.groupby(["task", "cell"], sort=False):
        acc = group["accuracy"].tolist()
        out.append({"task": task, "cell": cell, "runs": len(acc), "mean": statistics.fmean(acc),
                    "min": min(acc), "max": max(acc)})
    return pd.DataFrame(out)


def words(table: pd.DataFrame) -> str:
    """The result in a sentence per task: which cell did best, on average over the seeds.

    >>> rows = [{"task": "alphabet", "cell": c, "seed": 7, "accuracy": a, "seconds": 1.0}
    ...         for c, a in (("LSTM", 100.0), ("GRU", 96.0))]
    >>> words(summary(rows))
    '**alphabet** (mean over seeds): LSTM 100.0%, GRU 96.0%.'
    """
    parts = []
    for task, group in table.groupby("task", sort=False):
        best = group.sort_values("mean", ascending=False)
        cells = ", ".join(f"{r.cell} {r.mean:.1f}%" for r in best.itertuples())
        parts.append(f"**{task}** (mean over seeds): {cells}.")
    return " ".join(parts)

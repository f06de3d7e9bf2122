"""The within-batch experiment: does state flow between the samples of one batch?

The tutorial's whole-batch framing (all 25 samples in one batch, shuffle off) reaches 100%,
and the tutorial credits state carried from sample to sample inside the batch. Keras does
not do that: a batch's rows start from zero state (stateless) and each update averages the
same gradients whatever their order. Three arms, same seed, 16 units, 5000 epochs:

- **shuffle off**: the tutorial's run;
- **shuffle on**: the same with the samples shuffled every epoch (if order mattered, this breaks it);
- **batch of 1**: a control with no batch at all (one sample per update, as the naive framing).

The configs and the labelled table are here; the training is the caller's (the app passes its
gated runner, the tests a fake)::

    >>> [(label, c.batch_size, c.shuffle) for label, c in arm_configs()]
    [('shuffle off', 25, False), ('shuffle on', 25, True), ('batch of 1', 1, True)]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from lstm_core.analysis import inference
from lstm_core.config import LSTMConfig
from lstm_core.presets import preset

# The arms: the tutorial's run, the same with shuffling, and a control with no batch at all
# (one sample per update, as in the naive framing) but the same 5000 epochs.
ARMS = (
    ("shuffle off", {"shuffle": False}),
    ("shuffle on", {"shuffle": True}),
    ("batch of 1", {"shuffle": True, "batch_size": 1}),
)
SAME = 0.01  # points: two accuracies closer than this are the same


def arm_configs() -> list[tuple[str, LSTMConfig]]:
    """(label, config) of every arm: the whole-batch preset, changed as the arm says."""
    return [(label, preset("whole-batch").replace(**changes)) for label, changes in ARMS]


def outcome(label: str, run) -> dict:
    """One arm's row: label, accuracy (0..100), history, seconds and batch size."""
    return {
        "label": label,
        "accuracy": 100 * inference.accuracy(run),
        "history": run.history,
        "seconds": run.seconds,
        "batch_size": run.config.batch_size,
    }


def outcomes(runs: Mapping[str, object]) -> list[dict] | None:
    """The table of every arm, in arm order, from runs keyed by label; None unless every arm ran
    (the experiment compares the three: a stopped one leaves nothing to compare)."""
    if any(label not in runs for label, _ in ARMS):
        return None
    return [outcome(label, runs[label]) for label, _ in ARMS]


def run_experiment(train_all: Callable[[list[LSTMConfig]], Sequence[object]]) -> list[dict] | None:
    """Train every arm with ``train_all(configs) -> runs`` (in order) and table them."""
    pairs = arm_configs()
    runs = train_all([c for _, c in pairs])
    return outcomes({label: run for (label, _), run in zip(pairs, runs, strict=True)})


def shuffle_gap(rows: Sequence[dict]) -> float:
    """Points between shuffle off and shuffle on (0 when state does not flow within a batch).

    >>> shuffle_gap([{"label": "shuffle off", "accuracy": 100.0}, {"label": "shuffle on", "accuracy": 96.0}])
    4.0
    """
    by_label = {r["label"]: r["accuracy"] for r in rows}
    return abs(by_label["shuffle off"] - by_label["shuffle on"])


def control(rows: Sequence[dict]) -> float:
    """The accuracy of the control arm (batch of 1)."""
    return next(r["accuracy"] for r in rows if r["label"] == ARMS[2][0])

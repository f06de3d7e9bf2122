"""What training gives back: a run's history lines, its progress reports and the run itself.

These types live apart from ``lstm_core.train`` (which imports TensorFlow) so that everything
that only *reads* a run (inference, export, the CLI, the app's pages) can name them without
loading TensorFlow. They hold numpy arrays and plain numbers only::

    >>> from lstm_core.model.cells import init_weights
    >>> from lstm_core.presets import preset
    >>> from lstm_core.data.framings import make_dataset
    >>> config = preset("stateful")
    >>> run = TrainResult(config, make_dataset(config), init_weights(config))  # untrained
    >>> run.epochs_done, run.stopped
    (0, False)
    >>> run.history.append(EpochLog(epoch=1, loss=3.26, accuracy=0.04, elapsed=0.9))
    >>> run.epochs_done
    1
    >>> p = Progress(epoch=30, epochs=300, loss=2.1, accuracy=0.4, elapsed=1.5, history=run.history)
    >>> p.fraction, round(p.seconds_left, 1)
    (0.1, 13.5)
    >>> Progress(0, 4, 3.1, 0.1, 2.0, [], within=0.5).fraction  # half of epoch 1 done
    0.125
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lstm_core.config import LSTMConfig
from lstm_core.data.dataset import Dataset
from lstm_core.model.cells import Weights


@dataclass
class EpochLog:
    """One line of training history, as ``fit`` would log it."""

    epoch: int  # 1-based
    loss: float
    accuracy: float  # 0..1, on the batches as they were trained
    elapsed: float  # seconds since training started (compile included)


@dataclass
class Progress:
    """What the trainer tells its callback after each chunk of epochs."""

    epoch: int  # epochs done so far
    epochs: int  # epochs asked for
    loss: float
    accuracy: float
    elapsed: float
    history: list[EpochLog]  # everything so far, for redrawing a chart
    # Share (0..1) of the epoch in progress already trained: an epoch longer than one chunk
    # is reported part way through; loss and accuracy are then that epoch's running means
    # so far (as fit's progress bar shows them), and ``history`` has not changed.
    within: float = 0.0

    @property
    def fraction(self) -> float:
        return (self.epoch + self.within) / self.epochs

    @property
    def seconds_left(self) -> float:
        done = self.epoch + self.within
        return self.elapsed / max(done, 1) * (self.epochs - done)


@dataclass
class TrainResult:
    """A trained (or partly trained, if stopped) model with its data and history."""

    config: LSTMConfig
    dataset: Dataset
    weights: Weights
    history: list[EpochLog] = field(default_factory=list)
    stopped: bool = False  # True if a stop request ended training early
    seconds: float = 0.0  # wall time of the training call

    @property
    def epochs_done(self) -> int:
        return self.history[-1].epoch if self.history else 0

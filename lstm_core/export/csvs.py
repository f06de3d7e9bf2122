"""A run's history and predictions as CSV text, for the app's downloads.

    >>> from lstm_core.model.cells import init_weights
    >>> from lstm_core.presets import preset
    >>> from lstm_core.data.framings import make_dataset
    >>> from lstm_core.model.results import EpochLog, TrainResult
    >>> config = preset("naive").replace(sequence="ABAB")
    >>> run = TrainResult(config, make_dataset(config), init_weights(config), [EpochLog(1, 0.69, 0.5, 0.8)])
    >>> print(history_csv(run), end="")
    epoch,loss,accuracy,elapsed
    1,0.69,0.5,0.8
    >>> predictions_csv(run).splitlines()[0]
    'input,expected,predicted,probability,correct'
"""

from __future__ import annotations

import pandas as pd

from lstm_core.analysis.inference import prediction_table
from lstm_core.model.results import TrainResult


def history_csv(run: TrainResult) -> str:
    """Training history, one row per epoch: ``epoch,loss,accuracy,elapsed``."""
    frame = pd.DataFrame(
        [(h.epoch, h.loss, h.accuracy, h.elapsed) for h in run.history],
        columns=["epoch", "loss", "accuracy", "elapsed"],
    )
    return frame.to_csv(index=False)


def predictions_csv(run: TrainResult) -> str:
    """The prediction table: ``input,expected,predicted,probability,correct``."""
    return prediction_table(run).to_csv(index=False)

"""The server's TensorFlow workers, and what pages ask of them besides training.

The Streamlit process never imports TensorFlow (issue 21): it serves pages and numpy
inference, and every training, compile, ``.keras`` build and ``.keras`` read runs in a worker
process (``lstm_core.train.workers``), replaced once it has grown past its share of the
memory budget. ``ui.training`` trains there; this module builds a run's ``.keras`` download
and reads an uploaded file there.
"""

from __future__ import annotations

import threading

from lstm_core.export import keras_import
from lstm_core.limits import budget
from lstm_core.model.results import TrainResult
from lstm_core.train.workers import WorkerPool

KERAS_BYTES = "lstm_core.export.keras_file:keras_bytes"
LOAD_ANY = "lstm_core.export.keras_import:load_any"
READ_MODEL = "lstm_core.export.keras_import:read_model"
# An uploaded file is read under an address-space limit this far above what the worker maps:
# Keras reading a file that passed the checks needs tens of MiB; a file built to take more
# fails in the worker, which alone is lost (and replaced).
UPLOAD_LIMIT_MB = 1024
UPLOAD_NEED_MB = 64.0  # reserved in the budget while a file is read, plus 4x its size

_lock = threading.Lock()
_pool: WorkerPool | None = None


def pool() -> WorkerPool:
    """The workers, made on first use and sized to the memory budget (``budget.worker_count``),
    the same number as the training slots, so a training that holds a slot finds a worker."""
    global _pool
    with _lock:
        if _pool is None:
            size = budget.worker_count()
            _pool = WorkerPool(size=size, recycle_mb=budget.recycle_mb(size))
            budget.count_workers(_pool.pids)
        return _pool


def keras_bytes(run: TrainResult) -> bytes:
    """``run`` as a ``.keras`` file, built by Keras in a worker."""
    return pool().call(KERAS_BYTES, run)


def read_upload(data: bytes) -> dict:
    """Read an uploaded ``.keras`` file in a worker: ``{"ours": run}`` for a file this app
    saved, else ``{"shape": ModelShape, "weights": Weights}``. Refusals raise ``ValueError``
    (a sentence), as does a file that takes its worker down (``WorkerLost``)."""
    need = UPLOAD_NEED_MB + 4 * len(data) / budget.MIB
    with budget.admit(need):  # an upload counts in the budget like a training
        if keras_import.is_ours(data):
            return {"ours": pool().call(LOAD_ANY, bytes(data), limit_mb=UPLOAD_LIMIT_MB)}
        shape, weights = pool().call(READ_MODEL, bytes(data), limit_mb=UPLOAD_LIMIT_MB)
        return {"shape": shape, "weights": weights}

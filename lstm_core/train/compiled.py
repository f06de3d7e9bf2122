"""The compile cache: one compiled step per shape and stack size, shared by every run and user.

Retraining a shape already compiled recompiles nothing and creates no Keras objects (each
new Keras model leaks ~10 MB, keras-team/keras#20552). TensorFlow never frees an XLA
program, so the server's budget (``LSTM_LAB_MAX_COMPILED``) counts the programs built in the
life of the process::

    >>> info = compiled_cache_info()
    >>> sorted(info)
    ['compiled', 'held', 'left', 'limit']

``prepare(config)`` compiles a shape ahead of training (the app does it while a learner
reads the form); ``is_compiled(config)`` tells the RAM budget whether a run adds a compile.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from lstm_core.config import LSTMConfig
from lstm_core.limits import settings
from lstm_core.model.variant import variant_of
from lstm_core.train.step import StepShape, build_chunk_fn, step_shape

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402  (after the log level, which TF reads at import)

log = logging.getLogger(__name__)
ENV_MAX_COMPILED = "LSTM_LAB_MAX_COMPILED"


class CompileLimitError(ValueError):
    """A new model shape would exceed ``LSTM_LAB_MAX_COMPILED`` (the server's compile budget).

    A fresh process has its whole budget: the server's worker pool replaces the worker and
    runs the task again (``lstm_core.train.workers``), so a learner sees this only from the CLI
    or when one task alone needs more shapes than the budget.
    """

    fresh_process_helps = True


@dataclass
class Compiled:
    """One compiled step and what its calls measured."""

    fn: Callable
    ran: bool = False  # compiled by XLA (the first call compiles)
    seconds_per_update: float | None = None  # measured on the last call, for sizing chunks


_compiled: OrderedDict[StepShape, Compiled] = OrderedDict()  # least recently used first
_compiled_lock = threading.Lock()
_compiles = 0  # programs built in this process's life


def max_compiled() -> int:
    """The compile budget, ``LSTM_LAB_MAX_COMPILED`` (0 = no limit; default 64; see settings).

    TensorFlow 2.21 never frees an XLA program (its compilation cache has no eviction:
    dropping our function frees ~2 of its ~12 MB), so the budget counts programs built in
    the life of the process, not programs currently held.
    """
    return settings.read(ENV_MAX_COMPILED)


def entry(shape: StepShape) -> Compiled:
    """The compiled step for ``shape``, built on first use (within the compile budget)."""
    global _compiles
    with _compiled_lock:
        found = _compiled.get(shape)
        if found is None:
            limit = max_compiled()
            if limit and _compiles >= limit:
                raise CompileLimitError(
                    f"This server has compiled its limit of {limit} model shapes "
                    f"({ENV_MAX_COMPILED}), and compiled code is never freed: train with settings "
                    "used before (e.g. a tutorial preset) or ask the operator to restart it."
                )
            found = _compiled[shape] = Compiled(build_chunk_fn(shape))
            _compiles += 1
            log.info("new training step for %s (%d compiled in this process)", shape, _compiles)
        _compiled.move_to_end(shape)
        return found


def chunk_fn(config: LSTMConfig, models: int = 1) -> Callable:
    """The compiled step for ``config``'s shape with ``models`` side by side."""
    return entry(step_shape(config, models)).fn


def built() -> frozenset[StepShape]:
    """The shapes whose step function exists in this process (compiled, or compiling)."""
    with _compiled_lock:
        return frozenset(_compiled)


def forget() -> None:
    """Drop our functions (what an LRU eviction would do; XLA keeps its programs, see above)."""
    with _compiled_lock:
        _compiled.clear()


def compiled_shapes() -> int:
    """How many step functions are compiled in this process (one per shape and stack size)."""
    return len(_compiled)


def compiled_cache_info() -> dict:
    """The compiled-function cache, for a server's memory budget.

    ``held``: programs in the cache; ``compiled``: programs built in this process (TensorFlow
    keeps every one until the process ends, ~12 MB each on this machine); ``limit``: the
    budget (``LSTM_LAB_MAX_COMPILED``, 0 = none); ``left``: new shapes still allowed.
    """
    limit = max_compiled()
    with _compiled_lock:
        held, count = len(_compiled), _compiles
    return {"held": held, "compiled": count, "limit": limit,
            "left": max(0, limit - count) if limit else None}


def is_compiled(config: LSTMConfig, models: int = 1) -> bool:
    """True if ``config``'s training step (``models`` side by side) is compiled in this process:
    training it again costs no compile time and no compile memory (see ``budget.run_mb``)."""
    with _compiled_lock:
        found = _compiled.get(step_shape(config, models))
        return found is not None and found.ran


def prepare(config: LSTMConfig, models: int = 1) -> None:
    """Compile the training step for ``config``'s shape now, without training anything.

    The app calls this in the background while a learner reads the form, so the first
    Train of the shape on screen does not wait ~1.5 s for XLA. A shape already compiled
    costs nothing. Example: ``prepare(preset("stateful"))``.
    """
    shape = step_shape(config, models)
    found = entry(shape)
    with _compiled_lock:
        if found.ran:
            return
        found.ran = True
    S, n, t, f, b = shape.S, shape.n, shape.t, shape.f, shape.b
    weights = [tf.zeros((S, *w.shape), tf.float32) for w in variant_of(config).init_weights()]
    zeros_state, zeros_s = tf.zeros((S, b, shape.u * shape.layers)), tf.zeros((S,))
    found.fn(
        weights, weights, weights, zeros_s, zeros_state, zeros_state, zeros_s, zeros_s,
        tf.zeros((S, n, t, f)), tf.zeros(shape.y_shape), tf.zeros((S, n, t)),
        tf.zeros((S, shape.epochs_per_call, shape.nb * b), tf.int32),
        tf.constant(0), tf.constant(0), tf.zeros((S,), tf.int32), zeros_s,
    )  # zero updates: XLA compiles the whole loop, the loop body never runs

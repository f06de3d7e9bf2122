"""The training slots and limits every training from a page goes through (``ui.runner`` draws it).

The engine knows nothing about Streamlit (``lstm_core.train.trainer.train`` calls a plain
``on_progress`` function and polls ``should_stop``). This module is the bridge to the
server's limits:

- Every training goes through ``lstm_core.limits.slots.GATE``: on a shared 2-CPU server only a
  few run at once, the others see "Queued: place N" and start by themselves.
- What a training adds to the server's memory is reserved up front (``budget.admit``), and an
  accepted run is stopped at the time limit (``RUN_SECONDS``), keeping what it trained.
- ``TimeLeft`` and ``progress_text`` word the progress bar; ``warm_up`` compiles ahead.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable

import streamlit as st

from lstm_core.config import LSTMConfig
from lstm_core.limits import budget, cost
from lstm_core.limits.slots import GATE
from lstm_core.model.results import Progress, TrainResult

log = logging.getLogger(__name__)
WARM_UP_RESERVE = 8  # compiles of the trainer's budget that background warm-ups never use
_warm_lock = threading.Lock()
_warm_started = False


def warm_up(config: LSTMConfig | None = None) -> None:
    """Import TensorFlow and compile ``config``'s training step in the background.

    ``import tensorflow`` costs 3-4 s and compiling a new shape ~1.5 s; doing both while the
    learner reads the form means the first chart point appears sooner. Python's import lock
    makes a later real import simply wait for this one; the trainer caches compiled shapes
    process-wide, so each shape is compiled once for all users.

    Nobody asked for this work, so it is cheap or it is skipped: only small shapes
    (``lstm_core.limits.cost.cheap_to_compile``), only while the server is within its memory budget,
    and only in a free training slot that nobody is waiting for (``GATE.try_slot``). A link
    to a large shape compiles when Train is pressed, inside the gate and the time limit.
    """
    global _warm_started
    with _warm_lock:
        first = not _warm_started
        _warm_started = True
    if first:
        threading.Thread(
            target=importlib.import_module, args=("lstm_core.train.trainer",), daemon=True
        ).start()
    if config is not None and warm_up_allowed(config):
        threading.Thread(target=_prepare_quietly, args=(config,), daemon=True).start()


def warm_up_allowed(config: LSTMConfig) -> bool:
    """Whether opening a page may compile ``config``'s shape in the background."""
    free = budget.free_mb()
    return cost.cheap_to_compile(config) and (free is None or free >= budget.compile_mb(config))


def _prepare_quietly(config: LSTMConfig) -> None:
    try:
        from lstm_core.train import compiled  # TensorFlow: imported late, as the trainer is
        # The trainer's compile budget (LSTM_LAB_MAX_COMPILED) counts every program built in
        # the process's life: keep its last few for people who press Train.
        info = getattr(compiled, "compiled_cache_info", None)
        left = info().get("left") if info is not None else None
        if left is not None and left <= WARM_UP_RESERVE:
            return
        with GATE.try_slot() as got:
            if got:
                with budget.admit(budget.compile_mb(config)):  # refused near the budget: skipped
                    compiled.prepare(config)
    except budget.MemoryRefused:
        return
    except Exception:  # only a head start: Train compiles (and reports) anyway
        log.warning("background compile of %s failed", config.framing, exc_info=True)


def _trainer():
    # Imported late: pages that never train never pay for TensorFlow.
    from lstm_core.train import trainer

    return trainer


def queue_notice(box) -> Callable[[int], None]:
    """An ``on_wait`` for the gate that tells the user their place in the queue."""

    def on_wait(place: int) -> None:
        box.info(
            f"Queued: place {place}. Other people are training on this server; "
            "yours starts by itself when a slot is free.",
            icon=":material/hourglass_top:",
        )

    return on_wait


# The estimate (lstm_core/limits/cost.py) refuses a run it expects to take longer than
# LSTM_LAB_MAX_SECONDS, but under a full server it undershoots: in the hostile load test the
# largest accepted run, estimated at 59 s, trained 80-87 s beside 8 other sessions and a second
# such run. So an accepted run is also stopped when its time is up, a little early, because a
# stop is answered at the next chunk (~0.25 s). The model trained so far is kept, as with Stop.
RUN_SECONDS = cost.MAX_SECONDS - 2.0


def within_time_limit(
    should_stop: Callable[[], bool] | None, seconds: float | None = None
) -> tuple[Callable[[], bool], list[bool]]:
    """``should_stop`` that also answers True once ``seconds`` (default ``RUN_SECONDS``) have
    passed since this call; the list it returns gets a True when the time limit stopped it.

    >>> stop, hit = within_time_limit(None, seconds=0.0)
    >>> stop(), hit
    (True, [True])
    """
    limit = RUN_SECONDS if seconds is None else seconds
    start = time.monotonic()
    hit: list[bool] = []

    def stop() -> bool:
        if should_stop is not None and should_stop():
            return True
        if time.monotonic() - start >= limit:
            if not hit:
                hit.append(True)
            return True
        return False

    return stop, hit


def time_limit_notice(box, run: TrainResult) -> None:
    """Say that the server's time limit, not the user, stopped a training (and what is kept)."""
    limit = (
        f"The server stopped this training at its time limit ({cost.MAX_SECONDS:.0f} s, "
        "LSTM_LAB_MAX_SECONDS)"
    )
    if run.epochs_done > 0:
        kept = (
            f"after {run.epochs_done:,} of {run.config.epochs:,} epochs: the model and history "
            "trained so far are kept."
        )
    else:
        kept = "before it finished its first epoch, so there is no trained model to keep."
    box.warning(
        f"{limit} {kept} To train to the end here, lower the epochs or the model's size "
        "(units, window, text).",
        icon=":material/timer_off:",
    )
    log.info("training stopped at the time limit after %d epochs: %s", run.epochs_done, run.config)


def train_gated(
    config: LSTMConfig,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    queue_box=None,
) -> TrainResult:
    """Wait for a training slot, then train. Errors propagate to the caller."""
    box = queue_box if queue_box is not None else st.empty()
    trainer = _trainer()
    with GATE.slot(on_wait=queue_notice(box)):
        box.empty()
        # Compiled shapes cannot be freed to make room (TensorFlow keeps every XLA program
        # until the process ends); the trainer's LSTM_LAB_MAX_COMPILED budget bounds them.
        # What this run adds is reserved up front, so two big runs admitted together cannot
        # take the server past its budget; a refusal is a sentence for a person, not a crash.
        with budget.admit(run_need(trainer, [config])):
            stop, hit = within_time_limit(should_stop)
            run = trainer.train(config, on_progress=on_progress, should_stop=stop)
    if hit:
        time_limit_notice(box, run)
    return run


def run_need(trainer, configs: list[LSTMConfig]) -> float:
    """MiB a training of ``configs`` may add to the server (``budget.need_for``)."""
    from lstm_core.train import compiled  # loaded with the trainer
    first = compiled.compiled_cache_info()["compiled"] == 0
    return budget.need_for(configs, compiled.is_compiled, first)


class TimeLeft:
    """Seconds left of a training, or None while no honest estimate exists.

    The first report comes after TensorFlow's import and the compile of a new shape (seconds),
    so a pace taken from it says "75 s left" for an 8 s run. The pace is measured from the
    first report on, and only once it spans half a second:

    >>> from types import SimpleNamespace as P
    >>> left = TimeLeft()
    >>> left(P(epoch=20, epochs=300, elapsed=5.0)) is None  # compile included: no estimate
    True
    >>> left(P(epoch=120, epochs=300, elapsed=5.5))  # 100 epochs in 0.5 s, 180 to go
    0.9
    """

    MIN_SECONDS = 0.5

    def __init__(self) -> None:
        self.first: tuple[float, int] | None = None

    def __call__(self, p) -> float | None:
        done = p.epoch + getattr(p, "within", 0.0)  # long epochs are reported part way
        if self.first is None:
            self.first = (p.elapsed, done)
            return None
        t0, e0 = self.first
        if done <= e0 or p.elapsed - t0 < self.MIN_SECONDS:
            return None
        return round((p.elapsed - t0) / (done - e0) * (p.epochs - done), 3)


def progress_text(p: Progress, seconds_left: float | None = None) -> str:
    """'epoch 120/300 · 2 s left' for a ``Progress`` (just 'epoch 120/300' without an estimate).

    An epoch longer than one of the trainer's calls is reported part way through:

    >>> progress_text(Progress(3, 10, 2.5, 0.2, 9.0, [], within=0.45))
    'epoch 3/10 · 45% of epoch 4'
    """
    text = f"epoch {p.epoch:,}/{p.epochs:,}"
    if getattr(p, "within", 0.0) > 0:
        text += f" · {p.within:.0%} of epoch {p.epoch + 1:,}"
    if seconds_left is not None and p.epoch < p.epochs:
        text += f" · {max(1, round(seconds_left))} s left"
    return text


def train_many_gated(
    configs: list[LSTMConfig],
    on_progress: Callable[[int, Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    queue_box=None,
) -> list[TrainResult]:
    """Wait for a training slot, then train every config at once (``trainer.train_many``):
    seeds side by side, a second core only if the gate has a slot nobody waits for."""
    box = queue_box if queue_box is not None else st.empty()
    trainer = _trainer()
    with GATE.slot(on_wait=queue_notice(box)):
        box.empty()
        with budget.admit(run_need(trainer, configs)):
            return trainer.train_many(configs, on_progress=on_progress, should_stop=should_stop, gate=GATE)

"""Where a training from a page runs, and the limits it goes through (``ui.runner`` draws it).

The engine knows nothing about Streamlit (``lstm_core.train.trainer.train`` calls a plain
``on_progress`` function and polls ``should_stop``). This module is the bridge to the
server's limits and to its TensorFlow workers:

- Every training runs in a worker process (:func:`pool`, ``lstm_core.train.workers``), never
  in the Streamlit process: a worker grown past its share is replaced, so memory comes back.
- Every training goes through ``lstm_core.limits.slots.GATE`` (one slot per worker): the
  others see "Queued: place N" and start by themselves.
- What a training adds to the server's memory is reserved up front (:func:`admitted`), and an
  accepted run is stopped at the time limit (``RUN_SECONDS``), keeping what it trained.
- ``TimeLeft`` and ``progress_text`` word the progress bar; ``warm_up`` starts a worker ahead.
"""

from __future__ import annotations

import functools
import html
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import streamlit as st

from lstm_core.config import LSTMConfig
from lstm_core.limits import budget, cost
from lstm_core.limits.slots import GATE
from lstm_core.model.results import Progress, TrainResult
from lstm_core.presets import PRESETS, preset
from lstm_core.train.workers import START_SECONDS, Worker, WorkerPool
from ui.text import charts as chart_words

log = logging.getLogger(__name__)
TRAIN = "lstm_core.train.trainer:train"  # what the workers run (lstm_core/train/worker_main.py)
TRAIN_MANY = "lstm_core.train.trainer:train_many"
PREPARE = "lstm_core.train.compiled:prepare"
_pool_lock = threading.Lock()
_pool: WorkerPool | None = None


def pool() -> WorkerPool:
    """The server's TensorFlow workers (``lstm_core.train.workers``), made on first use and
    sized to the memory budget (``budget.worker_count``), the same number as the training
    slots, so a training that holds a slot always finds a worker."""
    global _pool
    with _pool_lock:
        if _pool is None:
            size = budget.worker_count()
            _pool = WorkerPool(size=size, recycle_mb=budget.recycle_mb(size))
            budget.count_workers(_pool.pids)
        return _pool


def warm_up(config: LSTMConfig | None = None) -> None:
    """Start a TensorFlow worker, and compile a preset's training step in it, in the background.

    A worker's start costs 4-8 s (TensorFlow's import) and compiling a new shape ~1.5 s;
    doing both while the learner reads the form means the first chart point appears sooner.

    Nobody asked for this work, so it is cheap or it is skipped: only the presets' shapes
    (a link's own shape compiles when Train is pressed: every text length would otherwise be
    a program nobody trains), only small ones (``cost.cheap_to_compile``), only while the
    server is within its memory budget, and only on an idle worker while nobody waits to
    train (:func:`_prepare_quietly`).
    """
    pool().warm()
    if config is not None and warm_up_allowed(config):
        threading.Thread(target=_prepare_quietly, args=(config,), daemon=True).start()


def warm_up_allowed(config: LSTMConfig) -> bool:
    """Whether opening a page may compile ``config``'s shape in the background."""
    free = budget.free_mb()
    return (budget.shape_key(config) in _preset_shapes() and cost.cheap_to_compile(config)
            and (free is None or free >= budget.compile_mb(config)))


@functools.cache
def _preset_shapes() -> frozenset:
    # Asked at every page run (warm_up): the presets never change, so their shapes once.
    return frozenset(budget.shape_key(preset(name)) for name in PRESETS)


def _prepare_quietly(config: LSTMConfig) -> None:
    """Compile ``config``'s shape on an idle worker, if one is ready and nobody waits to train.

    It takes no training slot: holding one while a worker starts (4-8 s) queued the learner's
    own Train behind it ("Other people are training") on a one-worker server. A Train that
    arrives meanwhile waits for the compile (~1.5 s) and finds the shape compiled.
    """
    if not pool().wait_idle(START_SECONDS) or GATE.waiting or GATE.running >= GATE.slots:
        return
    try:
        with pool().idle_worker() as worker:
            if worker is None or budget.shape_key(config) in worker.shapes:
                return
            with budget.admit(budget.compile_mb(config)):  # refused near the budget: skipped
                pool().run(worker, PREPARE, config)
            worker.shapes.add(budget.shape_key(config))
    except budget.MemoryRefused:
        return
    except Exception:  # only a head start: Train compiles (and reports) anyway
        log.warning("background compile of %s failed", config.framing, exc_info=True)


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
    """Wait for a training slot, then train in a worker. Errors propagate to the caller."""
    box = queue_box if queue_box is not None else st.empty()
    with GATE.slot(on_wait=queue_notice(box)):
        box.empty()
        # Waiting for a worker to start (TensorFlow's import) touches the page a few times a
        # second, so a click on Stop meanwhile is answered (Streamlit raises its signal there).
        with pool().worker(on_wait=box.empty) as worker, admitted(worker, [config]):
            stop, hit = within_time_limit(should_stop)
            run = pool().run(worker, TRAIN, config, on_progress=on_progress, should_stop=stop)
            worker.shapes.add(budget.shape_key(config))
    if hit:
        time_limit_notice(box, run)
    return run


@contextmanager
def admitted(worker: Worker, configs: list[LSTMConfig]) -> Iterator[None]:
    """Reserve what training ``configs`` on ``worker`` may add to the server, or refuse.

    Compiled shapes cannot be freed inside a process (TensorFlow keeps every XLA program
    until it ends), so when the server is short of memory and this worker has grown past a
    fresh one, the worker is replaced first: its memory comes back and the training goes
    ahead on a fresh process. What a run adds is reserved up front, so two big runs
    admitted together cannot take the server past its budget; a refusal is a sentence for a
    person (``budget.MemoryRefused``), not a crash.
    """
    with ExitStack() as reservation:
        try:
            reservation.enter_context(budget.admit(run_need(worker, configs)))
        except budget.MemoryRefused:
            if worker.rss <= budget.WORKER_MB:
                raise  # a fresh worker: replacing it would give nothing back
            pool().restart(worker)
            reservation.enter_context(budget.admit(run_need(worker, configs)))
        yield


def run_need(worker: Worker, configs: list[LSTMConfig]) -> float:
    """MiB training ``configs`` on ``worker`` may add to the server (``budget.need_for``)."""
    return budget.need_for(configs, lambda c: budget.shape_key(c) in worker.shapes, not worker.shapes)


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


# The live chart while training (issue 27): a sentence a screen reader reaches, and under
# prefers-reduced-motion (the learner's system setting) no moving chart, only the sentence. The
# rule hides the charts of the one block that holds the sentence (its marker's direct parent).
LIVE_CLASS = "live-training-words"
LIVE_CSS = (
    "<style>@media (prefers-reduced-motion: reduce) { "
    f'[data-testid="stVerticalBlock"]:has(> [data-testid="stElementContainer"] .{LIVE_CLASS}) '
    '[data-testid="stVegaLiteChart"] { display: none; } }</style>'
)


class LiveChart:
    """Where the live chart and its sentence ("Training: epoch 120 of 500, loss 0.91, ...") go: two
    places in one block, each redrawn in place (so the chart is updated, not built anew)."""

    def __init__(self) -> None:
        area = st.container()
        self.chart, self.words = area.empty(), area.empty()

    def draw(self, chart, p: Progress, regression: bool = False) -> None:
        """Redraw the chart and the sentence. Cheap: one f-string, the markup a constant."""
        self.chart.altair_chart(chart, width="stretch")
        sentence = html.escape(chart_words.live(p, regression))
        self.words.html(f'<p class="{LIVE_CLASS}">{sentence}</p>{LIVE_CSS}')

    def empty(self) -> None:
        self.chart.empty()
        self.words.empty()


def train_many_gated(
    configs: list[LSTMConfig],
    on_progress: Callable[[int, Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    queue_box=None,
) -> list[TrainResult]:
    """Wait for a training slot, then train every config at once in a worker
    (``trainer.train_many``): seeds side by side, on a second core only if a second slot is
    free and nobody waits for it."""
    box = queue_box if queue_box is not None else st.empty()
    with GATE.slot(on_wait=queue_notice(box)):
        box.empty()
        with GATE.try_slot() as second, pool().worker(on_wait=box.empty) as worker, \
                admitted(worker, configs):
            runs = pool().run(worker, TRAIN_MANY, list(configs), on_progress=on_progress,
                              should_stop=should_stop, cores=2 if second else 1)
            worker.shapes.update(budget.shape_key(c) for c in configs)
    return runs

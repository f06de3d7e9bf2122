"""Run a training from a page: wait for a slot, draw it live, keep what was trained.

The engine knows nothing about Streamlit (``lstm_core.train.trainer.train`` calls a plain
``on_progress`` function and polls ``should_stop``). This module is the bridge:

- Every training goes through ``lstm_core.limits.slots.GATE``: on a shared 2-CPU server only a
  few run at once, the others see "Queued: place N" and start by themselves.
- A click anywhere while training (Stop, another widget, another page) makes Streamlit
  raise its rerun (or stop) signal at the next ``st.*`` call *or session-state access*,
  i.e. inside our ``on_progress``. We catch that signal there, let the trainer stop
  cleanly before its next chunk (so its partial weights and history come back to us),
  leave the partial run in the session's mailbox (a plain dict: no Streamlit call that
  could be interrupted again), and only then re-raise the signal so Streamlit reruns as
  the user asked. The next script run adopts the run. Nothing trained is lost.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable, Iterator

import streamlit as st

from lstm_core.config import LSTMConfig
from lstm_core.limits import budget, cost
from lstm_core.limits.slots import GATE
from lstm_core.model.results import Progress, TrainResult
from lstm_core.presets import preset

from . import charts, errors, session, share, upload

log = logging.getLogger(__name__)
CHART_SECONDS = 0.5  # redraw the live chart at most this often
# While a page trains, its address carries "training=1" (removed when the run ends). Streamlit
# keeps sessions in the server's memory only: if the server restarts mid-training, the browser
# reconnects to a new session that knows nothing of it, but the address still says so.
TRAINING_MARK = "training"
STARTED_HERE = "trainings_started_here"  # session key: this session has started a training
WARM_UP_RESERVE = 8  # compiles of the trainer's budget that background warm-ups never use
LOST = "lost_training"  # session key: the address said a training was lost; not yet retrained
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


def train_together(
    configs: list[LSTMConfig], labels: list[str], bar, queue_box
) -> tuple[list[TrainResult], BaseException | None]:
    """Train ``configs`` through the gate, all at once, and return every run with the
    Streamlit signal a click raised meanwhile (or None).

    They train in one ``trainer.train_many`` call (seeds of a framing side by side, a
    second core when the gate has one free), so 20 seeds cost a few runs' time. ``bar`` (an
    ``st.progress`` placeholder) shows the whole series, its text prefixed with the label of
    the run that reported last. A click meanwhile (Stop, another widget) stops the training
    within a second and every run comes back as far as it got (``stopped``); the caller
    keeps what it wants, *then* raises the signal so Streamlit reruns as the user asked.
    """
    interrupt: list[BaseException] = []
    fractions = [0.0] * len(configs)
    last_draw = [float("-inf")]

    def on_progress(i: int, p: Progress) -> None:
        fractions[i] = p.fraction
        now = time.monotonic()
        if interrupt or (now - last_draw[0] < 0.1 and p.epoch < p.epochs):
            return  # many runs report at once: redraw the bar ten times a second at most
        last_draw[0] = now
        try:
            bar.progress(min(1.0, sum(fractions) / len(configs)), text=f"{labels[i]} · {progress_text(p)}")
        except BaseException as signal:  # noqa: BLE001 - Streamlit's rerun/stop signal
            interrupt.append(signal)

    runs = train_many_gated(configs, on_progress, lambda: bool(interrupt), queue_box)
    return runs, (interrupt[0] if interrupt else None)


def train_in_turn(
    configs: list[LSTMConfig], labels: list[str], bar, queue_box
) -> Iterator[tuple[LSTMConfig, TrainResult]]:
    """Train ``configs`` at once (:func:`train_together`) and yield each finished run with
    its config; after a click meanwhile, the finished runs are still yielded (so the caller
    keeps them) and then Streamlit's signal is re-raised."""
    runs, interrupt = train_together(configs, labels, bar, queue_box)
    for config, run in zip(configs, runs):
        if not run.stopped:
            yield config, run
    if interrupt is not None:
        raise interrupt


def progress_with_stop(key: str, help: str, text: str = "starting: loading TensorFlow…"):
    """A progress bar with a Stop button beside it. Returns (bar, stop_box) placeholders;
    call ``.empty()`` on both when done so neither lingers.

    Stop needs no handler: its click makes Streamlit rerun the page, which interrupts the
    training (see the module docstring for how the partial work is kept).
    """
    bar_col, stop_col = st.columns([5, 1], vertical_alignment="bottom")
    bar = bar_col.empty()
    bar.progress(0.0, text=text)
    stop_box = stop_col.empty()
    stop_box.button("Stop", key=key, icon=":material/stop_circle:", help=help, width="stretch")
    return bar, stop_box


def train_live(config: LSTMConfig, key: str = "stop", progress_area=None) -> TrainResult | None:
    """Train ``config`` with a live chart, a progress bar and a Stop button.

    The queue place, the progress bar and Stop go into ``progress_area`` when given (the Lab
    puts them beside its Train button, where the click was), the chart where this is called.
    The finished run becomes the session's current run (``session.RUN``); so does the
    partial one when the user interrupts (Stop or any other click). Returns the run, or
    None if training failed (the error is shown; earlier results are untouched).
    """
    box = session.mailbox()  # fetched now: touching session state later may be interrupted
    area = progress_area if progress_area is not None else st.container()
    with area:
        queue_box = st.empty()
        bar, stop_box = progress_with_stop(
            key, "Stop training now. The model and history trained so far are kept."
        )
    chart_box = st.empty()
    interrupt: list[BaseException] = []
    last_chart = [float("-inf")]
    time_left = TimeLeft()

    def on_progress(p: Progress) -> None:
        if interrupt:
            return
        try:
            bar.progress(min(1.0, p.fraction), text=progress_text(p, time_left(p)))
            # Building an altair chart costs ~40 ms of Python, taken from the training on a
            # 2-CPU server: redraw twice a second (the progress bar moves at every report).
            now = time.monotonic()
            if p.history and (now - last_chart[0] >= CHART_SECONDS or p.epoch == p.epochs):
                last_chart[0] = now
                chart_box.altair_chart(charts.history_chart(p.history), width="stretch")
        except BaseException as signal:  # Streamlit's rerun/stop signal (not an Exception)
            interrupt.append(signal)

    box["training"] = True  # see session.adopt_pending: a new run waits for the handover
    st.session_state[STARTED_HERE] = True
    st.session_state[LOST] = False
    st.query_params[TRAINING_MARK] = "1"
    try:
        run = train_gated(config, on_progress, lambda: bool(interrupt), queue_box)
        if run.epochs_done > 0:
            box["run"] = run  # handed over before "training" goes False (adopted below or next run)
    except Exception as exc:  # one sentence for the user; a bug's traceback goes to the log
        box["training"] = False
        bar.empty()
        stop_box.empty()
        errors.show_error(exc, "Training")
        return None
    finally:
        box["training"] = False
    if interrupt:
        raise interrupt[0]  # now let Streamlit rerun as the user asked
    st.query_params.pop(TRAINING_MARK, None)
    session.adopt_pending()
    bar.empty()
    stop_box.empty()
    chart_box.empty()
    return run


def lost_training_notice() -> bool:
    """If the address says this page was training but this session never started one, say so.

    That happens when the server restarted mid-training (the browser reconnects to a fresh
    session) or a link was copied mid-training. Returns True when the user asks to train
    again (the caller trains the shown settings).
    """
    if st.query_params.get(TRAINING_MARK) is not None and not session.mailbox().get("training"):
        st.query_params.pop(TRAINING_MARK, None)
        if not st.session_state.get(STARTED_HERE):  # (else: this session's own interrupted run)
            st.session_state[LOST] = True
    if not st.session_state.get(LOST):
        return False
    holder = st.empty()
    box = holder.container()
    box.warning(
        "This page was training when it lost its server (the server restarted, or this link was "
        "copied mid-training): that training is not on this server any more and its model is "
        "lost. The settings below are the ones it was training.",
        icon=":material/restart_alt:",
    )
    again = box.button(
        "Train these settings again",
        icon=":material/replay:",
        help="Start the training that was lost, with the settings shown in the form.",
    )
    if again:
        st.session_state[LOST] = False
        holder.empty()  # the training starts below; the notice has done its job
    return again


def require_run(page: str) -> TrainResult | None:
    """The run a page works on: this session's, a ``?run=`` link's, or the shipped preset.

    Used by Generate and State (and any later page), so each is usable on its own at
    once: until the user trains a model, they show the tutorial's stateful preset,
    trained ahead of time, with a button to train it live instead.
    """
    run = session.current_run(fallback=preset("stateful"))
    share.model_source(run)
    if run is None or session.is_shipped(run):
        st.info(
            f"The {page} page works on a trained model. Until you train one in the Lab, it shows the "
            "tutorial's stateful preset, trained ahead of time (seed 7, 300 epochs). You can also "
            "train that preset right here and watch it learn (a few seconds).",
            icon=":material/info:",
        )
        left, right = st.columns(2, vertical_alignment="center")
        with left:
            st.page_link("pages/lab.py", label="Open the Lab", icon=":material/science:")
        with right:
            clicked = st.button("Train the stateful preset", icon=":material/play_arrow:", type="primary")
        if clicked:
            return train_live(preset("stateful"), key="stop_preset")
    uploaded = upload.upload_box()
    return uploaded if uploaded is not None else run

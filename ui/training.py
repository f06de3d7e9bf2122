"""Run a training from a page: wait for a slot, draw it live, keep what was trained.

The engine knows nothing about Streamlit (``lstm_core.trainer.train`` calls a plain
``on_progress`` function and polls ``should_stop``). This module is the bridge:

- Every training goes through ``lstm_core.gate.GATE``: on a shared 2-CPU server only a
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
import threading
import time
from collections.abc import Callable

import streamlit as st

from lstm_core.config import LSTMConfig, preset
from lstm_core.gate import GATE
from lstm_core.results import Progress, TrainResult

from . import charts, session

CHART_SECONDS = 0.5  # redraw the live chart at most this often
_warm_lock = threading.Lock()
_warm_started = False


def warm_up(config: LSTMConfig | None = None) -> None:
    """Import TensorFlow and compile ``config``'s training step in the background.

    ``import tensorflow`` costs 3-4 s and compiling a new shape ~1.5 s; doing both while the
    learner reads the form means the first chart point appears sooner. Python's import lock
    makes a later real import simply wait for this one; the trainer caches compiled shapes
    process-wide, so each shape is compiled once for all users.
    """
    global _warm_started
    with _warm_lock:
        first = not _warm_started
        _warm_started = True
    if first:
        threading.Thread(target=importlib.import_module, args=("lstm_core.trainer",), daemon=True).start()
    if config is not None:
        threading.Thread(target=_prepare_quietly, args=(config,), daemon=True).start()


def _prepare_quietly(config: LSTMConfig) -> None:
    try:
        _trainer().prepare(config)
    except Exception:  # noqa: BLE001 - only a head start: Train compiles (and reports) anyway
        pass


def _trainer():
    # Imported late: pages that never train never pay for TensorFlow.
    from lstm_core import trainer

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
        return trainer.train(config, on_progress=on_progress, should_stop=should_stop)


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
        return trainer.train_many(configs, on_progress=on_progress, should_stop=should_stop, gate=GATE)


def progress_text(p: Progress) -> str:
    """'epoch 120/300 · 2s left' for a ``Progress`` from the trainer."""
    return f"epoch {p.epoch}/{p.epochs} · {p.seconds_left:.0f}s left"


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


def train_live(config: LSTMConfig, key: str = "stop") -> TrainResult | None:
    """Train ``config`` with a live chart, a progress bar and a Stop button.

    The finished run becomes the session's current run (``session.RUN``); so does the
    partial one when the user interrupts (Stop or any other click). Returns the run, or
    None if training failed (the error is shown; earlier results are untouched).
    """
    box = session.mailbox()  # fetched now: touching session state later may be interrupted
    queue_box = st.empty()
    bar, stop_box = progress_with_stop(
        key, "Stop training now. The model and history trained so far are kept."
    )
    chart_box = st.empty()
    interrupt: list[BaseException] = []
    last_chart = [float("-inf")]

    def on_progress(p: Progress) -> None:
        if interrupt:
            return
        try:
            bar.progress(min(1.0, p.fraction), text=progress_text(p))
            # Building an altair chart costs ~40 ms of Python, taken from the training on a
            # 2-CPU server: redraw twice a second (the progress bar moves at every report).
            now = time.monotonic()
            if now - last_chart[0] >= CHART_SECONDS or p.epoch == p.epochs:
                last_chart[0] = now
                chart_box.altair_chart(charts.history_chart(p.history), width="stretch")
        except BaseException as signal:  # noqa: BLE001 - Streamlit's rerun/stop signal
            interrupt.append(signal)

    box["training"] = True  # see session.adopt_pending: a new run waits for the handover
    try:
        run = train_gated(config, on_progress, lambda: bool(interrupt), queue_box)
        if run.epochs_done > 0:
            box["run"] = run  # handed over before "training" goes False (adopted below or next run)
    except Exception as exc:  # the engine's message, never a traceback
        box["training"] = False
        bar.empty()
        stop_box.empty()
        st.error(f"Training failed: {exc}", icon=":material/error:")
        return None
    finally:
        box["training"] = False
    if interrupt:
        raise interrupt[0]  # now let Streamlit rerun as the user asked
    session.adopt_pending()
    bar.empty()
    stop_box.empty()
    chart_box.empty()
    return run


def require_run(page: str) -> TrainResult | None:
    """The user's trained run; without one, explain and offer to train the stateful preset.

    Used by Generate and State, so both are usable on their own.
    """
    run = session.get_run()
    if run is not None:
        return run
    st.info(
        f"The {page} page works on a model you trained. Train one in the Lab, or train the "
        "tutorial's stateful preset right here (a few seconds).",
        icon=":material/info:",
    )
    st.page_link("pages/lab.py", label="Open the Lab", icon=":material/science:")
    if st.button("Train the stateful preset", icon=":material/play_arrow:", type="primary"):
        return train_live(preset("stateful"), key="stop_preset")
    return None

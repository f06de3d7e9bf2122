"""The one runner: train one config or many labelled configs from a page, live, and keep what was trained.

Every page that trains (Lab, Generate/State/Cell's preset button, Sine, Memory, Compare,
State's experiment, the Lab's n-char comparison) calls :func:`train_one` or
:func:`train_labelled`. Both:

- wait for a training slot (``ui.training``: the queue notice, the memory budget, the time limit);
- show a progress bar with a Stop button (where the click was: ``progress_area``);
- survive a click. A click anywhere while training (Stop, another widget, another page) makes
  Streamlit raise its rerun (or stop) signal at the next ``st.*`` call *or session-state
  access*, i.e. inside our progress callback. We catch that signal there, let the trainer
  stop cleanly before its next chunk (so its partial weights and history come back to us),
  leave what was trained in the session's mailbox under the caller's *result key* (a plain
  dict: no Streamlit call that could be interrupted again), and only then re-raise the signal
  so Streamlit reruns as the user asked. The next script run adopts it
  (:func:`adopt` / ``session.adopt_pending``). Nothing trained is lost.

Many configs are labelled by the caller, ``[(label, config), ...]``, and come back keyed by
label, never by position, so a stopped run cannot shift the others' labels.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from lstm_core.config import LSTMConfig
from lstm_core.model.results import Progress, TrainResult
from lstm_core.model.variant import variant_of
from lstm_core.presets import preset
from ui import charts, errors, session, share, training, upload
from ui.text.shared import RUNNER

log = logging.getLogger(__name__)
CHART_SECONDS = 0.5  # redraw the live chart at most this often
# While a page trains, its address carries "training=1" (removed when the run ends). Streamlit
# keeps sessions in the server's memory only: if the server restarts mid-training, the browser
# reconnects to a new session that knows nothing of it, but the address still says so.
TRAINING_MARK = "training"
STARTED_HERE = "trainings_started_here"  # session key: this session has started a training
LOST = "lost_training"  # session key: the address said a training was lost; not yet retrained


def progress_with_stop(key: str | None, help: str, text: str = RUNNER["starting"]):
    """A progress bar with a Stop button beside it (none when ``key`` is None). Returns (bar,
    stop_box) placeholders; call ``.empty()`` on both when done so neither lingers.

    Stop needs no handler: its click makes Streamlit rerun the page, which interrupts the
    training (see the module docstring for how the partial work is kept).
    """
    if key is None:
        bar = st.empty()
        bar.progress(0.0, text=text)
        return bar, st.empty()
    bar_col, stop_col = st.columns([5, 1], vertical_alignment="bottom")
    bar = bar_col.empty()
    bar.progress(0.0, text=text)
    stop_box = stop_col.empty()
    stop_box.button("Stop", key=key, icon=":material/stop_circle:", help=help, width="stretch")
    return bar, stop_box


def adopt(result_key: str, keep: Callable[[Any], None], busy: str = session.BUSY,
          notice: str = session.WAIT_NOTICE) -> None:
    """Adopt what an interrupted training left under ``result_key``: wait for its handover
    (the mailbox flag ``busy``), then give it to ``keep``."""
    session.wait_for_handover(busy, notice)
    session.take(result_key, keep)


def kept(result_key: str, notice: str = RUNNER["waiting"]) -> Any:
    """The value :func:`train_labelled` kept under ``result_key`` (adopting a handed-over one)."""
    adopt(result_key, lambda value: st.session_state.__setitem__(result_key, value),
          busy=busy_flag(result_key), notice=notice)
    return st.session_state.get(result_key)


def busy_flag(result_key: str) -> str:
    """The mailbox flag a labelled training of ``result_key`` sets until it has handed over.

    >>> busy_flag("comparison")
    'comparison:training'
    """
    return f"{result_key}:training"


# -- one config ----------------------------------------------------------------------------
def _live_chart(bar, chart_box, chart: Callable[[list], Any],
                regression: bool = False) -> tuple[Callable[[Progress], None], list]:
    """The progress callback of one run, and the list that receives Streamlit's signal."""
    interrupt: list[BaseException] = []
    last_chart = [float("-inf")]
    time_left = training.TimeLeft()

    def on_progress(p: Progress) -> None:
        if interrupt:
            return
        try:
            bar.progress(min(1.0, p.fraction), text=training.progress_text(p, time_left(p)))
            # Building an altair chart costs ~40 ms of Python, taken from the training on a
            # 2-CPU server: redraw twice a second (the progress bar moves at every report).
            now = time.monotonic()
            if p.history and (now - last_chart[0] >= CHART_SECONDS or p.epoch == p.epochs):
                last_chart[0] = now
                chart_box.draw(chart(p.history), p, regression)
        except BaseException as signal:  # Streamlit's rerun/stop signal (not an Exception)
            interrupt.append(signal)

    return on_progress, interrupt


def _mark_training() -> None:
    """Say in the session and the address that this page is training (see TRAINING_MARK)."""
    st.session_state[STARTED_HERE] = True
    st.session_state[LOST] = False
    st.query_params[TRAINING_MARK] = "1"


def train_one(
    config: LSTMConfig,
    key: str = "stop",
    progress_area=None,
    result_key: str = session.RUN,
    keep: Callable[[TrainResult], None] = session.set_run,
    chart: Callable[[list], Any] = charts.history_chart,
    mark_url: bool = True,
    labels: dict[str, str] | None = None,
) -> TrainResult | None:
    """Train ``config`` with a live ``chart`` of its history, a progress bar and a Stop button.

    The queue place, the progress bar and Stop go into ``progress_area`` when given (the Lab
    puts them beside its Train button, where the click was), the chart where this is called.
    The run, finished or interrupted part way, is handed to ``keep`` (default: it becomes the
    session's current run). Returns the run, or None if training failed (the error is shown;
    earlier results are untouched). ``mark_url`` puts "training=1" in the address meanwhile.
    ``labels`` are the page's form labels: a refusal names those fields (none: advice that
    needs no field, as on Generate's preset button).
    """
    box = session.mailbox()  # fetched now: touching session state later may be interrupted
    with progress_area if progress_area is not None else st.container():
        queue_box = st.empty()
        bar, stop_box = progress_with_stop(key, RUNNER["stop_one"])
    chart_box = training.LiveChart()
    on_progress, interrupt = _live_chart(bar, chart_box, chart, variant_of(config).regression)
    box[session.BUSY] = True  # see session.wait_for_handover: a new run waits for the handover
    if mark_url:
        _mark_training()
    try:
        run = training.train_gated(config, on_progress, lambda: bool(interrupt), queue_box)
        if run.epochs_done > 0:
            box[result_key] = run  # handed over before the flag goes False (adopted below or next run)
    except Exception as exc:  # one sentence for the user; a bug's traceback goes to the log
        box[session.BUSY] = False
        bar.empty()
        stop_box.empty()
        errors.show_error(exc, "Training", labels)
        return None
    finally:
        box[session.BUSY] = False
    if interrupt:
        raise interrupt[0]  # now let Streamlit rerun as the user asked
    if mark_url:
        st.query_params.pop(TRAINING_MARK, None)
    adopt(result_key, keep)
    bar.empty()
    stop_box.empty()
    chart_box.empty()
    return run


# -- many labelled configs -----------------------------------------------------------------
def _train_together(
    configs: list[LSTMConfig], labels: list[str], bar, queue_box
) -> tuple[list[TrainResult], BaseException | None]:
    """Train ``configs`` through the gate, all at once, and return every run with the
    Streamlit signal a click raised meanwhile (or None).

    They train in one ``trainer.train_many`` call (seeds of a framing side by side, a
    second core when the gate has one free), so 20 seeds cost a few runs' time. ``bar``
    shows the whole series, its text prefixed with the label of the run that reported last.
    A click meanwhile stops the training within a second and every run comes back as far as
    it got (``stopped``).
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
            text = f"{labels[i]} · {training.progress_text(p)}"
            bar.progress(min(1.0, sum(fractions) / len(configs)), text=text)
        except BaseException as signal:  # noqa: BLE001 - Streamlit's rerun/stop signal
            interrupt.append(signal)

    runs = training.train_many_gated(configs, on_progress, lambda: bool(interrupt), queue_box)
    return runs, (interrupt[0] if interrupt else None)


def train_labelled(
    pairs: Sequence[tuple[str, LSTMConfig]],
    collect: Callable[[dict[str, TrainResult]], Any],
    result_key: str,
    key: str | None,
    stop_help: str = RUNNER["stop_many"],
    keep_stopped: bool = False,
) -> Any:
    """Train every ``(label, config)`` at once and keep ``collect({label: run})`` under ``result_key``.

    Runs a click stopped part way are left out unless ``keep_stopped``. ``collect`` turns the
    runs into what the page keeps (rows, scores); it is plain Python, run before Streamlit's
    signal is re-raised, and its value reaches ``st.session_state[result_key]`` now or, after
    a click, in the next script run (read it with :func:`kept`). ``key`` is the Stop button's
    (None: no Stop button). The previous value is dropped when the training starts. Errors
    propagate, after the progress bar is cleared.
    """
    labels = [label for label, _ in pairs]
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels must be unique: {labels}")
    box = session.mailbox()
    st.session_state.pop(result_key, None)
    queue = st.empty()
    bar, stop_box = progress_with_stop(key, stop_help)
    box[busy_flag(result_key)] = True
    interrupt = None
    try:
        runs, interrupt = _train_together([c for _, c in pairs], labels, bar, queue)
        by_label = {label: run for label, run in zip(labels, runs, strict=True)
                    if keep_stopped or not run.stopped}
        box[result_key] = collect(by_label)
    except Exception:
        if interrupt is None:
            bar.empty()
            stop_box.empty()
            raise
        log.warning("keeping the runs of %s failed", result_key, exc_info=True)
    finally:
        box[busy_flag(result_key)] = False
    if interrupt is not None:
        raise interrupt  # Stop or another click: Streamlit reruns as asked, the results stay
    bar.empty()
    stop_box.empty()
    return kept(result_key)


# -- the run a page works on ---------------------------------------------------------------
def lost_training_notice() -> bool:
    """If the address says this page was training but this session never started one, say so.

    That happens when the server restarted mid-training (the browser reconnects to a fresh
    session) or a link was copied mid-training. Returns True when the user asks to train
    again (the caller trains the shown settings).
    """
    if st.query_params.get(TRAINING_MARK) is not None and not session.mailbox().get(session.BUSY):
        st.query_params.pop(TRAINING_MARK, None)
        if not st.session_state.get(STARTED_HERE):  # (else: this session's own interrupted run)
            st.session_state[LOST] = True
    if not st.session_state.get(LOST):
        return False
    holder = st.empty()
    box = holder.container()
    box.warning(RUNNER["lost"], icon=":material/restart_alt:")
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

    Used by Generate, State and Cell, so each is usable on its own at once: until the user
    trains a model, they show the tutorial's stateful preset, trained ahead of time, with a
    button to train it live instead.
    """
    run = session.current_run(fallback=preset("stateful"))
    share.model_source(run)
    if run is None or session.is_shipped(run):
        st.info(RUNNER["preset"].format(page=page), icon=":material/info:")
        left, right = st.columns(2, vertical_alignment="center")
        with left:
            st.page_link("pages/lab.py", label="Open the Lab", icon=":material/science:")
        with right:
            clicked = st.button("Train the stateful preset", icon=":material/play_arrow:", type="primary")
        if clicked:
            return train_one(preset("stateful"), key="stop_preset")
    uploaded = upload.upload_box()
    return uploaded if uploaded is not None else run

"""Your own Keras model: upload a ``.keras`` file and explore it like a trained run.

A file saved by LSTM State Lab brings its settings. A plain Keras 3 file (the tutorial's
own ``model.save``) does not say its training text, encoding or framing: the engine
(``lstm_core.export.keras_import``) infers them and this box shows the guesses in a small form
the user can correct before using the model. The model then becomes the current run,
is kept in the run store and gets its own link, like a trained one.
"""

from __future__ import annotations

import streamlit as st

from lstm_core.config import ENCODINGS, FRAMINGS
from lstm_core.export import keras_import
from lstm_core.export.keras_preflight import check_archive
from lstm_core.limits import budget
from lstm_core.model.results import TrainResult
from ui import safe, session, training
from ui.safe import md_escape
from ui.text.shared import UPLOAD_HELP

READ_MODEL = "lstm_core.export.keras_import:read_model"
LOAD_ANY = "lstm_core.export.keras_import:load_any"
# An uploaded file is read under an address-space limit this far above what the worker maps:
# Keras reading a file that passed the checks needs tens of MiB; a file built to take more
# fails in the worker, which alone is lost (and replaced).
UPLOAD_LIMIT_MB = 1024
UPLOAD_NEED_MB = 64.0  # reserved in the budget while a file is read, plus 4x its size
SOURCE = "upload_source"  # {"run": the adopted run, "file": its name}: pages say it is an upload
UPLOADED = "upload_read"  # {"file": file id, "shape", "weights", "ours": run, "error": text}


def read_in_worker(data: bytes) -> dict:
    """Read an uploaded ``.keras`` file in a worker: ``{"ours": run}`` for a file this app
    saved, else ``{"shape": ModelShape, "weights": Weights}``. Refusals raise ``ValueError``
    (a sentence), as does a file that takes its worker down (``WorkerLost``)."""
    ours = keras_import.is_ours(data)
    # The checks that need no Keras run here first: a refusal (a zip bomb, a weight declared
    # 320 million numbers long) is answered at once, not after the trainings queued for a worker.
    (check_archive if ours else keras_import.preflight)(data)
    need = UPLOAD_NEED_MB + 4 * len(data) / budget.MIB
    with budget.admit(need):  # an upload counts in the budget like a training
        if ours:
            return {"ours": training.pool().call(LOAD_ANY, bytes(data), limit_mb=UPLOAD_LIMIT_MB)}
        shape, weights = training.pool().call(READ_MODEL, bytes(data), limit_mb=UPLOAD_LIMIT_MB)
        return {"shape": shape, "weights": weights}


def _read(file) -> dict:
    """Read an uploaded file once per upload (loading Keras costs seconds)."""
    cached = st.session_state.get(UPLOADED)
    if cached is not None and cached.get("file") == file.file_id:
        return cached
    data = file.getvalue()
    read: dict = {"file": file.file_id, "name": file.name}
    try:
        with st.spinner("Checking the file and loading it with Keras…"):
            read.update(read_in_worker(data))  # Keras runs in a worker, not here
    except ValueError as exc:
        read["error"] = str(exc)
    st.session_state[UPLOADED] = read
    return read


def upload_box(expanded: bool = False) -> TrainResult | None:
    """The "Use your own Keras model" expander. Returns the model once the user adopts it."""
    with st.expander("Use your own Keras model (.keras)", icon=":material/upload_file:", expanded=expanded):
        file = st.file_uploader(
            "Keras model file", type=["keras"], key="upload_keras", help=UPLOAD_HELP["file"]
        )
        if file is None:
            st.caption(
                "Saved by this app, or by plain Keras 3 in the tutorial's shape, e.g. "
                "`Sequential([Input(batch_shape=(1, 1, 1)), LSTM(16, stateful=True), "
                "Dense(26, activation='softmax')])`."
            )
            return None
        read = _read(file)
        if read.get("error"):
            # The refusal quotes the file (its layer names): shown as text (ui/safe.py).
            st.error(safe.plain(read["error"]), icon=":material/error:")
            return None
        if "ours" in read:
            run = read["ours"]
            st.caption(f"Saved by LSTM State Lab: `{run.config.framing}`, {run.config.units} units.")
            if st.button("Use this model", key="upload_use_ours", icon=":material/check:", type="primary"):
                return _adopt(run, read["name"])
            return None
        return _plain_form(read)


def _plain_form(read: dict) -> TrainResult | None:
    shape = read["shape"]
    key = f"upload_{read['file']}"  # fresh fields for every new file
    guess = keras_import.guesses(shape)
    st.markdown(
        f"**From the file:** {shape.time_steps or 'any'} time step(s) × {shape.features} feature(s), "
        f"{shape.units} units, {shape.vocab_size} outputs, "
        f"{'stateful' if shape.stateful else 'stateless'}"
        + (f", batch of {shape.batch_size}" if shape.stateful and shape.batch_size else "")
        + ". **Guessed** below: correct anything that is wrong."
    )
    with st.form("upload_form", border=False):
        sequence = st.text_input(
            "Training text", value=guess["sequence"], key=f"{key}_sequence", help=UPLOAD_HELP["text"]
        )
        c1, c2, c3 = st.columns(3)
        framing = c1.selectbox(
            "Framing", FRAMINGS, index=FRAMINGS.index(guess["framing"]), key=f"{key}_framing",
            help=UPLOAD_HELP["framing"],
        )
        encoding = c2.selectbox(
            "Encoding", ENCODINGS, index=ENCODINGS.index(guess["encoding"]), key=f"{key}_encoding",
            help=UPLOAD_HELP["encoding"],
        )
        window = c3.number_input(
            "Window", value=int(guess["window"]), step=1, key=f"{key}_window", help=UPLOAD_HELP["window"]
        )
        used = st.form_submit_button("Use this model", icon=":material/check:", type="primary")
    if not used:
        return None
    try:
        inferred = keras_import.infer(
            shape, sequence=sequence or None, framing=framing, encoding=encoding, window=int(window)
        )
    except (ValueError, TypeError) as exc:
        st.error(safe.plain(exc), icon=":material/error:")
        return None
    return _adopt(keras_import.to_run(inferred, read["weights"]), read["name"])


def uploaded_file(run: TrainResult | None) -> str | None:
    """The file name ``run`` was uploaded from in this session (None: trained or a preset)."""
    source = st.session_state.get(SOURCE) or {}
    return source.get("file") if run is not None and source.get("run") is run else None


def _adopt(run: TrainResult, name: str) -> TrainResult:
    session.set_run(run, meta={"origin": "upload", "file": str(name)[:200]})
    st.session_state[SOURCE] = {"run": run, "file": str(name)[:200]}
    st.success(
        f"Using your model from {md_escape(repr(name))} ({run.config.framing}, {run.config.units} units). "
        "It has its own link now.",
        icon=":material/check_circle:",
    )
    return run

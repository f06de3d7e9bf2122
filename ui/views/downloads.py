"""One row of download buttons for a trained run: the model, its tables, a script and a notebook.

The Lab and the Sine page both offer a run's files the same way (:func:`run_files`): the
``.keras`` model first, then the page's own tables (CSV), then the plain-Keras script and
the notebook. What costs time or memory (the Keras model, the notebook) is built only when
its button is clicked: a callable ``data`` is run by Streamlit on click.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from lstm_core.model.results import TrainResult
from ui import training
from ui.text.shared import DOWNLOAD_HELP, SCRIPT_EXPECT


@dataclass(frozen=True)
class Download:
    label: str
    data: bytes | str | Callable[[], bytes]
    file_name: str
    mime: str
    icon: str
    help: str


KERAS_BYTES = "lstm_core.export.keras_file:keras_bytes"  # run in a TensorFlow worker


def csv(label: str, data: str, file_name: str, help: str) -> Download:
    """A table as a CSV download.

    >>> csv("History (CSV)", "epoch,loss\\n", "lstm-naive-history.csv", "Loss per epoch.").mime
    'text/csv'
    """
    return Download(label, data, file_name, "text/csv", ":material/download:", help)


def run_files(run: TrainResult, name: str, tables: Sequence[Download], script_help: str) -> list[Download]:
    """The model (.keras), ``tables``, the Keras script and the notebook of ``run``, files named ``name…``."""
    from lstm_core.export import script

    return [
        Download("Model (.keras)", lambda: keras_bytes(run), f"{name}.keras",
                 "application/octet-stream", ":material/download:", DOWNLOAD_HELP["model"]),
        *tables,
        Download("Keras script (.py)", script.keras_script(run.config), f"{name}.py", "text/x-python",
                 ":material/code:", script_help),
        Download("Notebook (.ipynb)", lambda: notebook_bytes(run), f"{name}.ipynb",
                 "application/x-ipynb+json", ":material/menu_book:", DOWNLOAD_HELP["notebook"]),
    ]


def keras_bytes(run: TrainResult) -> bytes:
    """``run`` as a ``.keras`` file, built by Keras in a worker (the server never imports it)."""
    return training.pool().call(KERAS_BYTES, run)


def notebook_bytes(run: TrainResult) -> bytes:
    from lstm_core.export.notebook import notebook_bytes as build  # nbformat: loaded only when clicked

    return build(run.config)


def show(downloads: Sequence[Download]) -> None:
    """The buttons in one row (it wraps on narrow screens); a click reruns nothing."""
    row = st.container(horizontal=True, gap="small")
    for d in downloads:
        row.download_button(
            d.label, data=d.data, file_name=d.file_name, mime=d.mime, on_click="ignore", icon=d.icon,
            help=d.help,
        )
    if any(d.file_name.endswith(".py") for d in downloads):
        st.caption(SCRIPT_EXPECT)  # what stock fit gives (issue 22, item 8)

"""A runnable plain-Keras 3 script of a configuration: the bridge back to ``model.fit``.

The script is a real file, ``script_template.py`` beside this one (lint-checked with the
rest of the code, runnable as it is for the default settings). Only its configuration
block changes: :func:`keras_script` writes the given config's values there, one constant
per ``LSTMConfig`` field, each with the field's description, then the four the script reads
from the run's variant (:mod:`lstm_core.model.variant`): the cell's Keras layer and name, and
whether the head is one-shot or a regression, so the script never tests a framing or a task::

    >>> from lstm_core.presets import preset
    >>> text = keras_script(preset("stateful"))
    >>> for line in text.splitlines():
    ...     if line.startswith(("UNITS =", "SHUFFLE =")):
    ...         print(line)
    UNITS = 16  # LSTM memory units: the size of the hidden state h and cell state c
    SHUFFLE = False  # reshuffle the samples every epoch, as model.fit does by default

The script builds its data exactly as ``framings.make_dataset`` does (a test compares the
two, value by value), prints ``Model Accuracy: xx.xx%`` and its predictions, and accepts
``--epochs N``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from lstm_core.config import FIELD_DOCS, LSTMConfig
from lstm_core.model.variant import variant_of

TEMPLATE = Path(__file__).with_name("script_template.py")
BEGIN = "# ---- the configuration "
END = "# ---- end of the configuration "


def _literal(value: Any) -> str:
    """A Python literal for a config value; text in double quotes, as in the template."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a Python string literal
    return repr(value)


def config_block(config: LSTMConfig) -> str:
    """The lines between the template's two configuration markers, for ``config``."""
    lines = []
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        value = float(value) if f.name == "learning_rate" else value
        lines.append(f"{f.name.upper()} = {_literal(value)}  # {FIELD_DOCS[f.name]}")
    return "\n".join(lines + variant_lines(config)) + "\n"


SPEC_DOCS = {  # the script's constants taken from the variant, and their descriptions
    "RNN_LAYER": "the cell's Keras layer class (keras.layers.LSTM, GRU or SimpleRNN)",
    "RNN_NAME": "the first recurrent layer's name (then RNN_NAME_2, RNN_NAME_3)",
    "ONE_SHOT": "the next HORIZON letters at once, through a decoder (n-char-output)",
    "REGRESSION": "the next value of a wave: linear output, mean squared error (the sine task)",
}


def variant_lines(config: LSTMConfig) -> list[str]:
    """The block's last lines: what the script builds, as the run's variant says.

    >>> from lstm_core.presets import preset
    >>> for line in variant_lines(preset("n-char-output").replace(cell="gru")):
    ...     print(line.split("  #")[0])
    RNN_LAYER = "GRU"
    RNN_NAME = "gru"
    ONE_SHOT = True
    REGRESSION = False
    """
    spec = variant_of(config)
    values = {"RNN_LAYER": spec.cell.label, "RNN_NAME": spec.cell.keras_name,
              "ONE_SHOT": spec.one_shot, "REGRESSION": spec.regression}
    return [f"{name} = {_literal(values[name])}  # {doc}" for name, doc in SPEC_DOCS.items()]


def split_template(text: str) -> tuple[str, str, str]:
    """(before, configuration block, after) of the template, markers kept outside the block."""
    head, rest = text.split(BEGIN, 1)
    marker_rest, rest = rest.split("\n", 1)
    block, tail = rest.split(END, 1)
    return head + BEGIN + marker_rest + "\n", block, END + tail


def keras_script(config: LSTMConfig) -> str:
    """The complete, runnable plain-Keras-3 script that trains ``config`` with ``model.fit``."""
    head, _, tail = split_template(TEMPLATE.read_text(encoding="utf-8"))
    return head + config_block(config) + tail

"""Where the export helpers used to live, kept so that code written against
``lstm_core.export`` keeps working while other branches merge. New code imports from the
module that does the job:

- ``keras_models``  one shared Keras model per shape; the tutorial's compiled stock model
- ``keras_file``    a run as ``.keras`` bytes and back (with safe loading)
- ``csvs``          history and predictions as CSV
- ``script``        a runnable plain-Keras script of a configuration

>>> from lstm_core import export, keras_file
>>> export.load_keras_bytes is keras_file.load_keras_bytes
True
"""

from .csvs import history_csv, predictions_csv
from .keras_file import (
    CONFIG_MEMBER,
    FORMAT_NAME,
    FORMAT_VERSION,
    KERAS_MEMBERS,
    MAX_MODEL_BYTES,
    MAX_UNPACKED_BYTES,
    keras_bytes,
    load_keras_bytes,
)
from .keras_models import cached_models, keras_model, stock_model
from .script import keras_script

MAX_UPLOAD_BYTES = MAX_MODEL_BYTES  # the old name

__all__ = [
    "CONFIG_MEMBER",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "KERAS_MEMBERS",
    "MAX_MODEL_BYTES",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "cached_models",
    "history_csv",
    "keras_bytes",
    "keras_model",
    "keras_script",
    "load_keras_bytes",
    "predictions_csv",
    "stock_model",
]

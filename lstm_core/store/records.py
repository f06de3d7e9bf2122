"""A stored run as plain values: a :class:`Record` (one row of the run store), and its id.

``to_record`` turns a trained run into a record and ``from_record`` rebuilds it, trusting
nothing: the config is validated again, the weights are an ``.npz`` read with
``allow_pickle=False`` and checked against the shapes the config implies::

    >>> from lstm_core.model.cells import init_weights
    >>> from lstm_core.presets import preset
    >>> from lstm_core.model.results import TrainResult
    >>> from lstm_core.data.framings import make_dataset
    >>> cfg = preset("stateful")
    >>> rec = to_record(TrainResult(cfg, make_dataset(cfg), init_weights(cfg)), meta={"origin": "lab"})
    >>> is_valid_id(rec.id), rec.weights[:2], rec.meta
    (True, b'PK', '{"origin": "lab"}')
    >>> from_record(rec).config == cfg
    True
    >>> is_valid_id("../../etc/passwd")
    False

The owner (who saved the run: a browser session) is taken out of ``meta`` into its own column,
so the store can bound what one session keeps::

    >>> run = TrainResult(cfg, make_dataset(cfg), init_weights(cfg))
    >>> rec = to_record(run, {"origin": "lab", "owner": "s1"})
    >>> rec.owner, rec.meta, rec.keep, rec.opened
    ('s1', '{"origin": "lab"}', False, 0.0)

``SCHEMA_VERSION`` (the table's version), ``StoreError`` and ``StoreUnavailable`` live here too:
both backends (:mod:`lstm_core.store.sqlite`, :mod:`lstm_core.store.postgres`) and the store
share them.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.framings import make_dataset
from lstm_core.model.cells import Weights, weight_names, weight_shapes
from lstm_core.model.results import EpochLog, TrainResult
from lstm_core.model.variant import variant_of

# The table's version: PRAGMA user_version (SQLite), run_store_schema (PostgreSQL).
# 2 added owner, opened and keep (each backend's ADDED); a version-1 table gets them on open.
SCHEMA_VERSION = 2
ID_BYTES = 18  # secrets.token_urlsafe(18): 24 characters, 144 random bits
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")  # anything else is not even looked up
WEIGHT_NAMES = Weights._fields  # one layer's: kernel, recurrent_kernel, bias, dense_kernel, dense_bias
# A stacked run adds kernel_2, recurrent_kernel_2, bias_2, ... (cell.weight_names).


class StoreError(Exception):
    """Trouble the store itself finds (a newer schema, a run over the size bound)."""


class StoreUnavailable(StoreError):
    """The store cannot tell right now whether a run exists (its database cannot be read).

    Not the same as "no such run": a link must not be dropped for it (issue 21).
    """


def new_id() -> str:
    """A fresh run id: 144 random bits, URL-safe (e.g. ``'q3Xw…'``, 24 characters)."""
    return secrets.token_urlsafe(ID_BYTES)


def is_valid_id(run_id: Any) -> bool:
    """Whether ``run_id`` has the shape of an id (letters, digits, ``-``, ``_``; 16-64 long)."""
    return isinstance(run_id, str) and bool(ID_PATTERN.match(run_id))


@dataclass
class Record:
    """One stored run, as plain values (what goes into and comes out of a row)."""

    id: str
    created: float
    config: str
    weights: bytes
    history: bytes
    stopped: bool
    seconds: float
    meta: str
    owner: str = ""  # who saved it (a browser session's id); "" for the CLI and older rows
    opened: float = 0.0  # when a link last opened it (time.time()); 0 never
    keep: bool = False  # an operator marked it to keep: never evicted

    @property
    def size(self) -> int:
        return len(self.weights) + len(self.history)


def npz(arrays: dict[str, np.ndarray]) -> bytes:
    """Arrays as the bytes of an ``.npz`` (a zip of ``.npy`` files: plain numbers, no pickle)."""
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _read_npz(blob: bytes, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(blob), allow_pickle=False) as z:
        missing = [n for n in names if n not in z.files]
        if missing:
            raise ValueError(f"missing arrays {missing}")
        return {n: z[n] for n in names}


def to_record(run: TrainResult, meta: dict[str, Any] | None = None, run_id: str | None = None) -> Record:
    """Turn a ``TrainResult`` into a :class:`Record` (weights as float32 ``.npz``);
    ``meta["owner"]``, if any, becomes the record's owner."""
    meta = dict(meta or {})
    owner = str(meta.pop("owner", "") or "")
    weights = npz({n: np.asarray(w, np.float32) for n, w in zip(run.weights.names, run.weights)})
    hist = run.history
    history = npz(
        {
            "epoch": np.array([h.epoch for h in hist], np.int64),
            "loss": np.array([h.loss for h in hist], np.float64),
            "accuracy": np.array([h.accuracy for h in hist], np.float64),
            "elapsed": np.array([h.elapsed for h in hist], np.float64),
        }
    )
    return Record(
        id=run_id or new_id(),
        created=time.time(),
        config=json.dumps(run.config.to_dict()),
        weights=weights,
        history=history,
        stopped=bool(run.stopped),
        seconds=float(run.seconds),
        meta=json.dumps(meta),
        owner=owner,
    )


def from_record(rec: Record) -> TrainResult:
    """Rebuild a ``TrainResult`` from a :class:`Record`; ``ValueError`` if anything is off."""

    try:
        config = LSTMConfig.from_dict(json.loads(rec.config))
    except (TypeError, json.JSONDecodeError) as err:
        raise ValueError(f"stored configuration is malformed ({err})") from None
    layers = variant_of(config).model_layers  # the one-shot head: a decoder layer on top
    names = weight_names(layers)
    arrays = _read_npz(rec.weights, names)
    f, u, v = config.features, config.units, config.outputs
    expected = weight_shapes(config.cell, layers, f, u, v)
    got = [arrays[n].shape for n in names]
    if got != expected:
        raise ValueError(f"stored weight shapes {got} do not match the configuration {expected}")
    weights = Weights(*(np.asarray(arrays[n], np.float32) for n in names))
    if not all(np.isfinite(w).all() for w in weights):
        raise ValueError("stored weights contain NaN or infinity")
    h = _read_npz(rec.history, ("epoch", "loss", "accuracy", "elapsed"))
    history = [
        EpochLog(int(e), float(lo), float(a), float(s))
        for e, lo, a, s in zip(h["epoch"], h["loss"], h["accuracy"], h["elapsed"])
    ]
    return TrainResult(
        config, make_dataset(config), weights, history=history, stopped=bool(rec.stopped),
        seconds=float(rec.seconds),
    )

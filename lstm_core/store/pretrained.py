"""The six tutorial presets, trained ahead of time and shipped in the repository.

A fresh server can show a trained model at once: the stateful preset generates K → B
cold and K → L warm before anyone clicks Train, and before TensorFlow is even imported
(inference is numpy). Each preset is two small files in ``lstm_core/store/shipped/``,
written by ``scripts/make_presets.py`` with the real trainer at the tutorial's settings
(seed 7)::

    <name>.json   {"config": {...LSTMConfig...}, "seconds": ..., "stopped": false, "accuracy": ...}
    <name>.npz    the five float32 weight arrays and the history (epoch, loss, accuracy, elapsed)

No pickle: the arrays are read with ``allow_pickle=False`` and the config is validated
like any other (the same code as the run store). Example::

    >>> run = preset_run("stateful")
    >>> run.config.units, run.epochs_done
    (16, 300)
    >>> from lstm_core.analysis.inference import generate
    >>> generate(run, "K", steps=5).text, generate(run, "K", steps=5, warm=True).text
    ('KBCDEF', 'KLMNOP')
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from lstm_core.config import FRAMINGS, LSTMConfig
from lstm_core.model.results import TrainResult
from lstm_core.presets import PRESETS
from lstm_core.store.records import Record, from_record, to_record

FOLDER = Path(__file__).resolve().parent / "shipped"
MADE_BY = "scripts/make_presets.py"
# A full retrain of all six takes about a minute (variable-length alone ~30 s), too long for
# every test run. So each preset also records its weights after a few epochs: training that
# many again is cheap, and any change to the trainer's numerics shows there first.
FINGERPRINT_EPOCHS = 5


def fingerprint(weights: list) -> list[float]:
    """Two numbers per weight array (its sum and its sum of absolute values): enough to tell
    two trainings apart, small enough to keep in the preset's JSON.

    >>> import numpy as np
    >>> fingerprint([np.array([1.0, -2.0]), np.array([[0.5]])])
    [-1.0, 3.0, 0.5, 0.5]
    """
    import numpy as np

    return [round(float(v), 6) for w in weights for v in (np.sum(w, dtype=np.float64),
                                                           np.sum(np.abs(w), dtype=np.float64))]


def paths(name: str) -> tuple[Path, Path]:
    """The (json, npz) files of preset ``name``."""
    return FOLDER / f"{name}.json", FOLDER / f"{name}.npz"


@functools.lru_cache(maxsize=len(FRAMINGS))
def preset_run(name: str) -> TrainResult | None:
    """The shipped trained run of preset ``name`` (a ``TrainResult``), or None if missing.

    Cached: the run is shared read-only by every session of the process (it is never
    trained further; training always makes a new run).
    """
    if name not in PRESETS:
        return None
    json_path, npz_path = paths(name)
    try:
        info = json.loads(json_path.read_text(encoding="utf-8"))
        blob = npz_path.read_bytes()
        rec = Record(
            id=f"preset-{name}", created=0.0, config=json.dumps(info["config"]), weights=blob,
            history=blob, stopped=bool(info.get("stopped", False)),
            seconds=float(info.get("seconds", 0.0)), meta="{}",
        )
        run = from_record(rec)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if run.config != PRESETS[name].config:
        return None  # the files are out of date with the presets: do not pass them off as these
    return run


def run_for(config: LSTMConfig) -> TrainResult | None:
    """The shipped run trained with exactly ``config`` (a tutorial preset), else None."""
    for name, p in PRESETS.items():
        if p.config == config:
            return preset_run(name)
    return None


def write(name: str, run: TrainResult, accuracy: float, early: list[float], commit: str) -> None:
    """Save ``run`` as preset ``name``'s shipped files (used by scripts/make_presets.py), with
    ``early``, the :func:`fingerprint` after ``FINGERPRINT_EPOCHS`` epochs, and the ``commit``
    of the trainer that made it."""
    rec = to_record(run)
    import io

    import numpy as np

    arrays = {}
    for blob in (rec.weights, rec.history):
        with np.load(io.BytesIO(blob), allow_pickle=False) as z:
            arrays.update({k: z[k] for k in z.files})
    FOLDER.mkdir(parents=True, exist_ok=True)
    json_path, npz_path = paths(name)
    np.savez(npz_path, **arrays)
    info = {
        "config": run.config.to_dict(),
        "seconds": round(float(run.seconds), 3),
        "stopped": bool(run.stopped),
        "accuracy": accuracy,
        "made_by": MADE_BY,
        "commit": commit,
        "fingerprint_epochs": FINGERPRINT_EPOCHS,
        "fingerprint": early,
    }
    json_path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")

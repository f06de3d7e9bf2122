"""``python -m lstm_core export`` (issue 23): the script, the notebook and the .keras file of a
configuration or of a stored run, as the pages offer them."""

from __future__ import annotations

import json
import types
from pathlib import Path

import numpy as np
from cli_support import cli

from lstm_core.export.keras_file import load_keras_bytes
from lstm_core.export.script import keras_script
from lstm_core.presets import preset
from lstm_core.store import pretrained
from lstm_core.store.runs import RunStore


def test_a_preset_exports_its_script_notebook_and_the_shipped_model(tmp_path: Path) -> None:
    files = {kind: tmp_path / f"stateful.{ext}" for kind, ext in (("script", "py"), ("notebook", "ipynb"),
                                                                  ("keras", "keras"))}
    done = cli("export", "--framing", "stateful", *(a for k, p in files.items() for a in (f"--{k}", str(p))))
    assert done.returncode == 0, done.stderr
    assert files["script"].read_text() == keras_script(preset("stateful"))
    cells = json.loads(files["notebook"].read_text())["cells"]
    assert any("LSTM" in "".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    model = load_keras_bytes(files["keras"].read_bytes())
    for ours, shipped in zip(model.weights, pretrained.preset_run("stateful").weights, strict=True):
        np.testing.assert_allclose(ours, shipped, atol=1e-6)
    assert "(the shipped preset)" in done.stdout


def test_a_stored_run_exports_by_its_id(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "runs.sqlite3"
    monkeypatch.setenv("LSTM_LAB_DB", str(db))
    shipped = pretrained.preset_run("naive")
    run = types.SimpleNamespace(config=shipped.config.replace(units=8, epochs=3), weights=None,
                                stopped=False, seconds=0.1, history=shipped.history[:3])
    from lstm_core.model.cells import init_weights

    run.weights = init_weights(run.config)
    run_id = RunStore(db).save(run, {})
    script = tmp_path / "run.py"
    done = cli("export", "--run", run_id, "--script", str(script))
    assert done.returncode == 0, done.stderr
    assert script.read_text() == keras_script(run.config)


def test_bad_requests_are_one_line_and_exit_2(tmp_path: Path) -> None:
    for args, words in [(("export", "--framing", "stateful"), "at least one of"),
                        (("export", "--script", str(tmp_path / "x.py")), "--framing NAME"),
                        (("export", "--run", "B" * 24, "--script", str(tmp_path / "x.py")), "no run")]:
        done = cli(*args)
        assert done.returncode == 2 and words in done.stderr and done.stderr.count("\n") == 1, done.stderr

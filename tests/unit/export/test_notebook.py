"""The notebook download (lstm_core/export/notebook.py): valid nbformat, built from the script, runs."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from lstm_core.export.notebook import notebook, notebook_bytes
from lstm_core.export.script import keras_script
from lstm_core.presets import preset

RUN_CELLS = """
import json, sys
nb = json.load(open(sys.argv[1]))
namespace = {"__name__": "notebook"}
for cell in nb["cells"]:
    if cell["cell_type"] == "code":
        exec(compile("".join(cell["source"]), "cell", "exec"), namespace)
"""


@pytest.mark.parametrize("name", ["stateful", "timestep-window"])
def test_the_notebook_is_valid_and_its_code_cells_run_with_plain_keras(name: str, tmp_path) -> None:
    config = preset(name).replace(epochs=2)
    data = notebook_bytes(config)
    nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    nbformat.validate(nb)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert len(markdown) >= 7 and any("[samples, time steps, features]" in m for m in markdown)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "argparse" not in code and "parse_args" not in code  # a notebook has no command line
    path = tmp_path / "lab.ipynb"
    path.write_bytes(data)
    out = subprocess.run([sys.executable, "-c", RUN_CELLS, str(path)], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "Model Accuracy:" in out.stdout
    assert "X: (" in out.stdout


def test_every_line_of_the_script_that_runs_is_in_the_notebook() -> None:
    config = preset("variable-length")
    script = keras_script(config)
    cells = "\n".join(c.source for c in notebook(config).cells if c.cell_type == "code")
    skipped = ("argparse", "parser", "__main__", "main()", "def main")
    if script.lstrip().startswith('"""'):
        script = script.split('"""', 2)[2]  # the module docstring: the first markdown cell says it
    for line in script.splitlines():
        text = line.strip()
        if text and not text.startswith("#") and not any(s in text for s in skipped) and '"""' not in text:
            assert text in cells, text


def test_the_stateful_notebook_explains_state_resets() -> None:
    nb = notebook(preset("stateful"))
    text = json.dumps([c.source for c in nb.cells if c.cell_type == "markdown"])
    assert "stateful" in text and "reset_state()" in text and "100.00%" in text

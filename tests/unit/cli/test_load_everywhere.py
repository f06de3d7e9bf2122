"""One ``--load`` for every command (lstm_core/cli/common.py ``load_model``): a plain Keras 3 file,
saved by stock ``model.save``, is accepted by ``trace`` and ``influence`` as by ``generate``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from lstm_core.cli.main import main
from lstm_core.export.keras_file import keras_bytes
from lstm_core.store import pretrained


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """The shipped stateful model twice: as stock Keras saves it (the tutorial's own code) and as ours."""
    from lstm_core.model.keras_models import import_keras

    keras = import_keras()
    shipped = pretrained.preset_run("stateful")
    model = keras.Sequential(
        [keras.Input(batch_shape=(1, 1, 1)), keras.layers.LSTM(16, stateful=True),
         keras.layers.Dense(26, activation="softmax")]
    )
    model.set_weights(list(shipped.weights))
    folder = tmp_path_factory.mktemp("models")
    model.save(folder / "plain.keras")
    (folder / "ours.keras").write_bytes(keras_bytes(shipped))
    return {"plain": folder / "plain.keras", "ours": folder / "ours.keras"}


def test_trace_and_influence_load_a_plain_keras_file_like_ours(files):
    traces, influences = [], []
    for kind in ("plain", "ours"):
        code, out = run_cli("trace", "--load", str(files[kind]), "--text", "ABCD", "--json")
        assert code == 0, kind
        traces.append(json.loads(out)["steps"])
        code, out = run_cli("influence", "--load", str(files[kind]), "--text", "ABCD", "--json")
        assert code == 0, kind
        influences.append(json.loads(out))
    assert [step["fed"] for step in traces[0]] == list("ABCD")
    # The same weights read through either file: the same gates and the same answer.
    assert _close(traces[0], traces[1])
    assert influences[0]["predicted"] == influences[1]["predicted"] == "E"


def _close(a, b, tol: float = 1e-5) -> bool:
    """Nested JSON of numbers and strings equal within ``tol``."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, float):
        return abs(a - b) <= tol
    return a == b


@pytest.mark.parametrize("command", ["trace", "influence"])
def test_a_plain_file_takes_the_corrections_generate_takes_and_ours_refuses_them(files, command, capsys):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    # A plain file does not say its training text: --sequence tells it, as for generate and the pages.
    code, out = run_cli(command, "--load", str(files["plain"]), "--sequence", alphabet, "--text", "AB")
    assert code == 0 and out.startswith(f"loaded {files['plain']} (stateful)")
    # Ours says it: then --sequence is refused, and so is any setting on either file.
    code, _ = run_cli(command, "--load", str(files["ours"]), "--sequence", alphabet, "--text", "AB")
    assert code == 2 and "--sequence cannot be combined with --load" in capsys.readouterr().err
    code, _ = run_cli(command, "--load", str(files["plain"]), "--units", "4", "--text", "AB")
    assert code == 2 and "--units cannot be combined with --load" in capsys.readouterr().err

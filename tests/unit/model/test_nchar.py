"""n-char-output trained for real (small, a few seconds): the two ways, their accuracy per
position, generation N letters at a time, export, the store and the command line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from cli_support import cli

pytest.importorskip("tensorflow")

from lstm_core.analysis import inference  # noqa: E402
from lstm_core.config import LSTMConfig  # noqa: E402
from lstm_core.data.framings import encode_sample  # noqa: E402
from lstm_core.export import script  # noqa: E402
from lstm_core.model import nchar  # noqa: E402
from lstm_core.model.cells import forward  # noqa: E402
from lstm_core.store.records import from_record, to_record  # noqa: E402
from lstm_core.train import trainer  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
SMALL = LSTMConfig(
    framing="n-char-output", sequence="ABCDEFGHIJKL", window=2, horizon=3, units=12, epochs=150,
    batch_size=2, encoding="onehot", learning_rate=0.01,
)


@pytest.fixture(scope="module")
def both():
    """The one-shot model and the recursive one-letter model, trained side by side."""
    return trainer.train_many([SMALL, nchar.recursive_config(SMALL)])


def test_the_two_ways_are_different_models_on_the_same_windows(both):
    one_shot, recursive = both
    assert one_shot.weights.layers == 2 and len(one_shot.weights) == 8  # encoder, decoder, Dense
    assert recursive.config.framing == "timestep-window" and len(recursive.weights) == 5
    assert recursive.config.window == SMALL.window and recursive.config.seed == SMALL.seed
    # the recursive model trains on every next letter (10 windows), the one-shot on 8 windows
    assert one_shot.dataset.X.shape == (8, 2, 12) and recursive.dataset.X.shape == (10, 2, 12)


def test_per_position_accuracy_is_engine_data_for_both_ways(both):
    one_shot, recursive = both
    table = nchar.per_position(SMALL, one_shot, recursive)
    assert list(table.columns) == ["position", "one shot", "recursive"]
    assert table["position"].tolist() == [1, 2, 3]
    # recomputed by hand: argmax at each position against the expected letter
    probs = nchar.predict(one_shot.weights, one_shot.dataset.X, 3)
    hand = [round(100 * float(np.mean(probs[:, k].argmax(-1) == one_shot.dataset.target_ids[:, k])), 2)
            for k in range(3)]
    assert table["one shot"].tolist() == hand
    # the overall accuracy is the mean over positions, as Keras's evaluate counts it
    assert inference.accuracy(one_shot) == pytest.approx(np.mean(hand) / 100)
    # 150 epochs at a learning rate of 0.01 learn this short text (chance is 1 in 12)
    assert table["one shot"].min() > 50 and table["recursive"].min() > 50
    only = nchar.per_position(SMALL, one_shot, None)
    assert only["recursive"].isna().all()
    with pytest.raises(ValueError, match="is for the n-char-output framing"):
        nchar.per_position(recursive.config, recursive, None)


def test_recursive_prediction_feeds_the_models_own_answers(both):
    _, recursive = both
    cfg = recursive.config
    got = nchar.recursive_predict(recursive.weights, cfg, ["AB", "FG"], horizon=3)
    for row, start in enumerate(["AB", "FG"]):
        text = start
        for k in range(3):  # the loop written out: window of the last letters, its answer appended
            x, _ = encode_sample(cfg, text)
            probs = forward(recursive.weights, x[None]).probs[0]
            np.testing.assert_allclose(got[row, k], probs, atol=1e-12)
            text += cfg.vocab[int(probs.argmax())]


def test_generation_gives_horizon_letters_per_step(both):
    one_shot, _ = both
    gen = inference.generate(one_shot, "A", steps=3)
    assert [len(s.letter) for s in gen.steps] == [3, 3, 3]
    assert len(gen.text) == 1 + 9
    assert gen.steps[1].fed == gen.text[2:4]  # the window slides over the letters just said
    probs = nchar.predict(one_shot.weights, encode_sample(SMALL, "A")[0][None], 3)[0]
    assert gen.steps[0].letter == "".join(SMALL.vocab[i] for i in probs.argmax(-1))
    hot = inference.generate(one_shot, "A", steps=3, temperature=2.0, seed=1)
    assert [len(s.letter) for s in hot.steps] == [3, 3, 3]


def test_prediction_table_and_trace_of_an_n_char_run(both):
    one_shot, _ = both
    table = inference.prediction_table(one_shot)
    assert len(table) == 8 and table["expected"].tolist()[0] == "CDE"
    assert all(len(p) == 3 for p in table["predicted"])
    per_letter = inference.per_letter_accuracy(one_shot)
    assert per_letter["samples"].sum() == 8 * 3  # every output position counts
    trace = inference.state_trace(one_shot, "ABCD")
    assert trace.labels == ["C", "D"] and len(trace.predictions[-1]) == 3


def test_store_round_trip_keeps_all_eight_arrays(both):
    one_shot, _ = both
    back = from_record(to_record(one_shot))
    assert back.weights.layers == 2
    for a, b in zip(back.weights, one_shot.weights):
        assert np.array_equal(a, b)
    np.testing.assert_array_equal(nchar.predict(back.weights, back.dataset.X, 3),
                                  nchar.predict(one_shot.weights, one_shot.dataset.X, 3))


def test_keras_file_is_the_one_shot_model_and_predicts_the_same(both):
    from lstm_core.export import keras_file
    from lstm_core.model import keras_models

    keras = keras_models.import_keras()
    one_shot, _ = both
    data = keras_file.keras_bytes(one_shot)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        meta = json.loads(z.read(keras_file.CONFIG_MEMBER))
    assert meta["config"]["horizon"] == 3
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.keras")
        Path(path).write_bytes(data)
        model = keras.saving.load_model(path, compile=False)  # plain Keras reads it back
    names = [layer.__class__.__name__ for layer in model.layers]
    assert names == ["InputLayer", "LSTM", "RepeatVector", "LSTM", "TimeDistributed"]
    np.testing.assert_allclose(model.predict_on_batch(one_shot.dataset.X),
                               nchar.predict(one_shot.weights, one_shot.dataset.X, 3), atol=1e-5)


def test_exported_script_trains_the_one_shot_model_with_fit(tmp_path):
    path = tmp_path / "nchar_script.py"
    path.write_text(script.keras_script(SMALL), encoding="utf-8")
    done = subprocess.run([sys.executable, str(path), "--epochs", "2"], capture_output=True, text=True,
                          timeout=240, cwd=tmp_path, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "X: (8, 2, 12)" in done.stdout and "y: (8, 3, 12)" in done.stdout
    assert "accuracy per position: 1: " in done.stdout and "Model Accuracy: " in done.stdout


FLAGS = ["--sequence", "ABCDEFGHIJKL", "--window", "2", "--units", "12", "--batch-size", "2",
         "--encoding", "onehot", "--learning-rate", "0.01"]


def test_cli_train_recursive_prints_both_columns_and_generate_prints_n_letters_per_step():
    done = cli("train", "--framing", "n-char-output", "--horizon", "3", "--epochs", "40", *FLAGS,
               "--recursive", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [row["position"] for row in out["per_position"]] == [1, 2, 3]
    assert all(0 <= row["one shot"] <= 100 and 0 <= row["recursive"] <= 100 for row in out["per_position"])
    assert len(out["predictions"][0]["predicted"]) == 3

    gen = cli("generate", "--framing", "n-char-output", "--horizon", "4", "--epochs", "40", *FLAGS,
              "--start", "B", "--steps", "2")
    assert gen.returncode == 0, gen.stderr
    steps = [line.split("->")[1].split()[0] for line in gen.stdout.splitlines() if "->" in line]
    assert [len(s) for s in steps] == [4, 4]
    assert gen.stdout.splitlines()[-1] == "B" + "".join(steps)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["train", "--framing", "timestep-window", "--horizon", "3"], "horizon=3 is not allowed"),
        (["train", "--framing", "naive", "--wrap"], "wrap=True is not allowed"),
        (["train", "--framing", "stateful", "--recursive"], "--recursive needs --framing n-char-output"),
        (["train", "--framing", "n-char-output", "--horizon", "x"], "horizon='x' is not allowed"),
        (["generate", "--framing", "n-char-output", "--stateful", "--start", "A"], "stateful=True"),
        (["trace", "--framing", "n-char-output", "--text", "ABC"], "cannot be traced gate by gate"),
    ],
)
def test_cli_refuses_bad_combinations_with_exit_2_and_one_line(args, says):
    done = cli(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], done.stderr

"""Influence of earlier inputs: occlusion checked against Keras on the same weights,
the hand-written backward pass against a finite difference, ceilings against hand counts."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core.analysis.influence import feed_plan, influence, letter_codes, log_probability
from lstm_core.config import LSTMConfig
from lstm_core.data import texts
from lstm_core.data.ceiling import ceiling
from lstm_core.data.framings import encode_sample, make_dataset
from lstm_core.model.cells import Weights, init_weights
from lstm_core.model.results import TrainResult

RECALL = texts.delayed_recall(4, runs=6)  # XabcYZabcWXabcY... 30 letters


def make_run(config: LSTMConfig) -> TrainResult:
    """Keras-initialised-like weights with a nudge so predictions are not all alike."""
    w = init_weights(config)
    rng = np.random.default_rng(3)
    w = Weights(*(a + rng.normal(0, 0.3, a.shape).astype(np.float32) for a in w))
    return TrainResult(config, make_dataset(config), w)


WINDOW = LSTMConfig(framing="timestep-window", sequence=RECALL, window=5, units=8, epochs=1)
CHUNKED = LSTMConfig(framing="stateful", sequence=RECALL, units=8, epochs=1, shuffle=False,
                     stateful=True, steps_per_update=5)
STATEFUL_1 = CHUNKED.replace(steps_per_update=1)
ONEHOT_FEATURES = LSTMConfig(framing="feature-window", sequence=RECALL, window=3, units=6, epochs=1,
                             encoding="onehot")


def test_ceilings_on_hand_counted_texts():
    assert ceiling("AB" * 12, 1) == 1.0
    c = ceiling(texts.counting(6), 1)
    assert round(c * 59) == 41 and c == pytest.approx(41 / 59)
    # delayed recall, 6 runs: 29 predictions, 6 recalled letters (3 Y, 3 W after "c")
    assert [r.right for r in texts.ceiling_table(RECALL, [1, 3, 4, 5])] == [26, 24, 26, 25]
    assert [r.total for r in texts.ceiling_table(RECALL, [1, 3, 4, 5])] == [29, 27, 26, 25]
    assert texts.memory_needed(RECALL) == 4


def test_delayed_recall_is_predictable_everywhere_but_the_recalled_letter():
    text = texts.delayed_recall(3, runs=4)
    assert text == "XabYZabWXabYZabW"
    wrong_at_best = [r.total - r.right for r in texts.ceiling_table(text, [1, 2, 3])]
    assert wrong_at_best == [2, 2, 0]  # 4 recalls, half of them guessed right without memory
    with pytest.raises(ValueError, match="from 2 to 12"):
        texts.delayed_recall(1)


def _keras_prob(model, x: np.ndarray, target: int) -> float:
    return float(model.predict_on_batch(x[None])[0, target])


def test_occlusion_matches_keras_predict_for_a_window_model():
    pytest.importorskip("keras")
    from lstm_core.model.keras_models import keras_model

    run = make_run(WINDOW)
    text, step = RECALL, 14  # prediction after "XabcYZabcWXabc": the recall of Y
    result = influence(run, text, step)
    model = keras_model(run)
    window = text[step - 5 : step]
    x, _ = encode_sample(WINDOW, window)
    base = model.predict_on_batch(x[None])[0]
    target = int(base.argmax())
    assert WINDOW.vocab[target] == result.predicted
    for row in result.rows:
        if row.back >= 5:
            assert row.occlusion == 0.0 and row.gradient == 0.0  # outside the window: no influence
            continue
        slot = 4 - row.back
        changes = []
        for other in WINDOW.vocab.replace(row.fed, ""):
            xo, _ = encode_sample(WINDOW, window[:slot] + other + window[slot + 1 :])
            changes.append(abs(_keras_prob(model, xo, target) - base[target]))
        xz = x.copy()
        xz[slot] = 0.0
        changes.append(abs(_keras_prob(model, xz, target) - base[target]))
        assert row.occlusion == pytest.approx(max(changes), abs=2e-6)


@pytest.mark.parametrize("config", [CHUNKED, STATEFUL_1], ids=["5 steps per update", "1 step per update"])
def test_occlusion_reaches_back_through_carried_state_like_keras(config):
    """A stateful model fed the text sample after sample, as in training, in Keras and here."""
    pytest.importorskip("keras")
    from lstm_core.model.keras_models import keras_model

    run = make_run(config)
    text, step, t = RECALL, 14, config.time_steps
    model = keras_model(run)  # stateful, batch 1, state reset

    def keras_p(codes: np.ndarray) -> np.ndarray:
        model.get_layer("lstm").reset_state()
        out = None
        for start in range(0, step, t):  # whole samples, as training feeds them
            chunk = codes[start : start + t]
            if len(chunk) < t:
                chunk = np.concatenate([chunk, np.zeros((t - len(chunk), chunk.shape[1]))])
            out = model.predict_on_batch(chunk[None].astype(np.float32))
        last = (step - 1) % t
        return out[0, last] if config.per_step else out[0]

    codes = letter_codes(run, text[:step])
    base = keras_p(codes)
    target = int(base.argmax())
    result = influence(run, text, step)
    assert config.vocab[target] == result.predicted
    assert result.probability == pytest.approx(float(base[target]), abs=1e-5)
    reached = 0
    for row in result.rows:
        changes = []
        for code in [np.zeros(1)] + [letter_codes(run, ch)[0] for ch in config.vocab if ch != row.fed]:
            changed = codes.copy()
            changed[row.position] = code
            changes.append(abs(keras_p(changed)[target] - base[target]))
        assert row.occlusion == pytest.approx(max(changes), abs=2e-6), f"back {row.back}"
        reached += row.back >= t and row.occlusion > 1e-4
    assert reached > 0, "letters from earlier samples must matter through carried state"


@pytest.mark.parametrize("config", [CHUNKED, STATEFUL_1, WINDOW, ONEHOT_FEATURES],
                         ids=["chunks", "stateful", "timestep-window", "onehot features"])
def test_gradient_matches_a_finite_difference(config):
    run = make_run(config)
    text, step = RECALL, 13
    result = influence(run, text, step)
    target = config.vocab.index(result.predicted)
    codes = letter_codes(run, text[:step])
    eps = 1e-5
    for row in result.rows:
        fd = []
        for k in range(codes.shape[1]):
            up, down = codes.copy(), codes.copy()
            up[row.position, k] += eps
            down[row.position, k] -= eps
            fd.append((log_probability(run, text, step, up, target)
                       - log_probability(run, text, step, down, target)) / (2 * eps))
        expected = float(np.linalg.norm(fd))
        assert row.gradient == pytest.approx(expected, rel=1e-4, abs=1e-7), f"back {row.back}"


def test_feed_plans_follow_training():
    assert feed_plan(CHUNKED, RECALL, 7).ravel().tolist() == list(range(7))
    batch2 = CHUNKED.replace(sequence=RECALL + "Z", batch_size=2)  # chunk 2 continues chunk 0's row
    assert feed_plan(batch2, RECALL, 12).ravel().tolist() == [0, 1, 2, 3, 4, 10, 11]
    assert feed_plan(WINDOW, RECALL, 9).ravel().tolist() == [4, 5, 6, 7, 8]
    assert feed_plan(ONEHOT_FEATURES, RECALL, 9).tolist() == [[6, 7, 8]]
    vl = LSTMConfig(framing="variable-length", sequence=RECALL, window=5, epochs=1, num_samples=10)
    assert feed_plan(vl, RECALL, 2).ravel().tolist() == [-1, -1, -1, 0, 1]
    assert feed_plan(vl.replace(padding="mask"), RECALL, 2).ravel().tolist() == [0, 1]


@pytest.mark.parametrize(
    "text, step, words",
    [("", 1, "at least one letter"), ("Xab?", 2, "not in the vocabulary"), ("Xabc", 5, "from 1 to 4"),
     ("Xabc", 0, "from 1 to 4"), ("Xabc", 3, "at least 5"), ("X" * 201, 3, "at most 200")],
)
def test_bad_requests_get_one_sentence(text, step, words):
    with pytest.raises(ValueError, match=words):
        influence(make_run(WINDOW), text, step)

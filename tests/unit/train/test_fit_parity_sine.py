"""The sine task trains exactly as stock Keras ``model.fit`` with ``loss="mse"`` does, and its
numpy predictions are Keras ``predict``'s.

Same initial weights (from a freshly built Keras model with a linear Dense), same sample
order (shuffle off), a few epochs: weights and per-epoch MSE within 1e-4. Then the trained
run's teacher-forced and free-running predictions are recomputed with the Keras model.
"""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from lstm_core.analysis.forecast import free_running, mse, teacher_forced  # noqa: E402
from lstm_core.config import LSTMConfig  # noqa: E402
from lstm_core.data import sine  # noqa: E402
from lstm_core.data.framings import make_dataset  # noqa: E402
from lstm_core.data.sine import sine_preset  # noqa: E402
from lstm_core.model import keras_models  # noqa: E402
from lstm_core.model.cells import Weights  # noqa: E402
from lstm_core.train import trainer  # noqa: E402

BASE = {"task": "sine", "period": 8, "noise": 0.1, "length": 21, "units": 6, "epochs": 3, "shuffle": False}
CASES = {
    # 18 windows of 3 values as 3 time steps, one per update
    "timestep-window, batch 1": LSTMConfig(framing="timestep-window", window=3, batch_size=1, **BASE),
    # 18 windows in batches of 5, 5, 5 and 3: the last batch's MSE is a mean over its 3 rows
    "feature-window, batch 5": LSTMConfig(framing="feature-window", window=3, batch_size=5, **BASE),
    # one value at a time, state carried row by row (2 streams of 10), reset every epoch
    "stateful, batch 2": LSTMConfig(framing="stateful", window=1, batch_size=2, stateful=True, **BASE),
}


def fit_losses(model, data, config: LSTMConfig) -> list[float]:
    if config.stateful:
        losses = []
        for _ in range(config.epochs):
            h = model.fit(data.X, data.y, epochs=1, batch_size=config.batch_size, shuffle=False, verbose=0)
            model.get_layer("lstm").reset_state()
            losses += h.history["loss"]
        return losses
    h = model.fit(
        data.X, data.y, epochs=config.epochs, batch_size=config.batch_size, shuffle=False, verbose=0
    )
    return h.history["loss"]


@pytest.mark.parametrize("case", list(CASES))
def test_sine_trainer_matches_stock_fit_with_mse(case):
    config = CASES[case]
    keras.utils.set_random_seed(config.seed)
    model = keras_models.stock_model(config, jit_compile=False)
    assert model.loss == "mse" and model.layers[-1].get_config()["activation"] == "linear"
    data = make_dataset(config)
    start = Weights(*model.get_weights())

    ours = trainer.train(config, initial_weights=start, dataset=data)
    theirs = fit_losses(model, data, config)

    for name, mine, stock in zip(Weights._fields, ours.weights, model.get_weights()):
        scale = float(np.abs(stock).max())
        np.testing.assert_allclose(mine, stock, rtol=1e-4, atol=1e-4 * scale, err_msg=f"{case}: {name}")
    assert not np.allclose(ours.weights.dense_kernel, start.dense_kernel), "training changed nothing"
    np.testing.assert_allclose([h.loss for h in ours.history], theirs, rtol=1e-4)
    assert [h.accuracy for h in ours.history] == [0.0] * config.epochs  # no accuracy for a regression


def test_sine_loss_falls_and_mse_matches_the_logged_loss():
    """A longer run learns the wave; ``mse`` is what the last epoch's weights give."""
    config = sine_preset().replace(epochs=30, length=120, noise=0.0)
    run = trainer.train(config)
    losses = [h.loss for h in run.history]
    assert losses[-1] < losses[0] / 5, losses
    assert mse(run) < 0.02  # sin(...) varies by 1: an MSE of 0.02 follows it closely


@pytest.fixture(scope="module")
def trained():
    """Sine runs trained briefly with our trainer: windows, stateful, and two stacked GRUs."""
    window = trainer.train(sine_preset().replace(epochs=8, length=80, noise=0.05))
    stateful = trainer.train(sine_preset("stateful").replace(epochs=8, length=80, noise=0.05))
    gru = trainer.train(sine_preset("stateful").replace(epochs=3, length=40, cell="gru", layers=2))
    return {"window": window, "stateful": stateful, "stateful, 2 GRU layers": gru}


def _keras_free_run(model, seed_values, steps, config):
    out = []
    if config.stateful:
        keras_models.reset_states(model, config)
        for v in seed_values[:-1]:
            model.predict_on_batch(np.array([[[v]]], np.float32))
        value = seed_values[-1]
        for _ in range(steps):
            value = float(model.predict_on_batch(np.array([[[value]]], np.float32))[0, 0])
            out.append(value)
        return np.array(out)
    window = list(seed_values[-config.window :])
    for _ in range(steps):
        value = float(model.predict_on_batch(np.array([window], np.float32)[:, :, None])[0, 0])
        out.append(value)
        window = window[1:] + [value]
    return np.array(out)


@pytest.mark.parametrize("kind", ["window", "stateful", "stateful, 2 GRU layers"])
def test_numpy_predictions_match_keras_predict(trained, kind):
    run = trained[kind]
    config = run.config
    model = keras_models.keras_model(run)
    values = sine.wave(config, 60).noisy

    ours = teacher_forced(run, values)
    if config.stateful:
        keras_models.reset_states(model, config)
        stock = [float(model.predict_on_batch(np.array([[[v]]], np.float32))[0, 0]) for v in values[:-1]]
        np.testing.assert_allclose(ours[1:], stock, atol=1e-5)
    else:
        w = config.window
        windows = np.lib.stride_tricks.sliding_window_view(values[:-1], w)[:, :, None].astype(np.float32)
        np.testing.assert_allclose(ours[w:], model.predict_on_batch(windows)[:, 0], atol=1e-5)
        assert np.isnan(ours[:w]).all()

    free = free_running(run, values[:30], 25)
    np.testing.assert_allclose(free, _keras_free_run(model, values[:30], 25, config), atol=1e-5)

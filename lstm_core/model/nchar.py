"""Several letters out ("given BCDE, predict FGH"): the one-shot encoder-decoder in numpy.

The n-char-output framing asks for the next ``horizon`` letters of each window. Two models
can answer, and the learner compares them position by position:

- **one shot** (this module): an encoder (the config's cell, 1 to 3 stacked layers, as
  ``model/cells.py`` runs them) reads the window; its top layer's last h is repeated ``horizon``
  times (Keras ``RepeatVector``) as the input of every step of a decoder (one more layer of
  the same cell, ``return_sequences=True``), whose h at step k scores the k-th next letter
  (``TimeDistributed(Dense)``)::

      h_enc = LSTM_enc(window)                        # (b, u): the window, summed up
      for k in 1..horizon:                            # the decoder reads h_enc every step
          h_k, c_k = LSTM_dec(h_enc, h_{k-1}, c_{k-1})
          p_k = softmax(h_k @ dense_kernel + dense_bias)

- **recursive**: the one-letter timestep-window model, fed its own answer ``horizon``
  times (its window slides over what it just said). An early mistake is fed back in, so
  the far positions are where the two differ.

The weights are an ordinary ``cell.Weights`` in Keras's ``get_weights()`` order for that
model: the encoder's layers, the decoder's (kernel, recurrent kernel, bias) as one more
layer, the Dense pair (tests check numpy against Keras ``predict`` within 1e-5)::

    >>> from lstm_core.presets import preset
    >>> w = init_one_shot(preset("n-char-output"))
    >>> [a.shape for a in w[3:6]]                     # the decoder reads h_enc: u features
    [(32, 128), (32, 128), (128,)]
    >>> from lstm_core.data.framings import make_dataset
    >>> predict(w, make_dataset(preset("n-char-output")).X, horizon=3).shape  # 21 windows, 3, 26
    (21, 3, 26)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from lstm_core.config import LSTMConfig
from lstm_core.data.framings import encode_sample, make_dataset
from lstm_core.limits.shape import shape_of
from lstm_core.model.cells import Weights, as_float64, cell_step, forward, init_weights, softmax


def is_n_char(config: LSTMConfig) -> bool:
    """True if ``config``'s model is the one-shot encoder-decoder (its shape has a decoder)."""
    return shape_of(config).decoder_steps > 0


def model_layers(config: LSTMConfig) -> int:
    """Recurrent layers the model's weights hold: the config's, plus the one-shot decoder.

    >>> from lstm_core.presets import preset
    >>> model_layers(preset("n-char-output").replace(layers=2)), model_layers(preset("naive"))
    (3, 1)
    """
    return shape_of(config).model_layers


def init_one_shot(config: LSTMConfig) -> Weights:
    """Fresh weights: the encoder's layers, the decoder (one more layer of the same cell, on
    top, reading the encoder's h), then the Dense layer, drawn as ``init_weights`` draws a stack.

    >>> from lstm_core.presets import preset
    >>> w = init_one_shot(preset("n-char-output").replace(cell="gru"))
    >>> w.layers, w.cell, decoder_layer(w)[0].shape       # 1 encoder layer + the decoder
    (2, 'gru', (32, 96))
    """
    return init_weights(config, layers=model_layers(config))


def decoder_layer(w: Weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The decoder's (kernel, recurrent kernel, bias): the last recurrent layer of the model."""
    return w.layer_weights[-1]


def encoder_weights(w: Weights) -> Weights:
    """The encoder's layers with the output layer: what ``cell.forward`` runs (its probs unused)."""
    return Weights(*w[:-5], w[-2], w[-1])


class Decoded(NamedTuple):
    probs: np.ndarray  # (b, horizon, v): the next letters' probabilities, position by position
    h_enc: np.ndarray  # (b, u): the encoder's last h (its top layer), the decoder's input at every step
    h_dec: np.ndarray  # (b, horizon, u): the decoder's h at each output position


def decode(w: Weights, X: np.ndarray, horizon: int, mask: np.ndarray | None = None) -> Decoded:
    """Run the one-shot model on windows X (b, t, f), in float64.

    >>> from lstm_core.presets import preset
    >>> cfg = preset("n-char-output").replace(units=4, layers=2)
    >>> out = decode(init_one_shot(cfg), np.zeros((2, 3, 1)), horizon=5)
    >>> out.probs.shape, out.h_enc.shape, out.h_dec.shape
    ((2, 5, 26), (2, 4), (2, 5, 4))
    """
    w64 = as_float64(w)
    u = w64.units
    h_enc = forward(encoder_weights(w64), X, mask).h[:, -u:]  # (b, u): the top encoder layer's
    K, R, B = decoder_layer(w64)
    h = np.zeros_like(h_enc)
    c = np.zeros_like(h_enc)
    hs = np.zeros((len(h_enc), horizon, u))
    for pos in range(horizon):  # the same input, h_enc, at every decoder step (RepeatVector)
        h, c = cell_step(w64.cell, h_enc, h, c, K, R, B)
        hs[:, pos] = h
    probs = softmax(hs @ w64.dense_kernel + w64.dense_bias)  # (b, horizon, v)
    return Decoded(probs, h_enc, hs)


def predict(w: Weights, X: np.ndarray, horizon: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Probabilities of the next ``horizon`` letters, (b, horizon, v), for windows X (b, t, f)."""
    return decode(w, X, horizon, mask).probs


# ---------------------------------------------------------------------------------------
# Recursive: a one-letter model fed its own answers
# ---------------------------------------------------------------------------------------
def recursive_config(config: LSTMConfig) -> LSTMConfig:
    """The one-letter model the recursive way trains: timestep-window, same window and settings.

    >>> from lstm_core.presets import preset
    >>> r = recursive_config(preset("n-char-output"))
    >>> r.framing, r.window, r.horizon, r.num_examples
    ('timestep-window', 3, 1, 23)
    """
    return config.replace(framing="timestep-window", horizon=1)


def recursive_predict(weights: Weights, config: LSTMConfig, inputs: list[str], horizon: int) -> np.ndarray:
    """Probabilities (n, horizon, v) of a one-letter model fed its own answer ``horizon`` times.

    At position k the window holds the last ``window`` letters of the input followed by the
    model's own k - 1 answers (its most likely letters): a mistake is carried forward.
    """
    vocab = config.vocab
    texts = list(inputs)
    out = np.zeros((len(texts), horizon, len(vocab)))
    for k in range(horizon):
        X = np.stack([encode_sample(config, t)[0] for t in texts])  # (n, t, f)
        probs = forward(weights, X).probs  # (n, v)
        out[:, k] = probs
        texts = [t + vocab[i] for t, i in zip(texts, probs.argmax(1))]
    return out


# ---------------------------------------------------------------------------------------
# Accuracy per output position: engine data for the page's table
# ---------------------------------------------------------------------------------------
def position_hits(probs: np.ndarray, target_ids: np.ndarray) -> np.ndarray:
    """Share right at each output position (horizon,), from probs (n, k, v) and ids (n, k).

    >>> probs = np.eye(3)[[[0, 1], [0, 2]]]          # two samples, two positions
    >>> position_hits(probs, np.array([[0, 1], [0, 1]])).tolist()
    [1.0, 0.5]
    """
    return (np.asarray(probs).argmax(-1) == np.asarray(target_ids)).mean(axis=0)


def position_table(one_shot: np.ndarray | None, recursive: np.ndarray | None) -> pd.DataFrame:
    """Accuracy per output position, one column per way (percent, None where not trained).

    >>> position_table(np.array([1.0, 0.5]), None).to_dict("list")
    {'position': [1, 2], 'one shot': [100.0, 50.0], 'recursive': [None, None]}
    """
    k = len(one_shot) if one_shot is not None else len(recursive)  # type: ignore[arg-type]

    def col(shares):
        return [None] * k if shares is None else [round(100 * float(a), 2) for a in shares]

    return pd.DataFrame(
        {"position": list(range(1, k + 1)), "one shot": col(one_shot), "recursive": col(recursive)}
    )


def per_position(config: LSTMConfig, one_shot=None, recursive=None) -> pd.DataFrame:
    """Accuracy per output position of the two ways, on ``config``'s n-char-output windows.

    ``one_shot`` is a run trained with ``config``; ``recursive`` a run trained with
    :func:`recursive_config` of it (either may be None: its column is then None). Both are
    scored on the same windows and the same next letters::

        one_shot, recursive = train_many([config, recursive_config(config)])   # the trainer
        per_position(config, one_shot, recursive)
        ->  position  one shot  recursive
                   1    100.0      100.0
                   2     95.24     90.48
                   3     90.48     80.95
    """
    if not is_n_char(config):
        raise ValueError(f"framing={config.framing!r} is not allowed here: per-position accuracy "
                         "is for the n-char-output framing.")
    data = make_dataset(config)
    k = config.horizon
    first = None if one_shot is None else position_hits(
        predict(one_shot.weights, data.X, k, data.mask), data.target_ids)
    second = None if recursive is None else position_hits(
        recursive_predict(recursive.weights, recursive.config, data.inputs, k), data.target_ids)
    return position_table(first, second)

"""Every framing behind one interface: ``make_dataset(config) -> Dataset``.

The tutorial's six, the n-char-output windows with their next letters, the per-step chunks,
and (in ``sine.py``) the windows of a sine wave all come out of :func:`make_dataset`.

A framing decides how a text becomes the ``[samples, time steps, features]`` tensor an
LSTM reads. The alphabet with a window of 3 gives 23 samples either way, but::

    >>> from lstm_core.presets import preset
    >>> make_dataset(preset("feature-window")).X.shape    # 3 letters side by side
    (23, 1, 3)
    >>> make_dataset(preset("timestep-window")).X.shape   # 3 letters one after another
    (23, 3, 1)
    >>> ds = make_dataset(preset("naive"))
    >>> ds.inputs[:2], ds.targets[:2], round(float(ds.X[1, 0, 0]), 4)   # "B" is 1/26
    (['A', 'B'], ['B', 'C'], 0.0385)

Encodings: "scaled" feeds ``index / vocabulary size`` (the tutorial's choice: "A" is 0.0),
"onehot" feeds a vector with a 1 at the letter's index. Padding (variable-length only):
"zeros" puts 0.0 in front, the tutorial's choice, which is exactly what "A" looks like;
"mask" puts ``PAD_VALUE`` there and a mask tells the LSTM to skip those steps.

Stateful with ``steps_per_update`` above 1 cuts the text into chunks and asks for the
next letter at *every* step, so targets get a time axis (truncated backpropagation
through time, as char-rnn trains)::

    >>> ds = make_dataset(preset("stateful").replace(steps_per_update=5))
    >>> ds.X.shape, ds.y.shape, ds.inputs[1], ds.targets[1]
    ((5, 5, 1), (5, 5, 26), 'FGHIJ', 'GHIJK')

n-char-output asks for the next ``horizon`` letters of each window, so its targets have an
axis of their own::

    >>> ds = make_dataset(preset("n-char-output"))
    >>> ds.X.shape, ds.y.shape, ds.inputs[1], ds.targets[1]
    ((21, 3, 1), (21, 3, 26), 'BCD', 'EFG')
"""

from __future__ import annotations

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.dataset import PAD_VALUE, Dataset
from lstm_core.data.sine import sine_dataset, sine_preset
from lstm_core.presets import preset


def vocab_index(vocab: str) -> dict[str, int]:
    return {ch: i for i, ch in enumerate(vocab)}


def check_text(config: LSTMConfig, text: object, limit: int, purpose: str = "") -> None:
    """Raise ``ValueError`` with one sentence unless ``text`` is 1..``limit`` letters of the vocabulary.

    The one check every "feed this text to a trained model" request starts with::

        >>> from lstm_core.presets import preset
        >>> check_text(preset("naive"), "ABC", limit=10)
        >>> check_text(preset("naive"), "AB1", limit=10)
        Traceback (most recent call last):
        ...
        ValueError: text='AB1' is not allowed: '1' not in the vocabulary 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.
    """
    if not isinstance(text, str) or not text:
        raise ValueError(f"text='' is not allowed: give at least one letter{purpose}.")
    if len(text) > limit:
        raise ValueError(f"text of {len(text)} characters is not allowed: use at most {limit}.")
    missing = sorted({ch for ch in text if ch not in config.vocab})
    if missing:
        raise ValueError(
            f"text={text[:40]!r} is not allowed: {''.join(missing)!r} not in the vocabulary {config.vocab!r}."
        )


def encode_sample(config: LSTMConfig, letters: str) -> tuple[np.ndarray, np.ndarray]:
    """Encode one sample as the framing does. Returns (x of shape (t, f), mask of shape (t,)).

    Shorter input than the window is padded in front (zeros, or PAD_VALUE when masking),
    longer input keeps its last letters. Example: ``encode_sample(preset("naive"), "B")``
    gives ``x = [[1/26]]``.
    """
    vocab = config.vocab
    index = vocab_index(vocab)
    unknown = sorted({ch for ch in letters if ch not in index})
    if unknown:
        raise ValueError(
            f"letters {''.join(unknown)!r} are not in the vocabulary {vocab!r} of this model"
        )
    if not config.per_step:
        # Per-step (chunked) models read any number of letters: a chunk, or one letter at a
        # time with carried state, so nothing is cut or padded for them.
        letters = letters[-config.window :]
    ids = np.array([index[ch] for ch in letters], dtype=np.int64)
    v = len(vocab)
    if config.encoding == "onehot":
        per = np.zeros((len(ids), v), np.float32)
        per[np.arange(len(ids)), ids] = 1.0
    else:
        per = (ids / float(v)).astype(np.float32)[:, None]
    pad_value = PAD_VALUE if config.padding == "mask" and config.framing == "variable-length" else 0.0
    if config.framing == "feature-window":
        x = np.full((1, config.features), pad_value, np.float32)
        flat = per.reshape(-1)
        x[0, x.shape[1] - flat.size :] = flat
        return x, np.ones(1, bool)
    t = len(ids) if config.per_step else config.time_steps
    x = np.full((t, per.shape[1]), pad_value, np.float32)
    x[t - len(ids) :] = per
    mask = np.zeros(t, bool)
    mask[t - len(ids) :] = True
    if pad_value == 0.0:
        # Zero padding is not skipped: the LSTM reads those steps like any letter.
        mask[:] = True
    return x, mask


def _windows(config: LSTMConfig) -> tuple[list[str], list[str]]:
    s, w = config.sequence, config.window
    return [s[i : i + w] for i in range(len(s) - w)], [s[i + w] for i in range(len(s) - w)]


def _random_runs(config: LSTMConfig) -> tuple[list[str], list[str]]:
    """The tutorial's variable-length draw: runs of 1..window letters and the letter after.

    Like the tutorial, a run starts anywhere but the last two positions (so with the
    alphabet, no run starts at "Y"), and ends before the last letter.
    """
    s, w = config.sequence, config.window
    rng = np.random.default_rng(config.seed)
    if config.wrap:
        return _wrapped_runs(config, rng)
    inputs, targets = [], []
    for _ in range(config.num_samples):
        start = int(rng.integers(max(1, len(s) - 2)))
        end = int(rng.integers(start, max(start + 1, min(start + w, len(s) - 1))))
        inputs.append(s[start : end + 1])
        targets.append(s[end + 1])
    return inputs, targets


def _wrapped_runs(config: LSTMConfig, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Variable-length runs on the text read as a circle (the tutorial's suggested extension).

    A run starts at any position, is 1..window letters long, and continues past the last
    letter back at the first; its target is the letter after it on the circle, so with the
    alphabet "XYZAB" asks for "C" and a run may hold all 26 letters or more::

        >>> from lstm_core.config import ALPHABET as abc

        >>> from lstm_core.presets import preset
        >>> cfg = preset("variable-length").replace(window=26, wrap=True, num_samples=200, epochs=100)
        >>> ins, outs = _random_runs(cfg)
        >>> max(map(len, ins)), any(r.endswith("ZA") for r in ins)
        (26, True)
        >>> all(abc.index(o) == (abc.index(r[-1]) + 1) % 26 for r, o in zip(ins, outs))
        True
    """
    s, w = config.sequence, config.window
    circle = s * (w // len(s) + 2)  # long enough for any run from any start, and its target
    inputs, targets = [], []
    for _ in range(config.num_samples):
        start = int(rng.integers(len(s)))
        length = int(rng.integers(1, w + 1))
        inputs.append(circle[start : start + length])
        targets.append(circle[start + length])
    return inputs, targets


def _next_chars(config: LSTMConfig) -> tuple[list[str], list[str]]:
    """n-char-output: each window of ``window`` letters and the ``horizon`` letters after it.

    >>> from lstm_core.presets import preset
    >>> ins, outs = _next_chars(preset("n-char-output"))
    >>> ins[1], outs[1], len(ins)
    ('BCD', 'EFG', 21)
    """
    s, w, k = config.sequence, config.window, config.horizon
    starts = range(config.num_examples)
    return [s[i : i + w] for i in starts], [s[i + w : i + w + k] for i in starts]


def _chunks(config: LSTMConfig) -> tuple[list[str], list[str]]:
    """Non-overlapping chunks of ``steps_per_update`` letters and the same chunk shifted by one.

    Letters left over at the end (fewer than a chunk) are not trained on.
    """
    s, t = config.sequence, config.steps_per_update
    starts = range(0, config.num_examples * t, t)
    return [s[i : i + t] for i in starts], [s[i + 1 : i + t + 1] for i in starts]


def make_dataset(config: LSTMConfig) -> Dataset:
    """Build the framing's samples and targets from the config's sequence (or its sine wave)."""
    if config.is_sine:  # windows of a wave, not of a text (sine.py)
        return sine_dataset(config)
    if config.per_step:
        inputs, targets = _chunks(config)
    elif config.decoder_steps:  # the one-shot head: the next horizon letters
        inputs, targets = _next_chars(config)
    elif config.framing == "variable-length":
        inputs, targets = _random_runs(config)
    else:
        inputs, targets = _windows(config)
    encoded = [encode_sample(config, s) for s in inputs]
    X = np.stack([e[0] for e in encoded]).astype(np.float32)  # (n, t, f)
    mask = np.stack([e[1] for e in encoded])  # (n, t)
    index = vocab_index(config.vocab)
    if config.per_step or config.decoder_steps:
        # (n, t) per step, or (n, horizon): the next letters after the window
        target_ids = np.array([[index[ch] for ch in t] for t in targets], dtype=np.int64)
    else:
        target_ids = np.array([index[ch] for ch in targets], dtype=np.int64)  # (n,)
    y = np.eye(len(config.vocab), dtype=np.float32)[target_ids]  # (n, v); per-step (n, t, v); (n, k, v)
    return Dataset(config, X, y, mask, inputs, targets, target_ids, config.vocab)


def task_preset(task: str | None, framing: str) -> LSTMConfig:
    """The starting point of ``framing`` for ``task`` (None: the default, letters): beside
    :func:`make_dataset`, the other place a task's own module is chosen.

    >>> task_preset("sine", "stateful") == sine_preset("stateful")
    True
    >>> task_preset(None, "naive") == task_preset("letters", "naive") == preset("naive")
    True
    """
    return sine_preset(framing) if task == "sine" else preset(framing)

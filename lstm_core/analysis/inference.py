"""Use a trained model: accuracy, prediction tables, generation and state traces.

Everything here runs the numpy LSTM of ``model/cells.py`` on the trained weights, so a
prediction costs microseconds (``model.predict`` costs ~100 ms a call), and it works for
a stateful model of any batch size (Keras would insist on predicting in whole batches).

Example, after ``run = train(preset("stateful"))``::

    >>> accuracy(run)                                   # doctest: +SKIP
    1.0
    >>> generate(run, "A", steps=25).text               # doctest: +SKIP
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
    >>> generate(run, "K", steps=5).text                # cold: fresh state  # doctest: +SKIP
    'KBCDEF'
    >>> generate(run, "K", steps=5, warm=True).text     # state fed A..J first  # doctest: +SKIP
    'KLMNOP'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from lstm_core.config import MAX_GENERATE_STEPS, MAX_TEMPERATURE, MAX_TRACE_CHARS, LSTMConfig
from lstm_core.data.dataset import PAD_LETTER, Dataset, grid_row
from lstm_core.data.framings import check_text, encode_sample
from lstm_core.model.cells import Forward, Weights, forward, softmax
from lstm_core.model.results import TrainResult
from lstm_core.model.variant import variant_of


def step_probs(weights: Weights, fw: Forward) -> np.ndarray:
    """Next-letter probabilities after every time step, (b, t, v), from a forward pass."""
    return softmax(fw.h_seq @ np.asarray(weights.dense_kernel, np.float64)
                   + np.asarray(weights.dense_bias, np.float64))


def predict_dataset(weights: Weights, data: Dataset) -> np.ndarray:
    """Probabilities (n, v) for every sample, as ``model.evaluate`` would see them.

    Stateless: every sample starts from zero state (the one-shot model answers (n, horizon, v),
    the next letters position by position). Stateful: samples go through in order,
    batch after batch, row i carrying its state to row i of the next batch, from a reset
    state (the tutorial resets before evaluating). Per-step datasets: (n, t, v), a
    prediction after every step.
    """
    c = data.config
    if not c.stateful:
        return variant_of(c).predict(weights, data.X, data.mask)
    b = c.batch_size
    h = cstate = None
    out = []
    for k in range(0, len(data.X), b):
        fw = forward(weights, data.X[k : k + b], data.mask[k : k + b], h, cstate)
        h, cstate = fw.h, fw.c
        out.append(step_probs(weights, fw) if data.per_step else fw.probs)
    return np.concatenate(out)


def accuracy(run: TrainResult) -> float:
    """Fraction of predictions whose most likely next letter is right (0..1), like ``evaluate``.

    Per-step runs count every predicted step of every chunk.
    """
    probs = predict_dataset(run.weights, run.dataset)
    return float(np.mean(probs.argmax(-1) == run.dataset.target_ids))


def prediction_table(run: TrainResult) -> pd.DataFrame:
    """One row per sample: input, expected, predicted, probability, correct.

    ``input`` shows the letters the sample feeds, with padding as ``·``. Per-step runs
    get one row per predicted step; ``input`` is the chunk so far, e.g. ``"FGH"``. A model
    answering several letters at once (one shot) has them side by side in one row.
    """
    data: Dataset = run.dataset
    probs = predict_dataset(run.weights, data)
    if data.per_step:
        n, t, v = probs.shape
        probs = probs.reshape(n * t, v)
        pred = probs.argmax(1)
        return pd.DataFrame(
            {
                "input": [s[: j + 1] for s in data.inputs for j in range(t)],
                "expected": [ch for s in data.targets for ch in s],
                "predicted": [data.vocab[i] for i in pred],
                "probability": probs[np.arange(len(pred)), pred].round(4),
                "correct": pred == data.target_ids.reshape(-1),
            }
        )
    # One row per sample, its k answered letters as one text (the one-shot model's next letters;
    # k = 1 otherwise): the least sure of them is its probability.
    probs = probs.reshape(len(probs), -1, probs.shape[-1])  # (n, k, v)
    pred = probs.argmax(-1)  # (n, k)
    picked = np.take_along_axis(probs, pred[..., None], -1)[..., 0]  # (n, k)
    return pd.DataFrame(
        {
            "input": ["".join(grid_row(data.config, s)) for s in data.inputs],
            "expected": data.targets,
            "predicted": ["".join(data.vocab[i] for i in row) for row in pred],
            "probability": picked.min(axis=1).round(4),
            "correct": (pred == data.target_ids.reshape(pred.shape)).all(axis=1),
        }
    )


def per_letter_accuracy(run: TrainResult) -> pd.DataFrame:
    """Accuracy grouped by the letter to be predicted: columns letter, accuracy, samples.

    Several letters per sample (per step, or the one-shot model's next letters) count one by
    one: the letter expected there, right or not.
    """
    ids = run.dataset.target_ids
    if ids.ndim > 1:
        pred = predict_dataset(run.weights, run.dataset).argmax(-1)  # (n, t) or (n, horizon)
        table = pd.DataFrame({"expected": [run.dataset.vocab[i] for i in ids.reshape(-1)],
                              "correct": (pred == ids).reshape(-1)})
    else:
        table = prediction_table(run)
    grouped = table.groupby("expected", sort=True)["correct"].agg(["mean", "size"]).reset_index()
    grouped.columns = ["letter", "accuracy", "samples"]
    return grouped


@dataclass
class GeneratedStep:
    fed: str  # what the model read for this step (the window, or the one letter)
    letter: str  # the letter it chose (n-char-output: the horizon letters it chose at once)
    probability: float  # the probability it gave that letter


@dataclass
class Generation:
    start: str
    warm: bool
    warmup: str  # letters fed before the start letter to warm the state (or fill the window)
    steps: list[GeneratedStep]

    @property
    def text(self) -> str:
        """The start letter followed by every generated letter, e.g. ``"KLMNOP"``."""
        return self.start + "".join(s.letter for s in self.steps)


def _check_letter(config: LSTMConfig, start: str) -> None:
    if not isinstance(start, str) or len(start) != 1:
        raise ValueError(f"start={start!r} is not allowed: give exactly one letter.")
    if start not in config.vocab:
        raise ValueError(
            f"start={start!r} is not allowed: it is not in the vocabulary {config.vocab!r}."
        )


def check_generation(config: LSTMConfig, start: str, steps: int, temperature: float) -> None:
    """Raise ``ValueError`` (one sentence) if :func:`generate` would refuse these values.

    Needs only the config, so a caller can check a request before training a model for it:

    >>> from lstm_core.presets import preset
    >>> check_generation(preset("stateful"), "k", steps=5, temperature=0.0)
    Traceback (most recent call last):
    ...
    ValueError: start='k' is not allowed: it is not in the vocabulary 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.
    """
    if variant_of(config).one_shot:  # any start text: its last window letters are read
        check_text(config, start, MAX_TRACE_CHARS, purpose=" to start from")
    else:
        _check_letter(config, start)
    if not isinstance(steps, int) or isinstance(steps, bool) or not 1 <= steps <= MAX_GENERATE_STEPS:
        raise ValueError(
            f"steps={steps!r} is not allowed: it must be a whole number from 1 to {MAX_GENERATE_STEPS}."
        )
    if not 0 <= float(temperature) <= MAX_TEMPERATURE:
        raise ValueError(
            f"temperature={temperature!r} is not allowed: use 0 (greedy) up to {MAX_TEMPERATURE:g}."
        )


def _pick(probs: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    if temperature <= 0:
        return int(probs.argmax())
    logits = np.log(np.maximum(probs, 1e-12)) / temperature
    p = np.exp(logits - logits.max())
    return int(rng.choice(len(p), p=p / p.sum()))


def generate(
    run: TrainResult, start: str, steps: int = 10, warm: bool = False, temperature: float = 0.0, seed: int = 0
) -> Generation:
    """Feed ``start``, pick the next letter, feed that back in, ``steps`` times.

    n-char-output models take any start text and answer ``horizon`` letters per step, all
    of them fed back in (the window slides over them).

    - cold (``warm=False``): fresh zero state and an empty window: only ``start`` is known.
    - warm: first the training sequence up to ``start``'s first appearance is fed: into the
      window for window framings, and through the state for a stateful model, along the
      path state took in training (with batch size b, every b-th sample: row i of a batch
      inherits from row i of the batch before).
    - ``temperature`` 0 picks the most likely letter; above 0 samples, hotter = wilder.

    Window framings slide: the window drops its oldest letter and takes the new one.
    """
    config: LSTMConfig = run.config
    check_generation(config, start, steps, temperature)
    rng = np.random.default_rng(seed)
    # A start text (n-char-output) brings its own context: warm only adds to a single letter.
    prefix, h, c = warm_start(run, start) if warm and len(start) == 1 else ("", None, None)
    text = prefix + start
    out = []
    for _ in range(steps):
        fed = text[-config.window :]
        probs, h, c = _answer(run, fed, h, c)  # (letters answered, v)
        picks = [_pick(p, temperature, rng) for p in probs]
        letters = "".join(config.vocab[k] for k in picks)
        out.append(GeneratedStep(fed, letters, float(min(probs[j, k] for j, k in enumerate(picks)))))
        text += letters
    return Generation(start, warm, prefix, out)


def _answer(run: TrainResult, fed: str, h, c) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """What the model answers after reading ``fed``: probabilities (k, v) of its next k letters
    (1, or the one-shot model's horizon), and the state to read on with (stateful models)."""
    config: LSTMConfig = run.config
    if config.stateful:
        fw = _forward_one(run, fed, h, c)
        return fw.probs, fw.h, fw.c
    spec = variant_of(config)
    x, m = encode_sample(config, fed)
    return spec.predict(run.weights, x[None], m[None]).reshape(spec.horizon, -1), h, c


def warm_start(run: TrainResult, start: str) -> tuple[str, np.ndarray | None, np.ndarray | None]:
    """What "warm" means for ``start``: (prefix, h, c) to read it with.

    ``prefix`` is the training sequence up to ``start``'s first appearance (the window's
    context). For a stateful model, h and c are the state that reached ``start`` in training
    (None otherwise, or when nothing comes before ``start``).
    """
    config: LSTMConfig = run.config
    _check_letter(config, start)
    prefix = config.sequence[: config.sequence.index(start)]
    w = config.window
    h = c = None
    if config.stateful and prefix:
        # Warm the state exactly as training fed it. Training sample p (the window ending
        # just before letter p + w) starts from the end state of sample p - batch_size, so
        # the state that reaches the sample ending at `start` came through samples
        # p - b, p - 2b, ... (every sample when batch_size is 1).
        p = len(prefix) + 1 - w  # index of the training sample whose window ends at `start`
        for q in range(p % config.batch_size, p, config.batch_size):
            fw = _forward_one(run, config.sequence[q : q + w], h, c)
            h, c = fw.h, fw.c
    return prefix, h, c


def _forward_one(run: TrainResult, letters: str, h, c) -> Forward:
    x, m = encode_sample(run.config, letters)
    return forward(variant_of(run.config).encoder(run.weights), x[None], m[None], h, c)


@dataclass
class StateTrace:
    """Hidden and cell state after every time step the model read."""

    labels: list[str]  # what was fed at each step (a letter, ``·`` for padding, or a window)
    h: np.ndarray  # (steps, units)
    c: np.ndarray  # (steps, units)
    reset_before: list[bool]  # True where state was zero going into the step
    predictions: list[str]  # the model's next-letter guess after each step ('' inside a window)


def state_trace(run: TrainResult, text: str) -> StateTrace:
    """Feed ``text`` the way the model reads samples and record h and c at every step.

    A stateless model with several time steps per sample (timestep-window,
    variable-length) reads only the last ``window`` letters of ``text``, as one sample, step
    by step. Any other model (one time step per sample, or stateful) reads ``text`` sample
    after sample, each the ``window`` letters starting one letter further on; state carries
    from sample to sample only if the model is stateful, so a stateless trace shows a reset
    before every sample.
    """
    config: LSTMConfig = run.config
    check_text(config, text, MAX_TRACE_CHARS, purpose=" to trace")
    labels, hs, cs, resets, preds = [], [], [], [], []
    if variant_of(config).one_shot or (config.time_steps > 1 and not config.stateful):
        # One sample, the last window (the one-shot model: its encoder's state; it answers
        # its next letters at the end).
        sample = text[-config.window :]
        fw = _forward_one(run, sample, None, None)
        labels = grid_row(config, sample)
        resets = [True] + [False] * (len(labels) - 1)
        answer = "".join(config.vocab[k] for k in _answer(run, sample, None, None)[0].argmax(-1))
        preds = [""] * (len(labels) - 1) + [answer]
        return StateTrace(labels, fw.h_seq[0], fw.c_seq[0], resets, preds)
    w = config.window
    h = c = None
    samples = [text[i : i + w] for i in range(0, max(1, len(text) - w + 1))]
    for s in samples:
        carried = config.stateful and h is not None
        fw = _forward_one(run, s, h if carried else None, c if carried else None)
        row = grid_row(config, s)
        for step in range(fw.h_seq.shape[1]):
            labels.append(row[step] if step < len(row) else PAD_LETTER)
            hs.append(fw.h_seq[0, step])
            cs.append(fw.c_seq[0, step])
            resets.append(step == 0 and not carried)
            last = step == fw.h_seq.shape[1] - 1
            preds.append(config.vocab[int(fw.probs[0].argmax())] if last else "")
        h, c = fw.h, fw.c
    return StateTrace(labels, np.array(hs), np.array(cs), resets, preds)


class StateSource(StrEnum):
    """Where a sample's state starts: zeros, or the end state of an earlier sample."""

    ZERO = "zero"
    CARRIED = "carried"


def reset_timeline(config: LSTMConfig, samples: int | None = None) -> pd.DataFrame:
    """Where the state comes from for each sample of one (unshuffled) epoch.

    Columns (all 1-based numbers): sample, batch, row, source (a :class:`StateSource`
    value) and from_sample (the sample whose end state it starts from; 0 for zero state).
    Stateless: every sample starts from zero, whatever the batch size. Stateful: row i
    of batch k starts where row i of batch k-1 ended; only the first batch starts from
    zero, because state is reset at each epoch end:

    >>> from lstm_core.presets import preset
    >>> reset_timeline(preset("stateful").replace(batch_size=5), samples=7).iloc[4:].to_dict("list")
    {'sample': [5, 6, 7], 'batch': [1, 2, 2], 'row': [5, 1, 2], 'source': ['zero', 'carried', 'carried'], \
'from_sample': [0, 1, 2]}
    """
    n = config.num_examples if samples is None else min(samples, config.num_examples)
    b = config.batch_size
    rows = []
    for s in range(n):
        k, i = divmod(s, b)
        carried = config.stateful and k > 0
        rows.append(
            {
                "sample": s + 1,
                "batch": k + 1,
                "row": i + 1,
                "source": (StateSource.CARRIED if carried else StateSource.ZERO).value,
                "from_sample": s - b + 1 if carried else 0,
            }
        )
    return pd.DataFrame(rows)

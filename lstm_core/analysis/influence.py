"""How far back a prediction looks: the influence of every earlier input on one prediction.

Pick a text and a step N: the model has read the first N letters the way its framing
feeds them in training, and predicts letter N + 1. For each earlier letter (``back`` = 0
is the last one read, 1 the one before, ...) two measures:

- **occlusion** (exact, model-agnostic): feed that one letter differently — as the zero
  input, and as each other letter of the vocabulary — and report the largest change in
  the probability of the predicted letter;
- **gradient**: the size (L2 norm) of d log p(predicted) / d input, computed by
  backpropagating through every step the state went through (the numpy backward pass
  below, checked against a finite difference in the tests).

"The way its framing feeds them" (:func:`feed_plan`): a stateless window framing reads
only its last ``window`` letters from a zero state, so everything further back has
exactly zero influence. A stateful model reads the text sample after sample with its
state carried, as in training, so letters from earlier samples can still matter::

    >>> from lstm_core.presets import preset
    >>> feed_plan(preset("timestep-window"), "ABCDEFG", 7).tolist()   # the last 3 letters
    [[4], [5], [6]]
    >>> feed_plan(preset("stateful"), "ABCD", 4).tolist()             # every letter, state carried
    [[0], [1], [2], [3]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.framings import check_text, vocab_index
from lstm_core.model.cells import Weights, softmax

MAX_TEXT = 200  # letters; occlusion runs (letters x vocabulary) forward passes at once
NONE = -1  # a plan slot holding padding (the zero input), not a letter of the text


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def feed_plan(config: LSTMConfig, text: str, step: int) -> np.ndarray:
    """Text positions read at each time step before the prediction after ``step`` letters.

    Returns an int array (steps, slots): one slot per letter a time step reads (the window
    for feature-window, else 1); ``NONE`` marks zero padding. State is zero before the
    first row and carried through every row after it.
    """
    w, b = config.window, config.batch_size
    if config.per_step:
        # Chunks of T letters; row i of a batch continues row i of the batch before.
        t = config.steps_per_update
        chunk = (step - 1) // t
        positions = [q * t + j for q in range(chunk % b, chunk, b) for j in range(t)]
        positions += list(range(chunk * t, step))
        return np.array(positions, np.int64)[:, None]
    if config.framing == "variable-length":
        start = max(0, step - w)
        pad = [] if config.padding == "mask" else [NONE] * (w - (step - start))  # masked: skipped
        return np.array(pad + list(range(start, step)), np.int64)[:, None]
    if step < w:
        raise ValueError(
            f"step={step} is not allowed: this model reads {w} letters, so the step must be at least {w}."
        )
    sample = step - w  # index of the sample whose window ends at letter `step`
    starts = list(range(sample % b, sample, b)) if config.stateful else []
    starts.append(sample)
    if config.framing == "feature-window":
        return np.array([list(range(q, q + w)) for q in starts], np.int64)
    return np.array([p for q in starts for p in range(q, q + w)], np.int64)[:, None]


def _letter_codes(config: LSTMConfig) -> np.ndarray:
    """(vocab, per-letter features): how each letter is fed."""
    v = len(config.vocab)
    if config.encoding == "onehot":
        return np.eye(v)
    return (np.arange(v, dtype=np.float32) / float(v)).astype(np.float64)[:, None]


def _inputs(plan: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """(batch, steps, features) from per-position codes (batch, positions, per-letter)."""
    batch, _, per = codes.shape
    padded = np.concatenate([codes, np.zeros((batch, 1, per))], axis=1)  # index -1: zeros
    return padded[:, plan].reshape(batch, plan.shape[0], plan.shape[1] * per)


@dataclass
class _Tape:
    x: np.ndarray  # (b, s, f)
    h: list  # h before each step, then the last: s + 1 entries of (b, u)
    c: list
    gates: list  # (i, f, g, o) after their activations, per step


def _run(w: Weights, x: np.ndarray) -> tuple[np.ndarray, _Tape]:
    K, R, B = (np.asarray(a, np.float64) for a in (w.kernel, w.recurrent_kernel, w.bias))
    batch, steps, _ = x.shape
    u = R.shape[0]
    h, c = np.zeros((batch, u)), np.zeros((batch, u))
    tape = _Tape(x, [h], [c], [])
    for s in range(steps):
        z = x[:, s] @ K + h @ R + B  # (b, 4u)
        zi, zf, zg, zo = np.split(z, 4, axis=1)
        i, f, g, o = _sigmoid(zi), _sigmoid(zf), np.tanh(zg), _sigmoid(zo)
        c = f * c + i * g
        h = o * np.tanh(c)
        tape.gates.append((i, f, g, o))
        tape.h.append(h)
        tape.c.append(c)
    logits = h @ np.asarray(w.dense_kernel, np.float64) + np.asarray(w.dense_bias, np.float64)
    return softmax(logits), tape


def _grad_inputs(w: Weights, tape: _Tape, probs: np.ndarray, target: int) -> np.ndarray:
    """d log p[target] / d x for every step, (s, f): backpropagation through time by hand."""
    K, R = np.asarray(w.kernel, np.float64), np.asarray(w.recurrent_kernel, np.float64)
    dlogits = -probs[0].copy()
    dlogits[target] += 1.0  # d log softmax[target] / d logits
    dh = np.asarray(w.dense_kernel, np.float64) @ dlogits  # (u,)
    dc = np.zeros_like(dh)
    steps = tape.x.shape[1]
    dx = np.zeros((steps, tape.x.shape[2]))
    for s in reversed(range(steps)):
        i, f, g, o = (a[0] for a in tape.gates[s])
        c, c_prev = tape.c[s + 1][0], tape.c[s][0]
        tc = np.tanh(c)
        do = dh * tc
        dc = dc + dh * o * (1.0 - tc * tc)
        di, dg, df = dc * g, dc * i, dc * c_prev
        dz = np.concatenate([di * i * (1 - i), df * f * (1 - f), dg * (1 - g * g), do * o * (1 - o)])
        dx[s] = K @ dz
        dh = R @ dz
        dc = dc * f
    return dx


@dataclass
class InfluenceRow:
    back: int  # 0 = the last letter read before the prediction
    position: int  # index of the letter in the text
    fed: str  # the letter at that position
    occlusion: float  # largest change of p(predicted) when that one letter is fed differently
    replaced_by: str  # the replacement that changed it most ("" = the zero input)
    gradient: float  # L2 norm of d log p(predicted) / d that letter's input


@dataclass
class Influence:
    text: str
    step: int  # letters read; the prediction is for the letter after them
    predicted: str
    probability: float
    steps_read: int  # time steps the model ran to make this prediction
    rows: list[InfluenceRow]  # one per earlier letter, back = 0, 1, ...

    def to_dict(self) -> dict:
        """The CLI's JSON: ``{"predicted": "Y", "influence": [{"back": 0, ...}, ...]}``."""
        return {
            "predicted": self.predicted,
            "influence": [
                {"back": r.back, "fed": r.fed, "occlusion": r.occlusion, "gradient": r.gradient}
                for r in self.rows
            ],
        }


def check_request(config: LSTMConfig, text: str, step: int) -> None:
    """Raise ``ValueError`` with one sentence if ``text``/``step`` cannot be asked about."""
    if (config.cell, config.layers) != ("lstm", 1):
        # The gradient below is backpropagation written out for one LSTM layer.
        raise ValueError(
            f"cell={config.cell!r}, layers={config.layers} is not allowed here: influence reads runs "
            "with one LSTM layer (its gradient is written out for the LSTM's gates)."
        )
    check_text(config, text, MAX_TEXT)
    if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= len(text):
        raise ValueError(f"step={step!r} is not allowed: it must be a whole number from 1 to {len(text)}.")


def influence(run, text: str, step: int | None = None) -> Influence:
    """Occlusion and gradient influence of every letter before the prediction after ``step`` letters.

    ``step`` defaults to the whole text. ``run`` is a trained run (config + weights).
    """
    config: LSTMConfig = run.config
    step = len(text) if step is None and isinstance(text, str) else step
    check_request(config, text, step)
    plan = feed_plan(config, text, step)
    index = vocab_index(config.vocab)
    ids = np.array([index[ch] for ch in text[:step]])
    letters = _letter_codes(config)  # (v, per)
    base = letters[ids][None]  # (1, positions, per)
    probs, tape = _run(run.weights, _inputs(plan, base))
    target = int(probs[0].argmax())

    # Every variant at once: for each position, the zero input and every other letter.
    v = len(config.vocab)
    variants, owners, names = [], [], []
    for j in range(step):
        for k in range(-1, v):
            if k == ids[j]:
                continue
            codes = base[0].copy()
            codes[j] = 0.0 if k < 0 else letters[k]
            variants.append(codes)
            owners.append(j)
            names.append("" if k < 0 else config.vocab[k])
    changed, _ = _run(run.weights, _inputs(plan, np.stack(variants)))
    delta = np.abs(changed[:, target] - probs[0, target])
    # Letters the plan never reads change nothing, exactly (batched sums may differ in the last bit).
    unread = ~np.isin(np.array(owners), plan)
    delta[unread] = 0.0

    dx = _grad_inputs(run.weights, tape, probs, target)  # (s, slots * per)
    per = letters.shape[1]
    grad = np.zeros((step, per))
    for s, slots in enumerate(plan):
        for slot, pos in enumerate(slots):
            if pos != NONE:
                grad[pos] += dx[s, slot * per : (slot + 1) * per]
    owners_arr = np.array(owners)
    rows = []
    for j in reversed(range(step)):
        mine = np.flatnonzero(owners_arr == j)
        best = mine[int(delta[mine].argmax())]
        size = float(np.linalg.norm(grad[j]))
        rows.append(InfluenceRow(step - 1 - j, j, text[j], float(delta[best]), names[best], size))
    return Influence(text, step, config.vocab[target], float(probs[0, target]), len(plan), rows)


def log_probability(run, text: str, step: int, codes: np.ndarray, target: int) -> float:
    """log p(target) when the letters before ``step`` are fed as ``codes`` (positions, per-letter).

    For checking the gradient with a finite difference: nudge one entry of ``codes``.
    """
    plan = feed_plan(run.config, text, step)
    probs, _ = _run(run.weights, _inputs(plan, np.asarray(codes, np.float64)[None]))
    return float(np.log(probs[0, target]))


def letter_codes(run, text: str) -> np.ndarray:
    """How each letter of ``text`` is fed, (positions, per-letter features)."""
    index = vocab_index(run.config.vocab)
    return _letter_codes(run.config)[[index[ch] for ch in text]]


LANES = ("forward: state came through", "backward: gradient reaches", "loss: letters predicted")


def update_reach(config: LSTMConfig, sample: int, width: int = 30) -> list[dict]:
    """What one weight update sees, for sample ``sample`` (0-based, unshuffled order).

    One row per (lane, text position) for the first ``width`` letters: ``forward`` marks
    letters the state entering the sample has already read (carried from earlier samples,
    stateful only), ``backward`` the letters whose inputs the update's gradient flows
    through (the sample's own time steps, never an earlier sample's), ``loss`` the letters
    the update is scored on::

        >>> from lstm_core.presets import preset
        >>> rows = update_reach(preset("stateful"), 3, width=6)
        >>> ["".join(r["letter"] for r in rows if r["lane"] == lane and r["on"]) for lane in LANES]
        ['ABC', 'D', 'E']
    """
    n = config.num_examples
    if isinstance(sample, bool) or not isinstance(sample, int) or not 0 <= sample < n:
        raise ValueError(f"sample={sample!r} is not allowed: it must be from 0 to {n - 1}.")
    text = config.sequence
    if config.framing == "variable-length":
        raise ValueError("variable-length samples are drawn at random: pick another framing to picture.")

    def reads(q: int) -> range:
        if config.per_step:
            return range(q * config.steps_per_update, (q + 1) * config.steps_per_update)
        return range(q, q + config.window)

    own = set(reads(sample))
    carried = set()
    if config.stateful:
        for q in range(sample % config.batch_size, sample, config.batch_size):
            carried |= set(reads(q))
    carried -= own
    scored = {p + 1 for p in own} if config.per_step else {max(own) + 1}
    rows = []
    for lane, marked in zip(LANES, (carried, own, scored)):
        for p in range(min(width, len(text))):
            rows.append({"lane": lane, "position": p, "letter": text[p], "on": p in marked})
    return rows

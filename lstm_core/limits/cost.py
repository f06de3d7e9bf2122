"""How long a training run will take on this server, estimated before anything runs.

A limit on epochs alone, or on epochs x samples x time steps, misses what each step costs:
256 units fed 4,096 one-hot features do ~5,000 times the arithmetic of 16 units fed one
number, and every update also reads and writes each weight and both of Adam's moments.
The estimate here counts what a run implies and adds its compile::

    updates   = epochs x batches per epoch
    per update: batch x time steps x gates x units x (inputs + units)   (each recurrent layer)
              + batch x units x outputs                                  (the Dense)
              = multiply-adds, and
                parameters = gates x units x (inputs + units + 1) per layer + the Dense's
    seconds   = compile + updates x SAFETY x (UPDATE_OVERHEAD_S + multiply-adds x MAC_S
                          + SHARED x PARAM_S x (parameters - CACHE_PARAMETERS, if positive))
    compile   = SAFETY x (COMPILE_BASE_S + COMPILE_PER_STEP_S x time steps x max(1, units / 64))
                (the time loop is unrolled, and XLA's work per step grows with the matrices)

The parameter term is what small shapes hide: a 256-unit LSTM fed 4,096 one-hot features
has 4.5 million weights, and each update streams them, their gradient and both Adam moments
through memory (~13 ms per update on a quiet machine, ~37 ms beside a second such training,
whatever the arithmetic). Weights that fit in a core's cache cost nothing extra (the tutorial's
models have ~5,000). ``SHARED`` is the slowdown of that streaming when the other core trains
too: the bound has to hold for the second of two trainings, not only for the first.

The coefficients were measured on this 2-core machine by ``benchmarks/calibrate_cost.py``
(which prints fresh ones, alone and with the other core training) and then made more
pessimistic (``SAFETY``), so a run that is accepted finishes within ``MAX_SECONDS``. Example::

    >>> from lstm_core.presets import preset
    >>> est = estimate(preset("variable-length"))
    >>> est.updates                       # 500 epochs x 1000 batches of one sample
    500000
    >>> 1 < est.seconds < MAX_SECONDS     # the tutorial's largest run is accepted
    True
    >>> est.largest_epochs(10_000) >= 500
    True
    >>> parameters(features=1, units=32, outputs=26)   # the tutorial's naive model
    5210

This module is plain arithmetic: no TensorFlow, no numpy. It reads a config's numbers from
``shape.py`` (duck-typed, so ``config.py`` can call it while validating).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lstm_core.limits import settings
from lstm_core.limits.shape import shape_of

# The bound on one accepted run, in seconds of training on this server (compile included).
MAX_SECONDS = float(settings.read("LSTM_LAB_MAX_SECONDS"))
# Background compiles (opening a link, nobody clicked) only for small shapes: a head start for
# the tutorial's (at most 5 time steps, ~38,000 multiply-adds per update), never seconds of
# CPU or hundreds of MB for a stranger's link. Larger shapes compile when Train is pressed,
# inside the training gate and the run's time limit.
WARM_UP_MAX_TIME_STEPS = 8
WARM_UP_MAX_MACS = 200_000

# Measured by benchmarks/calibrate_cost.py on this machine (2 cores, tensorflow-cpu 2.21,
# one intra-op thread per training): see docs/reliability.md. MAC_S and the compile terms
# come from the quiet figures in docs/speed.md; PARAM_S from the 256-unit one-hot shape of
# issue 16 (13 ms per update alone at load < 1: ~4.5 ms of its multiply-adds, the rest
# ~1.9 ns for each of 4.5 million parameters).
UPDATE_OVERHEAD_S = 5.0e-6  # per update: loop, gather, Adam's bookkeeping
MAC_S = 1.0e-9  # per multiply-add of the forward pass (backward included)
PARAM_S = 2.0e-9  # per parameter past the cache: weight, gradient, both Adam moments, read and written
# A parameter costs ~28 bytes of traffic per update (weight, gradient, two moments, their new
# values): up to ~65,000 of them stay in a core's 2 MiB L2 cache and cost nothing extra (every
# tutorial model has ~5,000); past that they stream from memory.
CACHE_PARAMETERS = 65_536
COMPILE_BASE_S = 2.0  # XLA compile of the smallest shape
COMPILE_PER_STEP_S = 0.6  # each unrolled time step (of up to 64 units) adds to the program (see below)
COMPILE_UNITS = 64  # above this many units, a step's compile grows in proportion
# COMPILE_PER_STEP_S was 0.25 s, fitted on shapes of at most 5 steps. A 64-step shape compiled
# in 184 s on a machine at load ~12 (where its updates ran ~5-10x their quiet pace): ~0.6 s
# per step quiet, so 0.25 x SAFETY would not have bounded it. Re-fit on a quiet machine.
# Two trainings at once (LSTM_LAB_MAX_TRAININGS=2) share the memory bus: the issue-16 shape
# took ~2.8x its time alone beside a second one (37 vs 13 ms per update; calibrate_cost.py's
# pairs: 2.7x). The whole update slows, its multiply-adds too (their weights stream as well),
# so the streamed term carries a little more than the measured factor. Arithmetic on cached
# weights runs on its own core and slows far less (SAFETY covers it).
SHARED = 3.0
SAFETY = 2.0  # the other core busy, the server's own work (pages, charts), a slower twin machine


@dataclass(frozen=True)
class Estimate:
    """What a run implies: its updates, their arithmetic and weights, and the seconds they take."""

    updates: int  # weight updates: epochs x batches per epoch
    macs_per_update: int  # multiply-adds of one forward pass over one batch
    compile_seconds: float
    seconds_per_update: float
    parameters: int = 0  # weights Adam updates at every update (each with two moments)

    @property
    def seconds(self) -> float:
        """Estimated wall time of the whole run, compile included."""
        return self.compile_seconds + self.updates * self.seconds_per_update

    def largest_epochs(self, epochs: int) -> int:
        """The most epochs (of ``epochs`` asked) that stay within ``MAX_SECONDS``; 0 if none."""
        per_epoch = self.updates / max(epochs, 1) * self.seconds_per_update
        room = MAX_SECONDS - self.compile_seconds
        return max(0, int(room / per_epoch)) if per_epoch > 0 else epochs


def macs_per_update(
    batch: int,
    time_steps: int,
    features: int,
    units: int,
    vocab: int,
    dense_steps: int = 1,
    gates: int = 4,
    layers: int = 1,
) -> int:
    """Multiply-adds of one forward pass over a batch: each layer's gates at every time step
    (the first layer fed the features, the others the layer below), then the Dense (once, or
    at every one of ``dense_steps`` time steps when every step predicts).

    >>> macs_per_update(batch=1, time_steps=1, features=1, units=32, vocab=26)   # naive
    5056
    """
    recurrent = sum(gates * units * ((features if k == 0 else units) + units) for k in range(layers))
    return batch * (time_steps * recurrent + dense_steps * units * vocab)


def parameters(features: int, units: int, outputs: int, gates: int = 4, layers: int = 1) -> int:
    """Trainable weights of the model: each layer's kernel, recurrent kernel and bias, then the
    Dense. Every update reads and writes each of them with its gradient and two Adam moments."""
    recurrent = sum(gates * units * ((features if k == 0 else units) + units + 1) for k in range(layers))
    return recurrent + units * outputs + outputs


def compile_steps(time_steps: int, units: int) -> float:
    """What the compile time grows with: unrolled steps, weighted by their size."""
    return time_steps * max(1.0, units / COMPILE_UNITS)


def estimate_shape(
    samples: int,
    time_steps: int,
    features: int,
    units: int,
    vocab: int,
    batch: int,
    epochs: int,
    dense_steps: int = 1,
    gates: int = 4,
    layers: int = 1,
) -> Estimate:
    """The estimate from the numbers that set a run's cost (see the module docstring)."""
    updates = epochs * math.ceil(samples / batch)
    macs = macs_per_update(batch, time_steps, features, units, vocab, dense_steps, gates, layers)
    params = parameters(features, units, vocab, gates, layers)
    streamed = max(0, params - CACHE_PARAMETERS)
    per_update = SAFETY * (UPDATE_OVERHEAD_S + macs * MAC_S + SHARED * PARAM_S * streamed)
    steps = compile_steps(time_steps, units) * layers
    compile_s = SAFETY * (COMPILE_BASE_S + COMPILE_PER_STEP_S * steps)
    return Estimate(updates, macs, compile_s, per_update, params)


def shape_numbers(config) -> dict:
    """The numbers of ``config`` that set its cost, read from its :func:`shape.shape_of`.

    A GRU computes 3 gate blocks and a SimpleRNN 1 where the LSTM computes 4; every layer above
    the first reads the units of h below instead of the features, and adds its own unrolled
    steps to the compiled program. The one-shot n-char model's decoder is costed as one more
    layer over the encoder's steps plus its own (a pessimistic bound), scoring every letter out::

        >>> from lstm_core.presets import preset
        >>> one, three = (estimate(preset("naive").replace(layers=n)) for n in (1, 3))
        >>> three.macs_per_update > 2 * one.macs_per_update, three.compile_seconds > one.compile_seconds
        (True, True)
        >>> estimate(preset("naive").replace(cell="gru")).parameters < one.parameters
        True
    """
    s = shape_of(config)
    return {
        "samples": s.samples, "time_steps": s.time_steps + s.decoder_steps, "features": s.features,
        "units": s.units, "vocab": s.outputs, "batch": s.batch, "epochs": s.epochs,
        "dense_steps": s.dense_steps, "gates": s.gates, "layers": s.model_layers,
    }


def estimate(config) -> Estimate:
    """The estimate for an ``LSTMConfig`` (duck-typed: config.py calls this while validating)."""
    return estimate_shape(**shape_numbers(config))


def cheap_to_compile(config) -> bool:
    """True if ``config``'s shape is small enough to compile in the background, unasked.

    >>> from lstm_core.presets import preset
    >>> all(cheap_to_compile(preset(name)) for name in ("naive", "whole-batch", "variable-length"))
    True
    >>> cheap_to_compile(preset("naive").replace(units=256))
    False
    """
    est = estimate(config)
    return config.time_steps <= WARM_UP_MAX_TIME_STEPS and est.macs_per_update <= WARM_UP_MAX_MACS

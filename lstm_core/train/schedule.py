"""Which runs train together, and in what order: stacks of one shape, cut to keep both cores busy.

:func:`train_many` (``trainer.py``) groups the configs it is given by the shape of their
compiled step, stacks each group (S from :data:`BUCKETS`, padded with idle models so a
handful of compiled functions serve every group size), and hands the stacks, costliest
first, to up to two worker threads. How a group is cut is chosen to finish soonest, counting
the idle models that pad a stack and the compiles of functions not built yet::

    >>> from lstm_core.presets import preset
    >>> plan([preset("naive").replace(seed=s) for s in range(3)], workers=1, built=())  # one core
    [[0, 1, 2]]
    >>> [bucket(k) for k in (1, 5, 7)]
    [1, 6, 8]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from lstm_core.config import LSTMConfig
from lstm_core.limits.shape import shape_of
from lstm_core.train import compiled
from lstm_core.train.step import StepShape, step_shape

BUCKETS = (1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32)  # models per compiled call; at most 1/3 idle
# (10 and 20: twenty seeds, the benchmark's case, split evenly over two cores with none idle)


def run_cost(config: LSTMConfig) -> float:
    """Rough arithmetic of a run (for balancing the cores, not for limits): every recurrent
    layer's gates at each of its steps (the one-shot decoder's: ``horizon`` steps reading h)."""
    s = shape_of(config)
    g, u, b = s.gates, s.units, s.batch
    updates = s.epochs * s.batches
    per_update = 0
    for k in range(s.model_layers):  # upper layers (and the decoder) read u features, not f
        fan_in, steps = (s.features, s.time_steps) if k == 0 else (u, s.time_steps)
        if k == s.layers:  # the decoder
            steps = s.decoder_steps
        per_update += b * steps * g * u * (fan_in + u) + g * u * (fan_in + u + 1)
    return updates * (per_update + u * s.outputs + 2_000)


def bucket(size: int) -> int:
    return next(s for s in BUCKETS if s >= size)


STACKED_SHARE = 0.7  # a model's update in a large stack costs ~70% of a lone one's (CPU time,
# benchmarks/stacked_step.py); idle models padding a stack cost as much as real ones
COMPILE_COST = 4e9  # a new compiled function, in _cost's units (~2 s of training on this machine)


def stack_cost(unit: float, size: int) -> float:
    """Estimated cost of ``size`` models of one shape (``unit`` each alone) in one stack."""
    S = bucket(size)
    return unit * S * (STACKED_SHARE + (1.0 - STACKED_SHARE) / S)


def partitions(m: int, k: int, most: int = 12) -> list[tuple[int, ...]]:
    """Ways to cut ``m`` models into ``k`` stacks: near-equal first, then cuts into bucket
    sizes that pad less (least padding, then most even, first; at most ``most``).

    >>> partitions(14, 2)  # 7 + 7 pads both to 8; the others pad nothing
    [(7, 7), (8, 6), (10, 4), (12, 2)]
    """
    top = BUCKETS[-1]
    equal = tuple(m // k + (j < m % k) for j in range(k))
    if equal[0] > top:
        equal = ()

    def padding(parts: tuple[int, ...]) -> int:
        return sum(bucket(p) for p in parts) - m

    found: list[tuple[int, ...]] = []

    def fill(left: int, parts: tuple[int, ...]) -> None:  # bucket-sized parts, then the rest
        if len(parts) == k - 1:
            if 1 <= left <= (parts[-1] if parts else top):
                found.append((*parts, left))
            return
        for size in BUCKETS:
            if size <= (parts[-1] if parts else top) and size < left:
                fill(left - size, (*parts, size))

    fill(m, ())
    limit = padding(equal) if equal else m
    better = sorted({p for p in found if p != equal and padding(p) < limit},
                    key=lambda p: (padding(p), max(p) - min(p)))
    return ([equal] if equal else []) + better[: most - 1]


def makespan(stacks: list[tuple[float, StepShape]], workers: int, built) -> float:
    """Finish time of the costliest-first schedule (each stack to the first free worker).

    A stack whose function is not compiled yet compiles it first; one that needs a function
    another worker is compiling waits for it (TensorFlow compiles a function once).
    """
    loads, ready = [0.0] * workers, {}
    for cost, key in sorted(stacks, key=lambda st: -st[0]):
        j = loads.index(min(loads))
        start = loads[j]
        if key not in built:
            if key not in ready:
                ready[key] = start + COMPILE_COST
            start = max(start, ready[key])
        loads[j] = start + cost
    return max(loads)


def plan(configs: Sequence[LSTMConfig], workers: int = 1, built=None) -> list[list[int]]:
    """Which configs train together: lists of positions in ``configs``, costliest first.

    Configs of one shape share a stack (at most ``BUCKETS[-1]``). A group may be cut into
    several stacks so both cores work on it; the cut is chosen to finish soonest, counting
    idle models that pad a stack to its bucket and the compiling of functions not yet built
    (a cheap group stays whole: a second compiled function would cost more than it saves).
    ``built``: the compiled shapes to count as free (default: this process's; here none)::

    >>> from lstm_core.presets import preset
    >>> plan([preset("naive").replace(seed=s) for s in range(5)] + [preset("stateful")], 2, built=())
    [[0, 1, 2, 3, 4], [5]]
    >>> costly = [preset("variable-length").replace(seed=s) for s in range(14)]
    >>> [len(stack) for stack in plan(costly + [preset("stateful")], 2, built=())]  # 7 + 7 pads to 8 + 8
    [8, 6, 1]
    """
    groups: dict[StepShape, list[int]] = {}
    for i, cfg in enumerate(configs):
        groups.setdefault(step_shape(cfg), []).append(i)
    keys = list(groups)
    units = {key: max(run_cost(configs[i]) for i in groups[key]) for key in keys}
    options = {}
    for key in keys:
        m = len(groups[key])
        low = math.ceil(m / BUCKETS[-1])
        options[key] = [p for k in range(low, min(m, low + workers) + 1) for p in partitions(m, k)]

    def stacks_of(choice: dict) -> list[tuple[float, StepShape]]:
        return [(stack_cost(units[key], size), replace_s(key, size)) for key in keys for size in choice[key]]

    def replace_s(key: StepShape, size: int) -> StepShape:
        return key.with_models(bucket(size))

    # Coordinate descent: each group's cut in turn, the others fixed (a few passes suffice).
    choice = {key: options[key][0] for key in keys}
    built = compiled.built() if built is None else built
    best = makespan(stacks_of(choice), workers, built)
    for _ in range(3):
        improved = False
        for key in keys:
            for option in options[key]:
                trial = {**choice, key: option}
                span = makespan(stacks_of(trial), workers, built)
                if span < best * 0.99:  # a clear gain only: every extra stack has its own overhead
                    choice, best, improved = trial, span, True
        if not improved:
            break
    out = []
    for key in keys:
        members, at = groups[key], 0
        for size in choice[key]:
            out.append(members[at : at + size])
            at += size
    return sorted(out, key=lambda st: -stack_cost(units[step_shape(configs[st[0]])], len(st)))

"""The server's memory budget: how much resident memory the server may use.

TensorFlow alone takes ~550 MB; each compiled training shape adds 12-15 MB and a large
shape's compile can briefly take a gigabyte. On a shared server (Community Cloud gives
0.7-2.7 GB) the app keeps to ``LSTM_LAB_MEMORY_MB`` (default 1500): when the process is
over it, nothing new is started (no background compile, no new training) until memory is
back under, and the user is told why in one sentence::

    >>> budget_mb() > 0
    True
    >>> over_budget(rss=budget_mb() + 1)
    True
    >>> over_budget(rss=100.0)
    False

Being under the budget when a training starts is not enough: two large trainings admitted
at the same moment both saw a server at 850 MB, and together took it to 1,656 MB (issue 16's
hostile test). So every training states up front what it will add (:func:`run_mb`: its
data, its weights with their gradient and Adam moments, its compile if the shape is new),
and is admitted only if that fits beside what the process holds now *and* what the
trainings already admitted have reserved (:func:`admit`)::

    >>> from lstm_core.presets import preset
    >>> small = run_mb(preset("naive"), compiled=True)
    >>> 10 < small < 40                             # MiB: a tutorial run adds next to nothing
    True
    >>> run_mb(preset("naive").replace(units=256), compiled=True) > small
    True

Memory that other parts of the process may still take without a training asking for it is
*held* in the budget too (:func:`hold`): the run store, while its database cannot be used,
keeps runs in memory (up to a bound), and room for them is held so that trainings admitted
meanwhile cannot take the process over the budget (issue 21)::

    >>> hold("example", 64.0)
    >>> held_mb() >= 64.0
    True
    >>> hold("example", 0.0)                        # nothing held any more

In a container with a memory limit (Kubernetes' ``resources.limits.memory``, ``docker run -m``)
the budget is at most 90% of that limit, whatever ``LSTM_LAB_MEMORY_MB`` says: the kernel kills
the container at its limit, and it counts more than resident memory (page cache, kernel buffers)::

    >>> container_mb("no/such/folder") is None      # no limit found: the setting alone decides
    True

The check reads ``VmRSS`` from ``/proc/self/status`` (Linux); elsewhere it never refuses.
No TensorFlow, no Streamlit.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from lstm_core.limits import cost, settings
from lstm_core.limits.shape import shape_of

DEFAULT_MB = float(settings.SETTINGS["LSTM_LAB_MEMORY_MB"].default)
MIB = 1024 * 1024
# What one training adds to the process's resident memory, measured by
# benchmarks/calibrate_memory.py (busy machine, 2026-11-29) and rounded up:
# a tutorial run +0-16 MB (+20 MB to compile); a 256-unit one-hot shape (4.5 M weights,
# 32 MB of inputs) +108-174 MB to train and +32-97 MB to compile; two at once +292-470 MB.
RUN_BASE_MB = 16.0  # history, chunk bookkeeping, allocator slack
PARAM_COPIES = 10  # weights in numpy and as tensors, gradient, two moments, their new values, result
DATA_COPIES = 3  # the dataset in numpy, stacked, and as a tensor
COMPILE_MB = 64.0  # a new shape's XLA program and the buffers its build touches ...
COMPILE_PARAM_COPIES = 4  # ... plus its first call's weights and outputs (new weights, 2 moments)
FIRST_COMPILE_MB = 160.0  # the process's first compile also starts XLA (LLVM, thread pools)

# The server without TensorFlow: Streamlit, pandas, altair, numpy and a few sessions' runs
# (idle 200-260 MiB here). A TensorFlow worker: its import (~565 MiB), XLA's start on the first
# compile (~160 MiB) and its first shapes (12-15 MiB each). Measured on this machine, 2026-12-02.
SERVER_MB = 300.0
WORKER_MB = 800.0
HEADROOM_MB = 250.0  # kept free in a worker's share so the next training can grow into it

_lock = threading.Lock()
_reserved: dict[int, float] = {}  # admitted trainings still running: ticket -> MiB
_held: dict[str, float] = {}  # memory other parts may still take (hold): name -> MiB
_tickets = itertools.count()


class MemoryRefused(ValueError):
    """A training that would take the process over its memory budget (one sentence for a person).

    What would help, besides waiting, is data (``levers``: the fields that make a run smaller),
    so a page without those fields (Compare, Memory) words it without them (:meth:`worded`)::

        >>> r = MemoryRefused("This training needs about 600 MiB", ("units", "window"))
        >>> str(r)
        'This training needs about 600 MiB: lower the units or the window, or try again in a minute.'
        >>> r.worded({}.get)
        'This training needs about 600 MiB: try again in a minute.'
    """

    def __init__(self, sentence: str, levers: tuple[str, ...] | None = None) -> None:
        self.sentence, self.levers = sentence, levers
        super().__init__(self.worded(lambda name: f"the {name}"))

    def worded(self, label) -> str:
        """The sentence with the fields that would help named by ``label`` (None: not offered)."""
        if self.levers is None:
            return self.sentence
        named = [label(n) for n in self.levers if label(n)]
        if not named:
            return f"{self.sentence}: try again in a minute."
        fields = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " or " + named[-1]
        return f"{self.sentence}: lower {fields}, or try again in a minute."


CONTAINER_SHARE = 0.9  # of a container's memory limit, at most, for the budget (see the docstring)
CGROUP = "/sys/fs/cgroup"
# cgroup v2 (one file), then v1; a v1 container without a limit reports about 2**63 bytes.
_LIMIT_FILES = ("memory.max", "memory/memory.limit_in_bytes")
_NO_LIMIT = 2**60


def budget_mb() -> float:
    """``LSTM_LAB_MEMORY_MB`` (MiB), read at each call (1500 if unset or badly set), or
    ``CONTAINER_SHARE`` of the container's memory limit when that is lower."""
    asked = float(settings.read("LSTM_LAB_MEMORY_MB"))
    limit = own_container_mb()
    return asked if limit is None else min(asked, limit * CONTAINER_SHARE)


def container_mb(root: str = CGROUP) -> float | None:
    """The memory limit (MiB) of the cgroup mounted at ``root`` (a container's own), or None
    when there is none or it cannot be read (not Linux, not in a container, no limit set).

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "memory.max").write_text("1782579200\\n")    # Kubernetes' 1700Mi
    >>> container_mb(str(folder))
    1700.0
    >>> _ = (folder / "memory.max").write_text("max\\n")           # cgroup v2: no limit
    >>> container_mb(str(folder)) is None
    True
    """
    for name in _LIMIT_FILES:
        try:
            with open(f"{root}/{name}", encoding="ascii") as fh:
                text = fh.read().strip()
        except OSError:
            continue
        if not text.isdigit() or int(text) >= _NO_LIMIT:
            return None
        return int(text) / MIB
    return None


@functools.cache
def own_container_mb() -> float | None:
    """This process's container limit, read once (it does not change while the server runs)."""
    return container_mb()


def rss_mb() -> float | None:
    """Resident memory of the server in MiB: this process and the worker processes it counts
    (:func:`count_workers`); None where /proc is not available."""
    own = _process_mb("self")
    if own is None:
        return None
    return own + sum(_process_mb(str(pid)) or 0.0 for pid in _workers())


def _process_mb(pid: str) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0  # the kernel reports kB (KiB)
    except OSError:  # no /proc, or the process has just ended
        return None
    return None


_workers: Callable[[], list[int]] = list  # the process ids of the training workers, if any


def count_workers(pids: Callable[[], list[int]]) -> Callable[[], list[int]]:
    """Count the processes ``pids()`` names (TensorFlow's workers) as part of the server;
    returns what was counted before."""
    global _workers
    before, _workers = _workers, pids
    return before


def worker_count() -> int:
    """How many TensorFlow worker processes the server runs: ``LSTM_LAB_WORKERS``, or as many
    as fit beside the server in the budget (at least one, at most ``LSTM_LAB_MAX_TRAININGS``).

    >>> import os
    >>> saved = dict(os.environ)
    >>> os.environ["LSTM_LAB_MEMORY_MB"], os.environ["LSTM_LAB_WORKERS"] = "1500", "0"
    >>> worker_count()                   # a small container: one worker
    1
    >>> os.environ["LSTM_LAB_MEMORY_MB"] = "4000"
    >>> worker_count()                   # a class server: one per training slot
    2
    >>> os.environ.clear(); os.environ.update(saved)
    """
    asked = settings.read("LSTM_LAB_WORKERS")
    if asked:
        return asked
    fit = int((budget_mb() - SERVER_MB) // WORKER_MB)
    return max(1, min(settings.read("LSTM_LAB_MAX_TRAININGS"), fit))


def recycle_mb(workers: int) -> float:
    """MiB past which a worker is replaced after its task: its share of the budget, less room
    for the next training to grow in (never below what a fresh worker needs to train)."""
    share = (budget_mb() - SERVER_MB) / max(1, workers)
    return max(WORKER_MB, share - HEADROOM_MB)


def over_budget(rss: float | None = None) -> bool:
    """True if this process (or ``rss`` MiB, for tests) is over the budget."""
    rss = rss_mb() if rss is None else rss
    return rss is not None and rss > budget_mb()


def refusal() -> str:
    """The sentence a user sees when new work is refused for memory."""
    rss = rss_mb() or 0.0
    return (
        f"The server is short of memory right now ({rss:,.0f} MiB in use, budget "
        f"{budget_mb():,.0f} MiB), so it starts no new training; try again in a minute."
    )


def data_bytes(config) -> int:
    """Bytes of one run's training data as float32: inputs, targets and mask (``shape.py``)."""
    return shape_of(config).data_bytes()


def run_mb(config, compiled: bool = False, first: bool = False, models: int = 1) -> float:
    """MiB a training of ``config`` may add to this process (``models`` of that shape side
    by side): its data and its weights in every copy an update holds, plus the compile of a
    new shape (``compiled=False``), plus XLA's start-up if nothing was compiled yet (``first``)."""
    params = cost.estimate(config).parameters
    per_model = (DATA_COPIES * data_bytes(config) + PARAM_COPIES * 4 * params) / MIB
    extra = (0.0 if compiled else compile_mb(config, models)) + (FIRST_COMPILE_MB if first else 0.0)
    return RUN_BASE_MB + models * per_model + extra


def compile_mb(config, models: int = 1) -> float:
    """MiB compiling ``config``'s new shape may add: the program, and the buffers of its first
    call (zero inputs, the weights and what it returns), which grow with the model.

    >>> from lstm_core.presets import preset
    >>> round(compile_mb(preset("naive")))      # a tutorial shape: the program
    64
    """
    params = cost.estimate(config).parameters
    return COMPILE_MB + models * (COMPILE_PARAM_COPIES * 4 * params + data_bytes(config)) / MIB


def reserved_mb() -> float:
    """MiB reserved by the trainings admitted and still running."""
    with _lock:
        return sum(_reserved.values())


def hold(name: str, mb: float) -> None:
    """Hold ``mb`` MiB of the budget for ``name`` (replacing what it held; 0 lets go).

    For memory a part of the process may take at any moment beyond what RSS shows now, e.g.
    the run store's in-memory fallback up to its bound. Trainings are admitted only beside it.
    """
    with _lock:
        if mb > 0:
            _held[name] = float(mb)
        else:
            _held.pop(name, None)


def held_mb() -> float:
    """MiB held by :func:`hold` (the run store's fallback, ...)."""
    with _lock:
        return sum(_held.values())


def free_mb(rss: float | None = None) -> float | None:
    """MiB of the budget not used by the process, reserved or held; None where RSS is unknown."""
    rss = rss_mb() if rss is None else rss
    return None if rss is None else budget_mb() - rss - reserved_mb() - held_mb()


@contextmanager
def admit(need_mb: float) -> Iterator[None]:
    """Reserve ``need_mb`` MiB for a training while it runs, or raise :class:`MemoryRefused`.

    The reservation counts against later admissions until the training ends, since its memory
    shows in RSS only as it grows; so does memory held by :func:`hold`.

    >>> with admit(0.0):
    ...     reserved_mb() >= 0
    True
    """
    with _lock:
        rss = rss_mb()
        if rss is not None:
            if rss > budget_mb():
                raise MemoryRefused(refusal())
            held = sum(_reserved.values()) + sum(_held.values())
            if rss + held + need_mb > budget_mb():
                raise _too_big(need_mb, rss, held)
        ticket = next(_tickets)
        _reserved[ticket] = need_mb
    try:
        yield
    finally:
        with _lock:
            _reserved.pop(ticket, None)


def _too_big(need_mb: float, rss: float, held: float) -> MemoryRefused:
    free = max(0.0, budget_mb() - rss - held)
    return MemoryRefused(
        f"This training needs about {need_mb:,.0f} MiB of memory, and the server has only "
        f"{free:,.0f} MiB of its {budget_mb():,.0f} MiB budget free right now (other trainings "
        "are running or just ran)", ("units", "window", "sequence"),
    )


def shape_key(config) -> tuple:
    """What makes a compiled training program of ``config`` new: its shape's numbers but the epochs.

    >>> from lstm_core.presets import preset
    >>> shape_key(preset("naive")) == shape_key(preset("naive").replace(epochs=5, seed=3))
    True
    """
    return tuple(v for k, v in sorted(cost.shape_numbers(config).items()) if k != "epochs")


def need_for(configs: Sequence, is_compiled, first: bool = False) -> float:
    """MiB a call training ``configs`` side by side may add: one compile per new shape
    (``is_compiled(config)`` says which are not new), each model's data and weights.

    >>> from lstm_core.presets import preset
    >>> seeds = [preset("naive").replace(seed=s) for s in range(20)]
    >>> need_for(seeds, lambda c: True) < 2 * run_mb(seeds[0], compiled=True)   # one shape
    True
    """
    groups: dict[tuple, list] = {}
    for c in configs:
        groups.setdefault(shape_key(c), []).append(c)
    total = FIRST_COMPILE_MB if first else 0.0
    for group in groups.values():
        total += run_mb(group[0], is_compiled(group[0]), models=len(group))
    return total

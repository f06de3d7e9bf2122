"""The server's memory budget: how much resident memory this process may use.

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

The check reads ``VmRSS`` from ``/proc/self/status`` (Linux); elsewhere it never refuses.
No TensorFlow, no Streamlit.
"""

from __future__ import annotations

from . import settings

DEFAULT_MB = float(settings.SETTINGS["LSTM_LAB_MEMORY_MB"].default)


def budget_mb() -> float:
    """``LSTM_LAB_MEMORY_MB`` (MiB), read at each call; 1500 if unset or badly set."""
    return float(settings.read("LSTM_LAB_MEMORY_MB"))


def rss_mb() -> float | None:
    """Resident memory of this process in MiB, or None where /proc is not available."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0  # the kernel reports kB (KiB)
    except OSError:
        return None
    return None


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

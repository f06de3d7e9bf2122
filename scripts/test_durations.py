"""Write tests/durations.json: how long each test file took, from a JUnit report.

    .venv/bin/python scripts/test_durations.py test-artifacts/junit.xml

``tests/conftest.py`` reads it to hand the longest files out first on pytest-xdist's workers
(longest-first keeps one worker from starting a two-minute file when the other is nearly done;
without it xdist orders files by how many tests they hold, so a file with one long test went
last). A file missing from the table (a new one) counts as the median. Refresh it after a full
run on a quiet machine; the order only changes how fast the suite ends, never what it tests.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "durations.json"


def file_of(classname: str) -> str:
    """``tests.e2e.test_sine`` or ``tests.e2e.test_sine.TestX`` -> ``tests/e2e/test_sine.py``;
    a doctest's ``lstm_core.limits.budget`` -> ``lstm_core/limits/budget.py``.

    >>> file_of("tests.e2e.test_sine")
    'tests/e2e/test_sine.py'
    >>> file_of("tests.unit.store.test_runs.TestSQLite")
    'tests/unit/store/test_runs.py'
    """
    parts = classname.split(".")
    last = max((i for i, p in enumerate(parts) if p.startswith("test_")), default=len(parts) - 1)
    return "/".join(parts[: last + 1]) + ".py"


def durations(report: Path) -> dict[str, float]:
    seconds: dict[str, float] = defaultdict(float)
    for case in ET.parse(report).getroot().iter("testcase"):
        seconds[file_of(case.get("classname") or "")] += float(case.get("time") or 0)
    # Files since removed or merged drop out; a new file counts as the median until measured.
    return {name: round(s, 1) for name, s in sorted(seconds.items(), key=lambda kv: -kv[1])
            if (ROOT / name).exists()}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    table = durations(Path(argv[0]))
    OUT.write_text(json.dumps(table, indent=0) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(table)} files, {sum(table.values()):.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Measure the figures the README's tutorial table quotes, and write them where the docs read them.

    .venv/bin/python scripts/make_figures.py            # seeds 7-11, all six framings (~2 min)

It trains every framing at the tutorial's settings for five seeds (the same code as
``python -m lstm_core reproduce --seeds 5``), then writes

- ``docs/figures.json``: per framing, every seed's accuracy, the median and the range, and the
  shipped preset's accuracy (seed 7, ``scripts/make_presets.py``), with the commit and the date;
- the README's tutorial table: the "median of 5 seeds" and "range" columns, rewritten in place.

``tests/unit/test_figures.py`` checks that the README and the shipped presets agree with
``docs/figures.json``, so a typed figure that drifts from the script's fails the suite.
"""

from __future__ import annotations

import datetime
import io
import json
import platform
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstm_core.cli.main import main as cli  # noqa: E402
from lstm_core.config import FRAMINGS  # noqa: E402
from lstm_core.store import pretrained  # noqa: E402

FIGURES = ROOT / "docs" / "figures.json"
README = ROOT / "README.md"
SEEDS = 5


def percent(value: float) -> str:
    """How the README writes an accuracy.

    >>> percent(80.0), percent(86.956)
    ('80.00%', '86.96%')
    """
    return f"{value:.2f}%"


def span(values: list[float]) -> str:
    """The README's range column.

    >>> span([80.0, 84.0, 80.0])
    '80.00–84.00%'
    >>> span([100.0, 100.0])
    '100–100%'
    """
    lo, hi = min(values), max(values)
    if lo == hi == 100.0:
        return "100–100%"
    return f"{lo:.2f}–{hi:.2f}%"


def readme_row(line: str, row: dict) -> str:
    """``line`` of the README's tutorial table with its median and range columns from ``row``.

    >>> readme_row("| naive | (25, 1, 1) | 84.00% | 1% | 1–2% | text |",
    ...            {"median": 80.0, "accuracies": [80.0, 84.0]})
    '| naive | (25, 1, 1) | 84.00% | 80.00% | 80.00–84.00% | text |'
    """
    cells = line.split("|")
    cells[4] = f" {percent(row['median'])} "
    cells[5] = f" {span(row['accuracies'])} "
    return "|".join(cells)


def measure() -> dict:
    out = io.StringIO()
    code = cli(["reproduce", "--seeds", str(SEEDS), "--json"], out=out)
    if code != 0:
        raise SystemExit(f"reproduce failed with exit code {code}")
    rows = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    figures = {}
    for name in FRAMINGS:
        accs = [round(r["accuracy"], 2) for r in rows if r["framing"] == name]
        shipped = json.loads(pretrained.paths(name)[0].read_text(encoding="utf-8"))["accuracy"]
        figures[name] = {"seeds": [r["seed"] for r in rows if r["framing"] == name], "accuracies": accs,
                         "median": round(statistics.median(accs), 2), "shipped_seed_7": shipped}
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    return {"made_by": "scripts/make_figures.py", "commit": head, "date": datetime.date.today().isoformat(),
            "machine": f"{platform.machine()}, Python {platform.python_version()}", "framings": figures}


def rewrite_readme(figures: dict) -> None:
    lines = README.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        match = re.match(r"\| ([a-z-]+) \| \(", line)
        if match and match.group(1) in figures["framings"]:
            lines[i] = readme_row(line.rstrip("\n"), figures["framings"][match.group(1)]) + "\n"
    README.write_text("".join(lines), encoding="utf-8")


def main() -> int:
    figures = measure()
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    rewrite_readme(figures)
    for name, row in figures["framings"].items():
        print(f"{name:<16} median {percent(row['median']):>8}  range {span(row['accuracies']):>15}  "
              f"shipped {percent(row['shipped_seed_7'])}")
    print(f"wrote {FIGURES.relative_to(ROOT)} and the README's tutorial table")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

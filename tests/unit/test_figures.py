"""The figures the docs quote are the script's (issue 22): the README's tutorial table and the
shipped presets agree with docs/figures.json, which scripts/make_figures.py writes."""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import pytest

from lstm_core.config import FRAMINGS
from lstm_core.store import pretrained

ROOT = Path(__file__).resolve().parents[2]
FIGURES = json.loads((ROOT / "docs" / "figures.json").read_text(encoding="utf-8"))


def readme_rows() -> dict[str, list[str]]:
    rows = {}
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| ([a-z-]+) \| \(", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in line.split("|")[1:-1]]
    return rows


@pytest.mark.parametrize("name", FRAMINGS)
def test_the_readme_table_quotes_the_script(name: str) -> None:
    row, measured = readme_rows()[name], FIGURES["framings"][name]
    assert row[3] == f"{measured['median']:.2f}%", "README median: run scripts/make_figures.py"
    low, high = min(measured["accuracies"]), max(measured["accuracies"])
    assert row[4] in (f"{low:.2f}–{high:.2f}%", "100–100%" if low == high == 100.0 else None)
    assert measured["median"] == round(statistics.median(measured["accuracies"]), 2)
    assert measured["seeds"] == list(range(7, 7 + len(measured["seeds"])))


@pytest.mark.parametrize("name", FRAMINGS)
def test_the_shipped_presets_are_the_figures_seed_7(name: str) -> None:
    shipped = json.loads(pretrained.paths(name)[0].read_text(encoding="utf-8"))
    measured = FIGURES["framings"][name]
    assert shipped["accuracy"] == measured["shipped_seed_7"] == measured["accuracies"][0]

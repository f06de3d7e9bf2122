"""The memory budget follows a container's limit when that is lower than LSTM_LAB_MEMORY_MB
(issue 23): Kubernetes or docker kills the container at its limit, whatever the setting says."""

from __future__ import annotations

import pytest

from lstm_core.limits import budget

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("memory.max", "1073741824\n", 1024.0),  # cgroup v2, 1Gi
        ("memory.max", "max\n", None),  # cgroup v2, no limit
        ("memory/memory.limit_in_bytes", "2147483648\n", 2048.0),  # cgroup v1, 2Gi
        ("memory/memory.limit_in_bytes", "9223372036854771712\n", None),  # cgroup v1, no limit
    ],
)
def test_the_limit_is_read_from_cgroup_v1_and_v2(tmp_path, name, text, expected):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text)
    assert budget.container_mb(str(tmp_path)) == expected


@pytest.mark.parametrize(("limit", "expected"), [(1000.0, 900.0), (4000.0, 1500.0), (None, 1500.0)])
def test_the_budget_is_the_lower_of_the_setting_and_the_containers_share(monkeypatch, limit, expected):
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", "1500")
    monkeypatch.setattr(budget, "own_container_mb", lambda: limit)
    assert budget.budget_mb() == pytest.approx(expected)

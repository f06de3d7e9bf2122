"""Replicas that share a PostgreSQL run store: ``STORE=postgres bash deploy/local_cluster.sh``.

A run trained and saved through one replica opens by its ``?run=`` link on the other replica (a
different process, as it would be on another machine), with the same accuracy and the same
generated letters; SIGTERM stops the database with everything else.
"""

from __future__ import annotations

import re
import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_support import cluster_for_tests  # noqa: E402
from e2e_support import TRAIN_TIMEOUT_MS, VIEWPORT, open_app, wait_for_app_run  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.e2e

STORE_LINE = re.compile(r"run store: postgresql://lab@127\.0\.0\.1:(\d+)/lab, shared by every replica")


def _accuracy(page: Page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="Accuracy").first
    expect(metric).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def _generated(page: Page, header: str) -> str:
    column = page.get_by_test_id("stColumn").filter(has=page.get_by_role("heading", name=header))
    code = column.last.get_by_test_id("stCode").first
    expect(code).to_have_text(re.compile(r"[A-Z]{3,}"), timeout=60_000)
    return "".join(ch for ch in code.inner_text() if ch.isupper())


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, browser):
    yield from cluster_for_tests(tmp_path_factory.mktemp("cluster-store"), env={"STORE": "postgres"})


def test_a_run_saved_through_one_replica_opens_by_its_link_on_another(cluster, browser):
    found = STORE_LINE.search(cluster.output())
    assert found, cluster.output()
    pg_port = int(found.group(1))
    assert _listening(pg_port)
    first, second = (f"http://127.0.0.1:{p}" for p in cluster.replica_ports)

    trainer = browser.new_context(viewport=VIEWPORT)
    trainer.set_default_timeout(60_000)
    page = trainer.new_page()
    open_app(page, first, "/lab?framing=stateful&epochs=40&units=8")
    page.get_by_role("button", name="Train", exact=True).click()
    accuracy = _accuracy(page)
    wait_for_app_run(page, timeout_ms=TRAIN_TIMEOUT_MS)
    match = re.search(r"[?&]run=([A-Za-z0-9_-]{22,})", page.url)
    assert match, page.url
    run_id = match.group(1)
    # The store took it: no "will not be kept" warning on the replica that trained.
    page.get_by_role("button", name=re.compile("Copy link to this trained model")).click()
    expect(page.get_by_test_id("stCode").filter(has_text=f"run={run_id}").first).to_be_visible()
    expect(page.get_by_text("will not be kept")).to_have_count(0)
    open_app(page, first, f"/generate?run={run_id}")
    letters = _generated(page, "Cold start")
    trainer.close()

    # Another browser, on the other replica (another process: its memory has never seen the run).
    student = browser.new_context(viewport=VIEWPORT)
    student.set_default_timeout(60_000)
    other = student.new_page()
    open_app(other, second, f"/lab?run={run_id}")
    assert _accuracy(other) == accuracy
    expect(other.get_by_text("does not have")).to_have_count(0)
    open_app(other, second, f"/generate?run={run_id}")
    assert _generated(other, "Cold start") == letters
    expect(other.get_by_text("8 units").first).to_be_visible()
    student.close()

    # Both replicas' logs: no store problem.
    for i in range(2):
        log = (cluster.state_dir / f"replica-{i}.log").read_text()
        assert "run store:" not in log, log[-2000:]

    # SIGTERM stops the database too.
    code = cluster.stop()
    assert code in (0, 143), cluster.output()
    assert cluster.all_ports_closed() and not _listening(pg_port), cluster.output()

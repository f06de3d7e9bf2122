"""Fixtures for the browser tests: one real Streamlit server and one Debian Chromium per session.

- ``app_server``: ``streamlit run app.py --server.headless true`` on a free 127.0.0.1 port, healthy
  at ``/_stcore/health`` before any test starts; stopped (its process group) after the session.
  Under pytest-xdist each worker has its own (its own port, log and run store: tests/conftest.py).
- ``browser``: Playwright's sync API launching ``/usr/bin/chromium`` (never Playwright's own download).
- ``page``: a fresh context per test (so each test is a new Streamlit session), 1280x800.

A browser test that fails gets one more try (pytest-rerunfailures, :func:`pytest_collection_modifyitems`):
a race between Chromium, Streamlit's frontend and two busy cores, met once in a few 20-minute runs,
must not fail the whole run, and a test that fails twice still fails. Each retry is named in the
run's "rerun test summary" and counted in scripts/test.sh's last line, so a check that only passes
on its second try is seen, and mended (docs/testing.md lists those found).

When Chromium is missing the browser tests are skipped with a message on a developer machine, and
fail when ``CI`` is set: in CI they must run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from e2e_support import (  # noqa: E402
    APP_TIMEOUT_MS,
    CHROMIUM,
    ROOT,
    VIEWPORT,
    StreamlitServer,
    is_ci,
    launch_chromium,
)

ARTIFACTS = ROOT / "test-artifacts"
# Under pytest-xdist every worker starts its own server (on its own free port): each writes its
# own log, test-artifacts/e2e-streamlit-gw0.log, -gw1.log, ... (e2e-streamlit.log in one process).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
SERVER_LOG = ARTIFACTS / (f"e2e-streamlit-{WORKER}.log" if WORKER else "e2e-streamlit.log")
# Screenshots go to test-artifacts/ so a test run leaves the work tree clean; set
# LSTM_LAB_UPDATE_SCREENSHOTS=1 to refresh the README's pictures in docs/screenshots/.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("LSTM_LAB_UPDATE_SCREENSHOTS") == "1"
    else ROOT / "test-artifacts" / "screenshots"
)


def _need_browser() -> None:
    problem = None
    if not os.path.exists(CHROMIUM):
        problem = (
            f"Chromium not found at {CHROMIUM}: install Debian's package "
            "(sudo apt-get update && sudo apt-get install -y chromium) or set LSTM_LAB_CHROMIUM"
        )
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing: pip install -r requirements-test.txt"
    if problem:
        if is_ci():
            pytest.fail(f"CI is set, so browser tests must run, but {problem}", pytrace=False)
        pytest.skip(problem)


E2E = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Called with the whole session's items: only the browser tests (this folder) are retried.
    for item in items:
        if E2E in Path(item.path).parents:
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=1))


@pytest.fixture(scope="session")
def app_server() -> Iterator[StreamlitServer]:
    _need_browser()
    server = StreamlitServer(log_path=SERVER_LOG)
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(app_server: StreamlitServer) -> str:
    return app_server.url


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import expect, sync_playwright

    # Playwright's assertions wait 5 s by default: on two shared cores (both xdist workers busy,
    # each with its own server) a page may take longer to show a message, with nothing wrong.
    # They wait as long as every other action (the context's default below): a hang guard.
    expect.set_options(timeout=APP_TIMEOUT_MS)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url: str, request: pytest.FixtureRequest):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(APP_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    # Keep a picture of the page when a test fails: it shows what a person would have seen.
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}.png"), full_page=True)
        except Exception as exc:  # a broken page must not hide the real failure
            print(f"could not save failure screenshot: {exc}")
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep

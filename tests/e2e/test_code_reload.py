"""A push on Streamlit Community Cloud: the code changes under the running server (issue 23).

Cloud starts ``streamlit run app.py`` with no options, so only ``.streamlit/config.toml`` decides
whether the file watcher runs; Cloud's virtual environment lives outside the project folder. This
starts the server the same way in a copy of the project, edits a module of ``lstm_core/`` there,
and checks that the next run of the page uses the new code, with no watcher noise in the log.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import VIEWPORT, StreamlitServer, open_app, wait_for_app_run
from playwright.sync_api import expect
from source_copy import copy_project

pytestmark = pytest.mark.e2e

# What the Overview page says of the naive framing: lstm_core/presets.py's "feeds" line.
OLD = "one letter, one time step; state reset after every sample"
NEW = "one letter, edited on a push"
PROJECT = ("app.py", "pages", "ui", "lstm_core", ".streamlit")


@pytest.fixture
def cloud_like_server(tmp_path):
    project = copy_project(PROJECT, tmp_path / "project")
    server = StreamlitServer(
        log_path=tmp_path / "server.log",
        cwd=project,
        file_watcher=None,  # .streamlit/config.toml's setting, as on Cloud
        env={"LSTM_LAB_DB": str(tmp_path / "runs.sqlite3")},
    )
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server, project
    server.stop()


def test_an_edited_engine_module_is_used_on_the_next_run(cloud_like_server, browser):
    server, project = cloud_like_server
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    page = context.new_page()
    open_app(page, server.url, "/")
    expect(page.get_by_text(OLD)).to_be_visible()

    presets = Path(project / "lstm_core" / "presets.py")
    text = presets.read_text()
    assert OLD in text
    presets.write_text(text.replace(OLD, NEW))
    # The session's watcher drops the edited modules; its next run imports them again. Rerun this
    # session (Streamlit's "r" key) until a run shows it (bounded: without the watcher the old
    # text stays for good).
    for _ in range(30):
        page.wait_for_timeout(1000)
        page.locator("body").press("r")
        wait_for_app_run(page)
        if page.get_by_text(NEW).count():
            break
    expect(page.get_by_text(NEW)).to_be_visible()
    expect(page.get_by_text(OLD)).to_have_count(0)
    context.close()

    log = server.log_tail(200_000)
    noise = [line for line in log.splitlines() if "notify" in line or "watch" in line.lower()]
    assert not noise, noise
    assert "Traceback" not in log, log[-3000:]

"""The pages with a PostgreSQL run store that cannot be reached, or a bad store URL: the Lab still
trains and links work on this server, and the page says in one sentence that runs will not be
kept, without the URL's password."""

from __future__ import annotations

import pytest
from apptest_support import TINY, assert_clean, metric, open_page, train_in_lab
from postgres_support import free_port

from lstm_core.store import runs


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://lab:hunter2@127.0.0.1:{port}/lab",  # nothing listens there
        "mysql://lab:hunter2@127.0.0.1:{port}/lab",  # not a backend the app has
    ],
)
def test_an_unusable_store_url_says_so_once_and_the_lab_goes_on(url, monkeypatch):
    monkeypatch.setattr(runs, "_store", runs.RunStore(url.format(port=free_port()), busy_seconds=2))
    at = train_in_lab(**TINY)
    warnings = [w.value for w in at.warning if "will not be kept" in w.value]
    assert len(warnings) == 1, [w.value for w in at.warning]
    assert "hunter2" not in warnings[0] and "\n" not in warnings[0].strip()
    assert "until the server restarts" in warnings[0]
    run_id = at.session_state["run_id"]
    again = open_page("pages/lab.py", run=run_id)  # same server process: kept in memory
    assert_clean(again)
    assert metric(again, "Accuracy").value == metric(at, "Accuracy").value

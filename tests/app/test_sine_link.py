"""A trained Sine run gets a ``?run=`` link and comes back from it (issue 22, item 9).

Trained once (a tiny wave, 6 epochs) for the module; a second AppTest is a second browser
(or the same one after F5: a new session) opening the address.
"""

from __future__ import annotations

import pytest
from apptest_support import assert_clean, button, open_page

from lstm_core.store import runs

SMALL = {"framing": "timestep-window", "epochs": "6", "length": "60", "period": "12", "window": "4"}


def mse_sentences(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("Mean squared error")]


@pytest.fixture(scope="module")
def trained():
    at = open_page("pages/sine.py", **SMALL)
    button(at, "Train").click().run()
    assert_clean(at)
    return at


def test_a_trained_run_is_in_the_address_and_in_a_copyable_link(trained):
    rid = trained.query_params["run"]
    rid = rid[0] if isinstance(rid, list) else rid
    assert rid and trained.session_state["sine_run_id"] == rid
    links = [c.value for c in trained.code if f"run={rid}" in c.value]
    assert links and "window=4" in links[0] and "framing=timestep-window" in links[0], links


def test_the_address_opens_the_run_in_a_new_session(trained):
    rid = trained.session_state["sine_run_id"]
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in trained.query_params.items()}
    again = open_page("pages/sine.py", **params)  # F5, or a second browser
    assert_clean(again)
    assert mse_sentences(again) == mse_sentences(trained)
    assert not [i for i in again.info if "These results are from the last training" in i.value]
    assert again.session_state["sine_run_id"] == rid


def test_the_bare_run_link_opens_the_run_with_its_settings(trained):
    rid = trained.session_state["sine_run_id"]
    again = open_page("pages/sine.py", run=rid)
    assert_clean(again)
    assert mse_sentences(again) == mse_sentences(trained)
    assert next(n for n in again.number_input if n.label == "Window (values)").value == 4
    assert not [i for i in again.info if "These results are from the last training" in i.value]


def test_an_unknown_run_says_so_once_and_leaves_the_address():
    at = open_page("pages/sine.py", run="no-such-run")
    assert_clean(at)
    assert [w.value for w in at.warning if "does not have" in w.value]
    assert "run" not in at.query_params


def test_a_wave_link_on_a_letters_page_says_where_it_opens(trained):
    rid = trained.session_state["sine_run_id"]
    lab = open_page("pages/generate.py", run=rid)
    assert_clean(lab)
    assert [w.value for w in lab.warning if "trained on a wave" in w.value]
    assert "run" not in lab.query_params


def test_a_letters_link_on_the_sine_page_says_where_it_opens(tiny_run):
    rid = runs.get_store().save(tiny_run)  # a Lab run (letters), as a shared link names it
    at = open_page("pages/sine.py", run=rid)
    assert_clean(at)
    assert [w.value for w in at.warning if "trained on letters" in w.value]
    assert "run" not in at.query_params
    assert at.session_state.get("sine_run_id") != rid

"""A rerun that carries an address the form wrote earlier keeps what was typed (issue 22, 14).

The browser sends its address with every rerun; after quick edits it may still be the one
from before the form's last rewrite. Here the AppTest's address is set back by hand to what
the form wrote two edits ago, as the browser sent it in Chromium (tests/e2e/test_fast_edits.py).
"""

from __future__ import annotations

from apptest_support import open_page


def url(at) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items() if k != "run"}


def box(at, label: str):
    return next(n for n in at.number_input if n.label == label)


def test_a_stale_echo_of_the_forms_own_address_does_not_put_old_values_back():
    at = open_page("pages/lab.py", framing="stateful", epochs="10")
    old = url(at)
    box(at, "Units").set_value(8.0).run()
    assert url(at)["units"] == "8"
    at.query_params.clear()
    at.query_params.update(old)  # the browser had not applied the rewrite yet
    box(at, "Epochs").set_value(12.0).run()
    assert box(at, "Units").value == 8.0 and box(at, "Epochs").value == 12.0
    assert url(at) == {"framing": "stateful", "units": "8", "epochs": "12"}


def test_a_link_the_form_never_wrote_still_wins():
    at = open_page("pages/lab.py", framing="stateful", epochs="10")
    box(at, "Units").set_value(8.0).run()
    at.query_params.clear()
    at.query_params.update({"framing": "stateful", "units": "6"})
    at.run()
    assert box(at, "Units").value == 6.0

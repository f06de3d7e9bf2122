"""Fields a framing does not read are not shown, and a link cannot set them silently (issue 22,
item 13): Samples on naive put num_samples=50 in the address while the data stayed [25, 1, 1]."""

from apptest_support import assert_clean, open_page


def labels(at) -> set[str]:
    return {w.label for w in (*at.number_input, *at.selectbox, *at.checkbox)}


def test_each_framing_shows_only_the_fields_it_reads():
    at = open_page("pages/lab.py", framing="naive")
    assert_clean(at)
    shown = labels(at)
    assert "Units" in shown
    assert not shown & {"Samples", "Padding", "Wrap around (…XYZABC…)", "Letters out (horizon)",
                        "Time steps per update"}, shown
    at.selectbox(key="lab_framing").set_value("variable-length").run()
    assert {"Samples", "Padding", "Wrap around (…XYZABC…)"} <= labels(at)
    at.selectbox(key="lab_framing").set_value("stateful").run()
    assert "Time steps per update" in labels(at) and "Samples" not in labels(at)


def test_a_link_setting_a_field_the_framing_ignores_says_so_and_leaves_it_out():
    at = open_page("pages/lab.py", framing="naive", num_samples="50")
    assert_clean(at)
    assert any("num_samples" in w.value and "does not use it" in w.value for w in at.warning), \
        [w.value for w in at.warning]
    assert "num_samples" not in at.query_params
    assert at.session_state["lab_config"].num_samples == 1000  # the preset's, not 50

"""What the form shows is what trains (issue 8): the form, the URL, the data view and the
results describe the same configuration, and characters shown alone are visible."""

from apptest_support import assert_clean, button, open_page, predictions, train_in_lab


def _url(at) -> dict[str, str]:
    """The settings in the URL (``run``, the stored model's id, is the store's business)."""
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items() if k != "run"}


def _text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_a_typed_sequence_survives_a_framing_change_and_untouched_fields_switch_at_once():
    at = open_page("pages/lab.py")  # naive: units 32, epochs 500, shuffle on
    at.text_input(key="lab_sequence").set_value("HELLO WORLD").run()
    at.selectbox(key="lab_framing").set_value("stateful").run()  # no Train click
    assert_clean(at)
    assert at.text_input(key="lab_sequence").value == "HELLO WORLD"
    assert at.number_input(key="lab_units").value == 16  # the stateful preset's, at once
    assert at.number_input(key="lab_epochs").value == 300
    assert at.checkbox(key="lab_stateful").value is True
    assert at.checkbox(key="lab_shuffle").value is False
    assert _url(at) == {"framing": "stateful", "sequence": "HELLO WORLD"}
    at.number_input(key="lab_epochs").set_value(5)
    button(at, "Train").click().run()
    assert_clean(at)
    config = at.session_state["run"].config
    trained = (config.framing, config.sequence, config.units, config.epochs)
    assert trained == ("stateful", "HELLO WORLD", 16, 5)
    assert at.text_input(key="lab_sequence").value == "HELLO WORLD"


def test_the_data_view_and_the_window_follow_the_framing_before_train():
    at = open_page("pages/lab.py")
    at.text_input(key="lab_sequence").set_value("aaaabbbccd" * 6).run()
    at.selectbox(key="lab_framing").set_value("timestep-window").run()
    assert_clean(at)
    assert at.number_input(key="lab_window").value == 3
    assert at.text_input(key="lab_sequence").value == "aaaabbbccd" * 6
    assert "X has shape [57, 3, 1]" in _text(at)  # 60 letters, windows of 3
    assert "run" not in at.session_state  # nothing was trained to get there


def test_every_change_reaches_the_url_and_the_data_view_at_once():
    at = open_page("pages/lab.py", framing="timestep-window")
    at.number_input(key="lab_window").set_value(4).run()
    assert "X has shape [22, 4, 1]" in _text(at)
    at.number_input(key="lab_units").set_value(16).run()
    assert _url(at) == {"framing": "timestep-window", "window": "4", "units": "16"}


def test_after_train_the_url_the_form_and_the_run_agree_and_no_false_notice():
    at = train_in_lab(framing="stateful", epochs="20")
    assert _url(at) == {"framing": "stateful", "epochs": "20"}
    assert not [i for i in at.info if "last training" in i.value]
    at.number_input(key="lab_units").set_value(8).run()  # the form moves on; the results do not
    assert _url(at) == {"framing": "stateful", "epochs": "20", "units": "8"}
    notice = [i.value for i in at.info if "last training" in i.value]
    assert notice and "Units 16, not 8" in notice[0], notice
    button(at, "Train").click().run()
    assert at.session_state["run"].config.units == 8
    assert not [i for i in at.info if "last training" in i.value]


def test_an_invalid_form_says_why_at_once_and_the_url_keeps_the_last_valid_settings():
    at = open_page("pages/lab.py", framing="stateful")
    at.number_input(key="lab_batch_size").set_value(4).run()  # does not divide 25 samples
    assert_clean(at)
    assert any(e.value.startswith("Batch size:") for e in at.error), [e.value for e in at.error]
    assert _url(at) == {"framing": "stateful"}


def test_spaces_are_visible_in_the_data_view_and_the_prediction_table():
    at = open_page("pages/lab.py", framing="naive", epochs="3", units="4")
    at.text_input(key="lab_sequence").set_value("AB AB AB AB").run()
    letters = next(d.value for d in at.dataframe if "t1" in d.value.columns)  # the data view's
    assert "␣" in set(letters["t1"]) and "␣" in set(letters["→ next (target)"])
    button(at, "Train").click().run()
    assert_clean(at)
    table = predictions(at)
    assert "␣" in set(table["input"]) and "␣" in set(table["expected"])
    assert "" not in set(table["input"]) and " " not in set(table["expected"])


def test_generate_shows_spaces_and_says_what_a_window_model_read():
    at = train_in_lab(framing="timestep-window", epochs="5", units="4")
    at.switch_page("pages/generate.py").run()
    assert_clean(at)
    captions = " ".join(c.value for c in at.caption)
    # A stateless window model, warm from K: it read only I, J, K, not "ABCDEFGHIJ".
    assert "IJK" in captions and "ABCDEFGHIJ" not in captions, captions
    assert all(c.proto.wrap_lines for c in at.code)  # 500 letters wrap, not run off the line

    at = train_in_lab(framing="naive", epochs="3", units="4", sequence="AB CD AB CD")
    at.switch_page("pages/generate.py").run()
    select = at.selectbox[0]
    assert "␣" in select.options, select.options
    steps = at.dataframe[0].value
    assert "" not in set(steps["fed"]) and " " not in set(steps["letter"])
    at.switch_page("pages/state.py").run()  # the trace of "AB CD AB CD"[:12]: a space at step 3
    assert_clean(at)
    trace = next(d.value for d in at.dataframe if "fed" in d.value.index)  # not the heatmaps' data
    assert trace.loc["fed", "step 3"] == "␣", trace.loc["fed"].tolist()


def test_generate_from_the_last_letter_says_why_the_model_guesses():
    at = train_in_lab(framing="stateful", epochs="20")
    at.switch_page("pages/generate.py").run()
    at.selectbox(key="gen_start_ABCDEFGHIJKLMNOPQRSTUVWXYZ").set_value("Z")
    button(at, "Generate").click().run()
    assert_clean(at)
    assert any("never learned what follows it" in i.value for i in at.info), [i.value for i in at.info]

"""The Lab: URL round trip, training, results, and bad input that never breaks the page."""

import re

import pytest
from apptest_support import TINY, assert_clean, button, metric, open_page, predictions, train_in_lab


def test_query_params_prefill_the_form():
    at = open_page("pages/lab.py", framing="timestep-window", units="12", epochs="7")
    assert_clean(at)
    assert at.selectbox(key="lab_framing").value == "timestep-window"
    assert at.number_input(key="lab_units").value == 12
    assert at.number_input(key="lab_epochs").value == 7
    assert at.number_input(key="lab_window").value == 3  # from the preset
    assert len(at.warning) == 0


@pytest.mark.parametrize(
    ("name", "raw", "default"),
    [("units", "0", 32), ("epochs", "lots", 500), ("learning_rate", "-1", 0.001), ("seed", "1.5", 7)],
)
def test_garbage_url_parameter_warns_by_name_and_falls_back(name, raw, default):
    at = open_page("pages/lab.py", **{name: raw})
    assert_clean(at)
    assert any(name in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.number_input(key=f"lab_{name}").value == default


def test_unknown_framing_in_url_warns_and_uses_the_default():
    at = open_page("pages/lab.py", framing="nonsense", units="8")
    assert_clean(at)
    assert any("framing" in w.value for w in at.warning)
    assert at.selectbox(key="lab_framing").value == "naive"
    assert at.number_input(key="lab_units").value == 8


def test_train_shows_accuracy_predictions_downloads_and_puts_settings_in_the_url():
    at = train_in_lab(**TINY)
    value = metric(at, "Accuracy").value
    assert re.fullmatch(r"\d{1,3}\.\d{2}%", value), value
    assert "vs tutorial" in metric(at, "Accuracy").proto.delta
    table = predictions(at)
    assert list(table.columns) == ["input", "expected", "predicted", "probability", "correct"]
    assert len(table) == 25
    labels = {d.label for d in at.get("download_button")}
    assert labels == {
        "Model (.keras)", "History (CSV)", "Predictions (CSV)", "Keras script (.py)", "Notebook (.ipynb)"
    }
    run = at.session_state["run"]
    assert run.epochs_done == 20 and not run.stopped
    # Each chart says what it shows in words, with its data in a table (issue 27).
    captions = [c.value for c in at.caption]
    first, last = run.history[0], run.history[-1]
    assert f"Loss fell from {first.loss:.3g} to {last.loss:.3g} over 20 epochs" in " ".join(captions)
    assert any("letters predicted every time" in c for c in captions)
    assert [e.label for e in at.expander].count("The chart's data") == 2
    assert at.query_params["framing"] == ["stateful"] or at.query_params["framing"] == "stateful"
    assert "20" in str(at.query_params["epochs"])


def test_data_view_spells_out_the_tensor_shape():
    at = open_page("pages/lab.py", framing="timestep-window")
    text = " ".join(m.value for m in at.markdown)
    assert "X has shape [23, 3, 1]" in text
    letters = next(d.value for d in at.dataframe if "t1" in d.value.columns)  # the data view's
    assert list(letters.iloc[0][["t1", "t2", "t3"]]) == ["A", "B", "C"]
    assert letters.iloc[0]["→ next (target)"] == "D"


def test_changing_the_framing_loads_its_preset_but_keeps_edited_fields():
    at = open_page("pages/lab.py")  # naive: window 1, units 32, epochs 500
    at.selectbox(key="lab_framing").set_value("stateful")
    at.number_input(key="lab_epochs").set_value(15)
    button(at, "Train").click().run()
    assert_clean(at)
    config = at.session_state["run"].config
    assert (config.framing, config.stateful, config.shuffle, config.units) == ("stateful", True, False, 16)
    assert config.epochs == 15  # edited by hand, so it wins over the preset's 300
    assert at.checkbox(key="lab_stateful").value is True  # the form shows what was trained


def test_script_tag_in_the_sequence_is_data_not_html():
    payload = "<script>alert(1)</script>AB"
    at = open_page("pages/lab.py", framing="naive", epochs="3")
    at.text_input(key="lab_sequence").set_value(payload)
    button(at, "Train").click().run()
    assert_clean(at)
    assert at.session_state["run"].config.sequence == payload
    assert len(at.get("html")) == 0
    # Markdown never allows HTML, so even a message quoting the text stays text.
    assert not any(m.proto.allow_html for m in at.markdown)
    inputs = "".join(predictions(at)["input"])
    assert "<" in inputs and "s" in inputs

"""The Sine page, run by Streamlit's AppTest: settings <-> URL, Train, the charts and the finding."""

from __future__ import annotations

from apptest_support import assert_clean, button, open_page

SMALL = {"framing": "timestep-window", "epochs": "6", "length": "60", "period": "12", "window": "4"}


def number(at, label):
    found = [n for n in at.number_input if n.label == label]
    assert found, [n.label for n in at.number_input]
    return found[0]


def test_the_page_opens_with_every_control_explained_and_its_settings_in_the_url():
    at = open_page("pages/sine.py")
    assert_clean(at)
    assert at.title[0].value == "Sine"
    controls = [*at.number_input, *at.selectbox]
    assert len(controls) == 8 and all(c.help for c in controls)
    assert at.query_params["framing"] == "stateful"  # the reader's way: one value at a time
    number(at, "Noise (std)").set_value(0.2).run()
    assert at.query_params["noise"] == "0.2"
    assert [i.value for i in at.info if "Press **Train**" in i.value]


def test_a_link_fills_the_form_and_a_bad_value_gets_one_sentence():
    at = open_page("pages/sine.py", framing="stateful", period="40")
    assert at.selectbox[0].value == "stateful" and number(at, "Period (samples per cycle)").value == 40
    assert number(at, "Window (values)").value == 1
    number(at, "Noise (std)").set_value(3.0).run()
    assert_clean(at)
    errors = [e.value for e in at.error]
    assert errors == [
        "Noise (std): 3.0 is not allowed: it must be a number from 0 to 1 (the wave's amplitude is 1)."
    ]
    button(at, "Train").click().run()
    assert not [m for m in at.markdown if "Mean squared error" in m.value]  # nothing trained


def test_picking_a_framing_loads_its_window():
    at = open_page("pages/sine.py")
    at.selectbox[0].set_value("timestep-window").run()
    assert number(at, "Window (values)").value == 10 and not at.error
    assert at.query_params["framing"] == "timestep-window"
    at.selectbox[0].set_value("stateful").run()
    assert number(at, "Window (values)").value == 1 and not at.error


def test_train_shows_mse_the_curves_the_horizon_and_the_finding():
    at = open_page("pages/sine.py", **SMALL)
    button(at, "Train").click().run()
    assert_clean(at)
    sentence = [m.value for m in at.markdown if m.value.startswith("Mean squared error on the 56 ")]
    assert sentence, [m.value for m in at.markdown]
    finding = [i.value for i in at.info if "Fed the true values" in i.value]
    assert finding and "Fed its own output" in finding[0]
    # Under the error chart: what that chart shows (a phase drift), not an error that only adds up.
    assert "adds up" not in finding[0]
    assert "the forecast drifts in phase, and its error swells and shrinks" in finding[0]
    assert number(at, "Free running starts at position").value == 60
    assert number(at, "Steps to predict").value == 36
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Model (.keras)", "Forecast (CSV)", "History (CSV)", "Keras script (.py)", "Notebook (.ipynb)"
    ]
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert len(specs) == 3  # the wave, the error over the horizon, the history
    assert all(s in specs[0] for s in ("true wave", "training values", "teacher-forced", "free-running"))
    assert "steps after the start" in specs[1] and "mean squared error" in specs[2]
    assert "accuracy" not in specs[2]

    # A start the model cannot use is refused in one sentence; the trained run stays.
    number(at, "Free running starts at position").set_value(2).run()
    assert_clean(at)
    assert [e.value for e in at.error][0].startswith("start=2 is not allowed")
    assert [m for m in at.markdown if m.value.startswith("Mean squared error")]


def test_the_sine_run_does_not_replace_the_labs_run():
    at = open_page("pages/sine.py", **SMALL)
    button(at, "Train").click().run()
    assert_clean(at)
    assert at.session_state["sine_run"].config.is_sine
    assert "run" not in at.session_state or at.session_state["run"] is None


def test_the_lab_points_a_sine_link_to_the_sine_page_and_trains_letters():
    at = open_page("pages/lab.py", task="sine", period="40")
    assert_clean(at)
    assert [w.value for w in at.warning if "has its own page, Sine" in w.value]
    assert "task" not in at.query_params and "period" not in at.query_params
    assert [p for p in at.get("page_link") if p.proto.label == "Sine"]

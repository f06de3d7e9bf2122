"""The one form <-> config <-> URL machine (ui/form.py) and its two field lists, Lab and Sine,
checked without a server: the parts that need no session state."""

from __future__ import annotations

from lstm_core.data.sine import sine_preset
from lstm_core.presets import preset
from ui import controls, form
from ui.views import sine_page


def test_both_forms_write_the_shortest_url_that_rebuilds_their_config():
    assert form.url_params(controls.LAB, preset("stateful").replace(units=8, shuffle=True)) == {
        "framing": "stateful", "units": "8", "shuffle": "true"}
    assert form.url_params(sine_page.SINE, sine_preset("stateful").replace(noise=0.1)) == {
        "framing": "stateful", "noise": "0.1"}


def test_widget_keys_and_session_keys_follow_the_prefix():
    assert controls.LAB.key("units") == "lab_units" and controls.LAB.keys == controls.KEY
    assert sine_page.SINE.keys["period"] == "sine_period"
    assert controls.LAB.key("config") == "lab_config"  # session.LAB_CONFIG: set_run fills the form


def test_a_lab_link_is_read_one_parameter_at_a_time_and_a_sine_link_whole():
    config, warnings = controls.LAB.from_url({"framing": "stateful", "units": "many", "epochs": "20"})
    assert config.epochs == 20 and config.units == preset("stateful").units
    assert len(warnings) == 1 and warnings[0].startswith("URL parameter units:")
    config, notes = sine_page.SINE.from_url({"framing": "stateful", "noise": "3", "period": "40"})
    assert config == sine_preset("stateful") and notes[0].startswith("The link's settings cannot be used:")


def test_a_new_framing_follows_the_preset_in_the_lab_and_reloads_the_model_on_sine():
    lab = {n: form.widget_value(preset("naive"), n) for n in controls.FIELDS}
    lab.update(framing="timestep-window", sequence="HELLO WORLD")
    new = controls.LAB.on_framing(lab, "naive")
    assert new["window"] == 3.0 and new["sequence"] == "HELLO WORLD"
    wave = {n: form.widget_value(sine_preset("stateful"), n) for n in sine_page.SINE.fields}
    wave.update(framing="timestep-window", noise=0.2)
    new = sine_page.SINE.on_framing(wave, "stateful")
    assert new["window"] == 10.0 and new["noise"] == 0.2


def test_an_emptied_box_is_named_in_one_sentence_on_both_forms():
    values = {n: form.widget_value(preset("naive"), n) for n in controls.FIELDS} | {"units": None}
    for to_config, vals in ((controls.LAB.to_config, values), (sine_page.SINE.to_config, {"units": None})):
        try:
            to_config(vals)
        except ValueError as exc:
            assert str(exc) == "units is empty: type a value."
        else:
            raise AssertionError("an empty box was accepted")

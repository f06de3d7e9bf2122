"""Refusals name fields by the labels the page shows (issue 22, item 12): not "steps_per_update=5"
or "horizon=3", and Sine's advice names its own fields (it has no "number of samples")."""

from apptest_support import assert_clean, open_page


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def test_lab_refusals_name_the_forms_labels():
    # (Time steps per update is shown on the stateful framing only: refused there with stateful off.)
    at = open_page("pages/lab.py", framing="stateful")
    at.number_input(key="lab_steps_per_update").set_value(5.0).run()
    at.checkbox(key="lab_stateful").set_value(False).run()
    assert_clean(at)
    said = " ".join(errors(at))
    assert said.startswith("Time steps per update: 5 is not allowed"), errors(at)
    assert "steps_per_update" not in said
    # (Letters out is shown on the n-char-output framing only: refused there when it does not fit.)
    at = open_page("pages/lab.py", framing="n-char-output", sequence="ABCDEFG")
    at.number_input(key="lab_horizon").set_value(5.0).run()
    said = " ".join(errors(at))
    assert said.startswith("Letters out (horizon): 5 is not allowed"), errors(at)
    assert "horizon=5" not in said and "window" not in said.replace("Window", "")


def test_sine_too_much_work_advises_its_own_fields():
    at = open_page("pages/sine.py", framing="timestep-window")
    at.number_input(key="sine_epochs").set_value(3000.0).run()
    assert_clean(at)
    said = " ".join(errors(at))
    assert said.startswith("Epochs: 3000 is too much work"), errors(at)
    assert '"Length (values)"' in said and '"Window (values)"' in said
    assert "number of samples" not in said and "epochs=" not in said

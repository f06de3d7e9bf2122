"""The Lab and Generate with n-char-output (issue 14 part 1) and wrap-around runs (part 4), in AppTest."""

from apptest_support import assert_clean, button, open_page, predictions

# Small enough to train in a few seconds after compile: 8 windows of 2 letters, 3 letters out.
NCHAR = {"framing": "n-char-output", "sequence": "ABCDEFGHIJKL", "window": "2", "units": "12",
         "epochs": "120", "batch_size": "2", "encoding": "onehot", "learning_rate": "0.01"}


def test_horizon_and_wrap_are_on_the_form_with_help_and_in_the_url():
    at = open_page("pages/lab.py", framing="n-char-output", horizon="4")
    assert_clean(at)
    assert at.number_input(key="lab_horizon").value == 4
    assert at.number_input(key="lab_horizon").help
    assert "lab_wrap" not in [c.key for c in at.checkbox]  # only variable-length wraps (issue 22, item 13)
    assert "n-char-output" in at.selectbox(key="lab_framing").options
    at.number_input(key="lab_horizon").set_value(5).run()
    assert at.query_params["horizon"] in (["5"], "5")
    # the data view shows the 5 targets of each window
    text = " ".join(m.value for m in at.markdown)
    assert "X has shape [19, 3, 1]" in text and "y has shape [19, 5, 26]" in text
    letters = next(d.value for d in at.dataframe if "t1" in d.value.columns)
    assert list(letters.iloc[1][["t1", "t2", "t3"]]) == ["B", "C", "D"]
    assert letters.iloc[1]["→ next (target)"] == "EFGHI"


def test_horizon_on_a_one_letter_framing_is_not_offered_and_a_link_is_told():
    # Issue 22, item 13: a field the framing does not read is hidden, and a link setting it is told.
    at = open_page("pages/lab.py", framing="timestep-window", horizon="3")
    assert_clean(at)
    assert "lab_horizon" not in [n.key for n in at.number_input]
    assert any("horizon" in w.value and "does not use it" in w.value for w in at.warning)
    assert "horizon" not in at.query_params


def test_wrap_lets_the_max_length_reach_26_and_the_data_view_shows_wrapped_runs():
    at = open_page("pages/lab.py", framing="variable-length", epochs="50")
    at.number_input(key="lab_window").set_value(26).run()
    assert any("Window / max length: 26 is not allowed" in e.value and "wrap" in e.value for e in at.error)
    at.checkbox(key="lab_wrap").check().run()
    assert_clean(at)
    assert not at.error
    assert at.query_params["wrap"] in (["true"], "true") and at.query_params["window"] in (["26"], "26")
    text = " ".join(m.value for m in at.markdown)
    assert "X has shape [1000, 26, 1]" in text
    letters = next(d.value for d in at.dataframe if "t1" in d.value.columns)
    rows = ["".join(ch for ch in row if ch != "·") + "|" + target
            for row, target in zip(letters.drop(columns="→ next (target)").values.tolist(),
                                   letters["→ next (target)"])]
    assert any("ZA" in r.replace("|", "") or r.endswith("Z|A") for r in rows), rows[:5]


def test_train_both_fills_the_per_position_table_and_generate_gives_n_letters_per_step():
    at = open_page("pages/lab.py", **NCHAR, horizon="3")
    assert_clean(at)
    assert any("Press **Train both and compare**" in c.value for c in at.caption)
    button(at, "Train both and compare").click().run()
    assert_clean(at)
    table = next(d.value for d in at.dataframe if "one shot" in d.value.columns)
    assert table["position"].tolist() == [1, 2, 3]
    assert table["one shot"].between(0, 100).all() and table["recursive"].between(0, 100).all()
    assert any("At position 1" in m.value for m in at.markdown)
    kept = at.session_state["nchar_runs"]
    assert kept["one shot"].config.framing == "n-char-output"
    assert kept["recursive"].config.framing == "timestep-window"
    # the one-shot model is now the current model, with its results above
    run = at.session_state["run"]
    assert run is kept["one shot"]
    preds = predictions(at)
    assert len(preds) == 8 and all(len(p) == 3 for p in preds["predicted"])

    at.switch_page("pages/generate.py").run()
    assert_clean(at)
    at.text_input(key="gen_text_ABCDEFGHIJKL").set_value("CD")
    at.number_input(key="gen_steps").set_value(2)
    button(at, "Generate").click().run()
    assert_clean(at)
    cold = [c.value for c in at.code][-2]
    assert cold.startswith("CD") and len(cold) == 2 + 2 * 3, cold
    steps = at.dataframe[0].value
    assert steps["letter"].map(len).tolist() == [3, 3]
    assert steps["fed"].tolist()[1] == cold[3:5]  # the window reads on from what it said


def test_plain_train_shows_the_one_shot_column_only():
    at = open_page("pages/lab.py", **NCHAR, horizon="2")
    button(at, "Train").click().run()
    assert_clean(at)
    table = next(d.value for d in at.dataframe if "one shot" in d.value.columns)
    assert table["recursive"].isna().all() and table["one shot"].notna().all()
    assert any("the recursive column" in c.value for c in at.caption)
    # Every other page copes with an n-char model as the current model.
    for other in ("pages/state.py", "pages/cell.py", "pages/generate.py", "pages/compare.py"):
        at.switch_page(other).run()
        assert_clean(at)

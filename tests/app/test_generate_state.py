"""Generate and State: they use the Lab's model, or train the stateful preset themselves."""

from apptest_support import TINY, assert_clean, button, metric, open_page, train_in_lab

from ui import session


def _columns_code(at):
    """The generated texts: first the Cold start block, then the Warm start block (the last two
    code blocks: the "Copy link to this trained model" box comes first)."""
    return [c.value for c in at.code][-2:]


def test_generate_shows_cold_and_warm_letters_from_the_vocabulary(tiny_run):
    at = train_in_lab(**TINY)
    assert at.session_state[session.RUN].config == tiny_run.config  # the model the others are given
    at.switch_page("pages/generate.py").run()
    assert_clean(at)
    assert [s.value for s in at.subheader] == ["Cold start", "Warm start"]
    at.selectbox(key="gen_start_ABCDEFGHIJKLMNOPQRSTUVWXYZ").set_value("K")
    at.number_input(key="gen_steps").set_value(6)
    button(at, "Generate").click().run()
    assert_clean(at)
    cold, warm = _columns_code(at)
    for text in (cold, warm):
        assert text.startswith("K") and len(text) == 7, text
        assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    steps = at.dataframe[0].value
    assert list(steps.columns) == ["step", "fed", "letter", "probability"]
    assert steps["probability"].between(0, 1).all()


def test_generate_trains_the_stateful_preset_itself_and_shows_k_to_b_and_k_to_l():
    at = open_page("pages/generate.py")  # a fresh session: the shipped preset, no model of its own
    assert "run_id" not in at.session_state
    button(at, "Train the stateful preset").click().run()
    assert_clean(at)
    cold, warm = _columns_code(at)
    # The tutorial's lesson, with its own settings (300 epochs, deterministic seed).
    assert cold[:2] == "KB", cold
    assert warm[:2] == "KL", warm


def test_generate_rejects_steps_out_of_range_with_a_message(tiny_run):
    at = open_page("pages/generate.py", session_state={session.RUN: tiny_run})
    at.number_input(key="gen_steps").set_value(0)
    button(at, "Generate").click().run()
    assert_clean(at)
    assert any("steps" in e.value for e in at.error)


def test_state_page_traces_h_and_c_and_explains_resets(tiny_run):
    at = open_page("pages/state.py", session_state={session.RUN: tiny_run})
    assert_clean(at)
    assert any("stateful" in m.value for m in at.markdown)
    trace = next(d.value for d in at.dataframe if "fed" in d.value.index)  # not the heatmaps' data
    assert trace.shape[1] == 12  # default text: the first 12 letters, one step each
    key = next(t.key for t in at.text_input if t.label == "Text to trace")  # not the Join box
    at.text_input(key=key).set_value("AB1").run()
    assert_clean(at)
    assert any("not in the vocabulary" in e.value for e in at.error)


def test_within_batch_experiment_gives_the_same_accuracy_with_and_without_shuffle(tiny_run):
    at = open_page("pages/state.py", session_state={session.RUN: tiny_run})
    button(at, "Run the experiment").click().run()
    assert_clean(at)
    off = metric(at, "Accuracy, shuffle off").value
    on = metric(at, "Accuracy, shuffle on").value
    assert off == on, (off, on)
    assert len(at.success) == 1
    # The control: one sample per update, same 5000 epochs, also learns every letter.
    assert metric(at, "Accuracy, batch of 1").value == "100.00%"

"""The Generate page's body (``pages/generate.py`` lays it out): the form, and the cold and warm
continuations side by side (``lstm_core.analysis.inference.generate``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lstm_core.analysis import inference
from lstm_core.analysis.inference import Generation
from lstm_core.config import MAX_GENERATE_STEPS
from lstm_core.model.nchar import is_n_char
from ui import form, safe, upload
from ui.safe import visible
from ui.text import generate as words


def steps_table(gen: Generation) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step": range(1, len(gen.steps) + 1),
            "fed": [visible(s.fed) for s in gen.steps],
            # n-char-output: the horizon letters of one step, in one cell
            "letter": [visible(s.letter) for s in gen.steps],
            "probability": [s.probability for s in gen.steps],
        }
    )


def show(gen: Generation, title: str, note: str) -> None:
    letters = max((len(s.letter) for s in gen.steps), default=1)
    st.subheader(title, anchor=False)
    st.code(gen.text, language=None, wrap_lines=True)  # 500 letters wrap instead of running off
    st.caption(note)
    st.dataframe(
        steps_table(gen),
        hide_index=True,
        width="stretch",
        column_config={
            # Fixed widths (px) that fit side by side at 1024 px: autosized, the probability
            # column ran past the table's frame.
            "step": st.column_config.NumberColumn("step", width=48),
            "fed": st.column_config.TextColumn("fed", width=72),
            # n-char-output models answer several letters per step: room for all of them.
            "letter": st.column_config.TextColumn("letter", width=max(56, 20 + 11 * letters)),
            "probability": st.column_config.ProgressColumn(
                "probability", min_value=0.0, max_value=1.0, format="%.3f", width=150
            ),
        },
    )


def settings(config) -> list[form.Setting]:
    """The form's fields as the address holds them: ``/generate?start=Z&steps=5&temperature=1``."""
    vocab = list(config.vocab)
    if is_n_char(config):
        start = form.Setting("start", f"gen_text_{config.vocab}", "Start text",
                             config.sequence[: config.window], read=text_of("Start text"))
    else:
        start = form.Setting("start", f"gen_start_{config.vocab}", "Start letter",
                             "K" if "K" in vocab else vocab[0], read=form.one_of(vocab, "Start letter"))
    return [
        start,
        form.Setting("steps", "gen_steps", "Steps", 10, read=form.whole(1, MAX_GENERATE_STEPS, "Steps")),
        form.Setting("temperature", "gen_temp", "Temperature", 0.0,
                     read=form.number(0.0, 2.0, "Temperature"), text="{:g}".format),
    ]


def text_of(label: str, longest: int = 200):
    """A reader of a link's start text (a one-shot model's), at most ``longest`` letters."""
    def read(text: str) -> str:
        if not text or len(text) > longest:
            raise ValueError(f"{label} must have 1 to {longest} letters.")
        return text
    return read


def generate_form(config) -> tuple[str, int, float]:
    """The start (a letter, or a text for a one-shot model), the steps and the temperature.

    Their values live in the address too (a teacher links "start at Z, 5 steps, warm"); a bad
    one gets a sentence and its default."""
    fields = settings(config)
    for note in form.settings_from_url("gen", fields):
        st.warning(safe.plain(note), icon=":material/link_off:")
    vocab = list(config.vocab)
    one_shot = is_n_char(config)
    with st.form("generate_form"):
        c1, c2, c3 = st.columns(3)
        if one_shot:
            start = c1.text_input("Start text", key=fields[0].key, help=words.HELP_START_TEXT)
        else:
            start = c1.selectbox("Start letter", vocab, format_func=visible, key=fields[0].key,
                                 help=words.HELP_START)
        steps_help = (
            words.ONE_SHOT_STEPS.format(horizon=config.horizon, max=MAX_GENERATE_STEPS)
            if one_shot else words.HELP_STEPS
        )
        steps = c2.number_input("Steps", step=1, key="gen_steps", help=steps_help)
        temperature = c3.slider("Temperature", 0.0, 2.0, step=0.1, key="gen_temp",
                                help=words.HELP_TEMPERATURE)
        clicked = st.form_submit_button("Generate", type="primary", icon=":material/auto_awesome:")
    form.settings_to_url("gen", fields)
    if clicked:
        # A new draw each click, so a temperature above 0 shows a fresh sample.
        st.session_state["gen_draw"] = st.session_state.get("gen_draw", 0) + 1
    return start, int(steps), temperature


def body(run) -> None:
    """The model, the form, and the two continuations with their notes."""
    config = run.config
    source = upload.uploaded_file(run)
    st.caption(
        (words.UPLOADED_MODEL.format(file=safe.plain(repr(source))) if source else "Model: ")
        + f"`{config.framing}` · {config.units} units · vocabulary of {len(config.vocab)} "
        f"characters · {'stateful' if config.stateful else 'stateless'}"
    )
    if is_n_char(config):
        st.info(words.ONE_SHOT.format(horizon=config.horizon), icon=":material/format_letter_spacing:")
    start, steps, temperature = generate_form(config)
    draw = st.session_state.get("gen_draw", 0)
    try:
        cold = inference.generate(run, start, steps, warm=False, temperature=temperature, seed=draw)
        warm = inference.generate(run, start, steps, warm=True, temperature=temperature, seed=draw)
    except (ValueError, TypeError) as exc:
        st.error(safe.plain(exc), icon=":material/error:")
        return
    left, right = st.columns(2, gap="large")
    with left:
        show(cold, "Cold start", f"Fresh zero state: the model knows only {words.quoted(start)}.")
    with right:
        show(warm, "Warm start", words.warm_note(config, warm))
    note = words.unseen_note(config, start)
    if note:
        st.info(note, icon=":material/lightbulb:")
    if cold.text == warm.text and not config.stateful and config.window == 1:
        st.info(words.STATELESS_SAME, icon=":material/lightbulb:")

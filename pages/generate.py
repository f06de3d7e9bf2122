"""Generate: let the trained model continue a letter, from a cold and from a warm state.

The tutorial's stateful model, asked cold for the letter after "K", says "B": with a fresh
state, "K" looks like the start of the alphabet. Warmed up on A…J first, it says "L".
"""

import pandas as pd
import streamlit as st

from lstm_core.analysis import inference
from lstm_core.analysis.inference import Generation
from lstm_core.config import MAX_GENERATE_STEPS
from ui import runner, safe
from ui.glyphs import visible
from ui.routing import page_setup
from ui.safe import md_escape

HELP_START = "The first letter fed to the model. Any character of its vocabulary."
HELP_STEPS = (
    f"How many letters to generate, each fed back in to predict the next (1 to {MAX_GENERATE_STEPS})."
)
HELP_TEMPERATURE = (
    "0 = greedy: always take the most likely letter. Above 0 the letter is drawn at random "
    "from the model's probabilities, flattened by the temperature: hotter is wilder."
)

page_setup("Generate")  # first: page config and the links to every page


HELP_START_TEXT = (
    "The text the model starts from: any letters of its vocabulary. It reads the last "
    "window letters of it, answers the next letters at once, and reads on from what it said."
)


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


def quoted(text: str) -> str:
    """Letters for a caption: quoted, spaces visible, Markdown escaped."""
    return md_escape(repr(visible(text)))


def warm_note(config, gen) -> str:
    """What the model actually read before its first prediction, warm."""
    first_read = gen.steps[0].fed
    if not config.stateful:
        if not gen.warmup or config.window == 1:
            return (
                f"A stateless model reads only its window of {config.window}: it read "
                f"{quoted(first_read)}, so the warm-up changes nothing here."
            )
        return (
            f"A stateless model reads only its window of {config.window}: it read "
            f"{quoted(first_read)}, the training text just before and up to {quoted(gen.start)}."
        )
    if not gen.warmup:
        return f"Nothing comes before {quoted(gen.start)} in the training text: it starts cold too."
    shown = gen.warmup if len(gen.warmup) <= 40 else "…" + gen.warmup[-39:]
    return f"Its state first read {quoted(shown)} (as in training), then {quoted(gen.start)}."


def unseen_note(config, start: str) -> str | None:
    """Why a start letter that ends the training text gives a strange continuation."""
    if start in config.sequence[:-1]:
        return None
    return (
        f"{quoted(start)} appears only as the last character of the training text, so the model "
        "never learned what follows it: its first prediction is a guess, and a guess fed back "
        "in can repeat (Z → ZZZ…). Warm starts read the text up to the start letter's first "
        "appearance, which here is its end."
    )


def main() -> None:
    st.title("Generate", anchor=False)
    st.caption(
        "Feed one letter, take the predicted next letter, feed it back, and so on. Cold: the "
        "state starts at zero. Warm: the model first reads the training text up to the start "
        "letter, as it did in training. The tutorial's stateful model says K → B cold but K → L warm."
    )
    run = runner.require_run("Generate")
    if run is None:
        return
    config = run.config
    vocab = list(config.vocab)
    st.caption(
        f"Model: `{config.framing}` · {config.units} units · vocabulary of {len(vocab)} "
        f"characters · {'stateful' if config.stateful else 'stateless'}"
    )
    n_char = config.framing == "n-char-output"
    if n_char:
        st.info(
            f"This model answers {config.horizon} letters per step, all at once (one shot): each "
            "step below reads its window and adds its letters, and the next step reads on from them.",
            icon=":material/format_letter_spacing:",
        )
    with st.form("generate_form"):
        c1, c2, c3 = st.columns(3)
        if n_char:
            start = c1.text_input(
                "Start text", value=config.sequence[: config.window], key=f"gen_text_{config.vocab}",
                help=HELP_START_TEXT,
            )
        else:
            start = c1.selectbox(
                "Start letter",
                vocab,
                format_func=visible,
                index=vocab.index("K") if "K" in vocab else 0,
                key=f"gen_start_{config.vocab}",
                help=HELP_START,
            )
        steps_help = (
            f"How many steps, each adding {config.horizon} letters (1 to {MAX_GENERATE_STEPS})."
            if n_char else HELP_STEPS
        )
        steps = c2.number_input("Steps", value=10, step=1, key="gen_steps", help=steps_help)
        temperature = c3.slider("Temperature", 0.0, 2.0, 0.0, 0.1, key="gen_temp", help=HELP_TEMPERATURE)
        clicked = st.form_submit_button("Generate", type="primary", icon=":material/auto_awesome:")
    if clicked:
        # A new draw each click, so a temperature above 0 shows a fresh sample.
        st.session_state["gen_draw"] = st.session_state.get("gen_draw", 0) + 1
    draw = st.session_state.get("gen_draw", 0)
    try:
        cold = inference.generate(run, start, int(steps), warm=False, temperature=temperature, seed=draw)
        warm = inference.generate(run, start, int(steps), warm=True, temperature=temperature, seed=draw)
    except (ValueError, TypeError) as exc:
        st.error(safe.plain(exc), icon=":material/error:")
        return
    left, right = st.columns(2, gap="large")
    with left:
        show(cold, "Cold start", f"Fresh zero state: the model knows only {quoted(start)}.")
    with right:
        show(warm, "Warm start", warm_note(config, warm))
    note = unseen_note(config, start)
    if note:
        st.info(note, icon=":material/lightbulb:")
    if cold.text == warm.text and not config.stateful and config.window == 1:
        st.info(
            "This model is stateless and reads one letter at a time, so warming up changes "
            "nothing: both columns agree. Train the stateful preset to see them differ.",
            icon=":material/lightbulb:",
        )


main()

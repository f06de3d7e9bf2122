"""Generate: let the trained model continue a letter, from a cold and from a warm state.

The tutorial's stateful model, asked cold for the letter after "K", says "B": with a fresh
state, "K" looks like the start of the alphabet. Warmed up on A…J first, it says "L".
"""

import pandas as pd
import streamlit as st

from lstm_core import inference
from lstm_core.config import MAX_GENERATE_STEPS
from lstm_core.inference import Generation
from ui import safe, training
from ui.routing import use_app_router
from ui.text import md_escape

HELP_START = "The first letter fed to the model. Any character of its vocabulary."
HELP_STEPS = (
    f"How many letters to generate, each fed back in to predict the next (1 to {MAX_GENERATE_STEPS})."
)
HELP_TEMPERATURE = (
    "0 = greedy: always take the most likely letter. Above 0 the letter is drawn at random "
    "from the model's probabilities, flattened by the temperature: hotter is wilder."
)

use_app_router()  # first: a direct link must still go through app.py


def steps_table(gen: Generation) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step": range(1, len(gen.steps) + 1),
            "fed": [s.fed for s in gen.steps],
            "letter": [s.letter for s in gen.steps],
            "probability": [s.probability for s in gen.steps],
        }
    )


def show(gen: Generation, title: str, note: str) -> None:
    st.subheader(title, anchor=False)
    st.code(gen.text, language=None)
    st.caption(note)
    st.dataframe(
        steps_table(gen),
        hide_index=True,
        column_config={
            "probability": st.column_config.ProgressColumn(
                "probability", min_value=0.0, max_value=1.0, format="%.3f"
            )
        },
    )


def main() -> None:
    st.title("Generate", anchor=False)
    st.caption(
        "Feed one letter, take the predicted next letter, feed it back, and so on. Cold: the "
        "state starts at zero. Warm: the model first reads the training text up to the start "
        "letter, as it did in training. The tutorial's stateful model says K → B cold but K → L warm."
    )
    run = training.require_run("Generate")
    if run is None:
        return
    config = run.config
    vocab = list(config.vocab)
    st.caption(
        f"Model: `{config.framing}` · {config.units} units · vocabulary of {len(vocab)} "
        f"characters · {'stateful' if config.stateful else 'stateless'}"
    )
    with st.form("generate_form"):
        c1, c2, c3 = st.columns(3)
        start = c1.selectbox(
            "Start letter",
            vocab,
            index=vocab.index("K") if "K" in vocab else 0,
            key=f"gen_start_{config.vocab}",
            help=HELP_START,
        )
        steps = c2.number_input("Steps", value=10, step=1, key="gen_steps", help=HELP_STEPS)
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
        show(cold, "Cold start", f"Fresh zero state: the model knows only {md_escape(repr(start))}.")
    with right:
        shown = warm.warmup if len(warm.warmup) <= 40 else "…" + warm.warmup[-39:]
        fed = md_escape(repr(shown)) if shown else "nothing (the start letter opens the text)"
        show(warm, "Warm start", f"First fed {fed}, then {md_escape(repr(start))}.")
    if cold.text == warm.text and not config.stateful and config.window == 1:
        st.info(
            "This model is stateless and reads one letter at a time, so warming up changes "
            "nothing: both columns agree. Train the stateful preset to see them differ.",
            icon=":material/lightbulb:",
        )


main()

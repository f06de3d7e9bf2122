"""The Generate page's words: help texts, and the notes on what a cold and a warm start read."""

from __future__ import annotations

from lstm_core.config import MAX_GENERATE_STEPS
from ui.safe import md_escape, visible

INTRO = (
    "Feed one letter, take the predicted next letter, feed it back, and so on. Cold: the "
    "state starts at zero. Warm: the model first reads the training text up to the start "
    "letter, as it did in training. The tutorial's stateful model says K → B cold but K → L warm."
)
ONE_SHOT = (
    "This model answers {horizon} letters per step, all at once (one shot): each "
    "step below reads its window and adds its letters, and the next step reads on from them."
)
ONE_SHOT_STEPS = "How many steps, each adding {horizon} letters (1 to {max})."
STATELESS_SAME = (
    "This model is stateless and reads one letter at a time, so warming up changes "
    "nothing: both columns agree. Train the stateful preset to see them differ."
)
HELP_START = "The first letter fed to the model. Any character of its vocabulary."
HELP_STEPS = (
    f"How many letters to generate, each fed back in to predict the next (1 to {MAX_GENERATE_STEPS})."
)
HELP_TEMPERATURE = (
    "0 = greedy: always take the most likely letter. Above 0 the letter is drawn at random "
    "from the model's probabilities, flattened by the temperature: hotter is wilder."
)

HELP_START_TEXT = (
    "The text the model starts from: any letters of its vocabulary. It reads the last "
    "window letters of it, answers the next letters at once, and reads on from what it said."
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
# The model caption when the model is an upload (ui/views/generate_page.body): never the preset's words.
UPLOADED_MODEL = "Your uploaded model {file}, as you described it: "

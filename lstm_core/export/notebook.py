"""The same configuration as a Jupyter notebook: the plain-Keras script, cut into explained steps.

The notebook is built *from the script* (``script.keras_script``, i.e. ``script_template.py``
with the learner's settings), not written twice, so the two cannot drift: its code cells are
the script's own statements in order, grouped where the script leaves a blank line, with a
markdown cell before each step saying what it does and why (the framing, the tensor's
shape, state resets, the tutorial's accuracy). Two changes make it a notebook: the
command-line parsing is left out (change ``EPOCHS`` in the configuration cell instead),
and the body of ``main()`` runs at the top level, cell by cell, so every variable (``X``,
``model``, ``probs``…) can be looked at between steps.

    >>> from lstm_core.presets import preset
    >>> nb = notebook(preset("stateful"))
    >>> nb.nbformat, nb.cells[0].cell_type
    (4, 'markdown')
    >>> any("reset_state()" in c.source for c in nb.cells if c.cell_type == "code")
    True
    >>> import nbformat; nbformat.validate(nb)  # raises if the notebook is not valid
"""

from __future__ import annotations

import ast
import textwrap

import nbformat
from nbformat import v4

from lstm_core.config import LSTMConfig
from lstm_core.data.framings import make_dataset
from lstm_core.export.script import keras_script
from lstm_core.model.variant import variant_of
from lstm_core.presets import about

# The steps a learner should read about, in the order they first appear in the script. Each is
# (how to recognise its first code cell, the markdown to put before it).
_STEP_MARKERS = (
    ("config", ("FRAMING =",)),
    ("imports", ("import keras",)),
    ("data", ("def make_data", "# ---- the data", "inputs, targets = ", "inputs = [")),
    ("model", ("def make_model", "keras.Input(")),
    ("seed", ("set_random_seed",)),
    ("train", (".fit(",)),
    ("evaluate", (".evaluate(",)),
    ("predict", (".predict(",)),
)


def _model_words(config: LSTMConfig) -> tuple[str, str]:
    """What the notebook says of the model: (its recurrent layers, how state flows in training)."""
    spec = variant_of(config)
    kind, states = spec.cell_name, spec.cell.explained  # e.g. LSTM, "the hidden state *h* and ..."
    state = (
        f"The {kind} is **stateful**: the {states} that one batch ends "
        "with are where row *i* of the next batch starts. Training therefore runs one epoch per "
        "`fit` call, in order (no shuffling), and resets the state with `layer.reset_state()` "
        "after every epoch, exactly like the tutorial."
        if config.stateful
        else f"The {kind} is **stateless**: every sample starts from zero state, so nothing carries "
        "from one sample to the next, whatever the batch size."
    )
    layers = (
        f"One `{kind}` layer of {config.units} units (the size of {states})"
        if config.layers == 1
        else f"{config.layers} stacked `{kind}` layers of {config.units} units each (the lower ones "
        "hand their *h* of every time step to the layer above)"
    )
    if spec.one_shot:  # the encoder, then a decoder of the same cell
        layers = (
            f"An encoder ({layers[0].lower() + layers[1:]}) reads the window; its last *h*, repeated "
            f"{spec.horizon} times (`RepeatVector`), is the input of every step of a decoder `{kind}` "
            "(`return_sequences=True`), and a `TimeDistributed` softmax `Dense` turns the decoder's "
            "*h* at each step into one of the next letters. That"
        )
    return layers, state


def _markdown(config: LSTMConfig) -> dict[str, str]:
    p = about(config.framing)
    data = make_dataset(config)
    n, t, f = data.X.shape
    axes = data.axes
    layers, state = _model_words(config)
    texts = {
        "config": (
            "## The configuration\n\n"
            "These values come from LSTM State Lab. Change any of them and run the notebook again "
            "from the top; for a quick try, set `EPOCHS` to a few epochs."
        ),
        "imports": "## Imports\n\nPlain Keras 3 and numpy: nothing from LSTM State Lab is needed.",
        "data": (
            "## The data: `[samples, time steps, features]`\n\n"
            f"An LSTM reads a 3-D tensor. This framing ({p.feeds}) gives **X of shape "
            f"[{n}, {t}, {f}]**: {axes['samples']} × {axes['time_steps']} × {axes['features']}. "
            f"The targets **y** are one-hot vectors over the {len(data.vocab)} characters of the "
            "vocabulary: the letter that comes next."
        ),
        "model": (
            "## The model\n\n"
            f"{layers} and a `Dense` layer "
            "with softmax that turns the last *h* into next-letter probabilities; Adam and "
            "categorical cross-entropy, as in the tutorial."
        ),
        "seed": "## A fixed seed\n\nThe same seed gives the same weights and the same result on one machine.",
        "train": (
            "## Training with `model.fit`\n\n" + state + f" {config.epochs:,} epochs, batch size "
            f"{config.batch_size}. This is the slow, stock path: the app trains the same way "
            "many times faster."
        ),
        "evaluate": (
            "## Accuracy\n\n"
            "On the training data, as the tutorial measures it. "
            + (
                f"The tutorial reported **{p.tutorial_accuracy:.2f}%** for this framing at its settings. "
                if p.tutorial_accuracy is not None
                else "Each of the next letters counts once; the script also prints the accuracy "
                "at each output position (the far ones are the hard ones). "
            )
            + p.lesson
        ),
        "predict": (
            "## Predictions\n\nOne `predict` call for all samples (a `predict` per sample "
            "costs ~100 ms each): what the model says after each input, and how sure it is."
        ),
    }
    return _value_markdown(config, texts, (n, t, f), layers) if variant_of(config).regression else texts


def _value_markdown(
    config: LSTMConfig, texts: dict[str, str], shape: tuple[int, int, int], layers: str
) -> dict[str, str]:
    """The steps that differ for a value head (the sine task): real values in and out, MSE.

    ``layers`` says what the recurrent layers are, e.g. "One `LSTM` layer of 16 units (...)".
    """
    n, t, f = shape
    return {
        **texts,
        "data": (
            "## The data: `[samples, time steps, features]`\n\n"
            f"A sine wave of {config.period} samples per cycle, {config.length} values, with Gaussian "
            f"noise of standard deviation {config.noise:g}. Each sample is a window of past values; "
            f"**X has shape [{n}, {t}, {f}]** and **y** is the next value, shape [{n}, 1]."
        ),
        "model": (
            "## The model\n\n"
            f"{layers} and a `Dense` layer of one "
            "unit with a linear output: the next value itself, not probabilities. Adam and mean "
            "squared error (MSE)."
        ),
        "evaluate": (
            "## Mean squared error\n\n"
            "On the training windows: the average of (prediction − next value)² — the noise alone "
            f"contributes about {config.noise ** 2:.4f}."
        ),
        "predict": (
            "## Predictions\n\nEach window's next value, predicted from the true values before it "
            "(teacher forcing). The app also feeds the model its own output (free running) and "
            "shows how that drifts."
        ),
    }


def _statements(script: str) -> list[str]:
    """The script as runnable chunks: top-level statements, with ``main()``'s body inlined.

    Each chunk keeps the comment lines just above it. Argument parsing is dropped (a notebook
    has no command line), and ``if __name__ == "__main__"`` with it.
    """
    lines = script.splitlines()
    tree = ast.parse(script)
    chunks: list[tuple[int, str]] = []  # (blank lines before it, source)

    def take(nodes: list[ast.stmt], start_line: int, dedent: bool) -> None:
        prev_end = start_line
        new_cell = dedent  # main()'s body starts a cell of its own
        for node in nodes:
            first = node.lineno - 1
            if getattr(node, "decorator_list", None):
                first = min(d.lineno for d in node.decorator_list) - 1
            # comments directly above the statement belong to it
            while first > prev_end and lines[first - 1].strip().startswith("#"):
                first -= 1
            gap = sum(1 for k in range(prev_end, first) if not lines[k].strip())
            text = "\n".join(lines[first : node.end_lineno])
            prev_end = node.end_lineno
            if dedent:
                text = textwrap.dedent(text)
            if _is_argument_parsing(node):
                new_cell = True  # what followed the parsing does not belong to the cell before
                continue
            if isinstance(node, ast.FunctionDef) and node.name == "main":
                take(node.body, node.body[0].lineno - 1, dedent=True)
                continue
            if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and first == 0:
                continue  # the module docstring: the notebook's first cell says it better
            chunks.append((max(gap, 1) if new_cell else gap, text))
            new_cell = False

    take(tree.body, 0, dedent=False)
    # Group: a blank line in the script starts a new cell.
    cells: list[str] = []
    for gap, text in chunks:
        if cells and gap == 0:
            cells[-1] += "\n" + text
        else:
            cells.append(text)
    return [c.strip("\n") for c in cells if c.strip()]


def _is_argument_parsing(node: ast.stmt) -> bool:
    source = ast.unparse(node)
    return ("argparse" in source or "parser" in source) and not isinstance(node, ast.FunctionDef)


def notebook(config: LSTMConfig) -> nbformat.NotebookNode:
    """A valid nbformat-4 notebook that trains ``config`` with plain Keras 3, step by step."""
    script = keras_script(config)
    chunks = _statements(script)
    # The script's main() may read its epochs from the command line into a local name.
    uses_local_epochs = any("range(epochs)" in c or "epochs=epochs" in c for c in chunks)
    texts = _markdown(config)
    p = about(config.framing)
    cells = [
        v4.new_markdown_cell(
            f"# LSTM State Lab: the `{config.framing}` framing in plain Keras 3\n\n"
            "The problem of the Keras tutorial *Understanding Stateful LSTM Recurrent Neural "
            "Networks*: learn to predict the next letter of a text (the alphabet, unless you "
            f"changed it). **{p.title}**: the network is fed {p.feeds}.\n\n"
            "Exported from LSTM State Lab with the settings below. Run the cells from top to "
            "bottom (Keras 3 and numpy are all it needs). Results will be close to the app's, not "
            "identical: the app draws its first weights with numpy, Keras with its own generator."
        )
    ]
    used: set[str] = set()
    for chunk in chunks:
        for step, markers in _STEP_MARKERS:
            if step not in used and any(m in chunk for m in markers):
                used.add(step)
                heading = f"## {len(used)}. "  # numbered in the order the script has them
                cells.append(v4.new_markdown_cell(heading + texts[step][3:]))
                break
        if step == "seed" and uses_local_epochs:
            chunk = "epochs = EPOCHS  # the script takes --epochs N; here, change EPOCHS above\n" + chunk
        cells.append(v4.new_code_cell(chunk))
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def notebook_bytes(config: LSTMConfig) -> bytes:
    """The notebook as ``.ipynb`` file contents (validated)."""
    nb = notebook(config)
    nbformat.validate(nb)
    return nbformat.writes(nb).encode("utf-8")

"""Words more than one page says: the runner's (progress, Stop, the handover, a lost training) and the
download buttons' (``ui.views.downloads``; the Lab's files in ``ui.views.lab_results``, the Sine
page's in ``ui.views.sine_page``).
"""

RUNNER = {
    "starting": "starting: loading TensorFlow…",
    "stop_one": "Stop training now. The model and history trained so far are kept.",
    "stop_many": "Stop now; the runs finished so far are kept.",
    "waiting": "Stopping: the runs finished so far are kept and appear here in a moment.",
    "lost": (
        "This page was training when it lost its server (the server restarted, or this link was "
        "copied mid-training): that training is not on this server any more and its model is "
        "lost. The settings below are the ones it was training."
    ),
    "preset": (
        "The {page} page works on a trained model. Until you train one in the Lab, it shows the "
        "tutorial's stateful preset, trained ahead of time (seed 7, 300 epochs). You can also "
        "train that preset right here and watch it learn (a few seconds)."
    ),
}

DOWNLOAD_HELP = {
    "model": "The trained model as a Keras 3 file: keras.models.load_model('…keras').",
    "notebook": "The same script as a Jupyter notebook, each step explained in a text cell.",
    "lab_history": "Loss and accuracy per epoch.",
    "lab_predictions": "The prediction table below.",
    "lab_script": "A runnable plain-Keras script (model.fit) with these settings.",
    "sine_forecast": (
        "Step, position, true value, teacher-forced and free-running predictions and their errors."
    ),
    "sine_history": "The MSE per epoch (accuracy does not apply: 0).",
    "sine_script": "A runnable plain-Keras script (model.fit, loss mse) with these settings.",
}
# Under the download buttons when a Keras script is among them (ui/views/downloads.show).
SCRIPT_EXPECT = (
    "The Keras script trains the same model on the same data from the same seed with stock "
    "`model.fit`. Expect the same learning, not always the same last digit: fit adds its sums "
    "in another order, and over hundreds of epochs that rounding can flip a letter or two at "
    "the end (the naive preset shows 80.00% here and 84.00% from the script, one letter of 25)."
)
TRAIN_FIRST = "Press **Train** to train this configuration. Its results appear here."


def stopped(run) -> str:
    """What a stopped run keeps, e.g. "Stopped after epoch 120 of 300: …"."""
    return (
        f"Stopped after epoch {run.epochs_done:,} of {run.config.epochs:,}: the partial model "
        "and its history are kept."
    )
# The upload box of Generate, State and Cell (ui/upload.py).
UPLOAD_HELP = {
    "file": (
        "A .keras file: one saved by this app (Model download), or one saved by plain Keras 3 with the "
        "tutorial's shape: one LSTM layer (stateful or not) then one Dense layer with softmax. At most "
        "20 MB. It is checked before Keras reads it and loaded in Keras's safe mode."
    ),
    "text": (
        "The text the model was trained on. Its distinct characters, sorted, are the model's classes, so "
        "it needs exactly as many as the model has outputs. For 26 outputs the alphabet is assumed."
    ),
    "framing": (
        "How the model was fed: one letter (naive), a window as features or as time steps, or stateful."
    ),
    "encoding": (
        "scaled: one number per letter, index / vocabulary size (the tutorial). onehot: one 1 among zeros."
    ),
    "window": "Letters per sample: the window the model reads (1 for naive and stateful).",
}
# The popover under a trained model (ui/share.py).
LINK_HELP = (
    "A link that opens this trained model (its weights, history and settings) on any page "
    "of this app, in any browser, after a reload or a server restart. Whoever opens it "
    "sees the model read-only: training there makes a new model with its own link."
)

# The run store (ui/share.py, ui/session.py). Every browser sees these: the database's name and
# its error are for the operator's log (RunStore.problem, logged by the store), never for a page.
STORE = {
    "down": (
        "Trained models will not be kept: the server cannot save them right now, so they last only "
        "until the server restarts."
    ),
    "missing": (
        "The link names a trained model ({run}) that this server does not have: it may have been "
        "removed to make room, or the link is incomplete. Showing the tutorial's preset instead; "
        "train a model in the Lab to get a new link."
    ),
    "unreadable": (
        "The trained model this link names ({run}) cannot be read right now: the server's run "
        "store is busy or unavailable. The link is kept; reload the page in a minute to open it. "
        "Meanwhile this page shows the tutorial's preset."
    ),
    "wave": (
        "The link names a model trained on a wave ({run}), not on letters: it opens on the Sine page. "
        "Showing the tutorial's preset here instead."
    ),
}

# Said under an Overview or Tour button the moment it is clicked: the Lab takes a few seconds to
# appear, and the address changes before it does (issue 22, item 17).
OPENING_LAB = "Opening the Lab with these settings…"

# A page's setting in a link that cannot be used (ui.form.settings_from_url); the page shows its default.
LINK_SETTING = "URL parameter {name}: {reason} Using {default} instead."

"""The Class page's words: starting a class, joining it, the board ({...} filled in by
``ui.views.class_page``)."""

CLASS_INTRO = (
    "The tutorial asks whether naive's 84% against feature-window's 87% is real, and cannot say: it "
    "trained one seed each. A class of 25 is 25 seeds. Start a class, show its code, and every "
    "student's run lands on one board, with an exact permutation test once both sides have runs."
)

START = {
    "header": "Start a class",
    "claim": "What the class trains",
    "claim_help": "One of the Lessons' claims: each student trains one side of it with a seed of their own.",
    "scale": "Epochs",
    "scale_help": (
        "A fraction of the tutorial's epochs for a quicker class (full: 500 epochs, about half a "
        "minute per student on a shared server). The tutorial's figure is for the full epochs."
    ),
    "button": "Start a class",
    "changed": "The Lab's current settings against one changed field",
    "lab_settings": (
        "The Lab's settings (from a Lab link, else the Lab in this browser, else the default): {settings}. "
        "One side of the class trains them, the other the same with one field changed."
    ),
    "field": "Field to change",
    "value": "Its value on the other side",
    "value_help": "{label} is {now} in the Lab's settings: type the value the other side trains.",
    "flip": "{label}: {now} on one side, {new} on the other.",
}

JOIN = {
    "header": "Join a class",
    "popover_help": "Type the code your teacher shows to take your place in the class.",
    "code": "Class code",
    "code_help": "The 6 characters your teacher shows, e.g. ACK3PQ.",
    "button": "Join",
    "button_help": "Opens your place in the class: its question, then Train.",
    "unknown": "No class has the code {code}: check it with your teacher.",
    "malformed": "A class code is 6 letters and digits, such as ACK3PQ.",
    "limited": "Too many wrong codes: wait a minute, then try again.",
    "closed": "Class {code} is closed: your teacher is not taking new runs.",
    "expired": "Class {code} has expired: a class is open for 24 hours.",
    "full": "Class {code} is full: every place has a run.",
    "you": "You train **{arm}** with seed **{seed}**: the other side of the class trains **{other}**.",
    "fixed": "Your side of the class trains: {settings}.",
    "predict": "Before you train: {question}",
    "predict_help": "Answer first: the board sets what the class predicted against what happened.",
    "nickname": "Nickname (optional)",
    "nickname_help": (
        "Shown on the board's list of runs (up to 20 characters, as plain text); leave it empty to be an "
        "anonymous student (Student 1, Student 2, ...)."
    ),
    "train": "Train",
    "train_help": "Answer the question first.",
    "done": "Your run is on the board: **{accuracy:.2f}%** on {samples} samples ({arm}, seed {seed}).",
    "stopped": "The run was stopped before its last epoch, so it was not sent: train again to send it.",
    "twice": "Your place already has its run: each place takes one.",
    "pending": "Your run is kept: it reaches the board as soon as the class's database answers again.",
    "store": "The class cannot be reached right now: try again in a minute.",
}

BOARD = {
    "code": "Join code",
    "link": "Join link",
    "teacher": "Teacher link (keep it to yourself: it closes and resets the class)",
    "done": "{done} of {joined} done",
    "waiting": "No runs yet: the points appear here as students finish.",
    "one_arm": "Runs so far on one side only: the verdict comes once both sides have runs.",
    "verdict": "Verdict",
    "predicted": "What the class predicted",
    "names": "Who ran what ({runs} runs, by nickname)",
    "right": "{right} of {total} predictions match what happened: {outcome}.",
    "outcome_neither": "no gap that seed luck would not give",
    "outcome_arm": "{arm} scores higher",
    "tutorial": "Diamonds: the tutorial's single run. Bars: each side's mean.",
    "outage": "The run store cannot be read right now: the board shows what it had, and new runs wait.",
    "close": "Close the class",
    "reopen": "Reopen the class",
    "reset": "Reset: remove every run",
    "reset_confirm": "Yes, remove every run of this class",
    "closed": "This class is closed: its join link says so, and no one new can join.",
    "expired": "This class has expired: start a new one for another lesson.",
    "csv": "Download the results (CSV)",
    "bad_link": "This teacher link does not open a class.",
    "keep": "Keep this page's address: it is your teacher link, the only way back to this board.",
}

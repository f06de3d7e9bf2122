"""The Cell page's words: help texts, captions and notes (the cells themselves: ``ui.text.cells``)."""

HELP_TEXT = (
    "Characters to feed the model, one letter at a time (at most 200, all from its vocabulary). "
    "Window models read the window ending at each letter."
)
HELP_WARM = (
    "Off (cold): the model starts from a zero state and an empty window. On (warm): it first reads "
    "the training text up to your text's first letter, as on the Generate page."
)
HELP_STEP = (
    "The time step shown below: one LSTM step, i.e. one letter read (window models: one letter "
    "of the window)."
)
HELP_BACK = "Show the previous time step."
HELP_NEXT = "Show the next time step."
HELP_PLAY = "Step through the text by itself at the chosen pace; press again to pause."
HELP_PACE = "Seconds each step stays on screen while playing."
HELP_UNIT = (
    "The unit whose arithmetic is written out below. The default is the most active one: the "
    "largest average |h| over this text."
)
HELP_FIND = (
    'Pick the steps you are curious about (e.g. the letters after "K"); the table ranks units by '
    "how differently they fire there than at the other steps."
)
HELP_SIGNAL = "h: what the unit shows the next layer at each step. c: the memory it carries."
HELP_SURGERY = (
    "Change the state just before the text's last letter is read, then let the model write on. "
    "The untouched run is beside it."
)
HELP_ZERO = (
    "These units' h and c are set to 0 before the last letter (units are numbered from 1, as in "
    "the charts)."
)
HELP_EVERY = (
    "Hold the chosen units at 0 after every step from then on (switch them off). A stateless "
    "model starts every sample from zero, so for it only this changes anything."
)
HELP_OTHER = (
    "The model reads this text from a fresh state; the state it ends with replaces the state "
    "before your text's last letter. Empty means a zero state (a cold start)."
)
HELP_WRITE = "How many letters the model writes after the text, each fed back in (1 to 50)."

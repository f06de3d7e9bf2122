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

# The cell diagram (ui/views/cell_page/diagram.py); its words per cell are in ui/text/cells.py.
DIAGRAM_COMMON_LABELS = {"c_prev": ("c", "t−1"), "h_prev": ("h", "t−1"), "x": ("x", "t"), "c_out": ("c", ""),
                         "h_out": ("h", "")}  # symbols every cell's picture may have: (main, subscript)
DIAGRAM_TITLE = "{name} cell{layer}, unit {unit}, step {step}"
DIAGRAM_DESC = "It reads {fed}. {values}. Then the model predicts {letter} ({p:.0%})."
DIAGRAM_MOVED = "What changed since step {step}: {gate} moved most, {before} → {after} ({change})."
DIAGRAM_NOTHING_BEFORE = "Step 1: no step before it to compare with."
DIAGRAM_LEGEND = (
    "Fill: −1 blue · 0 white · +1 red, as in the heatmaps (σ gates run 0…1, tanh −1…1, c ± its "
    "largest |c| in this text); the thick outline is the gate that moved most. Hover a node for its "
    "exact value."
)
DIAGRAM_TABLE = "Exact values on the diagram"
HELP_LAYER = (
    "The layer the diagram draws (1 is the bottom, reading the letters; the top one feeds the output)."
)
DIAGRAM_PREDICTS = {True: "predicts", False: "inside the window, h reads as"}  # is the step an output?
LAYER_WORDS = ", layer {layer}"
EQUATIONS_CAPTION = (
    "Unit {unit} at step {step}, rounded to 3 decimals (the last digit of a hand check may differ). "
    "Under each term: x_t W is what the input adds, h_{{t-1}} U what the previous h adds, b the bias. "
    "σ squashes into 0…1 (a gate), tanh into −1…1 (a value to write)."
)
HEATMAPS_CAPTION = (
    "Top: the four gates of every unit at this step (the same colours at every step). Bottom: the cell "
    "state before and after the step, and the new hidden state h. Right: the cell of the chosen unit."
)
DIAGRAM_SHOWN = (
    "This run has {what}. The diagram above draws the chosen layer step by step; below is the hidden "
    "state h of the top layer (the one the output reads) at every step."
)
ONE_SHOT_SHOWN = (
    "This run has {what} and answers its next letters at once through a decoder, which the step view "
    "does not write out; below is the hidden state h of the encoder's top layer at every step."
)

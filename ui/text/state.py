"""The State page's words: the within-batch experiment and its verdicts.
"""

from lstm_core.config import MAX_TRACE_CHARS

HELP_TEXT = (
    f"Characters to feed the model, one time step each (at most {MAX_TRACE_CHARS}, all from its "
    "vocabulary). Windowed models read the last window of it as one sample."
)
WITHIN_BATCH = (
    "**Does state flow between the samples of one batch?** The tutorial says the whole-batch "
    "framing reaches 100% because the LSTM sees all 25 letters in one batch and carries state "
    "between them. Keras does not do that: the samples of a batch are computed side by side, "
    "and the state of sample *i* never reaches sample *i + 1* (and without `stateful` it is "
    "thrown away after every batch). If order inside the batch mattered, shuffling would "
    "hurt. Here all runs use the same seed, 16 units and 5000 epochs: the tutorial's run, the "
    "same with shuffling, and a control with no batch at all (one sample per update)."
)

WITHIN_BATCH_VERDICT = (
    "Same accuracy with and without shuffling: the order of samples inside the batch plays no "
    "role. Each sample is one letter in one time step, so there is no state to carry; the "
    "100% comes from 5000 epochs of training, ten times the naive framing's 500."
)

WITHIN_BATCH_GAP = (
    "The two runs differ by {gap:.2f} points. All 25 samples form one batch, so each "
    "update averages the same 25 gradients whatever their order; small differences "
    "come from floating-point summation order, not from state. "
)

WITHIN_BATCH_CONTROL = (
    "The control, one sample per update (no batch to carry anything), reaches "
    "{control:.2f}% with the same 5000 epochs. What the tutorial's "
    "whole-batch run had that the naive one lacked was ten times the training."
)

WITHIN_BATCH_STOP = "Stop the experiment now; it compares all three runs, so nothing is kept."
WITHIN_BATCH_STOPPED = (
    "Stopped before all three runs finished: the experiment compares the three, so there is "
    "nothing to show. Run it again to see them side by side."
)

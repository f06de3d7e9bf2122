"""LSTM State Lab: one configuration, trained with plain Keras 3.

Exported from LSTM State Lab. This script trains the configuration below with stock Keras
``model.fit``, the tutorial's own code path, so you can run it anywhere Keras 3 is installed:

    python this_script.py              # all the configured epochs
    python this_script.py --epochs 3   # a quick try

The data is built exactly as the app builds it. Results will be close to the app's, not
identical: the app draws its first weights and sample order with numpy, stock Keras with its
own random generators.
"""

# (In the app's source this file is lstm_core/export/script_template.py: a real, lint-checked
# script for the default settings. lstm_core/export/script.py writes a learner's settings (and the
# four lines its variant decides: the cell's Keras layer, one-shot, regression) between
# the two configuration lines below; everything else is sent as it is.)

import argparse

import keras
import numpy as np

# ---- the configuration -------------------------------------------------------------------
FRAMING = "naive"  # which framing builds the data: the tutorial's six, or n-char-output
SEQUENCE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # the training text; its sorted unique characters are the vocabulary
WINDOW = 1  # letters per sample (for variable-length: the longest run)
UNITS = 32  # LSTM memory units: the size of the hidden state h and cell state c
EPOCHS = 500  # passes over all samples
BATCH_SIZE = 1  # samples per weight update (rows of carried state when stateful)
LEARNING_RATE = 0.001  # Adam's step size (Keras's default: 0.001)
SHUFFLE = True  # reshuffle the samples every epoch, as model.fit does by default
STATEFUL = False  # carry h and c from batch to batch, reset at each epoch's end
ENCODING = "scaled"  # scaled: letter index / vocabulary size (the tutorial's); onehot
PADDING = "zeros"  # variable-length only: zeros (the tutorial's, like 'A') or mask
NUM_SAMPLES = 1000  # variable-length only: how many random runs to draw
SEED = 7  # one seed for weights, sample order and drawn runs
STEPS_PER_UPDATE = 1  # stateful only: time steps per weight update (truncated backpropagation through time)
CELL = "lstm"  # recurrent cell: lstm (h and c), gru (h; update, reset gates) or simple (SimpleRNN, no gates)
LAYERS = 1  # recurrent layers stacked, 1 to 3 (lower layers feed every step up)
TASK = "letters"  # letters: predict the next letter of the text; sine: the next value of a sine wave
PERIOD = 25  # sine only: samples per cycle of the wave
NOISE = 0.0  # sine only: standard deviation of the Gaussian noise added to every value
LENGTH = 200  # sine only: how many values of the wave to train on
WRAP = False  # variable-length only: runs may wrap from the text's end to its start (...XYZABC...)
HORIZON = 1  # n-char-output only: how many next characters one sample predicts (1 to 10)
RNN_LAYER = "LSTM"  # the cell's Keras layer class (keras.layers.LSTM, GRU or SimpleRNN)
RNN_NAME = "lstm"  # the first recurrent layer's name (then RNN_NAME_2, RNN_NAME_3)
ONE_SHOT = False  # the next HORIZON letters at once, through a decoder (n-char-output)
REGRESSION = False  # the next value of a wave: linear output, mean squared error (the sine task)
# ---- end of the configuration ------------------------------------------------------------

PAD_VALUE = -1.0  # what a skipped (masked) time step holds; the Masking layer looks for it
PER_STEP = STEPS_PER_UPDATE > 1  # a prediction after every time step, not only the last
SHOW = 30  # predictions printed at the end


def make_wave_data():
    """Windows of the noisy sine wave and the value after each: X (samples, time steps, features), y."""
    t = np.arange(LENGTH)
    noise = np.random.default_rng([SEED, 2]).normal(size=LENGTH) * NOISE  # the app's own draw
    values = np.sin(2 * np.pi * t / PERIOD) + noise
    windows = np.stack([values[i : i + WINDOW] for i in range(LENGTH - WINDOW)])  # (samples, WINDOW)
    if FRAMING == "feature-window":
        X = windows[:, None, :].astype("float32")  # the values side by side: one time step
    else:
        X = windows[:, :, None].astype("float32")  # one value per time step
    y = values[WINDOW:, None].astype("float32")  # (samples, 1): the next value
    inputs = [" ".join(f"{v:.3f}" for v in w) for w in windows]
    targets = [f"{v:.3f}" for v in y[:, 0]]
    return inputs, targets, X, y


def make_data():
    """The samples and their next letters: inputs, targets, X (samples, time steps, features), y."""
    if REGRESSION:
        return make_wave_data()
    vocab = "".join(sorted(set(SEQUENCE)))  # the classes: sorted unique characters
    char_to_int = {ch: i for i, ch in enumerate(vocab)}
    if PER_STEP:
        # Chunks of STEPS_PER_UPDATE letters, each to be continued at every step: the target
        # of a chunk is the same chunk shifted by one letter (leftover letters are not used).
        starts = range(0, (len(SEQUENCE) - 1) // STEPS_PER_UPDATE * STEPS_PER_UPDATE, STEPS_PER_UPDATE)
        inputs = [SEQUENCE[i : i + STEPS_PER_UPDATE] for i in starts]
        targets = [SEQUENCE[i + 1 : i + STEPS_PER_UPDATE + 1] for i in starts]
    elif ONE_SHOT:
        # Every window of WINDOW letters and the HORIZON letters that follow it.
        starts = range(len(SEQUENCE) - WINDOW - HORIZON + 1)
        inputs = [SEQUENCE[i : i + WINDOW] for i in starts]
        targets = [SEQUENCE[i + WINDOW : i + WINDOW + HORIZON] for i in starts]
    elif FRAMING == "variable-length" and WRAP:
        # Runs of 1..WINDOW letters on the text read as a circle (...XYZABC...).
        rng = np.random.default_rng(SEED)
        circle = SEQUENCE * (WINDOW // len(SEQUENCE) + 2)
        inputs, targets = [], []
        for _ in range(NUM_SAMPLES):
            start = int(rng.integers(len(SEQUENCE)))
            length = int(rng.integers(1, WINDOW + 1))
            inputs.append(circle[start : start + length])
            targets.append(circle[start + length])
    elif FRAMING == "variable-length":
        # Random runs of 1..WINDOW letters and the letter after each (the tutorial's draw).
        rng = np.random.default_rng(SEED)
        inputs, targets = [], []
        for _ in range(NUM_SAMPLES):
            start = int(rng.integers(max(1, len(SEQUENCE) - 2)))
            end = int(rng.integers(start, max(start + 1, min(start + WINDOW, len(SEQUENCE) - 1))))
            inputs.append(SEQUENCE[start : end + 1])
            targets.append(SEQUENCE[end + 1])
    else:
        # Every window of WINDOW letters and the letter that follows it.
        inputs = [SEQUENCE[i : i + WINDOW] for i in range(len(SEQUENCE) - WINDOW)]
        targets = [SEQUENCE[i + WINDOW] for i in range(len(SEQUENCE) - WINDOW)]

    steps = STEPS_PER_UPDATE if PER_STEP else (1 if FRAMING == "feature-window" else WINDOW)
    pad = PAD_VALUE if (FRAMING == "variable-length" and PADDING == "mask") else 0.0

    def letter_numbers(letters):
        """(len(letters), numbers per letter): a one-hot row, or index / vocabulary size."""
        ids = [char_to_int[ch] for ch in letters]
        if ENCODING == "onehot":
            return np.eye(len(vocab), dtype="float32")[ids]
        return (np.array(ids, dtype="float32") / len(vocab))[:, None]  # "A" is 0.0

    samples = []
    for letters in inputs:
        numbers = letter_numbers(letters)
        if FRAMING == "feature-window":
            numbers = numbers.reshape(1, -1)  # the letters side by side: one time step
        x = np.full((steps, numbers.shape[1]), pad, dtype="float32")
        x[steps - len(numbers) :] = numbers  # a short run is padded in front
        samples.append(x)
    X = np.stack(samples)  # (samples, time steps, features)
    ids = [[char_to_int[ch] for ch in t] if PER_STEP or ONE_SHOT else char_to_int[t] for t in targets]
    y = keras.utils.to_categorical(ids, num_classes=len(vocab))  # per step: (samples, steps, vocab)
    # n-char-output: (samples, HORIZON, vocab), even for one letter
    return inputs, targets, X, y


def make_model(X, vocab_size):
    """LSTM (or CELL, LAYERS deep) + softmax Dense, compiled like the tutorial (Adam, cross-entropy)."""
    if STATEFUL:
        # Keras 3: a stateful LSTM needs its batch size fixed on the Input.
        inp = keras.Input(batch_shape=(BATCH_SIZE, *X.shape[1:]))
    else:
        inp = keras.Input(shape=X.shape[1:])
    x = inp
    if FRAMING == "variable-length" and PADDING == "mask":
        x = keras.layers.Masking(mask_value=PAD_VALUE)(x)  # skip the padding steps
    # Per step, h of every time step goes to the Dense layer (Keras applies it step by step).
    # Stacked, a lower layer hands its h of every time step to the layer above.
    cell, base = getattr(keras.layers, RNN_LAYER), RNN_NAME
    for k in range(LAYERS):
        name = base if k == 0 else f"{base}_{k + 1}"
        x = cell(UNITS, stateful=STATEFUL, return_sequences=PER_STEP or k < LAYERS - 1, name=name)(x)
    if ONE_SHOT:
        # Encoder-decoder: the encoder's last h, repeated HORIZON times, is the decoder's input
        # at every step; the decoder's h at step k scores the k-th next letter.
        x = keras.layers.RepeatVector(HORIZON)(x)  # (batch, HORIZON, units)
        x = cell(UNITS, return_sequences=True, name="decoder")(x)
        out = keras.layers.TimeDistributed(keras.layers.Dense(vocab_size, activation="softmax"))(x)
    else:
        # A sine model outputs the next value itself (linear); a letter model, probabilities.
        out = keras.layers.Dense(vocab_size, activation="linear" if REGRESSION else "softmax")(x)
    model = keras.Model(inp, out)
    model.compile(
        loss="mse" if REGRESSION else "categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
        metrics=[] if REGRESSION else ["accuracy"],
    )
    return model


def main():
    parser = argparse.ArgumentParser(description="Train the exported LSTM State Lab configuration.")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="override the number of epochs")
    epochs = parser.parse_args().epochs
    keras.utils.set_random_seed(SEED)  # seeds Python, numpy and the backend

    inputs, targets, X, y = make_data()
    print("X:", X.shape, "= [samples, time steps, features]; y:", y.shape)
    model = make_model(X, y.shape[-1])
    recurrent = [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]

    if STATEFUL:
        # One epoch per fit call, in order, and a state reset after each epoch.
        # (Keras 3 has no Model.reset_states(); each recurrent layer has reset_state().)
        for epoch in range(epochs):
            model.fit(X, y, epochs=1, batch_size=BATCH_SIZE, shuffle=False, verbose=0)
            for layer in recurrent:
                layer.reset_state()
            if (epoch + 1) % max(1, epochs // 10) == 0:
                print(f"epoch {epoch + 1}/{epochs}")
    else:
        model.fit(X, y, epochs=epochs, batch_size=BATCH_SIZE, shuffle=SHUFFLE, verbose=2)

    if STATEFUL:
        for layer in recurrent:
            layer.reset_state()
    scores = model.evaluate(X, y, batch_size=BATCH_SIZE, verbose=0)
    if REGRESSION:
        print(f"Model MSE: {float(np.ravel(scores)[0]):.6f}")
    else:
        print(f"Model Accuracy: {scores[1] * 100:.2f}%")

    # One predict call for all samples (predict in a loop costs ~100 ms per call).
    if STATEFUL:
        for layer in recurrent:
            layer.reset_state()
    probs = model.predict(X, batch_size=BATCH_SIZE, verbose=0)
    vocab = "".join(sorted(set(SEQUENCE)))
    if ONE_SHOT:
        # The far positions are where one-shot and recursive prediction differ.
        right = np.argmax(probs, axis=-1) == np.argmax(y, axis=-1)  # (samples, HORIZON)
        shares = ", ".join(f"{k + 1}: {a * 100:.1f}%" for k, a in enumerate(right.mean(0)))
        print("accuracy per position:", shares)
    if REGRESSION:
        for window, target, p in list(zip(inputs, targets, probs))[:SHOW]:
            print(f"{window} -> {p[0]:.3f}  (expected {target})")
    for letters, target, p in list(zip(inputs, targets, probs))[:0 if REGRESSION else SHOW]:
        guess = "".join(vocab[i] for i in np.atleast_1d(np.argmax(p, axis=-1)))  # one letter per step
        print(f"{letters!r} -> {guess}  (expected {target}, p={p.max(axis=-1).min():.2f})")
    if len(inputs) > SHOW:
        print(f"... and {len(inputs) - SHOW} more samples")


if __name__ == "__main__":
    main()

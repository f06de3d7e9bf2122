"""lstm_core: the engine of LSTM State Lab. It never imports streamlit.

The flow is one way, up through the layers (each a sub-package; ``pyproject.toml``'s
import-linter contract keeps the arrows pointing down)::

    config = preset("stateful")            # presets.py: a validated LSTMConfig (config.py)
    data = make_dataset(config)            # data/: X (samples, time steps, features), y
    run = train(config, on_progress=print) # train/: fast, fit-compatible training (TensorFlow)
    generate(run, "K", steps=5).text       # analysis/: numpy LSTM on the trained weights

Nothing is imported here, so ``import lstm_core`` stays light: TensorFlow is loaded by
``lstm_core.train`` (and Keras by ``lstm_core.model.keras_models``) when a caller imports them.
The README's "How the code is laid out" says what each sub-package holds.
"""

# The one place the version is written (pyproject.toml reads it; `lstm-lab --version` prints it).
__version__ = "0.1.0"

"""lstm_core: the engine of LSTM State Lab. It never imports streamlit.

The flow is one way::

    config = preset("stateful")            # config.py: a validated LSTMConfig
    data = make_dataset(config)            # framings.py: X (samples, time steps, features), y
    run = train(config, on_progress=print) # trainer.py: fast, fit-compatible training
    generate(run, "K", steps=5).text       # inference.py: numpy LSTM on the trained weights

Only the config names are imported here, so ``import lstm_core`` stays light: TensorFlow
is loaded by ``trainer`` (and Keras by ``keras_models``) when a caller imports them. The
README's "How the code is laid out" names every module and what it holds.
"""

from .config import ALPHABET, FRAMINGS, PRESETS, LSTMConfig, get_default_config, preset

__all__ = ["ALPHABET", "FRAMINGS", "PRESETS", "LSTMConfig", "get_default_config", "preset"]

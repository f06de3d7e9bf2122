"""lstm_core: the engine of LSTM State Lab. It never imports streamlit.

The flow is one way::

    config = preset("stateful")            # config.py: a validated LSTMConfig
    data = make_dataset(config)            # framings.py: X (samples, time steps, features), y
    run = train(config, on_progress=print) # trainer.py: fast, fit-compatible training
    generate(run, "K", steps=5).text       # inference.py: numpy LSTM on the trained weights

Modules are imported lazily here so that ``import lstm_core.config`` stays light
(TensorFlow is only loaded by the trainer and export).
"""

from .config import ALPHABET, FRAMINGS, PRESETS, LSTMConfig, get_default_config, preset

__all__ = ["ALPHABET", "FRAMINGS", "PRESETS", "LSTMConfig", "get_default_config", "preset"]

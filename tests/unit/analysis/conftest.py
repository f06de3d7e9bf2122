"""Fixtures shared by the analysis tests."""

from __future__ import annotations

import pytest

from lstm_core.presets import preset


@pytest.fixture(scope="session")
def stateful_run():
    """The tutorial's stateful preset, trained at its own settings (about a second), once per session."""
    from lstm_core.train.trainer import train

    return train(preset("stateful"))

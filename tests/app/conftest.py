"""Fixtures for the AppTest tests (tests/app).

- ``tiny_run``: the model the Lab trains from ``apptest_support.TINY`` (the stateful preset, 20
  epochs), trained once per test process (each pytest-xdist worker has its own) for the tests
  that only need "a model" on a page: they open the page with it in the session
  (``open_page(page, session_state={session.RUN: tiny_run}, ...)``) instead of training it in
  the Lab first. The Lab → other pages handover itself is still tested by training in the Lab
  (``test_generate_shows_cold_and_warm_letters_from_the_vocabulary``, which also checks that
  this fixture's config is the one the Lab trains).

The same process also keeps TensorFlow's compiled training step of that shape, so every later
training of it in the process (the Lab's included) starts without a compile.
"""

from __future__ import annotations

import dataclasses

import pytest

from lstm_core.model.results import TrainResult
from lstm_core.presets import preset
from lstm_core.train.trainer import train


@pytest.fixture(scope="session")
def tiny_trained() -> TrainResult:
    return train(preset("stateful").replace(epochs=20))


@pytest.fixture
def tiny_run(tiny_trained: TrainResult) -> TrainResult:
    """A copy for each test: what one test's page does to its run never reaches another test."""
    weights = type(tiny_trained.weights)(*(w.copy() for w in tiny_trained.weights))
    return dataclasses.replace(tiny_trained, weights=weights, history=list(tiny_trained.history))

"""The variant spec: one derivation of a run's shapes that weights, data, cost and the trainer agree on."""

import types

import numpy as np
import pytest

from lstm_core.data.framings import make_dataset
from lstm_core.data.sine import sine_preset
from lstm_core.limits import budget, cost
from lstm_core.limits.shape import CELL_KINDS, CELL_NAMES
from lstm_core.model.variant import HEADS, variant_of
from lstm_core.presets import preset

VARIANTS = {
    "next letter": preset("timestep-window"),
    "stacked gru": preset("timestep-window").replace(cell="gru", layers=2),
    "simple rnn": preset("naive").replace(cell="simple"),
    "per step": preset("stateful").replace(steps_per_update=5),
    "one shot": preset("n-char-output"),
    "one shot gru, 2 layers": preset("n-char-output").replace(cell="gru", layers=2, horizon=4),
    "value": sine_preset(),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_fresh_weights_have_the_spec_shapes_and_the_data_its_target_shape(name):
    spec = variant_of(VARIANTS[name])
    assert [w.shape for w in spec.init_weights()] == spec.weight_shapes()
    data = make_dataset(spec.config)
    assert data.y.shape == (spec.shape.samples, *spec.shape.target_shape)
    assert data.X.shape == (spec.shape.samples, spec.shape.time_steps, spec.shape.features)
    # the RAM budget counts exactly the arrays the trainer stacks (float32 X, y, mask)
    assert budget.data_bytes(spec.config) == data.X.nbytes + 4 * data.y.size + 4 * data.mask.size


@pytest.mark.parametrize("name", list(VARIANTS))
def test_predict_answers_one_row_per_sample_with_the_heads_outputs(name):
    spec = variant_of(VARIANTS[name])
    if spec.shape.per_step:
        return  # read batch after batch with carried state (inference.predict_dataset)
    data = make_dataset(spec.config)
    probs = spec.predict(spec.init_weights(), data.X[:4], data.mask[:4])
    assert probs.shape == (4, *spec.shape.target_shape)


def test_each_config_has_one_head_and_its_loss():
    heads = {name: variant_of(c).head.name for name, c in VARIANTS.items()}
    assert heads == {"next letter": "next", "stacked gru": "next", "simple rnn": "next",
                     "per step": "per-step", "one shot": "one-shot", "one shot gru, 2 layers": "one-shot",
                     "value": "value"}
    assert variant_of(sine_preset()).loss == "mse" and variant_of(sine_preset()).metrics == []
    assert {h.loss for name, h in HEADS.items() if name != "value"} == {"categorical_crossentropy"}


def test_the_cost_counts_the_decoder_and_every_cell_by_its_gates():
    one = cost.estimate(preset("timestep-window"))
    decoder = cost.estimate(preset("n-char-output"))
    assert decoder.parameters > one.parameters and decoder.macs_per_update > one.macs_per_update
    assert set(CELL_NAMES) == set(CELL_KINDS) and CELL_NAMES["simple"] == "SimpleRNN"


@pytest.mark.parametrize(("name", "traced"), [
    ("next letter", "lstm"), ("stacked gru", None), ("simple rnn", None), ("one shot", None)])
def test_what_the_cell_page_may_trace_and_why_not(name, traced):
    spec = variant_of(VARIANTS[name])
    assert spec.gate_trace == traced and spec.traceable == (traced is not None)
    assert (spec.trace_refusal == "") == spec.traceable
    if not spec.traceable:
        assert "cannot be traced gate by gate" in spec.trace_refusal


def test_a_gru_layer_is_traced_by_its_own_gates():
    assert variant_of(preset("stateful").replace(cell="gru")).gate_trace == "gru"
    assert np.array_equal(CELL_KINDS["gru"].gate_names, ("z", "r", "g"))


@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_one_shot_comparison_belongs_to_the_one_shot_head_only(name):
    spec = variant_of(VARIANTS[name])
    run = types.SimpleNamespace(config=spec.config, weights=spec.init_weights(seed=1))  # untrained
    twin = spec.recursive_config()
    assert (twin is not None) == spec.one_shot == (spec.config.decoder_steps > 0)
    if twin is None:
        assert spec.per_position(run) is None
    else:  # a one-letter model on the same text and window, scored position by position
        assert not variant_of(twin).one_shot
        assert (twin.window, twin.sequence) == (spec.config.window, spec.config.sequence)
        assert list(spec.per_position(run)["position"]) == list(range(1, spec.horizon + 1))


@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_value_head_is_the_configs_regression_task(name):
    config = VARIANTS[name]
    assert variant_of(config).regression == config.regression == config.is_sine

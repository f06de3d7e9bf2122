"""Each framing produces the tensor the tutorial describes."""

import numpy as np
import pytest

from lstm_core.config import LSTMConfig
from lstm_core.data.dataset import PAD_VALUE
from lstm_core.data.framings import encode_sample, make_dataset
from lstm_core.presets import preset


@pytest.mark.parametrize(
    "name, shape",
    [
        ("naive", (25, 1, 1)),
        ("feature-window", (23, 1, 3)),
        ("timestep-window", (23, 3, 1)),
        ("whole-batch", (25, 1, 1)),
        ("stateful", (25, 1, 1)),
        ("variable-length", (1000, 5, 1)),
    ],
)
def test_tutorial_shapes(name, shape):
    ds = make_dataset(preset(name))
    assert ds.X.shape == shape
    assert ds.y.shape == (shape[0], 26)
    assert ds.X.dtype == np.float32


def test_naive_values_are_index_over_26():
    ds = make_dataset(preset("naive"))
    assert ds.inputs[0] == "A" and ds.targets[0] == "B"
    assert ds.X[0, 0, 0] == 0.0
    np.testing.assert_allclose(ds.X[:, 0, 0], np.arange(25) / 26, rtol=1e-6)
    assert ds.y[0].argmax() == 1 and ds.y[0].sum() == 1


def test_feature_window_puts_letters_side_by_side_and_timestep_window_one_after_another():
    fw = make_dataset(preset("feature-window"))
    tw = make_dataset(preset("timestep-window"))
    assert fw.inputs[0] == tw.inputs[0] == "ABC" and fw.targets[0] == "D"
    np.testing.assert_allclose(fw.X[0, 0], [0, 1 / 26, 2 / 26], rtol=1e-6)
    np.testing.assert_allclose(tw.X[0, :, 0], [0, 1 / 26, 2 / 26], rtol=1e-6)


def test_variable_length_runs_are_real_alphabet_runs_zero_padded_in_front():
    ds = make_dataset(preset("variable-length"))
    lengths = {len(s) for s in ds.inputs}
    assert lengths == {1, 2, 3, 4, 5}
    for run, target in zip(ds.inputs[:200], ds.targets[:200]):
        assert ("ABCDEFGHIJKLMNOPQRSTUVWXYZ").find(run + target) >= 0
    i = next(k for k, s in enumerate(ds.inputs) if len(s) == 2)
    assert (ds.X[i, :3, 0] == 0.0).all()  # padding: indistinguishable from "A"
    assert ds.mask[i].all()  # zero padding is read, not skipped


def test_mask_padding_uses_a_value_no_letter_has():
    cfg = preset("variable-length").replace(padding="mask")
    x, m = encode_sample(cfg, "AB")
    assert list(m) == [False, False, False, True, True]
    assert (x[:3] == PAD_VALUE).all() and x[3, 0] == 0.0


def test_onehot_encoding():
    cfg = LSTMConfig(framing="timestep-window", sequence="abcabc", window=2, encoding="onehot")
    ds = make_dataset(cfg)
    assert ds.X.shape == (4, 2, 3)
    np.testing.assert_array_equal(ds.X[0], [[1, 0, 0], [0, 1, 0]])
    assert ds.targets[0] == "c"


def test_variable_length_draw_depends_on_seed_only():
    a = make_dataset(preset("variable-length"))
    b = make_dataset(preset("variable-length"))
    c = make_dataset(preset("variable-length").replace(seed=8))
    assert a.inputs == b.inputs
    assert a.inputs != c.inputs


def test_axes_describe_the_tensor():
    axes = make_dataset(preset("feature-window")).axes
    assert axes["samples"] == "23 samples"
    assert "1 time step" in axes["time_steps"]
    assert "3 letters" in axes["features"]


def test_encode_sample_rejects_unknown_letters():
    with pytest.raises(ValueError, match="not in the vocabulary"):
        encode_sample(preset("naive"), "a")

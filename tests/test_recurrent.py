"""The NumPy RNN and LSTM equal Keras' layers with the same weights; the weight mapping round-trips."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils import recurrent

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
sizes = st.tuples(st.integers(1, 3), st.integers(1, 6), st.integers(1, 4), st.integers(1, 5), st.integers(0, 2**31))


def random_weights(rng, shapes):
    return [rng.normal(scale=0.5, size=shape).astype("float32") for shape in shapes]


@pytest.mark.parametrize(
    ("keras_layer", "by_hand", "gates"),
    [(keras.layers.SimpleRNN, recurrent.simple_rnn, 1), (keras.layers.LSTM, recurrent.lstm, 4)],
    ids=["SimpleRNN", "LSTM"],
)
@SETTINGS
@given(size=sizes, return_sequences=st.booleans())
def test_by_hand_forward_matches_keras(keras_layer, by_hand, gates, size, return_sequences):
    n, t, d, h, seed = size
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, t, d)).astype("float32")
    layer = keras_layer(h, return_sequences=return_sequences)
    layer.build((n, t, d))
    weights = random_weights(rng, [(d, gates * h), (h, gates * h), (gates * h,)])
    layer.set_weights(weights)
    expected = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(by_hand(x, *weights, return_sequences=return_sequences), expected, atol=1e-5)


@SETTINGS
@given(sizes)
def test_lstm_weight_layout_round_trips(size):
    _, _, d, h, seed = size
    weights = random_weights(np.random.default_rng(seed), [(d, 4 * h), (h, 4 * h), (4 * h,)])
    gates = recurrent.split_lstm_weights(*weights)
    assert list(gates) == ["input", "forget", "candidate", "output"]
    assert gates["forget"][0].shape == (h, h + d)
    for original, packed in zip(weights, recurrent.pack_lstm_weights(gates), strict=True):
        np.testing.assert_array_equal(original, packed)


def test_split_weights_compute_the_slides_gate_equation():
    rng = np.random.default_rng(0)
    d, h = 3, 2
    weights = random_weights(rng, [(d, 4 * h), (h, 4 * h), (4 * h,)])
    x_t, h_prev, c_prev = rng.normal(size=(1, d)), rng.normal(size=(1, h)), rng.normal(size=(1, h))
    w_f, b_f = recurrent.split_lstm_weights(*weights)["forget"]
    f_t = recurrent.sigmoid(w_f @ np.concatenate([h_prev[0], x_t[0]]) + b_f)
    step = recurrent.lstm_step(x_t, h_prev, c_prev, *weights)
    np.testing.assert_allclose(step.forget_gate[0], f_t, atol=1e-6)
    np.testing.assert_allclose(step.c, step.forget_gate * c_prev + step.input_gate * step.candidate)


def test_sigmoid_does_not_overflow():
    assert recurrent.sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: recurrent.simple_rnn(np.zeros((2, 3)), np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(4)),
         r"x must be a batch of sequences \(N, T, D\), got shape \(2, 3\)"),
        (lambda: recurrent.simple_rnn(np.zeros((1, 2, 5)), np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(4)),
         "x has 5 features per step but the kernel expects D=3"),
        (lambda: recurrent.lstm(np.zeros((1, 2, 3)), np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(4)),
         r"bias must have shape \(8,\) for 2 units"),
        (lambda: recurrent.lstm(np.zeros((1, 2, 3)), np.zeros((3, 4)), np.zeros((2, 8)), np.zeros(8)),
         r"kernel must have shape \(3, 8\)"),
        (lambda: recurrent.lstm(np.zeros((1, 2, 3), dtype=bool), np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8)),
         "x must hold numbers"),
        (lambda: recurrent.pack_lstm_weights({"input": (np.zeros((2, 5)), np.zeros(2))}), "missing"),
    ],
)  # fmt: skip
def test_bad_shapes_give_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()

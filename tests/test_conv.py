"""Convolution and pooling by hand == TensorFlow, Keras and SciPy; every error path once."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import scipy.signal
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils import conv

TOLERANCE = {np.float32: 1e-5, np.float64: 1e-10}
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def layer_cases(draw):
    """Random batch, kernel, bias, stride, padding and dtype for which the layer is defined."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["valid", "same", 0, 1, 2]))
    h, w = draw(st.integers(kh, 9)), draw(st.integers(kw, 9))
    n, c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    x = rng.normal(size=(n, h, w, c_in)).astype(dtype)
    kernel = rng.normal(size=(kh, kw, c_in, c_out)).astype(dtype)
    bias = rng.normal(size=c_out).astype(dtype)
    return x, kernel, bias, stride, padding


def tf_conv(x, kernel, bias, stride, padding):
    """tf.nn.conv2d plus the bias, with an integer padding passed explicitly."""
    explicit = [[0, 0], [padding, padding], [padding, padding], [0, 0]] if isinstance(padding, int) else None
    padding = explicit or padding.upper()
    return tf.nn.conv2d(tf.constant(x), tf.constant(kernel), strides=stride, padding=padding).numpy() + bias


def relative_tolerance(array: np.ndarray) -> float:
    """1e-5 for float32, 1e-10 for float64, scaled by the size of the sums involved."""
    return TOLERANCE[array.dtype.type] * 10


@SETTINGS
@given(layer_cases())
def test_layer_matches_tf_nn_conv2d(case):
    x, kernel, bias, stride, padding = case
    ours = conv.conv2d(x, kernel, bias, stride=stride, padding=padding)
    assert ours.dtype == x.dtype
    tol = relative_tolerance(x)
    np.testing.assert_allclose(ours, tf_conv(x, kernel, bias, stride, padding), rtol=tol, atol=tol)


@SETTINGS
@given(layer_cases())
def test_loop_version_equals_vectorised_version(case):
    x, kernel, bias, stride, padding = case
    tol = relative_tolerance(x)
    np.testing.assert_allclose(
        conv.conv2d_loops(x, kernel, bias, stride=stride, padding=padding),
        conv.conv2d(x, kernel, bias, stride=stride, padding=padding),
        rtol=tol,
        atol=tol,
    )


@SETTINGS
@given(layer_cases().filter(lambda case: isinstance(case[4], str)))
def test_layer_matches_keras_conv2d_with_the_same_weights(case):
    x, kernel, bias, stride, padding = case
    layer = keras.layers.Conv2D(kernel.shape[3], kernel.shape[:2], strides=stride, padding=padding, dtype=x.dtype.name)
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    expected = keras.ops.convert_to_numpy(layer(x))
    tol = relative_tolerance(x)
    np.testing.assert_allclose(conv.conv2d(x, kernel, bias, stride, padding), expected, rtol=tol, atol=tol)


@SETTINGS
@given(
    st.sampled_from([np.float32, np.float64]),
    st.integers(1, 8),
    st.integers(1, 8),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(0, 2**31),
)
def test_math_convolution_matches_scipy(dtype, h, w, kh, kw, seed):
    rng = np.random.default_rng(seed)
    image, kernel = rng.normal(size=(h, w)).astype(dtype), rng.normal(size=(kh, kw)).astype(dtype)
    ours = conv.convolve2d(image, kernel)
    assert ours.dtype == dtype
    tol = relative_tolerance(image)
    np.testing.assert_allclose(ours, scipy.signal.convolve2d(image, kernel, mode="full"), rtol=tol, atol=tol)


@SETTINGS
@given(st.integers(1, 10), st.integers(1, 10), st.integers(0, 2**31))
def test_1d_convolution_matches_numpy_and_commutes(n, k, seed):
    rng = np.random.default_rng(seed)
    f, g = rng.normal(size=n), rng.normal(size=k)
    np.testing.assert_allclose(conv.convolve1d(f, g), np.convolve(f, g), atol=1e-10)
    np.testing.assert_allclose(conv.convolve1d(f, g), conv.convolve1d(g, f), atol=1e-10)


@SETTINGS
@given(
    st.sampled_from([np.float32, np.float64]),
    st.sampled_from(["max", "avg"]),
    st.sampled_from(["valid", "same"]),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(0, 2**31),
)
def test_pooling_matches_tf(dtype, mode, padding, size, stride, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, 7, 6, 3)).astype(dtype)
    pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
    # tf.constant keeps float64: a bare NumPy array may come back as float32 from TF's pooling.
    expected = pool(tf.constant(x), ksize=size, strides=stride, padding=padding.upper()).numpy()
    assert expected.dtype == dtype
    ours = conv.pool2d(x, size, stride, padding, mode)
    assert ours.dtype == dtype
    tol = relative_tolerance(x)
    np.testing.assert_allclose(ours, expected, rtol=tol, atol=tol)


def test_im2col_times_kernel_is_the_layer():
    rng = np.random.default_rng(0)
    x, kernel = rng.normal(size=(2, 5, 5, 3)), rng.normal(size=(3, 3, 3, 4))
    columns = conv.im2col(x, 3, 3)
    assert columns.shape == (2, 9, 27)
    np.testing.assert_allclose((columns @ kernel.reshape(27, 4)).reshape(2, 3, 3, 4), conv.conv2d(x, kernel))


def test_conv_matrix_reproduces_the_convolution_with_shared_weights():
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]])
    image = np.arange(9.0).reshape(3, 3)
    matrix = conv.conv_matrix((3, 3), kernel)
    assert matrix.shape == (4, 9) and (matrix != 0).sum() == 16
    np.testing.assert_allclose(matrix @ image.ravel(), conv.correlate2d(image, kernel).ravel())


def test_same_padding_keeps_size_for_odd_kernels_and_puts_the_extra_zero_last_for_even():
    assert conv.pad_amounts(6, 3, 1, "same") == (1, 1)
    assert conv.pad_amounts(6, 4, 1, "same") == (1, 2)
    assert conv.correlate2d(np.ones((6, 6)), np.ones((3, 3)), "same").shape == (6, 6)


def test_integer_input_is_computed_in_float64():
    assert conv.correlate2d(np.ones((3, 3), dtype=np.int32), np.ones((2, 2), dtype=np.int64)).dtype == np.float64


@pytest.mark.parametrize(
    ("n", "k", "p", "s", "expected"),
    [(6, 3, 0, 1, 4), (6, 3, 1, 1, 6), (5, 3, 1, 2, 3), (32, 5, 0, 1, 28), (7, 3, 0, 2, 3)],
)
def test_output_size_formula(n, k, p, s, expected):
    assert conv.output_size(n, k, p, s) == expected


# --- every error path once ------------------------------------------------------------------------

GOOD_X, GOOD_K = np.zeros((5, 5, 2)), np.zeros((3, 3, 2, 4))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: conv.conv2d(np.zeros((5, 5)), GOOD_K), r"x must be an image \(H, W, C_in\).*got shape \(5, 5\)"),
        (lambda: conv.conv2d(GOOD_X, np.zeros((3, 3, 2))), r"kernel must be \(KH, KW, C_in, C_out\)"),
        (lambda: conv.conv2d(np.zeros((5, 5, 3)), GOOD_K), "channel mismatch: x has 3 channels but the kernel expects"),
        (lambda: conv.conv2d(GOOD_X, np.zeros((7, 7, 2, 1))), "kernel height 7 is larger than the padded input"),
        (lambda: conv.conv2d(GOOD_X, GOOD_K, stride=0), "stride must be an integer >= 1, got 0"),
        (lambda: conv.conv2d(GOOD_X, GOOD_K, padding="circular"), "padding must be one of"),
        (lambda: conv.conv2d(GOOD_X, GOOD_K, bias=np.zeros(3)), r"bias must have shape \(4,\)"),
        (lambda: conv.conv2d(GOOD_X.astype(str), GOOD_K), "x must hold numbers"),
        (lambda: conv.conv2d(GOOD_X.astype(bool), GOOD_K), "got dtype bool"),
        (lambda: conv.pool2d(np.zeros((4, 4)), 2, mode="median"), "mode must be one of"),
        (lambda: conv.pool2d(np.zeros((4, 4)), 2, padding="full"), "pooling padding must be"),
        (lambda: conv.pool2d(np.zeros((4, 4)), 0), "size must be an integer >= 1"),
        (lambda: conv.output_size(3, 5), "kernel size 5 is larger than the padded input"),
        (lambda: conv.convolve1d(np.zeros((2, 2)), np.zeros(2)), "f must be 1-D"),
        (lambda: conv.correlate2d(np.zeros((4, 4, 1)), np.zeros((2, 2))), r"single-channel \(H, W\) image"),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()

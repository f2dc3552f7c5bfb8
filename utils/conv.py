"""Convolution and pooling by hand, in NumPy: the reference the lessons derive and test.

Conventions (those of TensorFlow and Keras):

- images are channels-last: one image (H, W) or (H, W, C), a batch (N, H, W, C);
- a layer's kernel is (KH, KW, C_in, C_out) with one bias per output channel;
- "convolution" in deep learning is cross-correlation (no kernel flip);
  `convolve1d` and `convolve2d` are the mathematical convolution (flipped).

float32 and float64 inputs keep their dtype; integer inputs are computed in
float64. Bad input raises `ValueError` naming the argument, what it got and
what was expected.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Padding = str | int
PADDINGS = ("valid", "same", "full")
POOL_MODES = ("max", "avg")


# --- input checks ------------------------------------------------------------------------------


def _as_array(name: str, value: object) -> np.ndarray:
    """`value` as a float32/float64 array; integers become float64, anything else is refused."""
    array = np.asarray(value)
    if array.dtype in (np.float32, np.float64):
        return array
    if np.issubdtype(array.dtype, np.integer):
        return array.astype(np.float64)
    raise ValueError(f"{name} must hold numbers (float32, float64 or integers), got dtype {array.dtype}")


def _check_ndim(name: str, array: np.ndarray, allowed: tuple[int, ...], meaning: str) -> None:
    if array.ndim not in allowed:
        raise ValueError(f"{name} must be {meaning}, got shape {array.shape} ({array.ndim}-D)")


def _check_positive(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


# --- sizes and padding ---------------------------------------------------------------------------


def output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """Output length along one axis: floor((n - k + 2p) / s) + 1.

    Raises `ValueError` when the kernel is larger than the padded input.
    """
    stride = _check_positive("stride", stride)
    if k > n + 2 * padding:
        raise ValueError(
            f"kernel size {k} is larger than the padded input ({n} + 2*{padding} = {n + 2 * padding}); "
            "use a smaller kernel or more padding"
        )
    return (n - k + 2 * padding) // stride + 1


def pad_amounts(n: int, k: int, stride: int, padding: Padding) -> tuple[int, int]:
    """Zeros added (before, after) along one axis of length `n` for a kernel of size `k`.

    - "valid": none;
    - "same": as TensorFlow, enough for ceil(n / stride) outputs, split evenly with the
      extra zero after (bottom/right) when the total is odd — for stride 1 that is
      (k-1)/2 each side for odd k;
    - "full": k - 1 each side (every partial overlap);
    - an integer p: p each side.
    """
    stride = _check_positive("stride", stride)
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "same":
            total = max((-(-n // stride) - 1) * stride + k - n, 0)
            return total // 2, total - total // 2
        if padding == "full":
            return k - 1, k - 1
    elif isinstance(padding, int | np.integer) and not isinstance(padding, bool) and padding >= 0:
        return int(padding), int(padding)
    raise ValueError(f"padding must be one of {PADDINGS} or an integer >= 0, got {padding!r}")


def _pad_hw(x: np.ndarray, kh: int, kw: int, stride: int, padding: Padding, value: float = 0.0) -> np.ndarray:
    """Pad axes 1 and 2 of (N, H, W, C) for a (kh, kw) window; check the window fits."""
    (top, bottom), (left, right) = (
        pad_amounts(x.shape[1], kh, stride, padding),
        pad_amounts(x.shape[2], kw, stride, padding),
    )
    for n, k, before, after, axis in ((x.shape[1], kh, top, bottom, "height"), (x.shape[2], kw, left, right, "width")):
        if k > n + before + after:
            raise ValueError(
                f"kernel {axis} {k} is larger than the padded input {axis} {n + before + after} "
                f"({n} + {before} + {after} zeros); use a smaller kernel or more padding"
            )
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


# --- the mathematical convolution (kernel flipped) -----------------------------------------------


def convolve1d(f: np.ndarray, g: np.ndarray) -> np.ndarray:
    """(f ⊛ g)(x) = Σ_i f(i) g(x − i), computed from the definition, full length n + k − 1."""
    f, g = _as_array("f", f), _as_array("g", g)
    _check_ndim("f", f, (1,), "1-D")
    _check_ndim("g", g, (1,), "1-D")
    out = np.zeros(len(f) + len(g) - 1, dtype=np.result_type(f, g))
    for x in range(len(out)):
        for i in range(len(f)):
            if 0 <= x - i < len(g):
                out[x] += f[i] * g[x - i]
    return out


def convolve2d(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Mathematical 2-D convolution, full size (H + KH − 1, W + KW − 1).

    It is cross-correlation with the kernel flipped in both axes, which is why
    frameworks, whose kernels are learned anyway, skip the flip.
    """
    image, kernel = _as_array("image", image), _as_array("kernel", kernel)
    _check_ndim("kernel", kernel, (2,), "a 2-D (KH, KW) kernel")
    return correlate2d(image, kernel[::-1, ::-1], padding="full")


# --- deep learning's "convolution": cross-correlation ---------------------------------------------


def correlate2d(image: np.ndarray, kernel: np.ndarray, padding: Padding = "valid", stride: int = 1) -> np.ndarray:
    """Cross-correlate one (H, W) image with one (KH, KW) kernel: out[p, q] = Σ_ij w_ij x[p·s + i, q·s + j].

    `padding` is "valid", "same", "full" or an integer; `stride` >= 1.
    """
    image, kernel = _as_array("image", image), _as_array("kernel", kernel)
    _check_ndim("image", image, (2,), "a single-channel (H, W) image")
    _check_ndim("kernel", kernel, (2,), "a 2-D (KH, KW) kernel")
    return conv2d(image[None, :, :, None], kernel[:, :, None, None], stride=stride, padding=padding)[0, :, :, 0]


def im2col(x: np.ndarray, kh: int, kw: int, stride: int = 1, padding: Padding = "valid") -> np.ndarray:
    """Unfold every (kh, kw) window of x (N, H, W, C) into a row: (N, OH·OW, kh·kw·C).

    Row p·OW + q holds the window under output pixel (p, q), flattened in the
    order (i, j, c) that matches a kernel reshaped to (kh·kw·C, C_out).
    """
    x = _as_array("x", x)
    _check_ndim("x", x, (4,), "a batch (N, H, W, C)")
    stride = _check_positive("stride", stride)
    padded = _pad_hw(x, kh, kw, stride, padding)
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]  # (N, OH, OW, C, kh, kw)
    n, oh, ow = windows.shape[:3]
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(n, oh * ow, kh * kw * x.shape[3])


def _check_layer_inputs(
    x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Validate a conv layer's inputs; returns batched x, kernel, bias and whether x was unbatched."""
    x, kernel = _as_array("x", x), _as_array("kernel", kernel)
    _check_ndim("x", x, (3, 4), "an image (H, W, C_in) or a batch (N, H, W, C_in)")
    _check_ndim("kernel", kernel, (4,), "(KH, KW, C_in, C_out)")
    single = x.ndim == 3
    if single:
        x = x[None]
    if kernel.shape[2] != x.shape[3]:
        raise ValueError(
            f"channel mismatch: x has {x.shape[3]} channels but the kernel expects C_in={kernel.shape[2]} "
            f"(kernel shape {kernel.shape})"
        )
    c_out = kernel.shape[3]
    bias = np.zeros(c_out, dtype=kernel.dtype) if bias is None else _as_array("bias", bias)
    if bias.shape != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},), one per filter, got {bias.shape}")
    return x, kernel, bias, single


def conv2d(
    x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None, stride: int = 1, padding: Padding = "valid"
) -> np.ndarray:
    """A convolutional layer, vectorised: im2col and one matrix product.

    x: (H, W, C_in) or (N, H, W, C_in); kernel: (KH, KW, C_in, C_out); bias: (C_out,).
    Returns (OH, OW, C_out) or (N, OH, OW, C_out), as `tf.nn.conv2d` plus the bias.
    """
    x, kernel, bias, single = _check_layer_inputs(x, kernel, bias)
    kh, kw, c_in, c_out = kernel.shape
    dtype = np.result_type(x, kernel, bias)
    columns = im2col(x.astype(dtype, copy=False), kh, kw, stride, padding)
    oh = (x.shape[1] + sum(pad_amounts(x.shape[1], kh, stride, padding)) - kh) // stride + 1
    ow = (x.shape[2] + sum(pad_amounts(x.shape[2], kw, stride, padding)) - kw) // stride + 1
    weights = kernel.reshape(kh * kw * c_in, c_out).astype(dtype, copy=False)
    # One (N·OH·OW, KH·KW·C_in) @ (KH·KW·C_in, C_out) product: a single large matmul is far
    # faster than N small ones.
    out = (columns.reshape(-1, kh * kw * c_in) @ weights).reshape(x.shape[0], oh, ow, c_out)
    out += bias.astype(dtype, copy=False)
    return out[0] if single else out


def conv2d_loops(
    x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None, stride: int = 1, padding: Padding = "valid"
) -> np.ndarray:
    """The same layer as `conv2d`, written as the formula.

    out[p, q, o] = Σ_i Σ_j Σ_c w[i, j, c, o] · x[p·s + i, q·s + j, c] + b[o]

    Plain Python loops over output pixels and kernel positions: slow, and meant to be read.
    """
    x, kernel, bias, single = _check_layer_inputs(x, kernel, bias)
    kh, kw, _, c_out = kernel.shape
    stride = _check_positive("stride", stride)
    dtype = np.result_type(x, kernel, bias)
    padded = _pad_hw(x.astype(dtype, copy=False), kh, kw, stride, padding)
    oh = (padded.shape[1] - kh) // stride + 1
    ow = (padded.shape[2] - kw) // stride + 1
    out = np.empty((x.shape[0], oh, ow, c_out), dtype=dtype)
    for p in range(oh):
        for q in range(ow):
            total = np.zeros((x.shape[0], c_out), dtype=dtype)
            for i in range(kh):
                for j in range(kw):
                    total += padded[:, p * stride + i, q * stride + j, :] @ kernel[i, j]
            out[:, p, q, :] = total + bias
    return out[0] if single else out


def conv_matrix(image_shape: tuple[int, int], kernel: np.ndarray, stride: int = 1) -> np.ndarray:
    """The (OH·OW, H·W) matrix M with M @ image.ravel() == correlate2d(image, kernel, "valid", stride).ravel().

    Each row holds the same kernel weights, shifted: convolution is a sparse
    matrix with shared weights.
    """
    kernel = _as_array("kernel", kernel)
    _check_ndim("kernel", kernel, (2,), "a 2-D (KH, KW) kernel")
    h, w = image_shape
    kh, kw = kernel.shape
    oh, ow = output_size(h, kh, 0, stride), output_size(w, kw, 0, stride)
    matrix = np.zeros((oh * ow, h * w), dtype=kernel.dtype)
    for p in range(oh):
        for q in range(ow):
            for i in range(kh):
                for j in range(kw):
                    matrix[p * ow + q, (p * stride + i) * w + (q * stride + j)] = kernel[i, j]
    return matrix


# --- pooling -----------------------------------------------------------------------------------


def pool2d(
    x: np.ndarray, size: int, stride: int | None = None, padding: str = "valid", mode: str = "max"
) -> np.ndarray:
    """Max or average pooling over (size × size) windows, as `tf.nn.max_pool2d` / `avg_pool2d`.

    x: (H, W), (H, W, C) or (N, H, W, C); each channel is pooled on its own.
    `stride` defaults to `size`; `padding` is "valid" or "same" (padded cells
    never win a max and are left out of an average, as in TensorFlow).
    """
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be one of {POOL_MODES}, got {mode!r}")
    if padding not in ("valid", "same"):
        raise ValueError(f"pooling padding must be 'valid' or 'same', got {padding!r}")
    x = _as_array("x", x)
    _check_ndim("x", x, (2, 3, 4), "(H, W), (H, W, C) or (N, H, W, C)")
    size = _check_positive("size", size)
    stride = _check_positive("stride", size if stride is None else stride)
    shape = x.shape
    batch = x.reshape((1, *shape, 1)) if x.ndim == 2 else x[None] if x.ndim == 3 else x
    fill = -np.inf if mode == "max" else np.nan
    padded = _pad_hw(batch, size, size, stride, padding, value=fill)
    windows = sliding_window_view(padded, (size, size), axis=(1, 2))[:, ::stride, ::stride]
    out = windows.max(axis=(-2, -1)) if mode == "max" else np.nanmean(windows, axis=(-2, -1))
    out = out.astype(x.dtype, copy=False)
    return out[0, :, :, 0] if x.ndim == 2 else out[0] if x.ndim == 3 else out


# --- speed -------------------------------------------------------------------------------------


def _best_time(run: object, repeats: int) -> float:
    """The fastest of `repeats` wall-clock timings of `run()`, in seconds (the least disturbed run)."""
    import time

    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return min(timings)


def measure_conv_speed(
    batch: int = 100, loop_batch: int = 100, size: int = 32, channels: int = 8, filters: int = 16, repeats: int = 5
) -> dict[str, float]:
    """Seconds per call for one float32 3×3 'same' layer on (batch, size, size, channels) images.

    Times `tf.nn.conv2d`, `conv2d` (im2col) and `conv2d_loops`; the loop version
    runs on `loop_batch` images and its time is scaled linearly to `batch`
    (its loops are over pixels, vectorised over the batch). Returns the three
    times and the ratios vectorised/TF and loop/vectorised.
    """
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, size, size, channels)).astype(np.float32)
    kernel = rng.normal(size=(3, 3, channels, filters)).astype(np.float32)
    bias = np.zeros(filters, dtype=np.float32)
    x_tf, kernel_tf = tf.constant(x), tf.constant(kernel)
    tf.nn.conv2d(x_tf, kernel_tf, 1, "SAME").numpy()  # warm-up: first call builds the kernel
    seconds_tf = _best_time(lambda: tf.nn.conv2d(x_tf, kernel_tf, 1, "SAME").numpy(), repeats)
    seconds_vectorised = _best_time(lambda: conv2d(x, kernel, bias, 1, "same"), repeats)
    seconds_loop = _best_time(lambda: conv2d_loops(x[:loop_batch], kernel, bias, 1, "same"), 1) * batch / loop_batch
    return {
        "tf_nn_conv2d_s": seconds_tf,
        "vectorised_s": seconds_vectorised,
        "loop_s": seconds_loop,
        "vectorised_over_tf": seconds_vectorised / seconds_tf,
        "loop_over_vectorised": seconds_loop / seconds_vectorised,
    }

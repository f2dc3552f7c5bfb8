"""Recurrent networks by hand, in NumPy: the simple RNN and the LSTM, forward in time.

Conventions (those of Keras):

- a batch of sequences is x: (N, T, D) — N sequences, T time steps, D features;
- weights are stored as Keras stores them, so a trained Keras layer's
  `get_weights()` plugs straight in:
  SimpleRNN: kernel (D, H), recurrent_kernel (H, H), bias (H,);
  LSTM: kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,), the four gates
  packed side by side in the order input, forget, candidate, output (i, f, c, o).

The slides write the LSTM with one matrix per gate acting on the stacked
[h_{t−1}, x_t]; `split_lstm_weights` and `pack_lstm_weights` convert between
that form and Keras' packed layout.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

GATES = ("input", "forget", "candidate", "output")


def _check_sequences(x: np.ndarray, features: int) -> np.ndarray:
    """x as a float array of shape (N, T, features), or a clear ValueError."""
    x = np.asarray(x)
    if not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)) or x.dtype == bool:
        raise ValueError(f"x must hold numbers, got dtype {x.dtype}")
    if x.ndim != 3:
        raise ValueError(f"x must be a batch of sequences (N, T, D), got shape {x.shape}")
    if x.shape[2] != features:
        raise ValueError(f"x has {x.shape[2]} features per step but the kernel expects D={features}")
    return x.astype(np.float64) if np.issubdtype(x.dtype, np.integer) else x


def _check_weights(kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray, gates: int) -> int:
    """Check Keras-layout shapes for `gates` packed gates; return the number of units H."""
    units = recurrent_kernel.shape[0]
    expected = {"kernel": (kernel.shape[0], gates * units), "recurrent_kernel": (units, gates * units),
                "bias": (gates * units,)}  # fmt: skip
    for name, array in (("kernel", kernel), ("recurrent_kernel", recurrent_kernel), ("bias", bias)):
        if array.shape != expected[name]:
            raise ValueError(f"{name} must have shape {expected[name]} for {units} units, got {array.shape}")
    return units


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function σ(z) = 1 / (1 + e^−z), computed without overflow."""
    return np.exp(-np.logaddexp(0.0, -z))


def simple_rnn(
    x: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    h0: np.ndarray | None = None,
    activation=np.tanh,
    return_sequences: bool = False,
) -> np.ndarray:
    """Run h_t = tanh(x_t W_xh + h_{t−1} W_hh + b) over x (N, T, D).

    Returns the last state (N, H), or every state (N, T, H) with
    `return_sequences`. `activation` may be any elementwise function (ReLU
    for the identity-initialised RNN of the slides).
    """
    kernel, recurrent_kernel, bias = map(np.asarray, (kernel, recurrent_kernel, bias))
    units = _check_weights(kernel, recurrent_kernel, bias, gates=1)
    x = _check_sequences(x, kernel.shape[0])
    h = np.zeros((x.shape[0], units), dtype=x.dtype) if h0 is None else np.asarray(h0, dtype=x.dtype)
    states = []
    for t in range(x.shape[1]):
        h = activation(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        states.append(h)
    return np.stack(states, axis=1) if return_sequences else h


class LSTMStep(NamedTuple):
    """Everything one LSTM step computes, gate by gate, each (N, H)."""

    input_gate: np.ndarray
    forget_gate: np.ndarray
    candidate: np.ndarray
    output_gate: np.ndarray
    c: np.ndarray
    h: np.ndarray


def lstm_step(
    x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, kernel: np.ndarray, recurrent_kernel: np.ndarray,
    bias: np.ndarray,
) -> LSTMStep:  # fmt: skip
    """One LSTM step, as on the slides:

    i_t = σ(·), f_t = σ(·), C̃_t = tanh(·), o_t = σ(·), each of W·[h_{t−1}, x_t] + b;
    C_t = f_t * C_{t−1} + i_t * C̃_t;  h_t = o_t * tanh(C_t).
    """
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
    i_t, f_t, c_tilde, o_t = sigmoid(z_i), sigmoid(z_f), np.tanh(z_c), sigmoid(z_o)
    c_t = f_t * c_prev + i_t * c_tilde
    return LSTMStep(i_t, f_t, c_tilde, o_t, c_t, o_t * np.tanh(c_t))


def lstm(
    x: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    return_sequences: bool = False,
    return_steps: bool = False,
) -> np.ndarray | tuple[np.ndarray, list[LSTMStep]]:
    """Run an LSTM with Keras-layout weights over x (N, T, D) from zero states.

    Returns h_T (N, H), or every h_t (N, T, H) with `return_sequences`; with
    `return_steps` also the list of `LSTMStep`s (gate activations per step).
    """
    kernel, recurrent_kernel, bias = map(np.asarray, (kernel, recurrent_kernel, bias))
    units = _check_weights(kernel, recurrent_kernel, bias, gates=4)
    x = _check_sequences(x, kernel.shape[0])
    h = np.zeros((x.shape[0], units), dtype=x.dtype)
    c = np.zeros_like(h)
    steps = []
    for t in range(x.shape[1]):
        step = lstm_step(x[:, t], h, c, kernel, recurrent_kernel, bias)
        h, c = step.h, step.c
        steps.append(step)
    out = np.stack([s.h for s in steps], axis=1) if return_sequences else h
    return (out, steps) if return_steps else out


def split_lstm_weights(
    kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Keras' packed LSTM weights as the slides' per-gate form.

    Returns {gate: (W, b)} for gate in input, forget, candidate, output, where
    W (H, H + D) acts on the stacked column [h_{t−1}; x_t] and b is (H,).
    """
    kernel, recurrent_kernel, bias = map(np.asarray, (kernel, recurrent_kernel, bias))
    _check_weights(kernel, recurrent_kernel, bias, gates=4)
    return {
        gate: (np.concatenate([u, w], axis=0).T, b)
        for gate, w, u, b in zip(
            GATES, np.split(kernel, 4, axis=1), np.split(recurrent_kernel, 4, axis=1), np.split(bias, 4), strict=True
        )
    }


def pack_lstm_weights(gates: dict[str, tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    """The inverse of `split_lstm_weights`: [kernel, recurrent_kernel, bias] in Keras' layout."""
    missing = set(GATES) - set(gates)
    if missing:
        raise ValueError(f"gates must hold {GATES}; missing {sorted(missing)}")
    units = gates["input"][0].shape[0]
    kernels, recurrents, biases = [], [], []
    for gate in GATES:
        weights, b = gates[gate]
        if weights.ndim != 2 or weights.shape[0] != units or weights.shape[1] <= units or b.shape != (units,):
            raise ValueError(f"gate {gate!r}: W must be (H, H + D) and b (H,), got {weights.shape} and {b.shape}")
        recurrents.append(weights[:, :units].T)
        kernels.append(weights[:, units:].T)
        biases.append(b)
    return [np.concatenate(kernels, axis=1), np.concatenate(recurrents, axis=1), np.concatenate(biases)]

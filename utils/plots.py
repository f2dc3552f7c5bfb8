"""Figures the lessons share: labelled image grids and, later, curves and matrices.

Every function draws into a new figure, labels it, and returns the figure so
tests (Agg backend) can count its axes and titles.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import MaxNLocator


def image_grid(
    images: np.ndarray,
    titles: Sequence[str],
    *,
    ncols: int = 8,
    suptitle: str = "",
    cmap: str | None = None,
    cell_size: float = 1.4,
) -> Figure:
    """Show `images` (N, H, W) or (N, H, W, 3) in a grid, each titled.

    Grey images use the `gray_r` colour map unless `cmap` says otherwise.
    Raises `ValueError` when the counts of images and titles differ.
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"images must be (N, H, W) or (N, H, W, C), got shape {images.shape}")
    if len(images) != len(titles):
        raise ValueError(f"got {len(images)} images but {len(titles)} titles")
    nrows = max(1, -(-len(images) // ncols))
    ncols = min(ncols, len(images)) or 1
    height = (cell_size + 0.25) * nrows + 0.4  # 0.25 in per row for its titles, 0.4 for the suptitle
    figure, axes = plt.subplots(nrows, ncols, figsize=(cell_size * ncols, height), squeeze=False)
    grey = images.ndim == 3 or images.shape[-1] == 1
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, title in zip(axes.flat, images, titles, strict=False):
        ax.imshow(image.squeeze(), cmap=cmap or ("gray_r" if grey else None))
        ax.set_title(title, fontsize=8)
    if suptitle:
        figure.suptitle(suptitle)
    figure.tight_layout()
    return figure


def samples_per_class(
    x: np.ndarray, y: np.ndarray, class_names: Sequence[str], per_class: int, seed: int = 0
) -> tuple[np.ndarray, list[str]]:
    """Pick `per_class` random examples of every class, in class order, with their names."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(y == label), per_class, replace=False) for label in range(len(class_names))]
    index = np.concatenate(picks)
    return x[index], [class_names[int(y[i])] for i in index]


def _annotate(ax: plt.Axes, matrix: np.ndarray) -> None:
    """Write each cell's value on a heat map, integers without decimals."""
    integral = np.allclose(matrix, np.round(matrix))
    span = np.abs(matrix).max() or 1.0
    for (r, c), value in np.ndenumerate(matrix):
        text = f"{value:.0f}" if integral else f"{value:.2f}"
        ax.text(c, r, text, ha="center", va="center", fontsize=9, color="white" if abs(value) > 0.6 * span else "black")


def matrices(
    arrays: Sequence[np.ndarray], titles: Sequence[str], *, suptitle: str = "", cmap: str = "coolwarm"
) -> Figure:
    """Show small 2-D arrays side by side as heat maps with their numbers written in."""
    if len(arrays) != len(titles):
        raise ValueError(f"got {len(arrays)} arrays but {len(titles)} titles")
    widths = [max(np.asarray(a).shape[1], 1) for a in arrays]
    figure, axes = plt.subplots(
        1, len(arrays), figsize=(0.55 * sum(widths) + 1.2 * len(arrays), 3), gridspec_kw={"width_ratios": widths}
    )
    for ax, array, title in zip(np.atleast_1d(axes), arrays, titles, strict=True):
        array = np.atleast_2d(np.asarray(array, dtype=float))
        span = np.abs(array).max() or 1.0
        # Signed data centred on 0; non-negative data from 0, so the whole colour range is used.
        ax.imshow(array, cmap=cmap, vmin=0 if array.min() >= 0 else -span, vmax=span)
        _annotate(ax, array)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    if suptitle:
        figure.suptitle(suptitle)
    figure.tight_layout()
    return figure


def window_steps(image: np.ndarray, kernel_size: int, output: np.ndarray, stride: int = 1) -> Figure:
    """One panel per output value: the input with the window that produced it outlined.

    For a valid cross-correlation (or pooling) of `image` with a square window
    of `kernel_size` and `stride`, panel (p, q) outlines the window at
    (p·stride, q·stride) and is titled with out[p, q].
    """
    image, output = np.asarray(image, dtype=float), np.asarray(output, dtype=float)
    rows, cols = output.shape
    figure, axes = plt.subplots(rows, cols, figsize=(2.0 * cols, 2.1 * rows), squeeze=False)
    for (p, q), value in np.ndenumerate(output):
        ax = axes[p, q]
        ax.imshow(image, cmap="Greys", vmin=min(image.min(), 0), vmax=max(image.max(), 1))
        top, left = p * stride - 0.5, q * stride - 0.5
        ax.add_patch(plt.Rectangle((left, top), kernel_size, kernel_size, fill=False, edgecolor="tab:red", linewidth=2))
        ax.set_title(f"out[{p}, {q}] = {value:g}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    figure.suptitle("Which window produced which output")
    figure.tight_layout()
    return figure


def learning_curves(
    histories: dict[str, dict[str, list[float]]], metrics: Sequence[str] = ("loss", "accuracy")
) -> Figure:
    """Training vs validation curves, one panel per metric, one colour per run.

    `histories` maps a run's name to a Keras `History.history` dict (with
    `val_`-prefixed keys where a validation set was used).
    """
    figure, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 3.8), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes.flat, metrics, strict=True):
        for colour, (name, history) in zip(colours, histories.items(), strict=False):
            if metric not in history:
                raise ValueError(f"run {name!r} has no {metric!r}; it recorded {sorted(history)}")
            epochs = range(1, len(history[metric]) + 1)
            marker = "o" if len(epochs) == 1 else None  # a one-epoch run is a point: a line through it is invisible
            ax.plot(epochs, history[metric], color=colour, linestyle="--", marker=marker, label=f"{name} (train)")
            if f"val_{metric}" in history:
                ax.plot(epochs, history[f"val_{metric}"], color=colour, marker=marker, label=f"{name} (validation)")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers: no tick at 1.5
        ax.set_ylabel(metric)
        ax.set_title(f"{metric}: training (dashed) vs validation")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    figure.tight_layout()
    return figure


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, class_names: Sequence[str], title: str = "") -> Figure:
    """Counts of (true class, predicted class), with each cell's count written in."""
    k = len(class_names)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)), 1)
    figure, ax = plt.subplots(figsize=(0.75 * k + 2, 0.65 * k + 1.5))
    ax.imshow(counts, cmap="Blues")
    for (r, c), value in np.ndenumerate(counts):
        ax.text(
            c,
            r,
            str(value),
            ha="center",
            va="center",
            fontsize=8,
            color="white" if value > counts.max() / 2 else "black",
        )
    ax.set_xticks(range(k), class_names, rotation=45, ha="right")
    ax.set_yticks(range(k), class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title or f"Confusion matrix ({counts.sum():,} images)")
    figure.tight_layout()
    return figure


def filter_grid(kernel: np.ndarray, title: str = "", ncols: int = 8) -> Figure:
    """Show a conv layer's filters: kernel (KH, KW, C_in, C_out) with C_in 1 (grey) or 3 (colour)."""
    kernel = np.asarray(kernel)
    if kernel.ndim != 4 or kernel.shape[2] not in (1, 3):
        raise ValueError(f"kernel must be (KH, KW, 1 or 3, C_out), got shape {kernel.shape}")
    filters = np.moveaxis(kernel, 3, 0)  # (C_out, KH, KW, C_in)
    low, high = filters.min(axis=(1, 2, 3), keepdims=True), filters.max(axis=(1, 2, 3), keepdims=True)
    scaled = (filters - low) / np.where(high > low, high - low, 1)  # each filter stretched to [0, 1]
    shown = scaled[..., 0] if kernel.shape[2] == 1 else scaled
    return image_grid(shown, [f"filter {i}" for i in range(len(shown))], ncols=ncols, suptitle=title, cmap="gray")


def feature_map_grid(maps: np.ndarray, title: str = "", count: int = 16, ncols: int = 8) -> Figure:
    """Show the first `count` channels of one image's feature maps (H, W, C)."""
    maps = np.asarray(maps)
    if maps.ndim != 3:
        raise ValueError(f"maps must be one image's feature maps (H, W, C), got shape {maps.shape}")
    count = min(count, maps.shape[2])
    shown = np.moveaxis(maps[..., :count], 2, 0)
    return image_grid(shown, [f"channel {i}" for i in range(count)], ncols=ncols, suptitle=title, cmap="viridis")


def _box(ax: plt.Axes, xy: tuple[float, float], text: str, *, width: float = 1.0, height: float = 0.7,
         colour: str = "#fde9c9", fontsize: float = 11) -> None:  # fmt: skip
    """A rounded box centred at `xy` with `text` in it (for the diagrams below)."""
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                                facecolor=colour, edgecolor="black", linewidth=1.2))  # fmt: skip
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax: plt.Axes, start: tuple[float, float], end: tuple[float, float], label: str = "", *,
           offset: tuple[float, float] = (0.0, 0.0), colour: str = "black", width: float = 1.2) -> None:  # fmt: skip
    """An arrow from `start` to `end`, with `label` written beside its middle (moved by `offset`)."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=colour, linewidth=width,
                                 shrinkA=0, shrinkB=0))  # fmt: skip
    if label:
        middle = ((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1])
        ax.text(*middle, label, ha="center", va="center", fontsize=11, color=colour)


def _node(ax: plt.Axes, xy: tuple[float, float], symbol: str) -> None:
    """A small circle holding a pointwise operation (×, +, tanh)."""
    ax.add_patch(Circle(xy, 0.28, facecolor="#f4cccc", edgecolor="black", linewidth=1.2, zorder=3))
    ax.text(*xy, symbol, ha="center", va="center", fontsize=9 if len(symbol) > 1 else 13, zorder=4)


def unrolled_rnn() -> Figure:
    """The simple RNN folded (one cell with a loop) and unrolled over three steps t−1, t, t+1.

    Every arrow carries the symbol of the equation h_t = tanh(W_hh h_{t−1} + W_xh x_t + b),
    ŷ_t = W_hy h_t: the same three matrices at every step.
    """
    figure, ax = plt.subplots(figsize=(11, 3.8))
    # Folded: one cell whose state feeds back into itself.
    _box(ax, (1, 2), "tanh", colour="#d9ead3")
    _arrow(ax, (1, 0.6), (1, 1.62), "$W_{xh}$", offset=(0.4, 0))
    _arrow(ax, (1, 2.38), (1, 3.4), "$W_{hy}$", offset=(0.4, 0))
    ax.text(1, 0.35, "$x_t$", ha="center", va="center", fontsize=12)
    ax.text(1, 3.65, r"$\hat y_t$", ha="center", va="center", fontsize=12)
    ax.add_patch(FancyArrowPatch((1.55, 2.15), (1.55, 1.85), connectionstyle="arc3,rad=-2.2", arrowstyle="-|>",
                                 mutation_scale=12, linewidth=1.2))  # fmt: skip
    ax.text(2.3, 2, "$W_{hh}$", ha="left", va="center", fontsize=11)
    ax.text(3.2, 2, "=", ha="center", va="center", fontsize=20)
    # Unrolled: one copy of the cell per time step, sharing the weights.
    steps = ["t-1", "t", "t+1"]
    xs = [5.5, 8.0, 10.5]
    ax.text(3.9, 2, r"$\cdots$", ha="center", va="center", fontsize=14)
    _arrow(ax, (4.15, 2), (4.98, 2), "$h_{t-2}$", offset=(0, 0.3))
    for x, step in zip(xs, steps, strict=True):
        _box(ax, (x, 2), "tanh", colour="#d9ead3")
        _arrow(ax, (x, 0.6), (x, 1.62), "$W_{xh}$", offset=(0.4, 0))
        _arrow(ax, (x, 2.38), (x, 3.4), "$W_{hy}$", offset=(0.4, 0))
        ax.text(x, 0.35, f"$x_{{{step}}}$", ha="center", va="center", fontsize=12)
        ax.text(x, 3.65, rf"$\hat y_{{{step}}}$", ha="center", va="center", fontsize=12)
        _arrow(ax, (x + 0.52, 2), (x + 1.98, 2), f"$h_{{{step}}}$", offset=(0, 0.3))
        ax.text(x + 1.25, 1.7, "$W_{hh}$", ha="center", va="center", fontsize=10, color="dimgray")
    ax.text(12.85, 2, r"$\cdots$", ha="center", va="center", fontsize=14)
    ax.set_xlim(0, 13.3)
    ax.set_ylim(0, 4)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(r"A simple RNN unrolled in time: $h_t = \tanh(W_{hh} h_{t-1} + W_{xh} x_t + b)$, "
                 r"$\hat y_t = W_{hy} h_t$, the same weights at every step")  # fmt: skip
    figure.tight_layout()
    return figure


def lstm_cell() -> Figure:
    """One LSTM cell: the cell state C runs along the top like a conveyor belt, the four gates below it.

    Labels are the symbols of the gate equations: f_t, i_t, C̃_t, o_t from
    [h_{t−1}, x_t] with W_f, W_i, W_C, W_o; C_t = f_t * C_{t−1} + i_t * C̃_t;
    h_t = o_t * tanh(C_t).
    """
    figure, ax = plt.subplots(figsize=(9.5, 5))
    ax.add_patch(FancyBboxPatch((1.2, 0.9), 8.6, 4.6, boxstyle="round,pad=0.1", facecolor="#f3f6fb",
                                edgecolor="gray", linewidth=1))  # fmt: skip
    belt = 4.8
    forget_x, add_x, out_x = 2.8, 5.6, 8.3
    # The conveyor belt: C_{t−1} → × f_t → + i_t * C̃_t → C_t.
    _arrow(ax, (0.2, belt), (forget_x - 0.28, belt), "$C_{t-1}$", offset=(-0.4, 0.3), width=2.5)
    _arrow(ax, (forget_x + 0.28, belt), (add_x - 0.28, belt), width=2.5)
    _arrow(ax, (add_x + 0.28, belt), (10.8, belt), "$C_t$", offset=(1.4, 0.3), width=2.5)
    _node(ax, (forget_x, belt), "×")
    _node(ax, (add_x, belt), "+")
    ax.text(4.2, 5.25, "cell state: the conveyor belt", ha="center", va="center", fontsize=10, style="italic")
    # [h_{t−1}, x_t] feeds every gate.
    bus = 1.4
    _arrow(ax, (0.2, bus), (1.8, bus), "$h_{t-1}$", offset=(-0.4, 0.3))
    ax.plot([1.8, 7.2], [bus, bus], color="black", linewidth=1.2)
    _arrow(ax, (1.8, 0.3), (1.8, bus - 0.03))
    ax.text(1.8, 0.1, "$x_t$", ha="center", va="center", fontsize=12)
    ax.text(4.5, 1.1, "$[h_{t-1}, x_t]$", ha="center", va="center", fontsize=10)
    gates = [(2.8, r"$\sigma$", "$W_f, b_f$"), (4.2, r"$\sigma$", "$W_i, b_i$"), (5.6, "tanh", "$W_C, b_C$"),
             (7.2, r"$\sigma$", "$W_o, b_o$")]  # fmt: skip
    for x, function, weights in gates:
        _arrow(ax, (x, bus), (x, 1.95))
        _box(ax, (x, 2.4), f"{function}\n{weights}", width=1.05, height=0.8, colour="#fff2cc", fontsize=10)
    # Forget gate scales the belt; input gate times candidate is added to it.
    _arrow(ax, (forget_x, 2.85), (forget_x, belt - 0.28), "$f_t$", offset=(-0.3, 0))
    _node(ax, (4.9, 3.5), "×")
    _arrow(ax, (4.2, 2.85), (4.7, 3.3), "$i_t$", offset=(-0.25, 0.1))
    _arrow(ax, (5.6, 2.85), (5.1, 3.3), r"$\tilde C_t$", offset=(0.35, 0.1))
    _arrow(ax, (4.9, 3.78), (add_x - 0.2, belt - 0.2), r"$i_t * \tilde C_t$", offset=(-0.7, 0.1))
    # Output: h_t = o_t * tanh(C_t).
    _arrow(ax, (out_x, belt), (out_x, 4.08))
    _node(ax, (out_x, 3.8), "tanh")
    _node(ax, (out_x, 2.4), "×")
    _arrow(ax, (out_x, 3.52), (out_x, 2.68), r"$\tanh(C_t)$", offset=(0.65, 0))
    _arrow(ax, (7.75, 2.4), (out_x - 0.28, 2.4), "$o_t$", offset=(0, 0.25))
    ax.plot([out_x, out_x], [2.12, bus], color="black", linewidth=1.2)
    _arrow(ax, (out_x, bus), (10.8, bus), "$h_t$", offset=(1.4, 0.3))
    ax.set_xlim(-0.2, 11.6)
    ax.set_ylim(-0.2, 5.7)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(r"One LSTM cell: $C_t = f_t * C_{t-1} + i_t * \tilde C_t$, $h_t = o_t * \tanh(C_t)$")
    figure.tight_layout()
    return figure


def mask_colours(classes: int) -> np.ndarray:
    """RGB colours for a label map: white for background (label 0), then tab10's colours for labels 1, 2, ..."""
    palette = plt.get_cmap("tab10")
    return np.array([(1.0, 1.0, 1.0)] + [palette(i % 10)[:3] for i in range(classes - 1)])


def draw_mask(ax: plt.Axes, mask: np.ndarray, title: str = "", classes: int = 11) -> None:
    """Show a label map (H, W) of ints in 0..classes-1 in `mask_colours`, axes off."""
    ax.imshow(mask_colours(classes)[mask], interpolation="nearest")
    ax.set_title(title, fontsize=8)
    ax.axis("off")


def draw_boxes(
    ax: plt.Axes,
    image: np.ndarray,
    boxes: Sequence[Sequence[float]],
    labels: Sequence[str],
    *,
    colour: str = "tab:red",
    title: str = "",
) -> None:
    """Show a grey image with boxes `(x0, y0, x1, y1)` in pixels, each labelled above its top-left corner."""
    ax.imshow(image, cmap="gray_r", vmin=0, vmax=255)
    for (x0, y0, x1, y1), label in zip(boxes, labels, strict=True):
        # Pixel i covers [i - 0.5, i + 0.5] in imshow's coordinates.
        ax.add_patch(plt.Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False, edgecolor=colour, lw=1.2))
        ax.text(x0 - 0.5, y0 - 1, label, color=colour, fontsize=6, va="bottom")
    ax.set_title(title, fontsize=8)
    ax.axis("off")

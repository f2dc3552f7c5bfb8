"""Figures the lessons share: labelled image grids and, later, curves and matrices.

Every function draws into a new figure, labels it, and returns the figure so
tests (Agg backend) can count its axes and titles.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


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
    figure, axes = plt.subplots(nrows, ncols, figsize=(cell_size * ncols, cell_size * nrows + 0.4), squeeze=False)
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
            ax.plot(epochs, history[metric], color=colour, linestyle="--", label=f"{name} (train)")
            if f"val_{metric}" in history:
                ax.plot(epochs, history[f"val_{metric}"], color=colour, label=f"{name} (validation)")
        ax.set_xlabel("epoch")
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

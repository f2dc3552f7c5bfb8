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

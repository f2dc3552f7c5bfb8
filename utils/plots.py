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

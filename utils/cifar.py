"""CIFAR-10 plumbing for lesson 03: per-channel statistics and the seeded validation split.

The lesson's models, training recipe and test-time views are written in the
notebook itself; this module holds only what a student need not read.
"""

from __future__ import annotations

import numpy as np


def channel_stats(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation of images (N, H, W, 3) with values on the 0–255 scale."""
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"expected images of shape (N, height, width, 3), got {images.shape}")
    pixels = images.reshape(-1, 3).astype(np.float64)
    return pixels.mean(axis=0).astype(np.float32), pixels.std(axis=0).astype(np.float32)


def split_train_val(
    images: np.ndarray, labels: np.ndarray, train_images: int, val_images: int, seed: int
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """A seeded random validation split of the training set: `(x_train, y_train), (x_val, y_val)`, images float32.

    The draw is random, not the first images: the offline JPEG copy stores
    the images grouped by class, so `images[:n]` would leave classes out.
    Raises `ValueError` when the two sizes add up to more images than given,
    rather than returning a smaller training set than asked for.
    """
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels: they must match one to one")
    if min(train_images, val_images) < 0 or train_images + val_images > len(images):
        raise ValueError(
            f"{train_images} training + {val_images} validation images asked of {len(images)}:"
            " make the sizes smaller (and not negative)"
        )
    order = np.random.default_rng(seed).permutation(len(images))
    val_index, train_index = order[:val_images], order[val_images:][:train_images]
    return ((images[train_index].astype("float32"), labels[train_index]),
            (images[val_index].astype("float32"), labels[val_index]))  # fmt: skip

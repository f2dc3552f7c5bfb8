"""CIFAR-10 plumbing for lesson 03: channel statistics, the seeded validation split, how JPEG files were encoded.

The lesson's models, training recipe and test-time views are written in the
notebook itself; this module holds only what a student need not read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

# The luminance quantisation table of the JPEG standard (Annex K), row by row, which the IJG library (libjpeg,
# Pillow, most encoders) scales by its 1-100 quality setting.
_STANDARD_LUMINANCE_TABLE = np.array([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
])  # fmt: skip
_CHROMA_SUBSAMPLING = {0: "4:4:4", 1: "4:2:2", 2: "4:2:0"}  # Pillow's codes (JpegImagePlugin.get_sampling)


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


def ijg_quality(luminance_table: Iterable[int]) -> int | None:
    """The IJG quality (1-100) whose scaled standard table equals this 64-entry luminance table, or None.

    libjpeg scales the standard table by 5000/q % below quality 50 and by (200 - 2q) % from 50 on, rounding and
    clipping to 1-255; comparing the stored table with each of the 100 scalings recovers the setting used.
    """
    table = np.asarray(list(luminance_table))
    if table.shape != (64,):
        raise ValueError(f"a JPEG quantisation table has 64 entries, got {table.shape}")
    for quality in range(1, 101):
        scale = 5000 // quality if quality < 50 else 200 - 2 * quality
        if np.array_equal(np.clip((_STANDARD_LUMINANCE_TABLE * scale + 50) // 100, 1, 255), table):
            return quality
    return None


def jpeg_encoding(paths: Iterable[Path]) -> dict[str, Counter]:
    """How JPEG files were encoded, read from their headers only: counts of IJG quality and chroma subsampling.

    Returns `{"quality": Counter, "chroma subsampling": Counter}`; a quality of None means a table no IJG
    setting produces. Raises `ValueError` naming the file if one is not a JPEG.
    """
    from PIL import Image, JpegImagePlugin

    qualities, samplings = Counter(), Counter()
    for path in paths:
        with Image.open(path) as image:
            if image.format != "JPEG":
                raise ValueError(f"{path} is a {image.format} file, not a JPEG: pass the JPEG files only")
            qualities[ijg_quality(image.quantization[0])] += 1
            samplings[_CHROMA_SUBSAMPLING.get(JpegImagePlugin.get_sampling(image), "other")] += 1
    return {"quality": qualities, "chroma subsampling": samplings}

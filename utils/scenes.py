"""Scenes of clothing for lesson 08: Fashion-MNIST items pasted on a larger canvas, with exact ground truth.

No segmentation, detection or captioning data set can be downloaded offline, and
a lesson's ground truth should be exact, so lesson 08 builds its own. Each scene
holds one to `max_items` Fashion-MNIST pictures, resized and pasted at random
places on a `canvas` × `canvas` image, and comes with

- a mask: each pixel's class + 1 where an item's own ink covers it, 0 for the
  background (a later item's ink covers an earlier one's where they overlap);
- a box `(x0, y0, x1, y1)` (pixels, `x1`/`y1` one past the last column/row of
  ink) and a class for each item, in left-to-right order of the boxes' centres;
- a caption from a small grammar, e.g. "a sneaker to the left of a bag above a
  shirt": the items left to right, each pair of neighbours joined by where the
  first one is relative to the second ("to the left of", "above", "below").

Placements that would make the ground truth ambiguous are redrawn: centres
nearly level left to right (the order of the items), pairs nearly diagonal (left
of, or above?), and items covering more than a little of each other. This module
is plumbing: the lesson's networks, losses and metrics are written in its cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

CLASS_WORDS = ("t-shirt", "trousers", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot")
ARTICLES = {"trousers": "some"}  # every other item takes "a"
RELATIONS = {"left": "to the left of", "above": "above", "below": "below"}
INK = 26  # a resized pixel at or above this (of 255) is the item's ink
MIN_GAP = 4  # pixels between neighbours' centres, and between |dx| and |dy|, for an unambiguous caption
MAX_COVER = 0.1  # the largest share of either box that another box may cover


class SceneError(ValueError):
    """A scene request that cannot be met, or a caption that does not follow the grammar."""


@dataclass(frozen=True)
class Scenes:
    """A batch of scenes. `classes[i, :counts[i]]` and `boxes[i, :counts[i]]` are scene i's items, left to right.

    images: (N, canvas, canvas) uint8; masks: (N, canvas, canvas) uint8, 0 background, class + 1 elsewhere;
    boxes: (N, max_items, 4) float32 `(x0, y0, x1, y1)`, zeros past `counts`; classes: (N, max_items) int64,
    -1 past `counts`; counts: (N,) int64; captions: N strings; sources: (N, max_items) int64, the index of each
    item's picture in the images given to `make_scenes`, -1 past `counts`.
    """

    images: np.ndarray
    masks: np.ndarray
    boxes: np.ndarray
    classes: np.ndarray
    counts: np.ndarray
    captions: list[str]
    sources: np.ndarray

    def __len__(self) -> int:
        return len(self.images)


def relation(first: np.ndarray, second: np.ndarray) -> str:
    """Where box `first` is relative to box `second`: "left" when the centres differ more across than down."""
    dx = (second[0] + second[2] - first[0] - first[2]) / 2
    dy = (second[1] + second[3] - first[1] - first[3]) / 2
    if abs(dx) >= abs(dy):
        return "left"
    return "above" if dy > 0 else "below"


def describe(classes: list[int] | np.ndarray, boxes: np.ndarray) -> str:
    """The caption of items already in left-to-right order: names joined by their neighbours' relations."""
    words = []
    for i, label in enumerate(classes):
        name = CLASS_WORDS[int(label)]
        if i:
            words.append(RELATIONS[relation(boxes[i - 1], boxes[i])])
        words += [ARTICLES.get(name, "a"), name]
    return " ".join(words)


def parse_caption(caption: str) -> tuple[list[int], list[str]]:
    """Read a caption back into its classes (left to right) and the relations between neighbours.

    Raises `SceneError` naming the first word that breaks the grammar, so a
    generated caption can be checked as well as compared.
    """
    words, classes, relations = caption.split(), [], []
    phrases = sorted(((key, text.split()) for key, text in RELATIONS.items()), key=lambda kv: -len(kv[1]))
    i = 0
    while True:
        name = words[i + 1] if i + 1 < len(words) else None
        if name not in CLASS_WORDS or words[i] != ARTICLES.get(name, "a"):
            raise SceneError(f"caption {caption!r}: expected an article and an item at word {i + 1}")
        classes.append(CLASS_WORDS.index(name))
        i += 2
        if i == len(words):
            return classes, relations
        for key, phrase in phrases:
            if words[i : i + len(phrase)] == phrase:
                relations.append(key)
                i += len(phrase)
                break
        else:
            raise SceneError(f"caption {caption!r}: expected a relation ({', '.join(RELATIONS.values())}) "
                             f"at word {i + 1}")


def _resized(picture: np.ndarray, side: int) -> np.ndarray:
    return np.asarray(Image.fromarray(picture).resize((side, side), Image.BILINEAR))


def _ink_box(ink: np.ndarray, left: int, top: int) -> np.ndarray:
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return np.array([left + cols[0], top + rows[0], left + cols[-1] + 1, top + rows[-1] + 1], np.float32)


def _clashes(box: np.ndarray, others: list[np.ndarray]) -> bool:
    centre = (box[:2] + box[2:]) / 2
    area = np.prod(box[2:] - box[:2])
    for other in others:
        other_centre = (other[:2] + other[2:]) / 2
        dx, dy = np.abs(centre - other_centre)
        overlap = np.prod(np.clip(np.minimum(box[2:], other[2:]) - np.maximum(box[:2], other[:2]), 0, None))
        if dx < MIN_GAP or abs(dx - dy) < MIN_GAP:
            return True
        if overlap > MAX_COVER * min(area, np.prod(other[2:] - other[:2])):
            return True
    return False


def make_scenes(
    pictures: np.ndarray,
    labels: np.ndarray,
    count: int,
    seed: int,
    *,
    canvas: int = 64,
    sizes: tuple[int, int] = (24, 32),
    max_items: int = 3,
) -> Scenes:
    """Draw `count` scenes from `pictures` (N, 28, 28) uint8 with `labels` (N,), the same scenes for the same seed.

    Each scene has 1 to `max_items` items (equally likely), each a picture
    resized to a side drawn from `sizes` (inclusive). Pictures are drawn
    without replacement while they last, so a picture is used again only when
    a split asks for more items than it has pictures.
    """
    if pictures.ndim != 3 or len(pictures) != len(labels) or len(pictures) == 0:
        raise SceneError(f"expected pictures (N, height, width) with N labels, got {pictures.shape} and "
                         f"{len(labels)} labels")
    if not 1 <= sizes[0] <= sizes[1] <= canvas // 2 or max_items < 1 or count < 0:
        raise SceneError(f"sizes {sizes} must lie in 1..canvas/2 = {canvas // 2}, max_items ({max_items}) be at "
                         f"least 1 and count ({count}) not negative")
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, max_items + 1, count)
    order = np.concatenate([rng.permutation(len(pictures)) for _ in range(-(-counts.sum() // len(pictures)))])
    images = np.zeros((count, canvas, canvas), np.uint8)
    masks = np.zeros((count, canvas, canvas), np.uint8)
    boxes = np.zeros((count, max_items, 4), np.float32)
    classes = np.full((count, max_items), -1, np.int64)
    sources = np.full((count, max_items), -1, np.int64)
    captions, used = [], 0
    for i, k in enumerate(counts):
        picks = order[used : used + k]
        used += k
        while True:  # redraw the whole scene until its items sit without ambiguity
            placed = []
            for pick in picks:
                side = int(rng.integers(sizes[0], sizes[1] + 1))
                left, top = (int(v) for v in rng.integers(0, canvas - side + 1, 2))
                item = _resized(pictures[pick], side)
                placed.append((pick, item, left, top, _ink_box(item >= INK, left, top)))
            if not any(_clashes(p[4], [q[4] for q in placed[:j]]) for j, p in enumerate(placed)):
                break
        for pick, item, left, top, _ in placed:  # paste in drawing order: a later item's ink covers earlier ones
            ink = item >= INK
            window = (slice(top, top + len(item)), slice(left, left + len(item)))
            images[i][window] = np.where(ink, item, images[i][window])
            masks[i][window] = np.where(ink, labels[pick] + 1, masks[i][window])
        placed.sort(key=lambda p: p[4][0] + p[4][2])
        boxes[i, :k] = [p[4] for p in placed]
        classes[i, :k] = [labels[p[0]] for p in placed]
        sources[i, :k] = [p[0] for p in placed]
        captions.append(describe(classes[i, :k], boxes[i, :k]))
    return Scenes(images, masks, boxes, classes, counts.astype(np.int64), captions, sources)

"""Lesson 08's by-hand references: intersection over union, non-maximum suppression, average precision.

Lesson 08 writes each of these in its cells and checks its own against these;
the tests check these against TensorFlow (`tf.image.non_max_suppression`,
`keras.metrics.MeanIoU`) and against a brute-force computation of average
precision, so the lesson's figures mean what the detection literature means
(PASCAL VOC's all-point average precision at IoU 0.5).
"""

from __future__ import annotations

import numpy as np


def box_iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """IoU of one box `(x0, y0, x1, y1)` with each row of `others` (M, 4): overlap area over union area."""
    others = np.asarray(others, np.float64).reshape(-1, 4)
    width = np.clip(np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0]), 0, None)
    height = np.clip(np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1]), 0, None)
    overlap = width * height
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    return overlap / np.maximum(area + areas - overlap, 1e-12)


def mask_iou(truth: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """Per-class IoU of two label maps: pixels both call c over pixels either calls c (NaN where neither does)."""
    if truth.shape != predicted.shape:
        raise ValueError(f"masks of shapes {truth.shape} and {predicted.shape}: they must match pixel for pixel")
    confusion = np.bincount(truth.ravel().astype(np.int64) * classes + predicted.ravel(),
                            minlength=classes * classes).reshape(classes, classes)
    both = np.diag(confusion).astype(np.float64)
    either = confusion.sum(axis=0) + confusion.sum(axis=1) - both
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(either > 0, both / either, np.nan)


def non_max_suppression(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float = 0.5) -> np.ndarray:
    """Indices of the boxes kept, best score first: each box in turn removes the lower-scored boxes it overlaps."""
    order = list(np.argsort(-np.asarray(scores), kind="stable"))
    keep = []
    while order:
        best, order = order[0], order[1:]
        keep.append(best)
        if order:
            overlaps = box_iou(boxes[best], boxes[order])
            order = [i for i, v in zip(order, overlaps, strict=True) if v <= iou_threshold]
    return np.array(keep, dtype=np.int64)


def match_detections(
    detections: list[tuple[float, np.ndarray]], truths: np.ndarray, iou_threshold: float = 0.5
) -> list[tuple[float, bool]]:
    """Mark each detection (score, box) of one image and one class right or wrong, best score first.

    A detection is right when its IoU with a true box not yet taken by a
    better-scored detection is at least `iou_threshold`; a second detection of
    the same item counts as wrong (as PASCAL VOC counts it).
    """
    taken = np.zeros(len(truths), bool)
    marked = []
    for score, box in sorted(detections, key=lambda d: -d[0]):
        overlaps = box_iou(box, truths) if len(truths) else np.zeros(0)
        best = int(np.argmax(overlaps)) if len(overlaps) else -1
        right = best >= 0 and overlaps[best] >= iou_threshold and not taken[best]
        if right:
            taken[best] = True
        marked.append((score, right))
    return marked


def average_precision(marked: list[tuple[float, bool]], positives: int) -> float:
    """All-point average precision: the area under the precision–recall curve made monotone from the right.

    `marked` holds every detection of one class over the whole data set as
    (score, right); `positives` is the number of true items of that class.
    """
    if positives <= 0:
        raise ValueError(f"average precision needs at least one true item, got {positives}")
    rights = np.array([right for _, right in sorted(marked, key=lambda d: -d[0])], dtype=np.float64)
    true_positives = np.cumsum(rights)
    recall = np.concatenate([[0.0], true_positives / positives, [1.0]])
    precision = np.concatenate([[0.0], true_positives / np.arange(1, len(rights) + 1), [0.0]])
    precision = np.maximum.accumulate(precision[::-1])[::-1]
    steps = np.flatnonzero(recall[1:] != recall[:-1])
    return float(np.sum((recall[steps + 1] - recall[steps]) * precision[steps + 1]))

"""Lesson 08's references: IoU, non-maximum suppression and average precision against TensorFlow and brute force."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from utils import detection


def random_boxes(rng, count):
    corner = rng.uniform(0, 50, (count, 2))
    return np.concatenate([corner, corner + rng.uniform(4, 20, (count, 2))], axis=1)


def test_box_iou_by_hand():
    box = np.array([0, 0, 10, 10])
    others = np.array([[0, 0, 10, 10], [5, 0, 15, 10], [10, 10, 20, 20], [2, 2, 4, 4]])
    np.testing.assert_allclose(detection.box_iou(box, others), [1, 50 / 150, 0, 4 / 100])


def test_mask_iou_matches_keras_mean_iou():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 5, (3, 16, 16))
    predicted = np.where(rng.random(truth.shape) < 0.7, truth, rng.integers(0, 5, truth.shape))
    per_class = detection.mask_iou(truth, predicted, 5)
    metric = keras.metrics.MeanIoU(num_classes=5)
    metric.update_state(truth.ravel(), predicted.ravel())
    np.testing.assert_allclose(np.nanmean(per_class), float(metric.result()), rtol=1e-6)
    assert np.isnan(detection.mask_iou(np.zeros((2, 2), int), np.zeros((2, 2), int), 3)[1])
    with pytest.raises(ValueError, match="pixel for pixel"):
        detection.mask_iou(truth, predicted[:1], 5)


@pytest.mark.parametrize("seed", range(5))
def test_non_max_suppression_matches_tensorflow(seed):
    rng = np.random.default_rng(seed)
    boxes, scores = random_boxes(rng, 40), rng.random(40)
    ours = detection.non_max_suppression(boxes, scores, 0.5)
    theirs = tf.image.non_max_suppression(boxes[:, [1, 0, 3, 2]].astype(np.float32), scores.astype(np.float32),
                                          max_output_size=40, iou_threshold=0.5).numpy()
    np.testing.assert_array_equal(ours, theirs)


def brute_force_average_precision(marked, positives):
    """Interpolated precision at each recall level reached, from the definition: max precision at recall >= r."""
    scores = sorted({score for score, _ in marked}, reverse=True)
    points = []
    for threshold in scores:
        kept = [right for score, right in marked if score >= threshold]
        points.append((sum(kept) / positives, sum(kept) / len(kept)))
    area, previous = 0.0, 0.0
    for recall in sorted({r for r, _ in points}):
        area += (recall - previous) * max(p for r, p in points if r >= recall)
        previous = recall
    return area


@pytest.mark.parametrize("seed", range(5))
def test_average_precision_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    marked = [(float(s), bool(r)) for s, r in zip(rng.random(30), rng.random(30) < 0.6, strict=True)]
    positives = sum(r for _, r in marked) + int(rng.integers(0, 5))
    assert detection.average_precision(marked, positives) == pytest.approx(
        brute_force_average_precision(marked, positives))


def test_average_precision_by_hand_and_bad_input():
    assert detection.average_precision([(0.9, True), (0.8, True)], 2) == 1.0
    assert detection.average_precision([(0.9, False), (0.8, True)], 2) == pytest.approx(0.25)
    assert detection.average_precision([], 3) == 0.0
    with pytest.raises(ValueError, match="at least one true item"):
        detection.average_precision([(0.5, False)], 0)


def test_a_second_detection_of_the_same_item_is_wrong():
    truth = np.array([[0, 0, 10, 10]])
    marked = detection.match_detections([(0.9, np.array([0, 0, 10, 10])), (0.95, np.array([1, 0, 10, 10])),
                                         (0.5, np.array([30, 30, 40, 40]))], truth)
    assert marked == [(0.95, True), (0.9, False), (0.5, False)]

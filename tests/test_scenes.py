"""Lesson 08's scenes: deterministic from a seed, masks agree with boxes, captions parse back to the scene."""

import numpy as np
import pytest

from utils import scenes


@pytest.fixture(scope="module")
def pictures():
    """Forty 28×28 'pictures' with ink of different shapes, four of each class."""
    rng = np.random.default_rng(0)
    images = np.zeros((40, 28, 28), np.uint8)
    for i in range(40):
        top, left = rng.integers(0, 8, 2)
        images[i, top : top + 20, left : left + 16] = rng.integers(60, 256, (20, 16))
    return images, np.arange(40) % 10


@pytest.fixture(scope="module")
def batch(pictures):
    return scenes.make_scenes(*pictures, count=60, seed=3)


def test_the_same_seed_gives_the_same_scenes_and_another_seed_others(pictures, batch):
    again = scenes.make_scenes(*pictures, count=60, seed=3)
    for name in ("images", "masks", "boxes", "classes", "counts", "sources"):
        np.testing.assert_array_equal(getattr(batch, name), getattr(again, name))
    assert batch.captions == again.captions
    assert not np.array_equal(batch.images, scenes.make_scenes(*pictures, count=60, seed=4).images)


def test_scenes_hold_one_to_three_items_padded_past_their_count(batch):
    assert set(batch.counts) == {1, 2, 3}
    for k, classes, boxes, sources in zip(batch.counts, batch.classes, batch.boxes, batch.sources, strict=True):
        assert (classes[k:] == -1).all() and (sources[k:] == -1).all() and (boxes[k:] == 0).all()
        assert (classes[:k] >= 0).all()


def test_masks_agree_with_boxes_and_images(pictures, batch):
    _, labels = pictures
    np.testing.assert_array_equal(batch.masks > 0, batch.images >= scenes.INK)  # ink is the item, nothing else
    for image_mask, k, classes, boxes, sources in zip(batch.masks, batch.counts, batch.classes, batch.boxes,
                                                      batch.sources, strict=True):
        np.testing.assert_array_equal(classes[:k], labels[sources[:k]])
        covered = np.zeros_like(image_mask, bool)
        for label, (x0, y0, x1, y1) in zip(classes[:k], boxes[:k].astype(int), strict=True):
            inside = image_mask[y0:y1, x0:x1] == label + 1
            assert inside.sum() >= 0.5 * inside.size  # the test's items are solid: most of each box is its ink
            covered[y0:y1, x0:x1] |= inside
        assert (covered == (image_mask > 0)).all()  # every labelled pixel lies in a box of its class


def test_items_run_left_to_right_and_keep_apart(batch):
    for k, boxes in zip(batch.counts, batch.boxes, strict=True):
        centres = (boxes[:k, :2] + boxes[:k, 2:]) / 2
        assert (np.diff(centres[:, 0]) >= scenes.MIN_GAP).all()


def test_captions_parse_back_to_the_scene(batch):
    for caption, k, classes, boxes in zip(batch.captions, batch.counts, batch.classes, batch.boxes, strict=True):
        parsed_classes, relations = scenes.parse_caption(caption)
        assert parsed_classes == list(classes[:k])
        assert relations == [scenes.relation(boxes[i], boxes[i + 1]) for i in range(k - 1)]
    assert {r for c in batch.captions for r in scenes.parse_caption(c)[1]} == {"left", "above", "below"}


def test_relations_and_captions_by_hand():
    left, right = np.array([0, 0, 10, 10]), np.array([20, 4, 30, 14])
    below = np.array([2, 30, 12, 40])
    assert scenes.relation(left, right) == "left" and scenes.relation(left, below) == "above"
    assert scenes.relation(below, right) == "below"
    caption = scenes.describe([1, 7], np.stack([left, right]))
    assert caption == "some trousers to the left of a sneaker"
    assert scenes.parse_caption("a bag above a shirt below a boot") == ([8, 6, 9], ["above", "below"])


@pytest.mark.parametrize("caption", ["", "a", "a shoe", "a bag beside a shirt", "a bag above", "some bag",
                                     "a bag to the left a shirt"])
def test_captions_outside_the_grammar_raise_scene_error(caption):
    with pytest.raises(scenes.SceneError, match="caption"):
        scenes.parse_caption(caption)


def test_bad_requests_raise_scene_error(pictures):
    images, labels = pictures
    with pytest.raises(scenes.SceneError, match="labels"):
        scenes.make_scenes(images, labels[:5], count=3, seed=0)
    with pytest.raises(scenes.SceneError, match="sizes"):
        scenes.make_scenes(images, labels, count=3, seed=0, sizes=(20, 40))


def test_pictures_are_used_once_while_they_last(pictures):
    batch = scenes.make_scenes(*pictures, count=15, seed=1)
    used = batch.sources[batch.sources >= 0]
    assert len(used) <= 40 and len(set(used)) == len(used)

"""Lesson 03's plumbing: per-channel statistics and the seeded validation split."""

import numpy as np
import pytest

from utils import cifar


def test_channel_stats_are_per_channel():
    images = np.zeros((2, 4, 4, 3), dtype=np.uint8)
    images[..., 1] = 10
    images[1, ..., 2] = 200
    mean, std = cifar.channel_stats(images)
    np.testing.assert_allclose(mean, [0, 10, 100])
    np.testing.assert_allclose(std, [0, 0, 100])
    with pytest.raises(ValueError, match="N, height, width, 3"):
        cifar.channel_stats(np.zeros((4, 4, 3)))


def test_validation_split_is_random_disjoint_and_float():
    labels = np.repeat(np.arange(10), 20).astype(np.uint8)  # grouped by class, like the JPEG copy
    images = np.arange(200, dtype=np.uint8).reshape(200, 1, 1, 1) * np.ones((1, 2, 2, 3), np.uint8)
    (x_train, y_train), (x_val, _) = cifar.split_train_val(images, labels, 150, 40, seed=0)
    assert x_train.dtype == np.float32 and len(x_train) == 150 and len(x_val) == 40
    assert not set(x_train[:, 0, 0, 0]) & set(x_val[:, 0, 0, 0])
    assert set(y_train) == set(range(10))  # every class in a random 150, unlike images[:150]


def test_validation_split_refuses_sizes_larger_than_the_images_given():
    images, labels = np.zeros((100, 1, 1, 3), np.uint8), np.zeros(100, np.uint8)
    with pytest.raises(ValueError, match="95 training \\+ 10 validation images asked of 100"):
        cifar.split_train_val(images, labels, 95, 10, seed=0)
    with pytest.raises(ValueError, match="100 images but 99 labels"):
        cifar.split_train_val(images, labels[:99], 50, 10, seed=0)
    (x_train, _), (x_val, _) = cifar.split_train_val(images, labels, 90, 10, seed=0)  # exactly all: fine
    assert (len(x_train), len(x_val)) == (90, 10)


@pytest.mark.parametrize(("quality", "subsampling", "name"), [(75, 2, "4:2:0"), (90, 0, "4:4:4"), (30, 1, "4:2:2")])
def test_jpeg_encoding_reads_quality_and_subsampling_back_from_the_headers(tmp_path, quality, subsampling, name):
    from PIL import Image

    pixels = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    paths = [tmp_path / f"{i}.jpg" for i in range(3)]
    for path in paths:
        Image.fromarray(pixels).save(path, quality=quality, subsampling=subsampling)
    encoding = cifar.jpeg_encoding(paths)
    assert encoding == {"quality": {quality: 3}, "chroma subsampling": {name: 3}}


def test_ijg_quality_is_none_for_a_table_no_setting_produces_and_refuses_a_wrong_size():
    assert cifar.ijg_quality([1] * 64) == 100  # quality 100 scales every entry to 1
    assert cifar.ijg_quality([3] * 64) is None
    with pytest.raises(ValueError, match="64 entries"):
        cifar.ijg_quality([1] * 63)


def test_jpeg_encoding_names_a_file_that_is_not_a_jpeg(tmp_path):
    from PIL import Image

    path = tmp_path / "image.png"
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(path)
    with pytest.raises(ValueError, match=r"image\.png is a PNG file, not a JPEG"):
        cifar.jpeg_encoding([path])

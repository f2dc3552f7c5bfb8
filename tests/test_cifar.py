"""Lesson 03's models: augmentation, normalisation, the residual network, multiply-add counting, flip averaging."""

import keras
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


def test_augmentation_shifts_each_image_by_whole_pixels_and_passes_through_at_inference():
    keras.utils.set_random_seed(0)
    images = np.random.default_rng(0).integers(1, 255, size=(64, 32, 32, 3)).astype("float32")
    layer = cifar.augmentation(pad=4)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(images, training=False)), images)
    shifted = keras.ops.convert_to_numpy(layer(images, training=True))
    offsets = set()
    for original, out in zip(images, shifted, strict=True):
        found = [
            (dy, dx, flip)
            for flip in (False, True)
            for dy in range(-4, 5)
            for dx in range(-4, 5)
            if np.array_equal(out, _shift(original[:, ::-1] if flip else original, dy, dx))
        ]
        assert found, "an augmented image is not a flipped and/or whole-pixel shifted copy"
        offsets.add(found[0])
    assert len(offsets) > 10  # each image gets its own shift and flip, not one per batch


def _shift(image, dy, dx):
    padded = np.pad(image, ((4, 4), (4, 4), (0, 0)))
    return padded[4 - dy : 36 - dy, 4 - dx : 36 - dx]


@pytest.mark.parametrize("builder", [cifar.build_plain_cnn, cifar.build_resnet])
def test_models_map_uint8_images_to_class_probabilities(builder):
    keras.utils.set_random_seed(0)
    mean, std = np.full(3, 120.0, "float32"), np.full(3, 60.0, "float32")
    model = builder(mean, std, widths=(8, 16, 16))
    probabilities = keras.ops.convert_to_numpy(model(np.zeros((2, 32, 32, 3), "float32")))
    assert probabilities.shape == (2, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_resnet_stages_add_their_input_back():
    model = cifar.build_resnet(np.zeros(3, "float32"), np.ones(3, "float32"), widths=(8, 16, 32))
    adds = [layer for layer in model.layers if isinstance(layer, keras.layers.Add)]
    assert [layer.name for layer in adds] == ["stage1_skip", "stage2_skip"]
    with pytest.raises(ValueError, match="at least one stage"):
        cifar.build_resnet(np.zeros(3), np.ones(3), widths=(8,))


def test_multiply_adds_count_convolutions_and_dense_layers():
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)  # 8*8*4 outputs x 3*3*3 weights each
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(10)(x)  # 256 x 10
    assert cifar.multiply_adds(keras.Model(inputs, outputs)) == 8 * 8 * 4 * 27 + 256 * 10


def test_flip_averaging_is_flip_invariant():
    keras.utils.set_random_seed(0)
    model = cifar.build_plain_cnn(np.zeros(3, "float32"), np.ones(3, "float32"), widths=(4, 4, 4))
    images = np.random.default_rng(1).random((3, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(
        cifar.predict_with_views(model, images, shift=0),
        cifar.predict_with_views(model, images[:, :, ::-1], shift=0),
        rtol=1e-5,
        atol=1e-6,
    )


def test_shifted_views_move_whole_pixels_with_a_black_border_and_count_half():
    image = np.arange(2 * 5 * 5 * 1, dtype="float32").reshape(2, 5, 5, 1) + 1
    down_right = cifar.shifted(image, 1, 1)
    np.testing.assert_array_equal(down_right[:, 1:, 1:], image[:, :-1, :-1])
    assert np.all(down_right[:, 0] == 0) and np.all(down_right[:, :, 0] == 0)
    np.testing.assert_array_equal(cifar.shifted(image, -2, 0)[:, :-2], image[:, 2:])
    with pytest.raises(ValueError, match="batch of images"):
        cifar.shifted(image[0], 1, 1)
    keras.utils.set_random_seed(0)
    model = cifar.build_plain_cnn(np.zeros(3, "float32"), np.ones(3, "float32"), widths=(4, 4, 4))
    images = np.random.default_rng(1).random((3, 32, 32, 3)).astype("float32")

    def predict(x):
        return model.predict(x, verbose=0)

    mirrored = images[:, :, ::-1]
    by_hand = (predict(images) + predict(mirrored)) / 4 + sum(
        predict(np.pad(view, ((0, 0), (1, 1), (1, 1), (0, 0)))[:, a : a + 32, a : a + 32]) / 8
        for view in (images, mirrored)
        for a in (0, 2)
    )
    np.testing.assert_allclose(cifar.predict_with_views(model, images), by_hand, rtol=1e-5, atol=1e-6)


def test_validation_split_is_random_disjoint_and_float():
    labels = np.repeat(np.arange(10), 20).astype(np.uint8)  # grouped by class, like the JPEG copy
    images = np.arange(200, dtype=np.uint8).reshape(200, 1, 1, 1) * np.ones((1, 2, 2, 3), np.uint8)
    (x_train, y_train), (x_val, _) = cifar.split_train_val(images, labels, 150, 40, seed=0)
    assert x_train.dtype == np.float32 and len(x_train) == 150 and len(x_val) == 40
    assert not set(x_train[:, 0, 0, 0]) & set(x_val[:, 0, 0, 0])
    assert set(y_train) == set(range(10))  # every class in a random 150, unlike images[:150]


def test_predict_views_gives_the_single_view_the_mirror_pair_and_all_views_at_once():
    keras.utils.set_random_seed(0)
    model = cifar.build_plain_cnn(np.zeros(3, "float32"), np.ones(3, "float32"), widths=(4, 4, 4))
    images = np.random.default_rng(2).random((3, 32, 32, 3)).astype("float32")
    single, mirrored = model.predict(images, verbose=0), model.predict(images[:, :, ::-1], verbose=0)
    views = cifar.predict_views(model, images)
    np.testing.assert_allclose(views.single, single, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(views.mirror_pair, (single + mirrored) / 2, rtol=1e-5, atol=1e-6)
    assert not np.allclose(views.all_views, views.mirror_pair, rtol=1e-5, atol=1e-6)  # the shifted views count
    np.testing.assert_allclose(cifar.predict_views(model, images, shift=0).all_views, views.mirror_pair, rtol=1e-6)

"""What lesson 07 teaches about batch norm in fine-tuning, checked on the installed Keras.

Section 2.4 of lesson 07 says that in Keras 3 `fit` overrides a `training=False`
written inside a functional model once the nested base is trainable, and that
setting each `BatchNormalization` layer's `trainable` to `False` is what keeps
its statistics (the code of section 2.8). These tests run on both CI stacks
(pinned and Colab), so a Keras release that changes either behaviour fails here
instead of leaving the lesson's prose wrong.
"""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")
layers = keras.layers


def base_inside_model() -> tuple[keras.Model, layers.BatchNormalization]:
    """A trainable base (dense → batch norm) called with `training=False` in an outer model, as Keras' guide has it."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    normalise = layers.BatchNormalization()
    base = keras.Model(inputs, normalise(layers.Dense(3)(inputs)))
    outer_inputs = keras.Input((4,))
    model = keras.Model(outer_inputs, layers.Dense(2)(base(outer_inputs, training=False)))
    model.compile(optimizer="sgd", loss="mse")
    return model, normalise


def moving_mean_after_fit(model: keras.Model, normalise: layers.BatchNormalization) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = (5 * rng.standard_normal((32, 4)) + 3).astype("float32")
    before = keras.ops.convert_to_numpy(normalise.moving_mean).copy()
    model.fit(x, np.zeros((32, 2), "float32"), batch_size=32, epochs=1, verbose=0)
    return before, keras.ops.convert_to_numpy(normalise.moving_mean)


def test_fit_overrides_a_nested_training_false_once_the_base_is_trainable():
    model, normalise = base_inside_model()
    before, after = moving_mean_after_fit(model, normalise)
    assert not np.allclose(before, after), "batch norm kept its statistics: lesson 07's section 2.4 is out of date"


def test_non_trainable_batch_norm_keeps_its_statistics_in_fit():
    model, normalise = base_inside_model()
    normalise.trainable = False
    model.compile(optimizer="sgd", loss="mse")
    before, after = moving_mean_after_fit(model, normalise)
    np.testing.assert_array_equal(before, after)

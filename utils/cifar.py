"""CIFAR-10 models for lesson 03: normalisation, augmentation layers, a plain CNN and a small residual network.

The residual network follows the fast-training CIFAR-10 recipes (ResNet-9 and
airbench): few, wide stages, each a convolution, a 2×2 max-pool, batch
normalisation and a residual pair of convolutions; then a global max-pool and
one dense layer. It is small enough to reach 90% in well under an hour on two
CPU cores. `benchmarks/cifar10_resnet.py` and the notebook share this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import keras
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
    """
    order = np.random.default_rng(seed).permutation(len(images))
    val_index, train_index = order[:val_images], order[val_images:][:train_images]
    return ((images[train_index].astype("float32"), labels[train_index]),
            (images[val_index].astype("float32"), labels[val_index]))  # fmt: skip


def augmentation(pad: int = 4, size: int = 32) -> keras.Sequential:
    """Random horizontal flip and random crop of the image padded by `pad` zero pixels, in training only.

    Padding by `pad` and cropping back to `size` is the same as shifting the
    image by a whole number of pixels in [-pad, pad] and filling with zeros:
    `RandomTranslation` with nearest-pixel interpolation does exactly that,
    with a different shift for every image (Keras' `RandomCrop` draws one
    crop per batch). At inference both layers pass images through unchanged.
    """
    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal"),
            keras.layers.RandomTranslation(pad / size, pad / size, fill_mode="constant", interpolation="nearest"),
        ],
        name="augmentation",
    )


def _conv_bn_relu(x: keras.KerasTensor, filters: int, batch_norm: bool = True, name: str = "") -> keras.KerasTensor:
    x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm, name=f"{name}_conv")(x)
    if batch_norm:
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
    return keras.layers.ReLU(name=f"{name}_relu")(x)


def build_plain_cnn(
    mean: np.ndarray,
    std: np.ndarray,
    widths: Sequence[int] = (32, 64, 128),
    batch_norm: bool = False,
    augment: bool = False,
    dropout: float = 0.0,
) -> keras.Model:
    """The classic CNN: [Conv → ReLU → Conv → ReLU → Pool] per width, then a dense layer and softmax.

    The switches add one improvement at a time: batch normalisation after
    every convolution, flip-and-crop augmentation, dropout before the
    classifier. Inputs are uint8-valued images; the model normalises them.
    """
    inputs = keras.Input((32, 32, 3), name="image")
    x = augmentation()(inputs) if augment else inputs
    x = keras.layers.Normalization(mean=mean, variance=std**2, name="normalize")(x)
    for stage, width in enumerate(widths, start=1):
        x = _conv_bn_relu(x, width, batch_norm, name=f"stage{stage}a")
        x = _conv_bn_relu(x, width, batch_norm, name=f"stage{stage}b")
        x = keras.layers.MaxPooling2D(name=f"stage{stage}_pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    x = keras.layers.Dense(128, activation="relu", name="dense")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="class_probabilities")(x)
    return keras.Model(inputs, outputs, name="plain_cnn")


def _residual_stage(x: keras.KerasTensor, filters: int, name: str) -> keras.KerasTensor:
    """Convolution to `filters` channels, 2×2 max-pool, then x + F(x) with F two conv-BN-ReLU layers."""
    x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = keras.layers.MaxPooling2D(name=f"{name}_pool")(x)
    x = keras.layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
    x = keras.layers.ReLU(name=f"{name}_relu")(x)
    shortcut = x
    x = _conv_bn_relu(x, filters, name=f"{name}_res1")
    x = _conv_bn_relu(x, filters, name=f"{name}_res2")
    return keras.layers.Add(name=f"{name}_skip")([shortcut, x])


def build_resnet(
    mean: np.ndarray, std: np.ndarray, widths: Sequence[int] = (32, 64, 128, 256), augment: bool = True
) -> keras.Model:
    """A small residual network: a stem convolution, then one residual stage per remaining width.

    32×32 → stem (widths[0]) → stages halve the resolution (16, 8, 4, …) →
    global max-pool → dense logits → softmax. Each stage's skip connection
    lets the gradient reach early layers unchanged, so depth does not stall
    training.
    """
    if len(widths) < 2:
        raise ValueError(f"widths needs the stem's and at least one stage's width, got {tuple(widths)}")
    inputs = keras.Input((32, 32, 3), name="image")
    x = augmentation()(inputs) if augment else inputs
    x = keras.layers.Normalization(mean=mean, variance=std**2, name="normalize")(x)
    x = _conv_bn_relu(x, widths[0], name="stem")
    for stage, width in enumerate(widths[1:], start=1):
        x = _residual_stage(x, width, name=f"stage{stage}")
    x = keras.layers.GlobalMaxPooling2D(name="global_max_pool")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="class_probabilities")(x)
    return keras.Model(inputs, outputs, name="resnet")


def compile_for_fast_training(
    model: keras.Model,
    peak_learning_rate: float,
    total_steps: int,
    weight_decay: float = 5e-3,
    label_smoothing: float = 0.2,
    warmup_fraction: float = 0.2,
) -> None:
    """SGD with Nesterov momentum, weight decay, label smoothing and a warm-up-then-cosine learning rate.

    The fast CIFAR-10 recipes' schedule: the rate climbs linearly from 0 to
    `peak_learning_rate` over the first `warmup_fraction` of the steps, then
    falls along a cosine to 0 at `total_steps` (a one-cycle schedule). Labels
    must be one-hot: label smoothing moves `label_smoothing` of each target's
    probability mass evenly onto all classes, which keeps the network from
    growing ever more confident on the training images. Keras' weight decay
    is decoupled (w -= lr * weight_decay * w each step); PyTorch's, which the
    fast recipes quote (5e-4), goes through momentum 0.9 and acts about ten
    times stronger, so its equivalent here is 5e-3.
    """
    warmup_steps = int(total_steps * warmup_fraction)
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=max(1, total_steps - warmup_steps), warmup_target=peak_learning_rate, warmup_steps=warmup_steps
    )
    model.compile(
        optimizer=keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True, weight_decay=weight_decay),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing),
        metrics=["accuracy"],
    )


def shifted(images: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Images moved `dy` pixels down and `dx` right, the uncovered border black (0): the training shift, fixed."""
    if images.ndim != 4:
        raise ValueError(f"expected a batch of images (count, height, width, channels), got shape {images.shape}")
    pad = max(abs(dy), abs(dx))
    padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    height, width = images.shape[1:3]
    return padded[:, pad - dy : pad - dy + height, pad - dx : pad - dx + width]


class ViewPredictions(NamedTuple):
    """Class probabilities of one batch at three levels of test-time augmentation."""

    single: np.ndarray  # the image alone
    mirror_pair: np.ndarray  # the image and its mirror image, averaged
    all_views: np.ndarray  # also the shifted views (equal to mirror_pair when shift is 0)


def predict_views(model: keras.Model, images: np.ndarray, shift: int = 1, batch_size: int = 500) -> ViewPredictions:
    """Class probabilities from one view, two, and all views of each image, every view predicted once.

    The views are those training showed the network: the image and its mirror
    image, each also moved `shift` pixels down-right and up-left; the moved
    views count half (airbench's test-time augmentation).
    """

    def predict(view: np.ndarray) -> np.ndarray:
        return model.predict(view, batch_size=batch_size, verbose=0)

    mirrored = images[:, :, ::-1]
    single, mirror = predict(images), predict(mirrored)
    pair = (single + mirror) / 2
    if not shift:
        return ViewPredictions(single, pair, pair)
    moved = sum(predict(shifted(view, step, step)) for view in (images, mirrored) for step in (shift, -shift))
    return ViewPredictions(single, pair, (single + mirror + 0.5 * moved) / 4)  # weights 1 + 1 + 4 × 0.5


def predict_with_views(model: keras.Model, images: np.ndarray, shift: int = 1, batch_size: int = 500) -> np.ndarray:
    """Class probabilities averaged over the views of `predict_views`; `shift=0`: the image and its mirror only."""
    return predict_views(model, images, shift, batch_size).all_views


def multiply_adds(model: keras.Model) -> int:
    """Multiply-adds of one forward pass of one image through the model's Conv2D and Dense layers.

    A convolution costs (output height × width × output channels) ×
    (kernel height × width × input channels); training costs about three
    times the forward pass. This is what decides seconds per epoch on a CPU.
    """
    total = 0
    for layer in _all_layers(model):
        if isinstance(layer, keras.layers.Conv2D):
            _, height, width, channels_out = layer.output.shape
            kernel_h, kernel_w, channels_in, _ = layer.kernel.shape
            total += height * width * channels_out * kernel_h * kernel_w * channels_in
        elif isinstance(layer, keras.layers.Dense):
            total += int(np.prod(layer.kernel.shape))
    return int(total)


def _all_layers(model: keras.Model) -> list[keras.layers.Layer]:
    layers = []
    for layer in model.layers:
        layers += _all_layers(layer) if isinstance(layer, keras.Model) else [layer]
    return layers

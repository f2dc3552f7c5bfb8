"""Lesson 03 benchmark: train the lesson's residual network on CIFAR-10 headless; print accuracy, epochs, time.

Reads the full-mode sizes from notebooks/03_cifar10_cnn.ipynb (so it
trains exactly the lesson's model and recipe), trains on the lesson's training
images, and prints the test accuracy after every epoch (so time-to-90% can be
read off), the final accuracy averaged over six views (the lesson's figure),
over the image and its mirror, and from the image alone, and the wall time.
The lesson's bar: >= 90% test accuracy within 60 minutes on a 2-core CPU.
Offline, CIFAR-10 is the JPEG copy in ../shared/datasets; say so with figures.
Run: `COURSE_DATA_DIR=../shared/datasets .venv/bin/python benchmarks/cifar10_resnet.py [--smoke]`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from utils.runtime import DEFAULT_SEED, benchmark_sizes, import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()

import keras  # noqa: E402
import numpy as np  # noqa: E402

from utils import cifar, data, distribute, results  # noqa: E402


class TestAccuracyEachEpoch(keras.callbacks.Callback):
    """Prints test accuracy and elapsed seconds after every epoch: the benchmark's time-to-accuracy trace."""

    def __init__(self, images: np.ndarray, labels: np.ndarray) -> None:
        super().__init__()
        self.images, self.labels, self.started = images, labels, time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        accuracy = np.mean(self.model.predict(self.images, batch_size=500, verbose=0).argmax(axis=1) == self.labels)
        print(f"epoch {epoch + 1}: test accuracy {accuracy:.4f} at {time.perf_counter() - self.started:.0f} s")


def main() -> None:
    mode, sizes = benchmark_sizes(ROOT / "notebooks" / "03_cifar10_cnn.ipynb", sys.argv[1:])
    (x_all, y_all), (x_test, y_test), _ = data.load_cifar10()
    train_split, _ = cifar.split_train_val(x_all, y_all, sizes["train_images"], sizes["val_images"], DEFAULT_SEED)
    x_train, y_train = train_split
    x_test = x_test.astype("float32")
    mean, std = cifar.channel_stats(x_train)
    strategy = distribute.choose_strategy()
    batch_size = sizes["batch_size"] * strategy.num_replicas_in_sync
    total_steps = int(np.ceil(len(x_train) / batch_size)) * sizes["epochs"]
    with strategy.scope():
        model = cifar.build_resnet(mean, std, sizes["resnet_widths"])
        cifar.compile_for_fast_training(
            model, sizes["learning_rate"], total_steps, sizes["weight_decay"], sizes["label_smoothing"]
        )
    trace = TestAccuracyEachEpoch(x_test, y_test)
    started = time.perf_counter()
    model.fit(x_train, keras.utils.to_categorical(y_train, 10), batch_size=batch_size, epochs=sizes["epochs"],
              verbose=2, callbacks=[trace])  # fmt: skip
    train_seconds = time.perf_counter() - started
    plain, flipped, views = (float(np.mean(p.argmax(axis=1) == y_test)) for p in cifar.predict_views(model, x_test))
    copy = data.locate("cifar-10", (data.CIFAR10_PYTHON, data.CIFAR10_JPEG))[0].label
    print(f"machine: {results.machine()}; mode {mode}; CIFAR-10 copy: {copy}")
    print(
        f"residual network {sizes['resnet_widths']}, {model.count_params():,} parameters, "
        f"{cifar.multiply_adds(model) / 1e6:.0f} M multiply-adds per image; {len(x_train):,} training images"
    )
    print(f"{sizes['epochs']} epochs in {train_seconds:.0f} s ({train_seconds / 60:.1f} min, with test evaluations)")
    print(f"test accuracy {views:.4f} averaged over flips and 1-pixel shifts (the lesson's figure), "
          f"{flipped:.4f} over flips only, {plain:.4f} from the image alone")  # fmt: skip


if __name__ == "__main__":
    main()

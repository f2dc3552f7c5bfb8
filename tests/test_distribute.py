"""The strategy chooser, and a model training under MirroredStrategy over two logical CPU devices."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import tensorflow as tf

from utils import distribute
from utils.runtime import PROJECT_ROOT


def test_one_device_gets_the_default_strategy(capsys):
    strategy = distribute.choose_strategy()
    assert strategy is tf.distribute.get_strategy()
    assert "1 replica" in capsys.readouterr().out


def test_several_gpus_get_mirrored_strategy(monkeypatch):
    monkeypatch.setattr(tf.config, "list_logical_devices", lambda kind=None: ["gpu0", "gpu1"] if kind == "GPU" else [])
    monkeypatch.setattr(distribute, "_tpu_expected", lambda: False)
    chosen = []
    monkeypatch.setattr(
        tf.distribute, "MirroredStrategy", lambda: chosen.append("mirrored") or tf.distribute.get_strategy()
    )
    distribute.choose_strategy()
    assert chosen == ["mirrored"]


MIRRORED_TRAINING = textwrap.dedent(
    """
    import numpy as np
    from utils.runtime import import_tensorflow_quietly
    import_tensorflow_quietly()
    import keras
    import tensorflow as tf

    # Two logical CPU devices, set before TensorFlow uses any device, so MirroredStrategy has two replicas.
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    devices = [device.name for device in tf.config.list_logical_devices("CPU")]
    keras.utils.set_random_seed(0)
    strategy = tf.distribute.MirroredStrategy(devices)
    assert strategy.num_replicas_in_sync == 2
    with strategy.scope():
        model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(8, 3, activation="relu"),
                                  keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2)])
        model.compile(keras.optimizers.Adam(0.01), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 8, 8, 3)).astype("float32")
    y = (x[..., 0].mean(axis=(1, 2)) > 0).astype("int64")
    losses = model.fit(x, y, batch_size=64, epochs=10, verbose=0).history["loss"]
    print("replicas", strategy.num_replicas_in_sync, "losses", losses)
    assert losses[-1] < 0.8 * losses[0], losses
    """
)


def test_training_under_mirrored_strategy_over_two_cpu_devices_lowers_the_loss():
    run = subprocess.run([sys.executable, "-c", MIRRORED_TRAINING], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         timeout=300, check=False)  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert "replicas 2" in run.stdout

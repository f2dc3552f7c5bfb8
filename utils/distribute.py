"""Where a lesson trains: one function picks the `tf.distribute` strategy for the machine at hand.

Models built and compiled inside `strategy.scope()` train unchanged on a
Colab TPU, on several GPUs, or on one CPU/GPU; only the strategy differs.
"""

from __future__ import annotations

import os

import tensorflow as tf


def _tpu_expected() -> bool:
    """True when a TPU runtime is announced: asking for one elsewhere can wait on a network metadata server."""
    announced = os.environ.get("COLAB_TPU_ADDR") or os.environ.get("TPU_NAME")
    return bool(announced or tf.config.list_physical_devices("TPU"))


def choose_strategy() -> tf.distribute.Strategy:
    """TPUStrategy on a TPU runtime, MirroredStrategy over several GPUs, the default strategy otherwise.

    Prints which one it chose and over how many replicas; a batch given to
    `fit` is split across the replicas, so scale the batch size with
    `strategy.num_replicas_in_sync` to keep each replica busy.
    """
    strategy: tf.distribute.Strategy
    if _tpu_expected():
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        strategy = tf.distribute.TPUStrategy(resolver)
    elif len(tf.config.list_logical_devices("GPU")) > 1:
        strategy = tf.distribute.MirroredStrategy()
    else:
        strategy = tf.distribute.get_strategy()
    print(f"strategy: {type(strategy).__name__} with {strategy.num_replicas_in_sync} replica(s)")
    return strategy

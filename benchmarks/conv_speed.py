"""Lesson 01 benchmark: the by-hand convolution layer against tf.nn.conv2d.

One float32 3×3 'same' layer, 16 filters, on a batch of 100 images of 32×32×8.
Prints seconds per call and the ratios; the target is vectorised within 3× of
tf.nn.conv2d. Run: `.venv/bin/python benchmarks/conv_speed.py`.
"""

from __future__ import annotations

import os
import platform

from utils.runtime import import_tensorflow_quietly

import_tensorflow_quietly()

from utils.conv import measure_conv_speed  # noqa: E402

if __name__ == "__main__":
    speed = measure_conv_speed(batch=100, loop_batch=100, repeats=7)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores")
    print("batch 100 x 32x32x8, 3x3 kernel, 16 filters, float32, padding 'same'")
    print(f"tf.nn.conv2d          {speed['tf_nn_conv2d_s'] * 1e3:8.2f} ms")
    print(f"conv2d (im2col)       {speed['vectorised_s'] * 1e3:8.2f} ms")
    print(f"conv2d_loops          {speed['loop_s'] * 1e3:8.2f} ms")
    print(f"vectorised / tf.nn.conv2d = {speed['vectorised_over_tf']:.2f}x (target: within 3x)")
    print(f"loop / vectorised         = {speed['loop_over_vectorised']:.1f}x")

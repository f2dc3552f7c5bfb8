"""Run settings: the mode a lesson runs in, its sizes, its seeds and its clock.

Every notebook runs the same code in two modes, chosen by the environment
variable `COURSE_MODE`:

- `full` (the default): the real lesson on the full data, full training.
- `smoke`: the same code on a small slice and a few steps (tests and CI).

A lesson states both sets of sizes side by side and `start_lesson` picks one,
so this module is the one place that decides sizes per mode and seeds
everything: two runs in the same mode give the same numbers.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

# Quiet TensorFlow's C++ start-up chatter before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MODES = ("full", "smoke")
DEFAULT_SEED = 42

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def course_mode() -> str:
    """Return the run mode from `COURSE_MODE` (`full` when unset).

    Raises `ValueError` for anything but `full` or `smoke`, so a typo never
    silently runs the hour-long full lesson.
    """
    mode = os.environ.get("COURSE_MODE", "full").strip().lower() or "full"
    if mode not in MODES:
        raise ValueError(
            f"COURSE_MODE={os.environ['COURSE_MODE']!r} is not a run mode; "
            f"expected one of {', '.join(MODES)} (unset means 'full')."
        )
    return mode


def import_tensorflow_quietly() -> None:
    """Import TensorFlow and probe its devices with file descriptor 2 muted.

    TensorFlow >= 2.19 prints C++ start-up lines (the oneDNN notice, CUDA
    probing) before its logging is set up, so `TF_CPP_MIN_LOG_LEVEL` cannot
    silence them (tensorflow/tensorflow#100442); in a notebook they would land
    in the outputs. Only these start-up lines are muted: Python errors still
    raise, and later C++ messages obey `TF_CPP_MIN_LOG_LEVEL`.
    """
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        tf.config.list_physical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def seed_everything(seed: int = DEFAULT_SEED) -> None:
    """Seed Python's `random`, NumPy and TensorFlow in one call.

    `keras.utils.set_random_seed` covers all three back ends; imported here so
    that importing `utils.runtime` alone stays cheap.
    """
    import keras

    keras.utils.set_random_seed(seed)


@dataclass(frozen=True)
class Lesson:
    """What `start_lesson` hands a notebook: its name, mode, sizes and clock.

    Sizes are read as attributes (`lesson.epochs`) or with `lesson.sizes`.
    """

    name: str
    mode: str
    seed: int
    sizes: Mapping[str, Any]
    started: float = field(default_factory=time.perf_counter)

    def __getattr__(self, key: str) -> Any:
        sizes = object.__getattribute__(self, "sizes")
        if key in sizes:
            return sizes[key]
        raise AttributeError(f"lesson {self.name!r} has no size {key!r}; it defines {sorted(sizes)}")

    @property
    def smoke(self) -> bool:
        """True in smoke mode, for the rare cell that must say what it skips."""
        return self.mode == "smoke"

    def elapsed(self) -> float:
        """Seconds since `start_lesson`, the wall time results report."""
        return time.perf_counter() - self.started


def pick_sizes(full: Mapping[str, Any], smoke: Mapping[str, Any], mode: str) -> Mapping[str, Any]:
    """Return the sizes for `mode`, after checking both modes name the same sizes.

    The check keeps the code path identical: a size that exists in one mode
    only would let the two modes run different code.
    """
    if set(full) != set(smoke):
        only_full = sorted(set(full) - set(smoke))
        only_smoke = sorted(set(smoke) - set(full))
        raise ValueError(
            f"full and smoke sizes must name the same settings; only in full: {only_full}, only in smoke: {only_smoke}"
        )
    if mode not in MODES:
        raise ValueError(f"mode={mode!r} is not a run mode; expected one of {MODES}")
    return MappingProxyType(dict(full if mode == "full" else smoke))


def start_lesson(
    name: str,
    *,
    full: Mapping[str, Any] | None = None,
    smoke: Mapping[str, Any] | None = None,
    seed: int = DEFAULT_SEED,
) -> Lesson:
    """Start a lesson: read the mode, pick its sizes, seed everything, start the clock.

    `name` is the notebook's file name without `.ipynb`; results are recorded
    under it. Prints one line saying the mode and the sizes in force.
    """
    mode = course_mode()
    sizes = pick_sizes(full or {}, smoke or {}, mode)
    seed_everything(seed)
    if mode == "smoke":
        # Same numbers on every smoke run, at some cost in speed.
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    shown = ", ".join(f"{k}={v}" for k, v in sizes.items()) or "no sizes"
    print(f"Lesson {name}: COURSE_MODE={mode}, seed={seed}, {shown}")
    return Lesson(name=name, mode=mode, seed=seed, sizes=sizes)

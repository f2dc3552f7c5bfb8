"""Run modes, sizes per mode, and seeding that makes two runs give the same numbers."""

from __future__ import annotations

import numpy as np
import pytest

from utils import runtime


def test_mode_defaults_to_full(monkeypatch):
    monkeypatch.delenv("COURSE_MODE", raising=False)
    assert runtime.course_mode() == "full"


@pytest.mark.parametrize("value", ["smoke", "SMOKE", " full "])
def test_mode_accepts_known_values_in_any_case(monkeypatch, value):
    monkeypatch.setenv("COURSE_MODE", value)
    assert runtime.course_mode() == value.strip().lower()


def test_unknown_mode_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "fast")
    with pytest.raises(ValueError, match=r"COURSE_MODE='fast' is not a run mode; expected one of full, smoke"):
        runtime.course_mode()


def test_sizes_follow_the_mode(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_MODE", "smoke")
    lesson = runtime.start_lesson("demo", full=dict(epochs=30, rows=None), smoke=dict(epochs=1, rows=500))
    assert (lesson.mode, lesson.epochs, lesson.rows, lesson.smoke) == ("smoke", 1, 500, True)
    assert "COURSE_MODE=smoke" in capsys.readouterr().out
    monkeypatch.setenv("COURSE_MODE", "full")
    assert runtime.start_lesson("demo", full=dict(epochs=30), smoke=dict(epochs=1)).epochs == 30


def test_sizes_named_in_one_mode_only_are_refused():
    with pytest.raises(ValueError, match=r"only in full: \['epochs'\], only in smoke: \['steps'\]"):
        runtime.pick_sizes({"epochs": 3}, {"steps": 2}, "full")


def test_unknown_size_names_what_the_lesson_defines(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "smoke")
    lesson = runtime.start_lesson("demo", full=dict(epochs=3), smoke=dict(epochs=1))
    with pytest.raises(AttributeError, match=r"has no size 'batch'; it defines \['epochs'\]"):
        _ = lesson.batch


def _train_tiny_model() -> np.ndarray:
    """A few steps of a small dense network on random data; returns the final weights."""
    import keras

    x = np.random.normal(size=(64, 8)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    return np.concatenate([w.ravel() for w in model.get_weights()])


def test_two_smoke_runs_give_identical_numbers(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "smoke")
    runtime.start_lesson("demo")
    first = _train_tiny_model()
    runtime.start_lesson("demo")
    second = _train_tiny_model()
    np.testing.assert_array_equal(first, second)
    runtime.start_lesson("demo", seed=7)
    assert not np.array_equal(first, _train_tiny_model())

"""The real data sets, where an offline copy is present (always in CI).

Outside CI these tests skip when no copy is found; with COURSE_REQUIRE_REAL_DATA=1
(set by .ci/run) a missing copy fails instead of skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from conftest import REAL_DATA_DIR

from utils import data, sources
from utils.archives import DataError
from utils.runtime import PROJECT_ROOT

REAL_SYSTEM_DIRS = {"fashion-mnist": Path("/usr/share/datasets/fashion-mnist")}


@pytest.fixture
def real_sources(monkeypatch):
    """Undo the test isolation: real offline folder, real system copy, a shared cache."""
    if REAL_DATA_DIR:
        monkeypatch.setenv("COURSE_DATA_DIR", REAL_DATA_DIR)
    monkeypatch.setattr(sources, "SYSTEM_DIRS", REAL_SYSTEM_DIRS)
    monkeypatch.setenv("COURSE_CACHE_DIR", str(PROJECT_ROOT / "data"))


def load_or_skip(loader):
    try:
        return loader()
    except DataError as error:
        if os.environ.get("COURSE_REQUIRE_REAL_DATA") == "1":
            raise
        pytest.skip(f"no offline copy here: {str(error).splitlines()[0]}")


def test_real_fashion_mnist(real_sources):
    (x_train, y_train), (x_test, y_test), names = load_or_skip(data.load_fashion_mnist)
    assert x_train.shape == (60_000, 28, 28) and x_test.shape == (10_000, 28, 28)
    assert x_train.dtype == np.uint8 and len(names) == 10
    assert np.bincount(y_train).tolist() == [6000] * 10 and np.bincount(y_test).tolist() == [1000] * 10


def test_real_cifar10(real_sources):
    (x_train, y_train), (x_test, y_test), names = load_or_skip(data.load_cifar10)
    assert x_train.shape == (50_000, 32, 32, 3) and x_test.shape == (10_000, 32, 32, 3)
    assert x_train.dtype == np.uint8 and names[0] == "airplane" and names[9] == "truck"
    assert np.bincount(y_train).tolist() == [5000] * 10 and np.bincount(y_test).tolist() == [1000] * 10


def test_real_imdb(real_sources):
    (train_texts, y_train), (test_texts, y_test) = load_or_skip(data.load_imdb)
    assert len(train_texts) == len(test_texts) == 25_000
    assert set(np.unique(y_train)) == {0, 1} and y_train.sum() == y_test.sum() == 12_500
    assert all(isinstance(t, str) and t for t in train_texts[:100])


def test_real_irish_folk_tunes(real_sources):
    text, tunes = load_or_skip(data.load_irish_folk_tunes)
    assert text.count("\nX:") == 803
    assert len(tunes) == 804
    assert all(t.startswith("X:") and "\nK:" in t for t in tunes)


def test_real_multi30k(real_sources):
    train, validation, test = load_or_skip(data.load_multi30k)
    assert [len(split.german) for split in (train, validation, test)] == [29_000, 1_014, 1_000]
    assert [len(split.english) for split in (train, validation, test)] == [29_000, 1_014, 1_000]
    assert train.german[0] == "Zwei junge weiße Männer sind im Freien in der Nähe vieler Büsche."
    assert train.english[0] == "Two young, White males are outside near many bushes."
    assert all(sentence.strip() for split in (train, validation, test) for sentence in split.english)

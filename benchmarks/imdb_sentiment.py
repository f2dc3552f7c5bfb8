"""Lesson 05 benchmark: train the lesson's bidirectional LSTM ensemble headless on IMDB; print test accuracy and time.

Reads the full-mode sizes from notebooks/05_imdb_sentiment_lstm.ipynb (so it
trains exactly the lesson's models and pipeline) and trains the lesson's final
model: `final_networks` BiLSTMs from seeds 42, 43, ... on all 25,000 training
reviews (the vocabulary from the lesson's 22,500), `--epochs` epochs each with no
validation (the lesson trains as many as its validation run chose; default 3,
its last choice), tested on all 25,000 test reviews; prints each one's test
accuracy and that of their average. The lesson's bar: >= 89% test accuracy
within 20 minutes of training (all networks) on a 2-core CPU.
Run: `COURSE_DATA_DIR=../shared/datasets .venv/bin/python benchmarks/imdb_sentiment.py [--smoke] [--epochs 3]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from utils.runtime import DEFAULT_SEED, benchmark_sizes, import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from utils import data, results, sentiment  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "05_imdb_sentiment_lstm.ipynb"


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1, or a clear error."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def argument_parser(description: str) -> argparse.ArgumentParser:
    """`--smoke` and `--epochs`, the options both lesson-05 benchmarks take."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="the lesson's smoke sizes")
    parser.add_argument("--epochs", type=positive_int, default=3, help="epochs per network (its last full run chose 3)")
    return parser


class LessonReviews(NamedTuple):
    """What both lesson-05 benchmarks start from: the lesson's split and vectoriser, as the notebook builds them."""

    mode: str
    sizes: dict[str, Any]
    train: sentiment.Reviews
    val: sentiment.Reviews
    test: sentiment.Reviews
    vectorizer: keras.layers.TextVectorization


def lesson_reviews(smoke: bool) -> LessonReviews:
    """The lesson's sizes, train/validation/test split and vectoriser (its vocabulary from the training reviews)."""
    mode, sizes = benchmark_sizes(NOTEBOOK, ["--smoke"] if smoke else [])
    train, val, test = sentiment.split_reviews(*data.load_imdb(), sizes=sizes, seed=DEFAULT_SEED)
    vectorizer = sentiment.make_vectorizer(sizes["vocabulary_size"])
    vectorizer.adapt(tf.data.Dataset.from_tensor_slices(train.texts).batch(1024))
    return LessonReviews(mode, sizes, train, val, test, vectorizer)


def train_bilstm(
    sizes: dict[str, Any], train_data: tf.data.Dataset, epochs: int, run: int
) -> tuple[keras.Model, float]:
    """The lesson's BiLSTM number `run` (seed 42 + run) trained `epochs` epochs, no early stopping; model, seconds."""
    keras.utils.set_random_seed(DEFAULT_SEED + run)
    model = sentiment.build_classifier(
        "bilstm", sizes["vocabulary_size"], sizes["embedding_dim"], sizes["units"],
        word_dropout=sizes["word_dropout"], name=f"bilstm_{run + 1}",
    )  # fmt: skip
    _, seconds = sentiment.train(model, train_data, None, epochs, verbose=2)
    return model, seconds


def main() -> None:
    arguments = argument_parser(__doc__.splitlines()[0]).parse_args(sys.argv[1:])
    epochs = arguments.epochs
    mode, sizes, train, val, test, vectorizer = lesson_reviews(arguments.smoke)
    length, batch = sizes["max_length"], sizes["batch_size"]
    all_ids = vectorizer(tf.constant(train.texts + val.texts))
    all_labels = np.concatenate([train.labels, val.labels])
    all_data = sentiment.bucketed_dataset(all_ids, all_labels, length, batch, DEFAULT_SEED)
    test_ids = vectorizer(tf.constant(test.texts))
    models, probabilities, train_seconds = [], [], 0.0
    for run in range(sizes["final_networks"]):
        model, seconds = train_bilstm(sizes, all_data, epochs, run)
        probabilities.append(sentiment.predict_ids(model, test_ids, length))
        accuracy = float(np.mean((probabilities[-1] > 0.5) == test.labels))
        print(f"BiLSTM {run + 1}: {epochs} epochs in {seconds:.0f} s, test accuracy {accuracy:.4f}")
        models.append(model)
        train_seconds += seconds
    # What `sentiment.average_of(models)` computes (tested), without predicting every review a second time.
    accuracy = float(np.mean((np.mean(probabilities, axis=0) > 0.5) == test.labels))
    print(f"machine: {results.machine()}; mode {mode}")
    print(f"{len(models)} BiLSTMs of {models[0].count_params():,} parameters trained in {train_seconds:.0f} s "
          f"({train_seconds / 60:.1f} min)")  # fmt: skip
    print(f"test accuracy of their average {accuracy:.4f} on {len(test.labels):,} reviews")


if __name__ == "__main__":
    main()

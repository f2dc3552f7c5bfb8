"""Lesson 05: how many BiLSTMs to average, chosen on validation; prints accuracy and time per ensemble size.

The lesson's final model averages several bidirectional LSTMs trained from
different seeds. How many is a choice, and it must be made without the test
reviews: this script trains `--models` BiLSTMs (seeds 42, 43, ...) on the
lesson's 22,500 training reviews for `--epochs` epochs each (the final recipe:
cosine schedule, no early stopping), then prints the validation accuracy on the
2,500 held-out reviews of each network alone and of the average of the first
1, 2, ... of them, with the training time. The test reviews are never used.
Sizes come from notebooks/05_imdb_sentiment_lstm.ipynb.
Run: `COURSE_DATA_DIR=../shared/datasets .venv/bin/python benchmarks/imdb_ensemble_size.py
[--smoke] [--models 4] [--epochs 3]`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from utils.runtime import DEFAULT_SEED, import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from benchmarks.imdb_sentiment import argument_parser, lesson_reviews, train_bilstm  # noqa: E402
from utils import results, sentiment  # noqa: E402


def main() -> None:
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=4, help="networks to train (at least 2)")
    arguments = parser.parse_args(sys.argv[1:])
    if arguments.models < 2:
        parser.error(f"--models must be at least 2 to compare averages, got {arguments.models}")
    mode, sizes, train, val, _, vectorizer = lesson_reviews(arguments.smoke)
    length, batch = sizes["max_length"], sizes["batch_size"]
    train_ids = vectorizer(tf.constant(train.texts))
    train_data = sentiment.bucketed_dataset(train_ids, train.labels, length, batch, DEFAULT_SEED)
    val_ids = vectorizer(tf.constant(val.texts))
    probabilities, train_seconds = [], []
    for run in range(arguments.models):
        model, seconds = train_bilstm(sizes, train_data, arguments.epochs, run)
        probabilities.append(sentiment.predict_ids(model, val_ids, length))
        train_seconds.append(seconds)
        alone = float(np.mean((probabilities[-1] > 0.5) == val.labels))
        print(f"BiLSTM {run + 1} (seed {DEFAULT_SEED + run}): {arguments.epochs} epochs in {seconds:.0f} s,"
              f" validation accuracy {alone:.4f}")  # fmt: skip
    print(f"machine: {results.machine()}; mode {mode}; {len(train.labels):,} training, {len(val.labels):,} validation")
    print(f"{'networks averaged':>17} {'val accuracy':>12} {'right':>7} {'training time':>14}")
    for size in range(1, arguments.models + 1):
        average = np.mean(probabilities[:size], axis=0)
        right = int(np.sum((average > 0.5) == val.labels))
        print(f"{size:>17} {right / len(val.labels):>12.4f} {right:>7,} {sum(train_seconds[:size]) / 60:>12.1f} m")


if __name__ == "__main__":
    main()

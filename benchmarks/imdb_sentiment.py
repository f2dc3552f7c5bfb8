"""Lesson 05 benchmark: train the lesson's bidirectional LSTM headless on IMDB and print test accuracy and time.

Reads the full-mode sizes from notebooks/drafts/05_imdb_sentiment_lstm.ipynb (so it
trains exactly the lesson's model and pipeline): 22,500 training reviews,
2,500 for validation and early stopping, all 25,000 test reviews. The lesson's
bar: >= 89% test accuracy within 20 minutes of training on a 2-core CPU.
Run: `COURSE_DATA_DIR=../shared/datasets .venv/bin/python benchmarks/imdb_sentiment.py [--smoke]`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from utils.runtime import DEFAULT_SEED, benchmark_sizes, import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from utils import data, results, sentiment  # noqa: E402


def main() -> None:
    mode, sizes = benchmark_sizes(ROOT / "notebooks" / "drafts" / "05_imdb_sentiment_lstm.ipynb", sys.argv[1:])
    seed = DEFAULT_SEED
    train, val, test = sentiment.split_reviews(*data.load_imdb(), sizes=sizes, seed=seed)
    vectorizer = sentiment.make_vectorizer(sizes["vocabulary_size"])
    vectorizer.adapt(tf.data.Dataset.from_tensor_slices(train.texts).batch(1024))
    length, batch = sizes["max_length"], sizes["batch_size"]
    train_data = sentiment.bucketed_dataset(vectorizer(tf.constant(train.texts)), train.labels, length, batch, seed)
    val_data = sentiment.bucketed_dataset(vectorizer(tf.constant(val.texts)), val.labels, length, batch)
    model = sentiment.build_classifier(
        "bilstm", sizes["vocabulary_size"], sizes["embedding_dim"], sizes["units"], word_dropout=sizes["word_dropout"]
    )
    history, train_seconds = sentiment.train(model, train_data, val_data, sizes["epochs"], verbose=2)
    probabilities = sentiment.predict_ids(model, vectorizer(tf.constant(test.texts)), length)
    accuracy = float(np.mean((probabilities > 0.5) == test.labels))
    print(f"machine: {results.machine()}; mode {mode}")
    print(
        f"bidirectional LSTM, {model.count_params():,} parameters, {len(history.history['loss'])} epochs "
        f"in {train_seconds:.0f} s ({train_seconds / 60:.1f} min)"
    )
    print(f"test accuracy {accuracy:.4f} on {len(test.labels):,} reviews")


if __name__ == "__main__":
    main()

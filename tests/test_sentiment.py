"""Lesson 05's plumbing: the movie-aware split, standardisation, the vectoriser, bucketing, prediction order."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from utils import sentiment

REVIEWS = ["A good film.<br /><br />Really GOOD!", "not good at all", "", "terrible, terrible acting"]


def test_standardisation_drops_html_breaks_case_and_punctuation():
    cleaned = sentiment.standardize_review(tf.constant(REVIEWS[0])).numpy().decode()
    assert cleaned.split() == ["a", "good", "film", "really", "good"]
    assert "br" not in cleaned.split()


def test_vectorizer_reserves_padding_and_oov():
    vectorizer = sentiment.make_vectorizer(10)
    vectorizer.adapt(REVIEWS)
    vocabulary = vectorizer.get_vocabulary()
    assert vocabulary[:2] == ["", "[UNK]"]
    ids = vectorizer(tf.constant(["good zebra"])).numpy()[0]
    assert ids.tolist() == [vocabulary.index("good"), 1]
    fixed = sentiment.make_vectorizer(10, max_length=6)
    fixed.set_vocabulary(vocabulary)
    assert fixed(tf.constant(["good zebra"])).numpy()[0].tolist() == [vocabulary.index("good"), 1, 0, 0, 0, 0]


def test_bucketed_batches_keep_every_review_once_cut_and_padded_to_their_longest():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 300, size=100)
    ragged = tf.ragged.constant([list(range(1, n + 1)) for n in lengths])
    labels = np.arange(100)
    batches = list(sentiment.bucketed_dataset(ragged, labels, max_length=200, batch_size=8, shuffle_seed=1))
    seen = np.concatenate([y.numpy() for _, y in batches])
    assert len(batches) == int(sentiment.bucketed_dataset(ragged, labels, 200, 8).cardinality())
    assert sorted(seen.tolist()) == list(range(100))
    for x, y in batches:
        real = np.minimum(lengths[y.numpy()], 200)
        assert x.shape[1] == real.max()  # padded only to the batch's longest review
        np.testing.assert_array_equal((x.numpy() != 0).sum(axis=1), real)
    with pytest.raises(ValueError, match="must match one to one"):
        sentiment.bucketed_dataset(ragged, labels[:5], max_length=200, batch_size=8)


def split_sizes(**change):
    return {"train_reviews": 300, "val_reviews": 200, "seen_movie_val_reviews": 100, "test_reviews": 50, **change}


def numbered_reviews(n_per_label=500):
    """Reviews named by their position (negatives first, as `data.load_imdb` returns them) and their labels."""
    labels = np.repeat([0, 1], n_per_label)
    return [f"review {i}" for i in range(2 * n_per_label)], labels


def test_validation_is_whole_blocks_of_consecutive_reviews_balanced_and_disjoint_from_training():
    texts, labels = numbered_reviews()
    split = sentiment.split_reviews((texts, labels), (texts[:100], labels[:100]), split_sizes(), seed=0)
    positions = {name: np.array([int(t.split()[1]) for t in part.texts]) for name, part in split._asdict().items()}
    assert [len(positions[n]) for n in ("train", "val", "val_seen_movies", "test")] == [300, 200, 100, 50]
    blocks = positions["val"] // sentiment.MOVIE_BLOCK
    assert all(np.sum(blocks == b) == sentiment.MOVIE_BLOCK for b in np.unique(blocks))  # whole blocks only
    assert split.val.labels.sum() == 100  # as many positive blocks as negative
    np.testing.assert_array_equal(split.val.labels, labels[positions["val"]])
    used = np.concatenate([positions["train"], positions["val"], positions["val_seen_movies"]])
    assert len(np.unique(used)) == len(used)  # no review in two sets
    again = sentiment.split_reviews((texts, labels), (texts[:100], labels[:100]), split_sizes(), seed=0)
    assert again.train.texts == split.train.texts  # seeded


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"val_reviews": 150}, "multiple of 100"),
        ({"train_reviews": 800}, r"800 \+ 200 \+ 100 reviews asked of 1000"),
        ({"test_reviews": 101}, "101 test reviews asked of 100"),
    ],
)
def test_impossible_split_sizes_are_clear_errors(change, message):
    texts, labels = numbered_reviews()
    with pytest.raises(ValueError, match=message):
        sentiment.split_reviews((texts, labels), (texts[:100], labels[:100]), split_sizes(**change), seed=0)


def test_predictions_come_back_in_the_reviews_own_order():
    ids = tf.ragged.constant([[2, 3, 4, 5], [2], [3, 3, 3], [4, 5]], dtype=tf.int64)
    inputs = keras.Input((None,), dtype="int64")
    length = keras.layers.Lambda(lambda x: keras.ops.sum(keras.ops.cast(x > 0, "float32"), axis=1, keepdims=True))
    model = keras.Model(inputs, length(inputs))
    np.testing.assert_allclose(sentiment.predict_ids(model, ids, max_length=3, batch_size=2), [3, 1, 3, 2])


def test_predicting_again_with_the_same_model_reuses_its_graph():
    inputs = keras.Input((None,), dtype="int64")
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: keras.ops.cast(x[:, :1], "float32"))(inputs))
    ids = tf.ragged.constant([[2, 3], [4]], dtype=tf.int64)
    sentiment.predict_ids(model, ids, max_length=3)
    sentiment.predict_ids(model, ids, max_length=3)
    assert sentiment._FORWARD[model].experimental_get_tracing_count() == 1

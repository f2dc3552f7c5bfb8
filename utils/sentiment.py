"""Movie-review plumbing for lesson 05: the movie-aware split, text standardisation, the word-id vectoriser,
length-bucketed batches and prediction in length order. The lesson's models and training live in the notebook.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf

# Review lengths (in tokens) at which batches change size class; each batch is padded only to its longest review.
BUCKET_BOUNDARIES = (64, 128, 192, 256, 384)
# Validation takes whole blocks of this many consecutive reviews, so that a movie's reviews stay together.
MOVIE_BLOCK = 50


class Reviews(NamedTuple):
    """Texts and labels (1 positive, 0 negative) of one split."""

    texts: list[str]
    labels: np.ndarray


class Split(NamedTuple):
    """The lesson's four sets of reviews (see `split_reviews`)."""

    train: Reviews
    val: Reviews
    val_seen_movies: Reviews
    test: Reviews


def split_reviews(
    train: tuple[list[str], np.ndarray], test: tuple[list[str], np.ndarray], sizes: dict, seed: int
) -> Split:
    """Training, two validation sets and test reviews, drawn by seeded permutations from the official split.

    The official training and test reviews are about different movies. A
    validation set drawn at random from the training reviews is not: the
    other reviews of its movies are in the training set, and names and
    plot words of a movie carry its reviews' mood. So `val` is made of whole
    blocks of `MOVIE_BLOCK` consecutive reviews of one polarity (the release
    numbers one movie's reviews consecutively, and `data.load_imdb` keeps
    that order): a movie is cut only where a block begins or ends. The
    release numbers positive and negative reviews separately, so a block
    holds a movie's reviews of one polarity; its reviews of the other
    polarity may stay in training (where they work against the shortcut).
    `val_seen_movies` is drawn at random from the other reviews, the usual
    way, to measure what that shortcut is worth.

    `sizes` gives `train_reviews`, `val_reviews` (a multiple of
    2 * MOVIE_BLOCK: the same number of blocks of each polarity),
    `seen_movie_val_reviews` and `test_reviews`.
    """
    (train_texts, train_labels), (test_texts, test_labels) = train, test
    val_size, seen_size, train_size = sizes["val_reviews"], sizes["seen_movie_val_reviews"], sizes["train_reviews"]
    if val_size % (2 * MOVIE_BLOCK):
        raise ValueError(
            f"val_reviews must be a multiple of {2 * MOVIE_BLOCK} (whole blocks of {MOVIE_BLOCK}"
            f" reviews, as many of each polarity); got {val_size}"
        )
    if val_size + seen_size + train_size > len(train_texts):
        raise ValueError(
            f"{train_size} + {val_size} + {seen_size} reviews asked of {len(train_texts)}: make the sizes smaller"
        )
    if sizes["test_reviews"] > len(test_texts):
        raise ValueError(f"{sizes['test_reviews']} test reviews asked of {len(test_texts)}")
    rng = np.random.default_rng(seed)
    val_parts = []
    for label in (0, 1):
        same = np.flatnonzero(train_labels == label)
        blocks = same[: len(same) // MOVIE_BLOCK * MOVIE_BLOCK].reshape(-1, MOVIE_BLOCK)  # one row per block
        chosen = rng.choice(len(blocks), val_size // (2 * MOVIE_BLOCK), replace=False)
        val_parts.append(blocks[np.sort(chosen)].ravel())
    val_index = np.concatenate(val_parts)
    rest = rng.permutation(np.setdiff1d(np.arange(len(train_texts)), val_index))
    seen_index, train_index = rest[:seen_size], rest[seen_size : seen_size + train_size]
    test_index = np.random.default_rng(seed).permutation(len(test_texts))[: sizes["test_reviews"]]

    def pick(texts: list[str], labels: np.ndarray, index: np.ndarray) -> Reviews:
        return Reviews([texts[i] for i in index], labels[index])

    return Split(pick(train_texts, train_labels, train_index), pick(train_texts, train_labels, val_index),
                 pick(train_texts, train_labels, seen_index), pick(test_texts, test_labels, test_index))  # fmt: skip


@keras.saving.register_keras_serializable(package="course")
def standardize_review(text: tf.Tensor) -> tf.Tensor:
    """Lower-case, turn the reviews' `<br />` line breaks into spaces, keep letters, digits and apostrophes."""
    text = tf.strings.lower(text)
    text = tf.strings.regex_replace(text, r"<br\s*/?>", " ")
    return tf.strings.regex_replace(text, r"[^a-z0-9']+", " ")


def make_vectorizer(vocabulary_size: int, max_length: int | None = None) -> keras.layers.TextVectorization:
    """Words -> integer ids: 0 is padding, 1 the out-of-vocabulary token, then words by frequency.

    With `max_length` every output is padded or cut to that many tokens (what
    the exported model uses); without it the output is ragged, one length per
    review, for the length-bucketed training pipeline.
    """
    return keras.layers.TextVectorization(
        max_tokens=vocabulary_size,
        standardize=standardize_review,
        output_sequence_length=max_length,
        ragged=max_length is None,
    )


def bucketed_dataset(
    token_ids: tf.RaggedTensor,
    labels: np.ndarray,
    max_length: int,
    batch_size: int,
    shuffle_seed: int | None = None,
) -> tf.data.Dataset:
    """Batches of reviews of similar length, each padded with 0 to its longest review (at most `max_length`).

    Reviews are cut to their first `max_length` tokens. Grouping by length
    means little padding, so an LSTM reads few wasted steps; the padding that
    remains is masked by the embedding (`mask_zero=True`).
    """
    if len(labels) != token_ids.shape[0]:
        raise ValueError(f"{token_ids.shape[0]} reviews but {len(labels)} labels: they must match one to one")
    cut = token_ids[:, :max_length]
    padded = tf.data.Dataset.from_tensor_slices((cut.to_tensor(), cut.row_lengths(), labels))
    dataset = padded.map(lambda ids, length, label: (ids[:length], label))  # each review back to its own length
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(labels), seed=shuffle_seed, reshuffle_each_iteration=True)
    boundaries = [b for b in BUCKET_BOUNDARIES if b < max_length]
    dataset = dataset.bucket_by_sequence_length(
        lambda ids, _: tf.shape(ids)[0],
        bucket_boundaries=boundaries,
        bucket_batch_sizes=[batch_size] * (1 + len(boundaries)),
    )
    # Each bucket batches its own reviews, so the number of batches is fixed whatever the shuffle; telling
    # tf.data spares Keras from discovering it by running out of data (and warning) at the first epoch's end.
    bucket_sizes = np.bincount(np.digitize(cut.row_lengths().numpy(), boundaries), minlength=1 + len(boundaries))
    batches = int(np.sum(np.ceil(bucket_sizes / batch_size)))
    return dataset.apply(tf.data.experimental.assert_cardinality(batches)).prefetch(tf.data.AUTOTUNE)


# One traced inference graph per model, kept only as long as the model lives.
_FORWARD: weakref.WeakKeyDictionary[keras.Model, Callable[[tf.Tensor], tf.Tensor]] = weakref.WeakKeyDictionary()


def predict_ids(model: keras.Model, token_ids: tf.RaggedTensor, max_length: int, batch_size: int = 256) -> np.ndarray:
    """Probabilities that each review is positive, in the reviews' own order.

    Reviews are cut to `max_length`, sorted by length so that each batch is
    padded little, predicted, and put back in their original order.
    """
    token_ids = token_ids[:, :max_length]
    order = np.argsort(token_ids.row_lengths().numpy(), kind="stable")
    sorted_ids = tf.gather(token_ids, order)
    batches = tf.data.Dataset.from_tensor_slices(sorted_ids).batch(batch_size).map(lambda x: x.to_tensor())

    forward = _FORWARD.get(model)
    if forward is None:
        # Every batch has its own length: one graph for any batch shape instead of one per length, traced once
        # per model (a new graph at every call would be traced again each time, and TensorFlow warns about it).
        forward = tf.function(lambda ids: model(ids, training=False),
                              input_signature=[tf.TensorSpec([None, None], tf.int64)])  # fmt: skip
        _FORWARD[model] = forward
    probabilities = np.empty(len(order), dtype=np.float32)
    probabilities[order] = [p for batch in batches for p in forward(tf.cast(batch, tf.int64)).numpy()[:, 0]]
    return probabilities

"""Movie-review sentiment: text standardisation, the vectoriser, length-bucketed datasets and the lesson's models.

Lesson 05 and `benchmarks/imdb_sentiment.py` share this module, so the
benchmark measures exactly the notebook's pipeline and best model.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf

# Review lengths (in tokens) at which batches change size class; each batch is padded only to its longest review.
BUCKET_BOUNDARIES = (64, 128, 192, 256, 384)


class Reviews(NamedTuple):
    """Texts and labels (1 positive, 0 negative) of one split."""

    texts: list[str]
    labels: np.ndarray


def split_reviews(
    train: tuple[list[str], np.ndarray], test: tuple[list[str], np.ndarray], sizes: dict, seed: int
) -> tuple[Reviews, Reviews, Reviews]:
    """Training, validation and test reviews: validation is held out of the official training set.

    `sizes` gives `train_reviews`, `val_reviews` and `test_reviews`; the
    reviews are drawn by a seeded permutation, so smaller sizes are subsets.
    """
    (train_texts, train_labels), (test_texts, test_labels) = train, test
    if sizes["train_reviews"] + sizes["val_reviews"] > len(train_texts):
        raise ValueError(f"{sizes['train_reviews']} + {sizes['val_reviews']} reviews asked of {len(train_texts)}")
    order = np.random.default_rng(seed).permutation(len(train_texts))
    val_index, train_index = order[: sizes["val_reviews"]], order[sizes["val_reviews"] :][: sizes["train_reviews"]]
    test_index = np.random.default_rng(seed).permutation(len(test_texts))[: sizes["test_reviews"]]

    def pick(texts: list[str], labels: np.ndarray, index: np.ndarray) -> Reviews:
        return Reviews([texts[i] for i in index], labels[index])

    return (pick(train_texts, train_labels, train_index), pick(train_texts, train_labels, val_index),
            pick(test_texts, test_labels, test_index))  # fmt: skip


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


def build_classifier(
    kind: str,
    vocabulary_size: int,
    embedding_dim: int = 128,
    units: int = 64,
    dropout: float = 0.5,
    word_dropout: float = 0.3,
    name: str | None = None,
) -> keras.Model:
    """Token ids -> probability that the review is positive; the model is named `name` (default: `kind`).

    `kind` picks what reads the embedded words:
    - `"bag"`: the average of the word vectors (order ignored; the baseline);
    - `"simple_rnn"`, `"lstm"`: the last state of one recurrent layer;
    - `"bilstm"`: an LSTM in each direction, their outputs max- and
      average-pooled over time, so evidence anywhere in a long review counts.
    While training, `word_dropout` of the words are blanked and `dropout / 2`
    of the embedding's features dropped (the same ones along the whole
    review); `dropout` applies again before the output. The LSTMs keep Keras'
    default activations so a GPU runs them with cuDNN.
    """
    readers = {
        "bag": lambda x: PoolOverTime("mean", name="average_of_words")(x),
        "simple_rnn": lambda x: keras.layers.SimpleRNN(units, name="simple_rnn")(x),
        "lstm": lambda x: keras.layers.LSTM(units, name="lstm")(x),
        "bilstm": _pooled_bidirectional_lstm(units),
    }
    if kind not in readers:
        raise ValueError(f"unknown model kind {kind!r}; choose one of {', '.join(readers)}")
    inputs = keras.Input(shape=(None,), dtype="int64", name="token_ids")
    x = keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True, name="embedding")(inputs)
    x = WordDropout(word_dropout, name="word_dropout")(x)
    x = keras.layers.SpatialDropout1D(dropout / 2, name="feature_dropout")(x)
    x = readers[kind](x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="positive")(x)
    return keras.Model(inputs, outputs, name=name or kind)


@keras.saving.register_keras_serializable(package="course")
class WordDropout(keras.layers.Dropout):
    """While training, blank each word's whole vector with probability `rate` (the rest scaled by 1 / (1 - rate)).

    Dropping words rather than single features stops the network from
    leaning on a few telltale words (an actor's name that happens to go with
    good reviews in the training set) and makes it read the rest of the
    review. It is Keras' `Dropout` with one draw per word (noise shape
    (batch, time, 1)); at inference it passes its input through unchanged.
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: object) -> None:
        if not 0 <= rate < 1:
            raise ValueError(f"rate must be in [0, 1), got {rate}")
        kwargs.pop("noise_shape", None)  # fixed: one draw per word (present when reloaded from a config)
        super().__init__(rate, noise_shape=(None, None, 1), seed=seed, **kwargs)


@keras.saving.register_keras_serializable(package="course")
class PoolOverTime(keras.layers.Layer):
    """The maximum or mean over time of each feature, over the real (unmasked) steps only; 0 for an empty review.

    Keras' `GlobalMaxPooling1D` ignores the mask, so padding (where a backward
    LSTM outputs zeros) would change the maximum with the amount of padding,
    and `GlobalAveragePooling1D` divides by zero on an empty review. This layer
    gives the same answer however a review is padded, and never NaN.
    """

    def __init__(self, mode: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        if mode not in ("max", "mean"):
            raise ValueError(f"mode must be 'max' or 'mean', got {mode!r}")
        self.mode = mode
        self.supports_masking = True

    def call(self, inputs: keras.KerasTensor, mask: keras.KerasTensor | None = None) -> keras.KerasTensor:
        if mask is None:
            mask = keras.ops.ones(keras.ops.shape(inputs)[:2], dtype="bool")
        mask = keras.ops.cast(mask, "bool")[..., None]
        steps = keras.ops.sum(keras.ops.cast(mask, inputs.dtype), axis=1)
        if self.mode == "max":
            pooled = keras.ops.max(keras.ops.where(mask, inputs, keras.ops.full_like(inputs, -1e9)), axis=1)
        else:
            pooled = keras.ops.sum(keras.ops.where(mask, inputs, 0.0), axis=1) / keras.ops.maximum(steps, 1.0)
        return keras.ops.where(steps > 0, pooled, 0.0)

    def compute_mask(self, inputs: keras.KerasTensor, mask: keras.KerasTensor | None = None) -> None:
        return None

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (input_shape[0], input_shape[2])

    def get_config(self) -> dict[str, object]:
        return {**super().get_config(), "mode": self.mode}


def _pooled_bidirectional_lstm(units: int) -> Callable[[keras.KerasTensor], keras.KerasTensor]:
    def read(x: keras.KerasTensor) -> keras.KerasTensor:
        states = keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True), name="bilstm")(x)
        pooled = [PoolOverTime(mode, name=f"{mode}_over_time")(states) for mode in ("max", "mean")]
        return keras.layers.Concatenate(name="pooled")(pooled)

    return read


def train(
    model: keras.Model,
    train_data: tf.data.Dataset,
    val_data: tf.data.Dataset | None,
    epochs: int,
    verbose: str | int = "auto",
) -> tuple[keras.callbacks.History, float]:
    """Adam on binary cross-entropy, with early stopping when there is validation data; returns history and seconds.

    The learning rate falls from 1e-3 to 0 along a cosine over `epochs`
    epochs: large steps while the model is far off, small ones once it starts
    to fit the training reviews (a flat rate makes validation accuracy jump
    by points from epoch to epoch). With `val_data`, training stops after two
    epochs in a row that do not improve validation accuracy and the best
    epoch's weights are restored. With `val_data=None` (the final model,
    trained on every training review once validation has chosen the number
    of epochs) it trains exactly `epochs` epochs.
    """
    steps_per_epoch = sum(1 for _ in train_data)
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=steps_per_epoch * epochs)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="binary_crossentropy", metrics=["accuracy"])
    callbacks = []
    if val_data is not None:
        callbacks.append(keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2, restore_best_weights=True))
    started = time.perf_counter()
    history = model.fit(
        train_data,
        validation_data=val_data,
        epochs=epochs,
        callbacks=callbacks,
        verbose=verbose,
        shuffle=False,  # the dataset reshuffles itself every epoch; Keras cannot shuffle a tf.data pipeline
    )
    return history, time.perf_counter() - started


def average_of(models: Sequence[keras.Model], name: str = "average") -> keras.Model:
    """One model whose probability is the mean of `models`' probabilities for the same token ids.

    Networks trained from different random starts make partly different
    mistakes; averaging their probabilities cancels some of them (an ensemble).
    The models need distinct names (`build_classifier(..., name=...)`).
    """
    if len(models) < 2:
        raise ValueError(f"averaging needs at least two models, got {len(models)}")
    inputs = keras.Input(shape=(None,), dtype="int64", name="token_ids")
    return keras.Model(inputs, keras.layers.Average(name="mean_probability")([m(inputs) for m in models]), name=name)


def end_to_end(vectorizer: keras.layers.TextVectorization, classifier: keras.Model, max_length: int) -> keras.Model:
    """Raw review strings -> probability positive: the vectoriser's vocabulary inside the model, ready to save."""
    fixed = make_vectorizer(vectorizer.vocabulary_size(), max_length)
    fixed.set_vocabulary(vectorizer.get_vocabulary())
    inputs = keras.Input(shape=(), dtype="string", name="review")
    return keras.Model(inputs, classifier(fixed(inputs)), name="review_sentiment")


def predict_ids(model: keras.Model, token_ids: tf.RaggedTensor, max_length: int, batch_size: int = 256) -> np.ndarray:
    """Probabilities that each review is positive, in the reviews' own order.

    Reviews are cut to `max_length`, sorted by length so that each batch is
    padded little, predicted, and put back in their original order.
    """
    token_ids = token_ids[:, :max_length]
    order = np.argsort(token_ids.row_lengths().numpy(), kind="stable")
    sorted_ids = tf.gather(token_ids, order)
    batches = tf.data.Dataset.from_tensor_slices(sorted_ids).batch(batch_size).map(lambda x: x.to_tensor())

    # Every batch has its own length: one graph for any batch shape instead of one per length.
    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int64)])
    def forward(ids: tf.Tensor) -> tf.Tensor:
        return model(ids, training=False)

    probabilities = np.empty(len(order), dtype=np.float32)
    probabilities[order] = [p for batch in batches for p in forward(tf.cast(batch, tf.int64)).numpy()[:, 0]]
    return probabilities


def predict_texts(model: keras.Model, texts: Sequence[str]) -> np.ndarray:
    """Probabilities that each text is positive, from an `end_to_end` model."""
    return model.predict(tf.constant(list(texts)), verbose=0)[:, 0]

"""The sentiment pipeline: standardisation, vectoriser, bucketing, masked pooling, models and export."""

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


def test_pooling_over_time_ignores_padding_and_empty_reviews_give_zero():
    values = np.array([[[1.0, -2.0], [3.0, -1.0], [9.0, 9.0]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]], "float32")
    mask = np.array([[True, True, False], [False, False, False]])
    maximum = sentiment.PoolOverTime("max")(values, mask=mask).numpy()
    mean = sentiment.PoolOverTime("mean")(values, mask=mask).numpy()
    np.testing.assert_allclose(maximum, [[3.0, -1.0], [0.0, 0.0]])
    np.testing.assert_allclose(mean, [[2.0, -1.5], [0.0, 0.0]])
    with pytest.raises(ValueError, match="'max' or 'mean'"):
        sentiment.PoolOverTime("median")


def test_word_dropout_blanks_whole_words_in_training_only_and_keeps_the_mask():
    keras.utils.set_random_seed(0)
    layer = sentiment.WordDropout(0.4, seed=1)
    words = np.ones((8, 50, 6), "float32")
    np.testing.assert_array_equal(layer(words, training=False), words)
    dropped = keras.ops.convert_to_numpy(layer(words, training=True))
    blank = np.all(dropped == 0, axis=-1)
    kept = np.all(np.isclose(dropped, 1 / 0.6), axis=-1)
    assert np.all(blank | kept)  # a word is blanked whole or kept whole, never in part
    assert 0.3 < blank.mean() < 0.5
    mask = np.arange(50) < 30
    np.testing.assert_array_equal(layer.compute_mask(words, np.tile(mask, (8, 1))), np.tile(mask, (8, 1)))
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\)"):
        sentiment.WordDropout(1.0)


@pytest.mark.parametrize("kind", ["bag", "simple_rnn", "lstm", "bilstm"])
def test_exported_model_takes_raw_text_and_matches_the_bucketed_pipeline(kind, tmp_path):
    keras.utils.set_random_seed(0)
    vectorizer = sentiment.make_vectorizer(30)
    vectorizer.adapt(REVIEWS)
    model = sentiment.build_classifier(kind, 30, embedding_dim=8, units=4)
    pipeline = sentiment.predict_ids(model, vectorizer(tf.constant(REVIEWS)), max_length=20, batch_size=3)
    exported = sentiment.end_to_end(vectorizer, model, max_length=20)
    exported.save(tmp_path / "model.keras")
    reloaded = keras.models.load_model(tmp_path / "model.keras")
    from_text = sentiment.predict_texts(reloaded, REVIEWS)
    assert np.all(np.isfinite(from_text)) and from_text[2] == pytest.approx(pipeline[2])
    np.testing.assert_allclose(from_text, pipeline, atol=1e-6)


def test_average_of_models_is_the_mean_of_their_probabilities(tmp_path):
    keras.utils.set_random_seed(0)
    vectorizer = sentiment.make_vectorizer(30)
    vectorizer.adapt(REVIEWS)
    ids = vectorizer(tf.constant(REVIEWS))
    first, second = (
        sentiment.build_classifier("bilstm", 30, embedding_dim=8, units=4, name=f"bilstm_{i}") for i in range(2)
    )
    pair = sentiment.average_of([first, second])
    each = [sentiment.predict_ids(m, ids, max_length=20) for m in (first, second)]
    assert not np.allclose(each[0], each[1])  # two random starts really differ
    np.testing.assert_allclose(sentiment.predict_ids(pair, ids, max_length=20), (each[0] + each[1]) / 2, atol=1e-6)
    exported = sentiment.end_to_end(vectorizer, pair, max_length=20)
    exported.save(tmp_path / "pair.keras")
    reloaded = keras.models.load_model(tmp_path / "pair.keras")
    np.testing.assert_allclose(sentiment.predict_texts(reloaded, REVIEWS), (each[0] + each[1]) / 2, atol=1e-6)
    with pytest.raises(ValueError, match="at least two models"):
        sentiment.average_of([first])


def test_unknown_model_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown model kind 'gru'"):
        sentiment.build_classifier("gru", 30)


def test_training_without_validation_runs_every_epoch_and_ends_the_schedule_at_zero():
    keras.utils.set_random_seed(0)
    vectorizer = sentiment.make_vectorizer(30)
    vectorizer.adapt(REVIEWS)
    labels = np.array([1, 0, 0, 0])
    data = sentiment.bucketed_dataset(vectorizer(tf.constant(REVIEWS * 4)), np.tile(labels, 4), 20, 4, 0)
    model = sentiment.build_classifier("lstm", 30, embedding_dim=8, units=4)
    history, seconds = sentiment.train(model, data, None, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3 and "val_accuracy" not in history.history
    assert seconds > 0
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0, abs=1e-9)  # the cosine reached its end
    history, _ = sentiment.train(model, data, data, epochs=2, verbose=0)
    assert "val_accuracy" in history.history

"""The character-level language model: vocabulary, tune split, training windows, model and sampler."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from utils import charlm

TEXT = "X:1\nK:D\nABc|def|\n\n"


def test_vocabulary_round_trips_and_rejects_unknown_characters():
    vocab = charlm.Vocabulary.from_texts([TEXT])
    assert vocab.chars == "".join(sorted(set(TEXT)))
    assert vocab.decode(vocab.encode(TEXT)) == TEXT
    with pytest.raises(ValueError, match="'Z' are not in the vocabulary"):
        vocab.encode("ABZ")


def test_split_by_tune_keeps_whole_tunes_apart_and_loses_none():
    tunes = [f"X:{i}\nK:G\nabc|\n" for i in range(20)]
    train, held_out = charlm.split_by_tune(tunes, 0.25, seed=1)
    assert len(held_out) == 5 and len(train) == 15
    assert sorted(train + held_out) == sorted(tunes) and not set(train) & set(held_out)
    assert charlm.split_by_tune(tunes, 0.25, seed=1) == (train, held_out)
    with pytest.raises(ValueError, match="between 0 and 1"):
        charlm.split_by_tune(tunes, 1.5, seed=1)


def test_windows_pair_each_character_with_the_next():
    ids = np.arange(50, dtype=np.int32)
    batches = list(charlm.windows(ids, length=8, batch_size=2, stride=4, shuffle_seed=3))
    x, y = batches[0]
    assert x.shape == (2, 8) and y.shape == (2, 8)
    np.testing.assert_array_equal(y.numpy(), x.numpy() + 1)
    starts = [int(s) for x, _ in batches for s in x[:, 0].numpy()]
    assert len(starts) == len(set(starts)) == 10 and set(starts) <= set(range(0, 41, 4))  # 11 windows, whole batches
    in_order = [int(s) for x, _ in charlm.windows(ids, length=8, batch_size=2, stride=4) for s in x[:, 0].numpy()]
    assert in_order == list(range(0, 37, 4))
    with pytest.raises(ValueError, match="need at least one batch"):
        charlm.windows(ids[:10], length=8, batch_size=4)


def test_windows_without_batch_size_form_one_batch_of_all_windows():
    ids = np.arange(50, dtype=np.int32)
    (x, _), *rest = list(charlm.windows(ids, length=12, batch_size=None))
    assert rest == [] and x.shape == (4, 12)  # starts 0, 12, 24, 36
    np.testing.assert_array_equal(x[:, 0].numpy(), [0, 12, 24, 36])


def test_model_predicts_one_distribution_per_character():
    keras.utils.set_random_seed(0)
    model = charlm.build_model(vocab_size=11, embedding_dim=4, units=8, dropout=0.1)
    logits = model(np.zeros((3, 7), dtype=np.int32))
    assert logits.shape == (3, 7, 11)


def test_sampler_carries_the_state_exactly_as_reading_the_whole_text():
    keras.utils.set_random_seed(0)
    model = charlm.build_model(vocab_size=11, embedding_dim=4, units=8, dropout=0.0)
    ids = np.random.default_rng(0).integers(0, 11, size=(2, 9)).astype(np.int32)
    whole = model(ids).numpy()
    sampler = charlm.Sampler(model)
    h = c = tf.zeros((2, 8))
    for t in range(ids.shape[1]):
        logits, h, c = sampler.next_logits(tf.constant(ids[:, t]), h, c)
        np.testing.assert_allclose(logits.numpy(), whole[:, t], atol=1e-5)


def test_generation_is_seeded_and_starts_with_the_prime():
    keras.utils.set_random_seed(0)
    vocab = charlm.Vocabulary.from_texts([TEXT])
    sampler = charlm.Sampler(charlm.build_model(len(vocab), 4, 8, 0.0))
    steps = []
    texts = sampler.generate(vocab, "X:", 12, streams=3, temperature=1.0, seed=5, progress=steps.append)
    assert len(texts) == 3 and all(t.startswith("X:") and len(t) == 14 for t in texts)
    assert steps == list(range(1, 13))
    assert sampler.generate(vocab, "X:", 12, streams=3, temperature=1.0, seed=5) == texts
    with pytest.raises(ValueError, match="temperature must be positive"):
        sampler.generate(vocab, "X:", 5, streams=1, temperature=0.0, seed=0)

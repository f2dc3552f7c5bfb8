"""utils.bleu against sacrebleu's defaults, on random sentences and on real Multi30k captions."""

from __future__ import annotations

import math
import random

import pytest
import sacrebleu
from hypothesis import given, settings
from hypothesis import strategies as st
from test_real_data import load_or_skip, real_sources  # noqa: F401  (a fixture, used by name)

from utils import bleu, data

WORDS = ["a", "A", "dog", "Dog", "runs", "the", "park", ".", ",", "!", "?", "3.5", "1,000", "10-12", "&amp;",
         "&quot;", "don't", "(big)", "e-mail", "$5", "Männer", "über", "--", "'s", ":", ";"]  # fmt: skip
sentences = st.lists(st.sampled_from(WORDS), min_size=0, max_size=14).map(" ".join)


def sacre(hypotheses: list[str], references: list[str], lowercase: bool = False) -> float:
    return sacrebleu.corpus_bleu(hypotheses, [references], lowercase=lowercase).score


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.tuples(sentences, sentences), min_size=1, max_size=6), st.booleans())
def test_corpus_bleu_equals_sacrebleu_on_random_sentences(pairs, lowercase):
    hypotheses, references = [h for h, _ in pairs], [r for _, r in pairs]
    assert bleu.corpus_bleu(hypotheses, references, lowercase).score == pytest.approx(
        sacre(hypotheses, references, lowercase), abs=1e-9
    )


@settings(max_examples=200, derandomize=True, deadline=None)
@given(sentences)
def test_tokenize_13a_equals_sacrebleu(sentence):
    assert bleu.tokenize_13a(sentence) == sacrebleu.tokenizers.tokenizer_13a.Tokenizer13a()(sentence).split()


def test_a_worked_example_by_hand():
    score = bleu.corpus_bleu(["the cat sat on the mat"], ["the cat sat on a mat"])
    # unigrams 5/6, bigrams 3/5, trigrams 2/4, 4-grams 1/3; equal lengths, no penalty
    expected = 100 * math.exp((math.log(5 / 6) + math.log(3 / 5) + math.log(2 / 4) + math.log(1 / 3)) / 4)
    assert score.brevity_penalty == 1.0 and score.score == pytest.approx(expected)
    assert score.precisions == pytest.approx((500 / 6, 60.0, 50.0, 100 / 3))


def test_a_short_hypothesis_pays_the_brevity_penalty():
    score = bleu.corpus_bleu(["the cat sat on"], ["the cat sat on the mat"])
    assert score.brevity_penalty == pytest.approx(math.exp(1 - 6 / 4))
    assert score.score == pytest.approx(sacre(["the cat sat on"], ["the cat sat on the mat"]))


def test_mismatched_lengths_are_a_clear_error():
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        bleu.corpus_bleu(["a", "b"], ["a"])


def test_corpus_bleu_equals_sacrebleu_on_real_captions(real_sources):  # noqa: F811
    _, validation, _ = load_or_skip(data.load_multi30k)
    references = validation.english
    rng = random.Random(0)
    # Hypotheses at several distances from the references: words dropped, shuffled within a window, or replaced.
    hypotheses = []
    for sentence in references:
        words = sentence.split()
        kind = rng.randrange(4)
        if kind == 1:
            words = [w for w in words if rng.random() > 0.3]
        elif kind == 2:
            words = sorted(words, key=lambda w: rng.random())
        elif kind == 3:
            words = [rng.choice(references).split()[0] if rng.random() < 0.2 else w for w in words]
        hypotheses.append(" ".join(words))
    for lowercase in (False, True):
        ours = bleu.corpus_bleu(hypotheses, references, lowercase).score
        assert ours == pytest.approx(sacre(hypotheses, references, lowercase), abs=1e-9)
        assert 10 < ours < 90

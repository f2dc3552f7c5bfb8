"""BLEU as sacrebleu computes it by default: lesson 08's by-hand reference, and lesson 09's scorer.

Lesson 08 derives BLEU in its cells (clipped n-gram precisions, their geometric
mean, the brevity penalty) and checks its function against this one; lesson 09
scores its translations with this one, on sacrebleu's 0-100 scale. The tests
check this one against `sacrebleu.corpus_bleu` with its defaults (13a
tokenisation, exponential smoothing, n-grams up to 4, one reference per
sentence), so the lesson's figures can be set beside published ones.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import NamedTuple

MAX_ORDER = 4

# mteval-v13a's tokenisation, as sacrebleu's `13a` tokenizer writes it: punctuation and symbols become tokens,
# except a period or comma between two digits and a dash after a digit's neighbours.
_RULES_13A = (
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),
)
_ENTITIES = (("&quot;", '"'), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"))


class BleuScore(NamedTuple):
    """A corpus BLEU score (0-100) with the figures it is made of.

    `precisions[n - 1]` is the (smoothed) n-gram precision in percent;
    `brevity_penalty` is 1 when the hypotheses are at least as long as the
    references, in tokens; the lengths are summed over the corpus.
    """

    score: float
    precisions: tuple[float, ...]
    brevity_penalty: float
    hypothesis_length: int
    reference_length: int


def tokenize_13a(line: str) -> list[str]:
    """Split a detokenised sentence into tokens as sacrebleu's default `13a` tokenizer does."""
    line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    if "&" in line:
        for entity, char in _ENTITIES:
            line = line.replace(entity, char)
    line = f" {line} "
    for pattern, replacement in _RULES_13A:
        line = pattern.sub(replacement, line)
    return line.split()


def ngram_counts(tokens: list[str], n: int) -> Counter:
    """How often each n-gram (a tuple of n tokens) occurs in `tokens`."""
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(hypotheses: list[str], references: list[str], lowercase: bool = False) -> BleuScore:
    """Corpus BLEU of `hypotheses` against one reference sentence each, as `sacrebleu.corpus_bleu`.

    Matches are clipped per sentence (an n-gram counts at most as often as the
    reference holds it) and summed over the corpus before dividing; an order
    with no match gets sacrebleu's exponential smoothing (1/2, 1/4, ... of one
    match). `lowercase=True` scores case-insensitively.
    """
    if len(hypotheses) != len(references):
        raise ValueError(
            f"corpus_bleu got {len(hypotheses)} hypotheses but {len(references)} references: "
            "pass one reference sentence per hypothesis, in the same order."
        )
    correct, total = [0] * MAX_ORDER, [0] * MAX_ORDER
    hypothesis_length = reference_length = 0
    for hypothesis, reference in zip(hypotheses, references, strict=True):
        if lowercase:
            hypothesis, reference = hypothesis.lower(), reference.lower()
        hyp, ref = tokenize_13a(hypothesis.rstrip()), tokenize_13a(reference.rstrip())
        hypothesis_length += len(hyp)
        reference_length += len(ref)
        for n in range(1, MAX_ORDER + 1):
            hyp_counts, ref_counts = ngram_counts(hyp, n), ngram_counts(ref, n)
            correct[n - 1] += sum(min(count, ref_counts[gram]) for gram, count in hyp_counts.items())
            total[n - 1] += max(len(hyp) - n + 1, 0)
    if hypothesis_length < reference_length:
        brevity_penalty = math.exp(1 - reference_length / hypothesis_length) if hypothesis_length else 0.0
    else:
        brevity_penalty = 1.0
    precisions = [0.0] * MAX_ORDER
    if not any(correct):
        return BleuScore(0.0, tuple(precisions), brevity_penalty, hypothesis_length, reference_length)
    halvings = 1.0
    for n in range(MAX_ORDER):
        if total[n] == 0:
            break
        if correct[n] == 0:
            halvings *= 2
            precisions[n] = 100.0 / (halvings * total[n])
        else:
            precisions[n] = 100.0 * correct[n] / total[n]
    log_mean = sum(math.log(p) if p > 0 else -9_999_999_999 for p in precisions) / MAX_ORDER
    return BleuScore(
        brevity_penalty * math.exp(log_mean), tuple(precisions), brevity_penalty, hypothesis_length, reference_length
    )

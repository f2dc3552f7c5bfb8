"""Judging generated tunes: abc2midi, the parser's verdict, and originality against a corpus."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import tune_checks

SCALE = "X:1\nT:Scale\nM:4/4\nL:1/8\nK:C Major\nCDEF GABc|:cBAG FEDC:|\n"


@pytest.mark.skipif(shutil.which("abc2midi") is None, reason="Debian's abcmidi is not installed")
def test_abc2midi_accepts_a_good_tune_and_reports_an_unclosed_repeat():
    assert tune_checks.abc2midi_errors(SCALE) == []
    errors = tune_checks.abc2midi_errors("X:1\nT:t\nM:6/8\nL:1/8\nK:G\nABc|d2e|:fgz|]\n")
    assert errors and "Missing :|" in errors[0]


def test_abc2midi_missing_says_how_to_install(monkeypatch):
    monkeypatch.setattr(tune_checks.shutil, "which", lambda name: None)
    with pytest.raises(FileNotFoundError, match="apt install abcmidi"):
        tune_checks.abc2midi_errors(SCALE)


def test_judge_generated_accepts_a_finished_tune_and_explains_a_broken_one():
    good = tune_checks.judge_generated(SCALE + "\nX:2\nT:next")
    assert good.valid and good.tune is not None and good.text == SCALE.strip()
    broken = tune_checks.judge_generated("X:1\nT:t\nK:G\nABc|dQe|\n\n")
    assert not broken.valid and broken.tune is None and "line 4" in broken.problems[0]
    unfinished = tune_checks.judge_generated("X:1\nT:t\nK:G\nABc|")
    assert not unfinished.valid and "never ends" in unfinished.problems[0]


def test_originality_finds_the_longest_run_copied_from_one_corpus_tune():
    corpus = [["a", "b", "c", "d"], ["x", "b", "c", "d", "e", "f"]]
    index = tune_checks.bar_index(corpus)
    assert index["b"] == [(0, 1), (1, 1)]
    found = tune_checks.originality(["q", "b", "c", "d", "e", "z"], corpus, index)
    assert (found.bars, found.longest_run, found.source) == (6, 4, 1)  # b c d e, only in the second tune
    assert found.shared_fraction == pytest.approx(4 / 6) and not found.verbatim
    assert tune_checks.originality(["c", "d", "e"], corpus, index).verbatim  # the whole tune sits inside tune 1
    assert tune_checks.originality(["q"], corpus, index) == tune_checks.Originality(1, 0.0, 0, None)
    assert not tune_checks.originality([], corpus, index).verbatim


@given(st.lists(st.sampled_from("abcd"), min_size=1, max_size=12), st.lists(st.sampled_from("abcd"), max_size=12))
@settings(max_examples=100, deadline=None)
def test_originality_longest_run_matches_a_brute_force_search(bars, other):
    corpus = [other, ["z"]]
    found = tune_checks.originality(bars, corpus, tune_checks.bar_index(corpus))
    brute = max([n for i in range(len(bars)) for n in range(1, len(bars) - i + 1)
                 if any(other[j : j + n] == bars[i : i + n] for j in range(len(other)))], default=0)  # fmt: skip
    assert found.longest_run == brute


def test_form_counts_each_part_as_played_and_finds_the_closing_note():
    # A part of 4 bars between |: and :| plays 8; the pickup (d) and the short last bar (d3) make one bar together.
    repeated_four = "X:1\nM:6/8\nL:1/8\nK:G Major\nd|:GAB dBG|ABA AGE|GAB dBG|AGF G2:|\n"
    assert tune_checks.form(repeated_four).part_bars == pytest.approx([1 / 6 + 2 * (4 - 1 / 6)])  # 7.83
    assert tune_checks.form(repeated_four).usual
    # Two 4/4 parts: 8 bars unrepeated, then a repeated part with first and second endings (the second is not a part).
    two_parts = ("X:1\nM:C\nL:1/8\nK:D Major\n" + "ABcd efga|" * 8 + "|\n|:" + "fedc BAGF|" * 3
                 + "[1 EFGA B4:|[2 EFGA A4|]\n")  # fmt: skip
    found = tune_checks.form(two_parts)
    assert found.part_bars == [8.0, 8.0] and found.regular_parts and not found.ends_on_tonic  # ends on A in D major
    assert not tune_checks.form("X:1\nM:C\nL:1/8\nK:D\nABcd efga|ABcd efgd|]\n").regular_parts  # 2 bars


def test_form_of_a_tune_without_a_meter_has_no_regular_parts():
    found = tune_checks.form("X:1\nM:none\nL:1/8\nK:A Dorian\n" + "ABcd efga|" * 8 + "\n")
    assert len(found.part_bars) == 1 and found.part_bars[0] != found.part_bars[0]  # nan
    assert not found.regular_parts and found.ends_on_tonic

"""ABC parsing, tune extraction and synthesis: corpus tunes, hand-checked tunes, and every error."""

from __future__ import annotations

import os
import shutil
from fractions import Fraction

import numpy as np
import pytest
from conftest import REAL_DATA_DIR
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import data, music

SCALE = "X:1\nT:Scale\nM:4/4\nL:1/8\nK:C Major\nCDEF GABc|:cBAG FEDC:|\n"
# The corpus tunes whose line 9 is not ABC: music after an M: field (212, 456), an 's' typo (491).
MALFORMED_IN_CORPUS = {212: "M:9/8 EDC", 456: "M:3/4 egdB", 491: "unexpected character 's'"}


def test_scale_with_a_repeat_parses_to_the_expected_pitches_and_duration():
    tune = music.parse_tune(SCALE)
    pitches = [note.pitch for note in tune.notes]
    assert pitches[:8] == [60, 62, 64, 65, 67, 69, 71, 72]
    assert pitches[8:16] == pitches[16:] == [72, 71, 69, 67, 65, 64, 62, 60]  # the repeat is played twice
    assert tune.duration_whole_notes() == 3  # 24 eighth notes
    assert tune.title == "Scale"


def test_audio_lasts_exactly_the_tunes_duration():
    audio = music.synthesize(music.parse_tune(SCALE), quarter_notes_per_minute=120, sample_rate=8000)
    assert audio.shape == (3 * 2 * 8000,)  # 3 whole notes of 2 s each
    assert audio.dtype == np.float32 and np.abs(audio).max() <= 1


@pytest.mark.parametrize(
    ("key", "expected"),
    [("C Major", {}), ("G Major", {"F": 1}), ("D Major", {"F": 1, "C": 1}), ("A Dorian", {"F": 1}),
     ("D Mixolydian", {"F": 1}), ("E Minor", {"F": 1}), ("F Major", {"B": -1}), ("D Minor", {"B": -1}),
     ("F# Minor", {"F": 1, "C": 1, "G": 1})],
)  # fmt: skip
def test_key_signatures_of_the_corpus_modes(key, expected):
    assert music.key_signature(key) == expected


def test_accidentals_last_until_the_bar_line_and_keys_apply_to_every_octave():
    tune = music.parse_tune("X:1\nK:D Major\n^G G =F f|G F,\n")
    assert [n.pitch for n in tune.notes] == [68, 68, 65, 78, 67, 54]


def test_lengths_triplets_and_broken_rhythm():
    tune = music.parse_tune("X:1\nL:1/8\nK:C\nA2 A/2 A/ A3/2 (3ABc A>B A<B z4|\n")
    lengths = [n.length * 8 for n in tune.notes]  # in eighth notes
    assert lengths == [2, Fraction(1, 2), Fraction(1, 2), Fraction(3, 2)] + [Fraction(2, 3)] * 3 + [
        Fraction(3, 2), Fraction(1, 2), Fraction(1, 2), Fraction(3, 2), 4]  # fmt: skip
    assert tune.notes[-1].pitch is None


def test_chords_symbols_grace_notes_and_line_break_markers_are_handled():
    tune = music.parse_tune('X:1\nK:G Major\n"G"[GBd]2 {g}A B|c2 d2|]!\n')
    assert [n.pitch for n in tune.notes] == [67, 69, 71, 72, 74]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("X:1\nT:no key\nABC|\n", "line 3: music before the K: field"),
        ("X:1\nT:no key\n", "no K: field"),
        ("T:title first\nX:1\nK:C\nABC|\n", "line 1: a tune must start with an X: field"),
        ("X:1\nK:C\nAB|: cd ef|\n", "line 3: repeat opened with |: is never closed"),
        ("X:1\nK:C\nABq c|\n", "line 3: unexpected character 'q' at column 3"),
        ("X:1\nK:H Major\nABC|\n", "K:H Major is not a key"),
        ("X:1\nK:C Bluesy\nABC|\n", "unknown mode 'Bluesy'"),
        ("X:1\nM:7 beats\nK:C\nABC|\n", "M:7 beats is not a meter"),
        ('X:1\nK:C\n"Am ABC|\n', 'chord symbol opened with " at column 1 is never closed'),
        ("X:1\nK:C\n[CEG ABC|\n", "chord opened with [ at column 1 is never closed"),
        ("X:1\x00\x01\x02\nK:C\n", "binary"),
        ("X:1\nK:C\nz4|\n", "no notes"),
    ],
)
def test_malformed_abc_gets_a_clear_error_naming_the_line(text, message):
    with pytest.raises(music.ABCError, match=message.replace("[", r"\[").replace("|", r"\|")):
        music.parse_tune(text)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(21, 108)), st.integers(1, 16)), min_size=1, max_size=30))
def test_synthesis_never_produces_nan_or_clipping(notes):
    tune = music.Tune({"T": "random"}, [music.Note(p, Fraction(n, 16)) for p, n in notes])
    audio = music.synthesize(tune, sample_rate=4000)
    assert np.all(np.isfinite(audio)) and np.abs(audio).max(initial=0) <= 1.0
    assert len(audio) == pytest.approx(float(tune.duration_whole_notes()) * 2 * 4000, abs=len(notes))


def test_corpus_tunes_parse_except_the_known_malformed_ones(monkeypatch):
    if REAL_DATA_DIR:
        monkeypatch.setenv("COURSE_DATA_DIR", REAL_DATA_DIR)
    monkeypatch.setattr(data, "SYSTEM_DIRS", {})
    monkeypatch.setenv("COURSE_CACHE_DIR", str(data.PROJECT_ROOT / "data"))
    try:
        _, tunes = data.load_irish_folk_tunes()
    except data.DataError:
        if os.environ.get("COURSE_REQUIRE_REAL_DATA") == "1":
            raise
        pytest.skip("irish.abc is not available offline here")
    failures = {}
    for number, tune in enumerate(tunes):
        try:
            parsed = music.parse_tune(tune)
        except music.ABCError as error:
            failures[number] = str(error)
            continue
        assert parsed.duration_whole_notes() > 0
    assert sorted(failures) == sorted(MALFORMED_IN_CORPUS)
    for number, fragment in MALFORMED_IN_CORPUS.items():
        assert failures[number].startswith("line 9:") and fragment in failures[number]


def test_first_tune_ends_at_the_blank_line_and_unfinished_tunes_are_errors():
    generated = "X:1\nT:Made up\nK:D Major\nAFD DFA|d3 d3:|\n\nX:2\nT:Next\n"
    assert music.first_tune(generated) == "X:1\nT:Made up\nK:D Major\nAFD DFA|d3 d3:|"
    with pytest.raises(music.ABCError, match="never ends"):
        music.first_tune("X:1\nT:Cut off\nK:G\nABc|")
    with pytest.raises(music.ABCError, match="no line starts with X:"):
        music.first_tune("ABc|def|\n\n")


@pytest.mark.skipif(shutil.which("abc2midi") is None, reason="Debian's abcmidi is not installed")
def test_abc2midi_accepts_a_good_tune_and_reports_an_unclosed_repeat():
    assert music.abc2midi_errors(SCALE) == []
    errors = music.abc2midi_errors("X:1\nT:t\nM:6/8\nL:1/8\nK:G\nABc|d2e|:fgz|]\n")
    assert errors and "Missing :|" in errors[0]


def test_abc2midi_missing_says_how_to_install(monkeypatch):
    monkeypatch.setattr(music.shutil, "which", lambda name: None)
    with pytest.raises(FileNotFoundError, match="apt install abcmidi"):
        music.abc2midi_errors(SCALE)


def test_judge_generated_accepts_a_finished_tune_and_explains_a_broken_one():
    good = music.judge_generated(SCALE + "\nX:2\nT:next")
    assert good.valid and good.tune is not None and good.text == SCALE.strip()
    broken = music.judge_generated("X:1\nT:t\nK:G\nABc|dQe|\n\n")
    assert not broken.valid and broken.tune is None and "line 4" in broken.problems[0]
    unfinished = music.judge_generated("X:1\nT:t\nK:G\nABc|")
    assert not unfinished.valid and "never ends" in unfinished.problems[0]


def test_tune_bars_splits_the_music_at_every_bar_line_and_drops_endings_and_spacing():
    tune = "X:1\nT:t\nM:6/8\nK:G\nGAB cde|[1 fed cBA:|[2 fed c3||!\nM:9/8\n|:d2d d2d d2d|]\n"
    assert music.tune_bars(tune) == ["GABcde", "fedcBA", "fedc3", "d2dd2dd2d"]
    assert music.tune_bars(SCALE) == ["CDEFGABc", "cBAGFEDC"]
    with pytest.raises(music.ABCError, match="no K: field"):
        music.tune_bars("X:1\nT:t\nABc|")


def test_originality_finds_the_longest_run_copied_from_one_corpus_tune():
    corpus = [["a", "b", "c", "d"], ["x", "b", "c", "d", "e", "f"]]
    index = music.bar_index(corpus)
    assert index["b"] == [(0, 1), (1, 1)]
    found = music.originality(["q", "b", "c", "d", "e", "z"], corpus, index)
    assert (found.bars, found.longest_run, found.source) == (6, 4, 1)  # b c d e, only in the second tune
    assert found.shared_fraction == pytest.approx(4 / 6) and not found.verbatim
    assert music.originality(["c", "d", "e"], corpus, index).verbatim  # the whole tune sits inside tune 1
    assert music.originality(["q"], corpus, index) == music.Originality(1, 0.0, 0, None)
    assert not music.originality([], corpus, index).verbatim


@given(st.lists(st.sampled_from("abcd"), min_size=1, max_size=12), st.lists(st.sampled_from("abcd"), max_size=12))
@settings(max_examples=100, deadline=None)
def test_originality_longest_run_matches_a_brute_force_search(bars, other):
    corpus = [other, ["z"]]
    found = music.originality(bars, corpus, music.bar_index(corpus))
    brute = max([n for i in range(len(bars)) for n in range(1, len(bars) - i + 1)
                 if any(other[j : j + n] == bars[i : i + n] for j in range(len(other)))], default=0)  # fmt: skip
    assert found.longest_run == brute

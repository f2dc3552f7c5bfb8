"""ABC notation: parsing corpus and hand-checked tunes, cutting text into tunes and bars, and every error."""

from __future__ import annotations

import os
from fractions import Fraction

import pytest
from conftest import REAL_DATA_DIR

from utils import abc_notation, data, sources
from utils.archives import DataError
from utils.runtime import PROJECT_ROOT

SCALE = "X:1\nT:Scale\nM:4/4\nL:1/8\nK:C Major\nCDEF GABc|:cBAG FEDC:|\n"
# The corpus tunes whose line 9 is not ABC: music after an M: field (212, 456), an 's' typo (491).
MALFORMED_IN_CORPUS = {212: "M:9/8 EDC", 456: "M:3/4 egdB", 491: "unexpected character 's'"}


def test_scale_with_a_repeat_parses_to_the_expected_pitches_and_duration():
    tune = abc_notation.parse_tune(SCALE)
    pitches = [note.pitch for note in tune.notes]
    assert pitches[:8] == [60, 62, 64, 65, 67, 69, 71, 72]
    assert pitches[8:16] == pitches[16:] == [72, 71, 69, 67, 65, 64, 62, 60]  # the repeat is played twice
    assert tune.duration_whole_notes() == 3  # 24 eighth notes
    assert tune.title == "Scale"


@pytest.mark.parametrize(
    ("key", "expected"),
    [("C Major", {}), ("G Major", {"F": 1}), ("D Major", {"F": 1, "C": 1}), ("A Dorian", {"F": 1}),
     ("D Mixolydian", {"F": 1}), ("E Minor", {"F": 1}), ("F Major", {"B": -1}), ("D Minor", {"B": -1}),
     ("F# Minor", {"F": 1, "C": 1, "G": 1})],
)  # fmt: skip
def test_key_signatures_of_the_corpus_modes(key, expected):
    assert abc_notation.key_signature(key) == expected


def test_accidentals_last_until_the_bar_line_and_keys_apply_to_every_octave():
    tune = abc_notation.parse_tune("X:1\nK:D Major\n^G G =F f|G F,\n")
    assert [n.pitch for n in tune.notes] == [68, 68, 65, 78, 67, 54]


def test_lengths_triplets_and_broken_rhythm():
    tune = abc_notation.parse_tune("X:1\nL:1/8\nK:C\nA2 A/2 A/ A3/2 (3ABc A>B A<B z4|\n")
    lengths = [n.length * 8 for n in tune.notes]  # in eighth notes
    assert lengths == [2, Fraction(1, 2), Fraction(1, 2), Fraction(3, 2)] + [Fraction(2, 3)] * 3 + [
        Fraction(3, 2), Fraction(1, 2), Fraction(1, 2), Fraction(3, 2), 4]  # fmt: skip
    assert tune.notes[-1].pitch is None


def test_chords_symbols_grace_notes_and_line_break_markers_are_handled():
    tune = abc_notation.parse_tune('X:1\nK:G Major\n"G"[GBd]2 {g}A B|c2 d2|]!\n')
    assert [n.pitch for n in tune.notes] == [67, 69, 71, 72, 74]
    assert tune.notes[0].length == Fraction(2, 8)  # the chord's length multiplies its first note's


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
    with pytest.raises(abc_notation.ABCError, match=message.replace("[", r"\[").replace("|", r"\|")):
        abc_notation.parse_tune(text)


def test_corpus_tunes_parse_except_the_known_malformed_ones(monkeypatch):
    if REAL_DATA_DIR:
        monkeypatch.setenv("COURSE_DATA_DIR", REAL_DATA_DIR)
    monkeypatch.setattr(sources, "SYSTEM_DIRS", {})
    monkeypatch.setenv("COURSE_CACHE_DIR", str(PROJECT_ROOT / "data"))
    try:
        _, tunes = data.load_irish_folk_tunes()
    except DataError:
        if os.environ.get("COURSE_REQUIRE_REAL_DATA") == "1":
            raise
        pytest.skip("irish.abc is not available offline here")
    failures = {}
    for number, tune in enumerate(tunes):
        try:
            parsed = abc_notation.parse_tune(tune)
        except abc_notation.ABCError as error:
            failures[number] = str(error)
            continue
        assert parsed.duration_whole_notes() > 0
    assert sorted(failures) == sorted(MALFORMED_IN_CORPUS)
    for number, fragment in MALFORMED_IN_CORPUS.items():
        assert failures[number].startswith("line 9:") and fragment in failures[number]


def test_first_tune_ends_at_the_blank_line_and_unfinished_tunes_are_errors():
    generated = "X:1\nT:Made up\nK:D Major\nAFD DFA|d3 d3:|\n\nX:2\nT:Next\n"
    assert abc_notation.first_tune(generated) == "X:1\nT:Made up\nK:D Major\nAFD DFA|d3 d3:|"
    with pytest.raises(abc_notation.ABCError, match="never ends"):
        abc_notation.first_tune("X:1\nT:Cut off\nK:G\nABc|")
    with pytest.raises(abc_notation.ABCError, match="no line starts with X:"):
        abc_notation.first_tune("ABc|def|\n\n")


def test_tune_bars_splits_the_music_at_every_bar_line_and_drops_endings_and_spacing():
    tune = "X:1\nT:t\nM:6/8\nK:G\nGAB cde|[1 fed cBA:|[2 fed c3||!\nM:9/8\n|:d2d d2d d2d|]\n"
    assert abc_notation.tune_bars(tune) == ["GABcde", "fedcBA", "fedc3", "d2dd2dd2d"]
    assert abc_notation.tune_bars(SCALE) == ["CDEFGABc", "cBAGFEDC"]
    with pytest.raises(abc_notation.ABCError, match="no K: field"):
        abc_notation.tune_bars("X:1\nT:t\nABc|")


def test_split_tunes_cuts_at_x_headers_and_refuses_text_before_the_first_tune():
    assert abc_notation.split_tunes("% a comment\n\nX:1\nK:D\nABC|\n\nX:2\nK:G\n\nGAB|\n") == [
        "X:1\nK:D\nABC|", "X:2\nK:G\n\nGAB|"]  # fmt: skip
    with pytest.raises(abc_notation.ABCError, match="before the first 'X:'"):
        abc_notation.split_tunes("garbage line\nX:1\nK:D\nABC|")


def test_transpose_moves_the_key_and_every_note_and_keeps_the_key_signature_implicit():
    in_f = SCALE.replace("K:C Major", "K:F Major").replace("CDEF GABc|:cBAG FEDC:|", "FGAB cdef|:fedc BAGF:|")
    assert abc_notation.transpose(SCALE, 5) == in_f  # the key signature makes B a B flat
    moved = abc_notation.transpose("X:1\nK:D Major\nd=c ^c B,|[K:G]F'2\n", -5)
    assert moved == "X:1\nK:A Major\nA=G ^G F,|[K:D]c2\n"  # F' is f, a fourth above c
    assert abc_notation.transpose("X:1\nK:F Major\nF_B|\n", 5) == "X:1\nK:Bb Major\nB_e|\n"
    assert abc_notation.transpose("X:1\nK:B Minor\nB^A|\n", -5) == "X:1\nK:F# Minor\nF^E|\n"


@pytest.mark.parametrize("semitones", [5, -5, 7, -7, 2])
def test_transpose_there_and_back_gives_the_tune_again(semitones):
    tune = "X:1\nT:t\nM:6/8\nL:1/8\nK:D Mixolydian\n|:d^cA =cAG|{g}f2e d3:|[1 (3DEF G,2|]\n% a comment\n"
    assert abc_notation.transpose(abc_notation.transpose(tune, semitones), -semitones) == tune


@pytest.mark.parametrize(
    ("text", "semitones", "message"),
    [(SCALE.replace("CDEF", '"Am"CDEF'), 5, 'chord symbol "Am" cannot be transposed'),
     (SCALE, 12, "-11 to 11 semitones"),
     ("X:1\nK:C\nABq c|\n", 5, "unexpected character 'q'"),
     ("X:1\nK:Cb\nC|\n", 1, "no key name with at most one sharp or flat")],
)  # fmt: skip
def test_transpose_refuses_what_it_cannot_move_correctly(text, semitones, message):
    with pytest.raises(abc_notation.ABCError, match=message):
        abc_notation.transpose(text, semitones)

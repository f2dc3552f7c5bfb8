"""Only `ABCError` ever escapes the ABC functions, whatever a network (or a student) writes.

Real tunes from irish.abc are mutated at random, as sampling at a high
temperature might: characters of the corpus's alphabet and ABC fragments
(`/0`, `K:`, `[1`, `(3`, huge numbers) inserted, deleted or swapped in. Every
function that reads ABC text must either succeed or raise `ABCError` naming
what is wrong, and `judge_generated` must return a verdict for every input.
The search is derandomised, so a failure reproduces on every run.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import abc_notation, tune_checks
from utils.abc_notation import ABCError

# Two tunes of irish.abc (X:15 and X:1 of the corpus), chosen for the features they use between them:
# triplets, first and second endings, accidentals, octave marks, chord-symbol text, broken rhythm, rests.
KILKENNY_RACES = """X:15
T:Kilkenny Races
Z: id:dc-setdance-16
M:C|
L:1/8
K:G Major
(3DEF|G2GA GABc|d2 (3efg d2Bd|c2Ac B2GB|ABAG FE (3DEF|!
G2GA GABc|d2 (3efg d2gf|(3ece (3gag (3fdf (3aba|g2gf g2:|!
(3abc'|d'2a2 b2g2|abag fdgf|efed (3dfa gf|dedc B2G2|!
[1 d'2a2 b2g2|abag fdgf|(3ece (3gag (3fdf (3aba|g2gf g2:|!
[2 G2GA GABc|d2 (3efg d2gf|(3ece (3gag (3fdf (3aba|g2gf g2|]!
dc|B2G2 d2G2|(3efg d^c d2G=c|BAGB dBcB|B,2C2 D2dc|!
B2G2 d2G2|(3efg d^c d2gf|(3ece (3gag (3fdf (3aba|g2gf g2:|!"""
AN_CAILIN_RUA = """X:1
T:An Cailin Rua
Z: id:dc-miscellaneous-11
M:2/4
L:1/8
K:F Major
"Verse" C|C2 CD|F2 FF|G2 DD|DC z2|!
B2 B2|A2 GF|G2 A=B|c2 zc|!
d2 dd|c2 AG|F2 DE|FG AB|!
c2 GG|A2 FF|D2 CB,|C2 z|]!
"Refrain" F/D/|C>D FA|GF DF/D/|C/D/F GA|GF FD|!
C>D FA|GF G/A/c|de/d/ cA|[1 GF D:|[2 G z2|]!"""
TUNES = [KILKENNY_RACES, AN_CAILIN_RUA]
CORPUS_ALPHABET = "\n !\"#'(),-./0123456789:<=>ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz|"
FRAGMENTS = ["/0", "0", "/", "//", "K:", "\nK:", "[K:", "L:", "\nL:1/0\n", "M:", "[1", "(3", "(0", "(9", "[", "]",
             '"', "{", "}", "|:", ":|", "::", ">>", "<", "^^", "__", "=", ",,,,,,", "''''''", "999999999",
             "/99999999", "X:", "\n\n", "%"]  # fmt: skip

edits = st.lists(
    st.tuples(
        st.sampled_from(["insert", "delete", "replace"]),
        st.floats(min_value=0, max_value=1),
        st.one_of(st.sampled_from(CORPUS_ALPHABET), st.sampled_from(FRAGMENTS)),
    ),
    min_size=1,
    max_size=4,
)


def mutate(tune: str, changes: list[tuple[str, float, str]]) -> str:
    """Apply insertions, deletions (1–3 characters) and replacements at relative positions of the text."""
    text = tune
    for kind, where, piece in changes:
        at = min(int(where * len(text)), len(text))
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + 1 + len(piece) % 3 :]
        else:
            text = text[:at] + piece + text[at + 1 :]
    return text


def only_abc_errors(function, text: str) -> None:
    """Call `function(text)`: an `ABCError` is a fine answer, any other exception fails the test."""
    with contextlib.suppress(ABCError):
        function(text)


@given(st.sampled_from(TUNES), edits)
@settings(max_examples=400, deadline=None, derandomize=True)
def test_only_abc_error_escapes_the_abc_functions(tune, changes):
    text = mutate(tune, changes)
    only_abc_errors(abc_notation.parse_tune, text)
    only_abc_errors(lambda abc: abc_notation.transpose(abc, 7), text)
    only_abc_errors(lambda abc: abc_notation.transpose(abc, -5), text)
    only_abc_errors(abc_notation.first_tune, text)
    only_abc_errors(abc_notation.tune_bars, text)
    only_abc_errors(abc_notation.split_tunes, text)
    only_abc_errors(tune_checks.form, text)
    verdict = tune_checks.judge_generated(text + "\n\n")
    assert verdict.valid == (verdict.tune is not None)
    assert verdict.valid or verdict.problems[0].startswith("parser: ")


@pytest.mark.parametrize(
    ("music", "message"),
    [("GAB c/0de|", "line 6: note length '/0' holds a zero"),
     ("GAB c0de|", "line 6: note length '0' holds a zero"),
     ("GAB z/0 de|", "line 6: note length '/0' holds a zero"),
     ("GAB [ce]/0 de|", "line 6: note length '/0' holds a zero"),
     ("GAB c/99999999de|", "more than three digits"),
     ("GAB c999999999de|", "more than three digits"),
     ("GAB c////////de|", "is 1/256 units; lengths run from 1/64 to 64"),
     ("GAB c128de|", "is 128 units")],
)  # fmt: skip
def test_absurd_note_lengths_are_abc_errors_naming_the_line(music, message):
    tune = f"X:1\nT:My jig\nM:6/8\nL:1/8\nK:G Major\n{music}\n"
    for function in (abc_notation.parse_tune, lambda abc: abc_notation.transpose(abc, 7)):
        with pytest.raises(ABCError, match=message.replace("[", r"\[")):
            function(tune)


@pytest.mark.parametrize("unit", ["1/0", "0/8", "1/", "3/2", "1/128", "1/99999999"])
def test_a_unit_length_that_is_not_one_is_an_abc_error(unit):
    with pytest.raises(ABCError, match=f"L: '{unit}' is not a unit length"):
        abc_notation.parse_tune(f"X:1\nL:{unit}\nK:G Major\nGAB|\n")


def test_judge_generated_calls_a_zero_length_tune_invalid_and_says_why():
    verdict = tune_checks.judge_generated("X:1\nT:My jig\nM:6/8\nL:1/8\nK:G Major\nGAB c/0de|dBG GAB|\n\n")
    assert not verdict.valid and verdict.tune is None
    assert verdict.problems == ["parser: line 6: note length '/0' holds a zero; lengths are like 2, /2 or 3/2"]

"""ABC notation: cut text into tunes, parse a tune into notes, split its music into bars.

The parser covers the ABC that the course's corpus (irish.abc) and a network
trained on it write: header fields X, T, M, L, K (and others, kept as text);
notes with accidentals (^ = _), octave marks (' ,) and lengths (2, /2, 3/2;
from 1/64 to 64 units); rests (z, x); bar lines and repeats (| || |] [| |: :|
::); first and second endings ([1 [2); triplets ((3); broken rhythm (> <);
ties (-); slurs; grace notes ({…}, skipped); chord symbols ("Am", skipped);
chords ([CEG]2, played as their first note times the chord's length); inline
fields and mid-tune K:/M:/L: lines; and "!" used as a line-break marker.
Anything else is an `ABCError` that names the line and what was wrong (a zero
or absurd length included) — never a silent None or another exception.

Two ways to cut text into tunes, for two kinds of text: `split_tunes` cuts a
file of finished tunes at their `X:` headers; `first_tune` takes the first tune
of a network's output and insists on the blank line that ends it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from fractions import Fraction

SHARP_ORDER = "FCGDAEB"
MAJOR_SHARPS = {"C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5, "F#": 6, "C#": 7,
                "F": -1, "Bb": -2, "Eb": -3, "Ab": -4, "Db": -5, "Gb": -6, "Cb": -7,
                # Theoretical major keys: only their minor-side modes fit in 7 accidentals (e.g. A# minor).
                "G#": 8, "D#": 9, "A#": 10, "Fb": -8}  # fmt: skip
MODE_SHIFT = {"major": 0, "ionian": 0, "mixolydian": -1, "dorian": -2, "minor": -3, "aeolian": -3,
              "phrygian": -4, "locrian": -5, "lydian": 1}  # fmt: skip
NOTE_SEMITONES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
LETTERS = "CDEFGAB"
ACCIDENTALS = {"__": -2, "_": -1, "=": 0, "^": 1, "^^": 2}
ACCIDENTAL_MARKS = {alteration: mark for mark, alteration in ACCIDENTALS.items()}
BAR = re.compile(r":\|\]|\|\]|\|\||\[\||:\|:|:\|\||:\||\|:|::|\|")
NOTE = re.compile(r"(\^\^|\^|__|_|=)?([A-Ga-g])([',]*)(\d*)((?:/\d*)*)")
SKIPPED = set(" \t`~.!-()HLMOPSTuv")


class ABCError(ValueError):
    """A tune that cannot be parsed; the message names the line and the problem."""


@dataclass(frozen=True)
class Note:
    """One note or rest: MIDI pitch (None for a rest) and length in whole notes."""

    pitch: int | None
    length: Fraction


@dataclass
class Tune:
    """A parsed tune: its header fields and its notes in playing order (repeats unfolded)."""

    fields: dict[str, str]
    notes: list[Note] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.fields.get("T", "untitled")

    def duration_whole_notes(self) -> Fraction:
        """Total length in whole notes, repeats included."""
        return sum((note.length for note in self.notes), Fraction(0))


def key_signature(key: str) -> dict[str, int]:
    """Accidentals of a K: field, e.g. "D Mixolydian" -> {"F": +1}; raises ABCError if unknown."""
    match = re.fullmatch(r"\s*([A-G][#b]?)\s*([A-Za-z]*)\s*", key)
    if not match:
        raise ABCError(f"K:{key} is not a key this parser knows (expected e.g. 'G Major', 'A Dorian')")
    tonic, mode = match.group(1), (match.group(2) or "major").lower()
    mode = {"maj": "major", "m": "minor", "min": "minor", "dor": "dorian", "mix": "mixolydian"}.get(mode, mode)
    if tonic not in MAJOR_SHARPS:
        raise ABCError(f"K:{key}: unknown tonic {tonic!r}")
    if mode not in MODE_SHIFT:
        raise ABCError(f"K:{key}: unknown mode {match.group(2)!r}")
    # The mode's signature is that of its relative major: shift the tonic's major signature.
    sharps = MAJOR_SHARPS[tonic] + MODE_SHIFT[mode]
    if not -7 <= sharps <= 7:
        raise ABCError(f"K:{key} needs {abs(sharps)} {'sharps' if sharps > 0 else 'flats'}; at most 7 are possible")
    letters = SHARP_ORDER[:sharps] if sharps > 0 else SHARP_ORDER[::-1][:-sharps]
    return {letter: 1 if sharps > 0 else -1 for letter in letters}


def check_meter(value: str, where: str) -> None:
    """Raise ABCError unless `value` is a meter: a fraction like 6/8, C, C| or none."""
    meter = value.strip()
    if meter not in ("C", "C|", "none") and not re.fullmatch(r"\d+/\d+", meter):
        raise ABCError(f"{where}: M:{value} is not a meter like 6/8, C or C|")


# A note lasts from 1/64 to 64 units of L: (real tunes stay within 1/4 and 8); anything outside is a typo or noise.
SHORTEST_NOTE, LONGEST_NOTE = Fraction(1, 64), Fraction(64)


def _fraction(text: str, where: str) -> Fraction:
    """The value of an L: field such as "1/8"; ABCError for anything else, zero or more than a whole note."""
    match = re.fullmatch(r"\s*(\d{1,3})\s*/\s*(\d{1,3})\s*", text)
    if not match or int(match.group(1)) == 0 or int(match.group(2)) == 0:
        raise ABCError(f"{where} {text!r} is not a unit length like 1/8 (two whole numbers from 1 to 999)")
    unit = Fraction(int(match.group(1)), int(match.group(2)))
    if not SHORTEST_NOTE <= unit <= 1:
        raise ABCError(f"{where} {text!r} is not a unit length from 1/64 to 1 (e.g. 1/8)")
    return unit


def _note_length(digits: str, slashes: str, where: str) -> Fraction:
    """The multiplier of the unit length: "2" -> 2, "/2" and "/" -> 1/2, "3/2" -> 3/2, "//" -> 1/4.

    Raises ABCError for a zero ("c0", "c/0"), a number of more than three
    digits, or a length outside 1/64 to 64 units.
    """
    written = digits + slashes
    divisors = slashes.split("/")[1:]
    if any(len(number) > 3 for number in (digits, *divisors)):
        raise ABCError(f"{where}: note length {written!r} has a number of more than three digits")
    if any(number and int(number) == 0 for number in (digits, *divisors)):
        raise ABCError(f"{where}: note length {written!r} holds a zero; lengths are like 2, /2 or 3/2")
    length = Fraction(int(digits)) if digits else Fraction(1)
    for part in divisors:
        length /= int(part) if part else 2
    if not SHORTEST_NOTE <= length <= LONGEST_NOTE:
        raise ABCError(f"{where}: note length {written!r} is {length} units; lengths run from 1/64 to 64")
    return length


class _Body:
    """The state of parsing a tune's body: key, unit length, bar accidentals, repeats."""

    def __init__(self, fields: dict[str, str], first_line: int) -> None:
        self.key = key_signature(fields["K"])
        self.unit = _fraction(fields.get("L", "1/8"), f"line {first_line}: L:")
        self.bar_accidentals: dict[tuple[str, int], int] = {}
        self.sections: list[list[Note]] = [[]]  # notes since the last repeat mark
        self.played: list[Note] = []
        self.open_repeat: int | None = None  # line of an unclosed |:
        self.tuplet: list[Fraction] = []  # remaining factors of a (3 group
        self.broken: Fraction | None = None  # factor owed to the next note by > or <

    def field(self, name: str, value: str, where: str) -> None:
        if name == "K":
            self.key = key_signature(value)
        elif name == "L":
            self.unit = _fraction(value.strip(), f"{where}: L:")
        elif name == "M":
            check_meter(value, where)

    def add(self, pitch: int | None, length: Fraction) -> None:
        if self.tuplet:
            length *= self.tuplet.pop(0)
        if self.broken is not None:
            length *= self.broken
            self.broken = None
        self.sections[-1].append(Note(pitch, length * self.unit))

    def bar(self, mark: str, line_number: int) -> None:
        self.bar_accidentals.clear()
        if mark in (":|", ":|]", ":||", "::", ":|:"):
            # Repeat everything since |: (or since the start): play it twice.
            self.played += self.sections[-1] * 2
            self.sections[-1] = []
            self.open_repeat = None
        if mark in ("|:", "::", ":|:"):
            self.played += self.sections[-1]
            self.sections[-1] = []
            self.open_repeat = line_number

    def finish(self) -> list[Note]:
        if self.open_repeat is not None and self.sections[-1]:
            raise ABCError(f"line {self.open_repeat}: repeat opened with |: is never closed with :|")
        return self.played + self.sections[-1]


def _pitch(accidental: str | None, letter: str, octave: str, body: _Body, where: str) -> int:
    upper = letter.upper()
    octave_shift = 12 * (octave.count("'") - octave.count(",")) + (12 if letter.islower() else 0)
    base = 60 + NOTE_SEMITONES[upper] + octave_shift
    bar_key = (upper, octave_shift)
    if accidental:
        shift = ACCIDENTALS[accidental]
        body.bar_accidentals[bar_key] = shift
    else:
        shift = body.bar_accidentals.get(bar_key, body.key.get(upper, 0))
    pitch = base + shift
    if not 0 <= pitch <= 127:
        raise ABCError(f"{where}: note {letter}{octave} is outside the MIDI range")
    return pitch


def _closing(line: str, start: int, closer: str, what: str, where: str) -> int:
    """Index of the `closer` that ends the construct opened at `start`; ABCError if there is none."""
    end = line.find(closer, start + 1)
    if end < 0:
        raise ABCError(f"{where}: {what} at column {start + 1} is never closed")
    return end


def _parse_line(line: str, body: _Body, number: int) -> None:
    where = f"line {number}"
    i = 0
    while i < len(line):
        char = line[i]
        if char == "%":
            return
        if char in SKIPPED and not (char == "(" and line[i + 1 : i + 2].isdigit()):
            i += 1
            continue
        if char == '"':
            i = _closing(line, i, '"', 'chord symbol opened with "', where) + 1
            continue
        if char == "{":
            i = _closing(line, i, "}", "grace notes opened with {", where) + 1
            continue
        if char == "(":
            count = int(line[i + 1])
            if count < 2:
                raise ABCError(f"{where}: tuplet ({count} at column {i + 1} needs at least 2 notes")
            ratio = Fraction(3 if count == 2 else 2, count) if count in (2, 3) else Fraction(count - 1, count)
            body.tuplet = [ratio] * count
            i += 2
            continue
        if char in "><":
            count = len(re.match(r"[<>]+", line[i:]).group())
            if not body.sections[-1]:
                raise ABCError(f"{where}: broken rhythm {char} at column {i + 1} has no note before it")
            previous = body.sections[-1][-1]
            dotted = Fraction(2**count * 2 - 1, 2**count) if char == ">" else Fraction(1, 2**count)
            body.sections[-1][-1] = Note(previous.pitch, previous.length * dotted)
            body.broken = 2 - dotted
            i += count
            continue
        if char == "[" and line[i + 1 : i + 2].isdigit():
            i += 2  # first/second ending: played as written
            continue
        if char == "[" and re.match(r"\[[A-Za-z]:", line[i:]):
            end = _closing(line, i, "]", "inline field opened with [", where)
            body.field(line[i + 1], line[i + 3 : end], where)
            i = end + 1
            continue
        bar = BAR.match(line, i)
        if bar:
            body.bar(bar.group(), number)
            i = bar.end()
            if i < len(line) and line[i].isdigit():
                i += 1  # |1 and :|2 endings
            continue
        if char == "[":
            end = _closing(line, i, "]", "chord opened with [", where)
            notes = list(NOTE.finditer(line, i + 1, end))
            if not notes:
                raise ABCError(f"{where}: chord at column {i + 1} holds no notes")
            first = notes[0]
            suffix = re.match(r"(\d*)((?:/\d*)*)", line[end + 1 :])  # a length after ], e.g. [CEG]2
            length = _note_length(first.group(4), first.group(5), where) * _note_length(*suffix.groups(), where)
            body.add(_pitch(first.group(1), first.group(2), first.group(3), body, where), length)
            i = end + 1 + suffix.end()
            continue
        if char in "zx":
            match = re.match(r"[zx](\d*)((?:/\d*)*)", line[i:])
            body.add(None, _note_length(match.group(1), match.group(2), where))
            i += match.end()
            continue
        note = NOTE.match(line, i)
        if note:
            body.add(_pitch(note.group(1), note.group(2), note.group(3), body, where),
                     _note_length(note.group(4), note.group(5), where))  # fmt: skip
            i = note.end()
            continue
        raise ABCError(f"{where}: unexpected character {char!r} at column {i + 1}: {line.strip()[:60]!r}")


def parse_tune(text: str) -> Tune:
    """Parse one tune (from its X: line to its last note) into a `Tune`.

    Raises `ABCError` naming the line: no X: first, no K: header, unknown
    key or meter, bad note letters, unclosed repeats, chords or quotes, binary
    junk, or no notes at all.
    """
    if not isinstance(text, str) or not text.strip():
        raise ABCError("the tune is empty: expected ABC text starting with an X: line")
    if "\x00" in text or any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        raise ABCError("the tune holds binary (control) characters: not ABC text")
    lines = text.strip().splitlines()
    if not lines[0].startswith("X:"):
        raise ABCError(f"line 1: a tune must start with an X: field, got {lines[0][:40]!r}")
    fields: dict[str, str] = {}
    body: _Body | None = None
    for number, line in enumerate(lines, start=1):
        where = f"line {number}"
        header = re.match(r"([A-Za-z]):(.*)$", line)
        if header and not (body is not None and header.group(1) in "ABCDEFGabcdefgzx" and ":" not in line[2:3]):
            name, value = header.group(1), header.group(2).strip()
            if body is None:
                fields[name] = value
                if name == "M":
                    check_meter(value, where)
                if name == "K":
                    body = _Body(fields, number)
            else:
                body.field(name, value, where)
            continue
        if body is None:
            if line.strip():
                raise ABCError(f"{where}: music before the K: field; the header must end with K: (e.g. K:G Major)")
            continue
        _parse_line(line, body, number)
    if body is None:
        raise ABCError("the tune has no K: field: the header must end with one (e.g. K:D Major)")
    notes = body.finish()
    if not any(note.pitch is not None for note in notes):
        raise ABCError("the tune has a header but no notes")
    return Tune(fields, notes)


def first_tune(text: str) -> str:
    """The first tune of generated text: from its first X: line to the blank line that ends the tune.

    A network that writes ABC ends each tune with a blank line, as the corpus
    does. Raises `ABCError` when there is no X: line, or when the text stops
    before the tune's blank line (an unfinished tune is not a tune).
    """
    start = re.search(r"^X:", text, flags=re.MULTILINE)
    if start is None:
        raise ABCError("the text holds no tune: no line starts with X:")
    body = text[start.start() :]
    end = body.find("\n\n")
    if end < 0:
        raise ABCError(f"the tune never ends: no blank line after its music in {len(body)} characters")
    return body[:end]


# In the music: a comment, a chord symbol, an inline field, or a note (accidental, letter, octave marks).
_TRANSPOSABLE = re.compile(r"%.*$|\"[^\"]*\"|\[[A-Za-z]:[^\]]*\]|(\^\^|\^|__|_|=)?([A-Ga-g])([',]*)")


def _transposed_key(key: str, semitones: int) -> str:
    """The K: field moved by `semitones`, spelled on the letter `round(7 * semitones / 12)` steps away."""
    match = re.fullmatch(r"(\s*)([A-G])([#b]?)(.*)", key, flags=re.DOTALL)
    if not match:
        raise ABCError(f"K:{key} is not a key this parser knows (expected e.g. 'G Major', 'A Dorian')")
    space, letter, accidental, mode = match.groups()
    new_letter = LETTERS[(LETTERS.index(letter) + round(7 * semitones / 12)) % 7]
    pitch_class = NOTE_SEMITONES[letter] + {"#": 1, "b": -1, "": 0}[accidental] + semitones
    alteration = (pitch_class - NOTE_SEMITONES[new_letter] + 6) % 12 - 6
    if alteration not in (-1, 0, 1):
        raise ABCError(f"K:{key} moved by {semitones} semitones has no key name with at most one sharp or flat")
    new_key = f"{space}{new_letter}{'#' if alteration > 0 else 'b' if alteration < 0 else ''}{mode}"
    key_signature(new_key)  # raises for a key with more than 7 sharps or flats
    return new_key


def _transposed_note(accidental: str | None, letter: str, octave_marks: str, semitones: int) -> str:
    """One note moved by `semitones`, written on the letter `round(7 * semitones / 12)` steps away.

    A note without an accidental keeps none: the new key signature (and any
    accidental earlier in the bar, which moved the same way) alters the new
    letter as the old one was altered. An explicit accidental is rewritten
    for the new letter.
    """
    octave = (5 if letter.islower() else 4) + octave_marks.count("'") - octave_marks.count(",")
    index = LETTERS.index(letter.upper()) + round(7 * semitones / 12)
    new_octave, new_letter = octave + index // 7, LETTERS[index % 7]
    written = new_letter.lower() + "'" * (new_octave - 5) if new_octave >= 5 else new_letter + "," * (4 - new_octave)
    if accidental is None:
        return written
    shift = 12 * octave + NOTE_SEMITONES[letter.upper()] + semitones - 12 * new_octave - NOTE_SEMITONES[new_letter]
    alteration = ACCIDENTALS[accidental] + shift
    if alteration not in ACCIDENTAL_MARKS:
        raise ABCError(
            f"{accidental}{letter}{octave_marks} moved by {semitones} semitones needs more than a double sharp or flat"
        )
    return ACCIDENTAL_MARKS[alteration] + written


def transpose(text: str, semitones: int) -> str:
    """The tune moved by `semitones` (-11 … 11): its K: fields and every note, checked by parsing both.

    Music is the same in any key, so a transposed tune is a new, equally
    idiomatic training example (lesson 06 adds each training tune a fifth up
    and a fifth down in key). Raises `ABCError` for a tune the parser cannot read, a tune with
    chord symbols (their names are not transposed), or a key that cannot be
    spelled; and if the transposed tune does not play every note exactly
    `semitones` higher, so a returned tune is always right.
    """
    if not -11 <= semitones <= 11:
        raise ABCError(f"transpose by -11 to 11 semitones, not {semitones}")
    original = parse_tune(text)

    def move(match: re.Match) -> str:
        token = match.group()
        if token.startswith('"'):
            raise ABCError(f"chord symbol {token} cannot be transposed")
        if token.startswith("[K:"):
            return f"[K:{_transposed_key(token[3:-1], semitones)}]"
        if match.group(2) is None:  # a comment or another inline field
            return token
        return _transposed_note(match.group(1), match.group(2), match.group(3), semitones)

    lines, in_music = [], False
    for line in text.split("\n"):
        if re.match(r"[A-Za-z]:", line):
            in_music = in_music or line.startswith("K:")
            lines.append(f"K:{_transposed_key(line[2:], semitones)}" if line.startswith("K:") else line)
        else:
            lines.append(_TRANSPOSABLE.sub(move, line) if in_music else line)
    moved = "\n".join(lines)
    expected = [(None if n.pitch is None else n.pitch + semitones, n.length) for n in original.notes]
    if [(n.pitch, n.length) for n in parse_tune(moved).notes] != expected:
        raise ABCError(f"the tune moved by {semitones} semitones does not play its notes {semitones} semitones higher")
    return moved


def split_tunes(text: str) -> list[str]:
    """Split an ABC file into tunes: each starts at a line opening with `X:`.

    Tunes are usually separated by blank lines, but a blank line can also sit
    inside a tune (tune 22 of irish.abc has one after its K: line), so the
    `X:` header, not the blank line, marks where a tune begins. Text before
    the first `X:` (other than blank lines and `%` comments) is an error.
    """
    starts = [m.start() for m in re.finditer(r"^X:", text, flags=re.MULTILINE)]
    preamble = text[: starts[0]] if starts else text
    stray = [line for line in preamble.splitlines() if line.strip() and not line.startswith("%")]
    if stray:
        raise ABCError(f"ABC text before the first 'X:' header is not a tune: {stray[0][:60]!r}")
    bounds = [*starts, len(text)]
    return [text[a:b].strip() for a, b in itertools.pairwise(bounds)]


VOLTA = re.compile(r"^\[?\d(?:[,-]\d)*")


def tune_bars(text: str) -> list[str]:
    """The bars of a tune's music as written (repeats not unfolded), for comparing tunes bar by bar.

    Only the lines after the header's K: line count; field lines (`M:6/8`) are
    skipped and the rest joined (a bar may run on to the next line). Spaces and
    "!" line-break marks are removed, the text is split at every bar line
    (| || |: :| :: [| |]), a first/second-ending number at the start of a bar
    ([1, 2) is dropped, and so are empty bars. Raises `ABCError` when the text
    has no K: line.
    """
    lines = text.strip().splitlines()
    keys = [i for i, line in enumerate(lines) if line.startswith("K:")]
    if not keys:
        raise ABCError("the tune has no K: field, so there is no music to split into bars")
    music = "".join(line for line in lines[keys[0] + 1 :] if not re.match(r"[A-Za-z]:", line))
    pieces = BAR.split(music.replace(" ", "").replace("!", ""))
    return [bar for bar in (VOLTA.sub("", piece) for piece in pieces) if bar]

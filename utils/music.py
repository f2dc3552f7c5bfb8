"""ABC notation: split text into tunes, parse a tune into notes, and play it with NumPy.

The parser covers the ABC that the course's corpus (irish.abc) and a network
trained on it write: header fields X, T, M, L, K (and others, kept as text);
notes with accidentals (^ = _), octave marks (' ,) and lengths (2, /2, 3/2);
rests (z, x); bar lines and repeats (| || |] [| |: :| ::); first and second
endings ([1 [2); triplets ((3); broken rhythm (> <); ties (-); slurs; grace
notes ({…}, skipped); chord symbols ("Am", skipped); chords ([CEG], played
as their first note's length); inline fields and mid-tune K:/M:/L: lines;
and "!" used as a line-break marker. Anything else is an `ABCError` that
names the line and what was wrong — never a silent None.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

SHARP_ORDER = "FCGDAEB"
MAJOR_SHARPS = {"C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5, "F#": 6, "C#": 7,
                "F": -1, "Bb": -2, "Eb": -3, "Ab": -4, "Db": -5, "Gb": -6, "Cb": -7,
                # Theoretical major keys: only their minor-side modes fit in 7 accidentals (e.g. A# minor).
                "G#": 8, "D#": 9, "A#": 10, "Fb": -8}  # fmt: skip
MODE_SHIFT = {"major": 0, "ionian": 0, "mixolydian": -1, "dorian": -2, "minor": -3, "aeolian": -3,
              "phrygian": -4, "locrian": -5, "lydian": 1}  # fmt: skip
NOTE_SEMITONES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
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


def _fraction(text: str, where: str) -> Fraction:
    try:
        numerator, denominator = text.split("/")
        return Fraction(int(numerator), int(denominator))
    except (ValueError, ZeroDivisionError) as error:
        raise ABCError(f"{where}: {text!r} is not a fraction like 1/8") from error


def _note_length(digits: str, slashes: str) -> Fraction:
    """The multiplier of the unit length: "2" -> 2, "/2" and "/" -> 1/2, "3/2" -> 3/2, "//" -> 1/4."""
    length = Fraction(int(digits)) if digits else Fraction(1)
    for part in slashes.split("/")[1:]:
        length /= int(part) if part else 2
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
        shift = {"^": 1, "^^": 2, "_": -1, "__": -2, "=": 0}[accidental]
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
            body.add(_pitch(first.group(1), first.group(2), first.group(3), body, where),
                     _note_length(first.group(4), first.group(5)))  # fmt: skip
            i = end + 1
            match = re.match(r"\d*(?:/\d*)*", line[i:])
            i += match.end()
            continue
        if char in "zx":
            match = re.match(r"[zx](\d*)((?:/\d*)*)", line[i:])
            body.add(None, _note_length(match.group(1), match.group(2)))
            i += match.end()
            continue
        note = NOTE.match(line, i)
        if note:
            body.add(_pitch(note.group(1), note.group(2), note.group(3), body, where),
                     _note_length(note.group(4), note.group(5)))  # fmt: skip
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


def abc2midi_errors(text: str) -> list[str]:
    """The error lines Debian's `abc2midi` (the reference ABC converter) prints for a tune; [] if it has none.

    Warnings are not errors. Raises `FileNotFoundError` saying how to install
    abc2midi when it is not on the PATH; check `shutil.which("abc2midi")` first
    to make it optional.
    """
    program = shutil.which("abc2midi")
    if program is None:
        raise FileNotFoundError("abc2midi is not installed: `apt install abcmidi` (Debian/Ubuntu) provides it")
    with tempfile.TemporaryDirectory() as folder:
        source = f"{folder}/tune.abc"
        with open(source, "w", encoding="utf-8") as handle:
            handle.write(text.strip() + "\n")
        run = subprocess.run(  # noqa: S603 - fixed program, our own temporary file
            [program, source, "-o", f"{folder}/tune.mid"], capture_output=True, text=True, timeout=60, check=False
        )
    output = run.stdout + run.stderr
    errors = [line.strip() for line in output.splitlines() if line.startswith("Error")]
    if run.returncode != 0 and not errors:
        errors.append(f"abc2midi exited with status {run.returncode}")
    return errors


@dataclass
class GeneratedTune:
    """The verdict on one generated text: its first tune, the parsed `Tune` if valid, and every problem found."""

    text: str
    tune: Tune | None
    problems: list[str]

    @property
    def valid(self) -> bool:
        return not self.problems


def judge_generated(text: str, use_abc2midi: bool = False) -> GeneratedTune:
    """Take the first tune of generated text and check it with `parse_tune` (and `abc2midi` if asked).

    A tune is valid when it is complete (ends with a blank line), parses, and,
    with `use_abc2midi`, abc2midi reports no errors for it.
    """
    try:
        tune_text = first_tune(text)
        tune = parse_tune(tune_text)
    except ABCError as error:
        return GeneratedTune(text, None, [f"parser: {error}"])
    problems = [f"abc2midi: {line}" for line in abc2midi_errors(tune_text)] if use_abc2midi else []
    return GeneratedTune(tune_text, tune if not problems else None, problems)


def synthesize(tune: Tune, quarter_notes_per_minute: float = 120.0, sample_rate: int = 22_050) -> np.ndarray:
    """A plucked-string rendering of the tune as float32 samples in [−1, 1].

    Each note is a sine with two overtones under an exponentially decaying
    envelope with 5 ms fades at both ends (no clicks); rests are silence. The
    length is exactly the tune's duration at the given tempo.
    """
    if quarter_notes_per_minute <= 0 or sample_rate <= 0:
        raise ValueError("tempo and sample_rate must be positive")
    seconds_per_whole = 4 * 60.0 / quarter_notes_per_minute
    pieces = []
    for note in tune.notes:
        count = round(float(note.length) * seconds_per_whole * sample_rate)
        t = np.arange(count) / sample_rate
        if note.pitch is None or count == 0:
            pieces.append(np.zeros(count))
            continue
        frequency = 440.0 * 2 ** ((note.pitch - 69) / 12)
        tone = sum(weight * np.sin(2 * np.pi * frequency * k * t) for k, weight in ((1, 1.0), (2, 0.4), (3, 0.2)))
        envelope = np.exp(-3.0 * t)
        fade = min(count // 2, int(0.005 * sample_rate))
        if fade:
            ramp = np.linspace(0.0, 1.0, fade)
            envelope[:fade] *= ramp
            envelope[-fade:] *= ramp[::-1]
        pieces.append(tone * envelope)
    audio = np.concatenate(pieces) if pieces else np.zeros(0)
    peak = np.abs(audio).max() if audio.size else 0.0
    return (0.8 * audio / peak if peak > 0 else audio).astype(np.float32)


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


def bar_index(corpus_bars: list[list[str]]) -> dict[str, list[tuple[int, int]]]:
    """Where each bar occurs in a corpus: bar -> [(tune number, position in the tune), ...]."""
    index: dict[str, list[tuple[int, int]]] = {}
    for tune, bars in enumerate(corpus_bars):
        for position, bar in enumerate(bars):
            index.setdefault(bar, []).append((tune, position))
    return index


@dataclass(frozen=True)
class Originality:
    """How much of a tune's bars come from a corpus (see `originality`)."""

    bars: int  # bars in the tune
    shared_fraction: float  # share of its bars that occur somewhere in the corpus
    longest_run: int  # most consecutive bars found, in the same order, in one corpus tune
    source: int | None  # that corpus tune's number (None when no bar is shared)

    @property
    def verbatim(self) -> bool:
        """True when the whole tune (at least one bar) occurs, bar for bar, inside one corpus tune."""
        return self.bars > 0 and self.longest_run == self.bars


def originality(bars: list[str], corpus_bars: list[list[str]], index: dict[str, list[tuple[int, int]]]) -> Originality:
    """Compare a tune's bars (`tune_bars`) with a corpus (`corpus_bars`, and its `bar_index`).

    The longest run is the longest stretch of consecutive bars of the tune that
    appears, consecutively and in the same order, in a single corpus tune.
    """
    longest, source = 0, None
    for start, bar in enumerate(bars):
        for tune, position in index.get(bar, []):
            other = corpus_bars[tune]
            length = 1
            while (start + length < len(bars) and position + length < len(other)
                   and bars[start + length] == other[position + length]):  # fmt: skip
                length += 1
            if length > longest:
                longest, source = length, tune
    shared = sum(bar in index for bar in bars) / len(bars) if bars else 0.0
    return Originality(len(bars), shared, longest, source)

"""Judging generated tunes: are they valid ABC, how much do they copy from a corpus, what form do they have?

Validity is checked by the course's parser (`utils.abc_notation`) and, where it
is installed, by Debian's `abc2midi`, the reference converter. Originality
compares a tune's bars with the bars of a corpus of tunes. Form measures the
length of a tune's parts and the note it ends on, to compare generated tunes
with real ones.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction

from utils.abc_notation import NOTE_SEMITONES, ABCError, Tune, first_tune, parse_tune


def abc2midi_errors(text: str) -> list[str]:
    """The error lines Debian's `abc2midi` (the reference ABC converter) prints for a tune; [] if it has none.

    Warnings are not errors; a run that hangs is one. Raises `FileNotFoundError` saying how to install
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
        try:
            run = subprocess.run(  # noqa: S603 - fixed program, our own temporary file
                [program, source, "-o", f"{folder}/tune.mid"], capture_output=True, text=True, timeout=60, check=False
            )
        except subprocess.TimeoutExpired:
            return ["abc2midi did not finish within 60 s"]
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
    with `use_abc2midi`, abc2midi reports no errors for it. Every text gets a
    verdict: whatever is wrong with it goes into `problems`, nothing is raised.
    """
    try:
        tune_text = first_tune(text)
        tune = parse_tune(tune_text)
    except ABCError as error:
        return GeneratedTune(text, None, [f"parser: {error}"])
    problems = [f"abc2midi: {line}" for line in abc2midi_errors(tune_text)] if use_abc2midi else []
    return GeneratedTune(tune_text, tune if not problems else None, problems)


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


# Bar lines that end a part (or start a repeated one): the double bars and the repeat marks.
PART_BOUNDARY = re.compile(r"(:\|\]|\|\]|\|\||:\|:|:\||::|\|:|\[\|)")


@dataclass(frozen=True)
class Form:
    """The shape of a tune (see `form`): how long each part plays, and where the tune comes to rest."""

    part_bars: list[float]  # bars each part plays, a repeated part counted twice (nan: a part the parser can't read)
    ends_on_tonic: bool  # the last note is the key's tonic, in any octave

    @property
    def regular_parts(self) -> bool:
        """Every part plays a multiple of 8 bars (8, 16, 24, …), give or take less than a bar of pickup."""
        return bool(self.part_bars) and all(bars >= 7 and abs(bars - 8 * round(bars / 8)) < 1
                                            for bars in self.part_bars)  # fmt: skip

    @property
    def usual(self) -> bool:
        """The form of most tunes of the tradition: parts of 8 (or 16) bars, ending on the tonic."""
        return self.regular_parts and self.ends_on_tonic


def _bar_length(meter: str) -> Fraction | None:
    """A bar's length in whole notes for an M: field (C and C| are 4/4 and 2/2); None for M:none."""
    meter = meter.strip()
    if meter in ("C", "C|"):
        return Fraction(1)
    match = re.fullmatch(r"(\d+)/(\d+)", meter)
    return Fraction(int(match.group(1)), int(match.group(2))) if match and int(match.group(2)) else None


def form(text: str) -> Form:
    """The form of a valid tune: the length of each part in bars, and whether it ends on its key's tonic.

    The music is cut into parts at double bars and repeat marks (`||`, `|]`,
    `|:`, `:|`, `::`); a second ending (`[2`, `:|2`) is not a part of its own,
    since it stands in for the first. A part's length is the sum of its notes'
    lengths divided by the meter's bar, doubled when it ends with a repeat
    (`:|`): four bars written between `|:` and `:|` play as an 8-bar part; a
    pickup shorter than a bar before a `|:` counts in the part after it. The
    tonic is the K: field's letter (and sharp or flat); the mode does not move
    it. Raises `ABCError` for a tune `parse_tune` rejects.
    """
    tune = parse_tune(text)
    lines = text.strip().splitlines()
    key_line = next(i for i, line in enumerate(lines) if line.startswith("K:"))
    header = "\n".join(line for line in lines[: key_line + 1] if line[:2] in ("X:", "M:", "L:", "K:"))
    music = "".join(line for line in lines[key_line + 1 :] if not re.match(r"[A-Za-z]:", line)).replace("!", "")
    bar = _bar_length(tune.fields.get("M", "C"))
    pieces = [*PART_BOUNDARY.split(music), ""]  # part, boundary, part, boundary, …, last part, ""
    part_bars, carried = [], 0.0
    for part, boundary in zip(pieces[::2], pieces[1::2], strict=True):
        part = part.strip()
        if re.match(r"\[?[2-9]", part) or not re.search(r"[A-Ga-g]", part):
            continue  # a second ending, or no music
        music_of_part = re.sub(r"^\[?1", "", part)  # a first ending's mark
        try:
            notes = parse_tune(f"{header}\n{music_of_part}").notes
            length = float(sum(note.length for note in notes) / bar) if bar else float("nan")
        except ABCError:
            length = float("nan")
        length = carried + length * (2 if boundary.startswith(":") else 1)
        carried = length if length < 1 and boundary else 0.0  # a pickup before |: belongs to the part it leads into
        if not carried:
            part_bars.append(length)
    key = re.match(r"\s*([A-G])([#b]?)", tune.fields["K"])
    tonic = NOTE_SEMITONES[key.group(1)] + {"#": 1, "b": -1, "": 0}[key.group(2)]
    last = next(note.pitch for note in reversed(tune.notes) if note.pitch is not None)
    return Form(part_bars, (last - tonic) % 12 == 0)

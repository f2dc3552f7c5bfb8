"""Judging generated tunes: are they valid ABC, and how much do they copy from a corpus?

Validity is checked by the course's parser (`utils.abc_notation`) and, where it
is installed, by Debian's `abc2midi`, the reference converter. Originality
compares a tune's bars with the bars of a corpus of tunes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from utils.abc_notation import ABCError, Tune, first_tune, parse_tune


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

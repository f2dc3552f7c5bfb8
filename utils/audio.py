"""Audio for a parsed tune, synthesised in NumPy (no system tools: it plays in Jupyter, Colab, anywhere)."""

from __future__ import annotations

import numpy as np

from utils.abc_notation import Tune


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

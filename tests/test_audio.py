"""Audio synthesis of parsed tunes: exact duration, no NaN, no clipping."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import abc_notation, audio

SCALE = "X:1\nT:Scale\nM:4/4\nL:1/8\nK:C Major\nCDEF GABc|:cBAG FEDC:|\n"


def test_audio_lasts_exactly_the_tunes_duration():
    sound = audio.synthesize(abc_notation.parse_tune(SCALE), quarter_notes_per_minute=120, sample_rate=8000)
    assert sound.shape == (3 * 2 * 8000,)  # 3 whole notes of 2 s each
    assert sound.dtype == np.float32 and np.abs(sound).max() <= 1


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(21, 108)), st.integers(1, 16)), min_size=1, max_size=30))
def test_synthesis_never_produces_nan_or_clipping(notes):
    tune = abc_notation.Tune({"T": "random"}, [abc_notation.Note(p, Fraction(n, 16)) for p, n in notes])
    sound = audio.synthesize(tune, sample_rate=4000)
    assert np.all(np.isfinite(sound)) and np.abs(sound).max(initial=0) <= 1.0
    assert len(sound) == pytest.approx(float(tune.duration_whole_notes()) * 2 * 4000, abs=len(notes))

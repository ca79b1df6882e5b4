"""Memory's daily pass is, to the bit, trust.relax twice and the trust index as numpy built them."""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.kernels.memory import fade, remember
from cpsim.kernels.numpy_path import memory as numpy_path


@pytest.mark.parametrize("seed", range(8))
def test_remember_is_relax_and_combine(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 5000))
    # Components and attitudes in 0..1 and beyond (the arithmetic is the same), at several scales.
    arrays = [rng.random(n) * rng.choice([1e-6, 1.0, 3.0], n) for _ in range(4)]
    factor, weight = float(rng.random()), float(rng.random())
    got = [a.copy() for a in arrays] + [np.full(n, np.nan)]
    want = [a.copy() for a in arrays] + [np.full(n, np.nan)]
    remember(*got[:4], factor, weight, got[4])
    numpy_path.remember(*want[:4], factor, weight, want[4])
    for g, w in zip(got, want, strict=True):
        assert g.tobytes() == w.tobytes()
    assert [g.tobytes() for g in (got[1], got[3])] == [a.tobytes() for a in (arrays[1], arrays[3])]


def test_a_daily_decay_and_an_uneven_weight():
    # A factor from a half-life, as the model's, and a weight not 0.5, so (1 - w) differs from w.
    rng = np.random.default_rng(11)
    got = [rng.random(1000) for _ in range(4)] + [np.empty(1000)]
    want = [a.copy() for a in got]
    factor = float(0.5 ** (1.0 / 30.0))
    remember(*got[:4], factor, 0.6, got[4])
    numpy_path.remember(*want[:4], factor, 0.6, want[4])
    assert all(g.tobytes() == w.tobytes() for g, w in zip(got, want, strict=True))


def test_lengths_must_match():
    with pytest.raises(ValueError, match="one length"):
        remember(np.zeros(3), np.zeros(3), np.zeros(3), np.zeros(2), 0.5, 0.5, np.zeros(3))


def test_wrong_dtypes_and_read_only_arrays_are_refused_in_one_line():
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="trust is read-only"):
        remember(np.zeros(3), np.zeros(3), np.zeros(3), np.zeros(3), 0.5, 0.5, frozen)
    with pytest.raises(ValueError, match="effectiveness is read-only"):
        remember(np.zeros(3), np.zeros(3), frozen, np.zeros(3), 0.5, 0.5, np.zeros(3))
    with pytest.raises(TypeError, match="attitude_legitimacy must be float64, not float32"):
        remember(np.zeros(3), np.zeros(3, np.float32), np.zeros(3), np.zeros(3), 0.5, 0.5, np.zeros(3))


@pytest.mark.parametrize("seed", range(6))
def test_fade_is_numpys_gather_add_and_clip(seed):
    rng = np.random.default_rng(seed)
    n, groups, beats = int(rng.integers(0, 4000)), int(rng.integers(1, 4)), int(rng.integers(1, 40))
    # Attitudes near both bounds, so clipping happens at 0 and at 1.
    got = [rng.random(n) * 1.2 - 0.1 for _ in range(2)]
    want = [a.copy() for a in got]
    group = rng.integers(0, groups, n).astype(np.int8)
    beat = rng.integers(0, beats, n).astype(np.int32)
    group_fade = rng.normal(0.0, 0.05, (groups, 2))
    beat_fade = rng.normal(0.0, 0.05, (beats, 2))
    fade(*got, group, beat, group_fade.ravel(), beat_fade.ravel())
    numpy_path.fade(*want, group, beat, group_fade, beat_fade)
    assert [g.tobytes() for g in got] == [w.tobytes() for w in want]


def test_fade_refuses_residents_outside_the_memories_and_odd_rows():
    att = [np.zeros(2), np.zeros(2)]
    with pytest.raises(ValueError, match="resident 1's group 2"):
        fade(*att, np.array([0, 2], np.int8), np.zeros(2, np.int32), np.zeros(4), np.zeros(2))
    with pytest.raises(ValueError, match="two components"):
        fade(*att, np.zeros(2, np.int8), np.zeros(2, np.int32), np.zeros(3), np.zeros(2))

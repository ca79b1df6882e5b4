"""Phase 13's kernels are, to the bit, the numpy updates of presence, foot, disorder and perceived safety."""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.kernels.numpy_path import surroundings as numpy_path
from cpsim.kernels.surroundings import approach, feel, presence
from cpsim.mechanisms.bounds import unit
from cpsim.mechanisms.policing import ACTIVITIES


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("seed", range(8))
def test_feel_is_update_safety(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    safety, target = rng.random(n), rng.random(n) * rng.choice([1e-6, 1.0], n)
    listeners = np.unique(rng.integers(0, n, int(rng.integers(0, 300))))
    heard = rng.standard_normal((listeners.size, 3)) * 2  # fear beyond 0..1 and below, clipped
    # Some victims also heard stories; some are victimised twice (and lose victim_drop once, as in numpy).
    victims = np.concatenate([rng.integers(0, n, int(rng.integers(0, 40))), listeners[:5]])
    victims = np.concatenate([victims, victims[:3]])
    keep, hw, drop = float(rng.random()), float(rng.random()), float(rng.random())
    got, want = safety.copy(), safety.copy()
    feel(got, target, keep, listeners, heard, hw * drop, victims, 1.0 - drop)
    numpy_path.feel(want, target, keep, listeners, heard, hw * drop, victims, 1.0 - drop)
    assert same_bits(got, want)


def test_feel_nan_and_negative_zero_fear_pass_as_np_clip_passes_them():
    safety = np.array([0.5, 0.5, 0.5])
    heard = np.array([[0, 0, np.nan], [0, 0, -0.0], [0, 0, 7.0]])
    got, want = safety.copy(), safety.copy()
    idx, none = np.array([0, 1, 2]), np.empty(0, np.int64)
    feel(got, np.zeros(3), 1.0, idx, heard, 0.3, none, 0.5)
    numpy_path.feel(want, np.zeros(3), 1.0, idx, heard, 0.3, none, 0.5)
    assert same_bits(got, want) and np.isnan(got[0])


def test_feel_refuses_bad_input():
    one, none = np.array([0]), np.empty(0, np.int64)
    with pytest.raises(ValueError, match="target has 2 values for 3 residents"):
        feel(np.zeros(3), np.zeros(2), 0.5, none, np.empty((0, 3)), 0.1, none, 0.5)
    with pytest.raises(ValueError, match="heard must be 1 x 3, not 2 x 3"):
        feel(np.zeros(3), np.zeros(3), 0.5, one, np.zeros((2, 3)), 0.1, none, 0.5)
    with pytest.raises(ValueError, match=r"listener 3 is not one of 0\.\.2"):
        feel(np.zeros(3), np.zeros(3), 0.5, np.array([3]), np.zeros((1, 3)), 0.1, none, 0.5)
    with pytest.raises(ValueError, match=r"victim -1 is not one of 0\.\.2"):
        feel(np.zeros(3), np.zeros(3), 0.5, none, np.empty((0, 3)), 0.1, np.array([-1]), 0.5)


@pytest.mark.parametrize("seed", range(6))
def test_presence_is_the_running_average(seed):
    rng = np.random.default_rng(50 + seed)
    b = int(rng.integers(1, 12))
    previous = rng.random(b) * 30
    hours = [rng.random(b) * rng.choice([0.0, 1.0, 40.0], b) for _ in range(5)]
    beat_residents = rng.integers(0, 3000, b)  # an empty beat divides by 1
    keep, cp = float(rng.random()), float(rng.random())
    r, f, e, c, m = hours  # response, foot, enforcement, car, community
    street = r + f + e + c + cp * m
    want = keep * previous + (1 - keep) * street * 1000.0 / np.maximum(beat_residents, 1)
    by_activity = {"response": r, "foot": f, "enforcement": e, "community": m, "car": c}
    assert same_bits(presence(previous, keep, by_activity, cp, beat_residents), want)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("clip", [False, True])
def test_approach_is_relax_toward_base(seed, clip):
    rng = np.random.default_rng(80 + seed)
    n = int(rng.integers(0, 200))
    x, base = rng.standard_normal(n) * 2, rng.standard_normal(n)  # beyond 0..1 both ways
    if n:
        x[0] = np.nan  # stays NaN, as np.clip keeps it
    rate = float(rng.random())
    got, want = x.copy(), x.copy()
    approach(got, base, rate, clip=clip)
    want += rate * (base - want)
    if clip:
        unit(want)
    assert same_bits(got, want)


def test_refusals_of_presence_and_approach():
    with pytest.raises(ValueError, match="base has 2 values for 3"):
        approach(np.zeros(3), np.zeros(2), 0.5)
    one, two = np.zeros(1), np.zeros(2)
    with pytest.raises(ValueError, match="one value per beat"):
        presence(one, 0.5, dict.fromkeys(ACTIVITIES, one) | {"community": two}, 0.1, np.zeros(1, np.int64))


def test_wrong_dtypes_and_read_only_outputs_are_refused_in_one_line():
    none = np.empty(0, np.int64)
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="safety is read-only"):
        feel(frozen, np.zeros(3), 0.5, none, np.empty((0, 3)), 0.1, none, 0.5)
    with pytest.raises(ValueError, match="x is read-only"):
        approach(frozen, np.zeros(3), 0.5)
    with pytest.raises(TypeError, match="listeners must be int64, not int32"):
        feel(np.zeros(3), np.zeros(3), 0.5, np.zeros(1, np.int32), np.zeros((1, 3)), 0.1, none, 0.5)
    with pytest.raises(TypeError, match="heard must be float64, not float32"):
        feel(np.zeros(3), np.zeros(3), 0.5, none, np.empty((0, 3), np.float32), 0.1, none, 0.5)
    with pytest.raises(ValueError, match="heard must have 2 dimensions, not 1"):
        feel(np.zeros(3), np.zeros(3), 0.5, none, np.empty(0), 0.1, none, 0.5)
    with pytest.raises(ValueError, match="heard's rows must be contiguous"):
        feel(np.zeros(3), np.zeros(3), 0.5, np.array([0]), np.zeros((1, 6))[:, ::2], 0.1, none, 0.5)
    with pytest.raises(TypeError, match="beat_residents must be int64, not float64"):
        one = np.zeros(1)
        presence(one, 0.5, dict.fromkeys(ACTIVITIES, one), 0.1, one)


def test_feel_reads_heard_rows_a_step_apart():
    """A view of every other row (rows contiguous, a step between them) is read as numpy reads it."""
    rng = np.random.default_rng(7)
    heard = rng.standard_normal((8, 3))[::2]
    listeners = np.array([0, 2, 3, 1])
    got = rng.random(4)
    want = got.copy()
    feel(got, np.full(4, 0.5), 0.9, listeners, heard, 0.3, np.empty(0, np.int64), 0.5)
    numpy_path.feel(want, np.full(4, 0.5), 0.9, listeners, heard, 0.3, np.empty(0, np.int64), 0.5)
    assert same_bits(got, want)

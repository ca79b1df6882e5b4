"""Beat swaps and the duty rota, compiled, do what the numpy path does (same draws, same beats)."""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.kernels import rota
from cpsim.kernels.numpy_path import rota as numpy_path

ROTA_STEP = 0.6180339887498949


def same(a, b) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("with_fixed", [False, True])
def test_swaps_draw_and_move_officers_as_numpy(seed, with_fixed):
    rng = np.random.default_rng(seed)
    n, n_beats = 40, 6
    beat = rng.integers(-1, n_beats - 1, n).astype(np.int32)  # beat 5 starts empty; -1 is off any beat
    fixed = (rng.random(n) < 0.3) if with_fixed else None
    a, b = np.random.default_rng(seed), np.random.default_rng(seed)
    mine, theirs = beat.copy(), beat.copy()
    swapped = 0
    for _day in range(30):  # rotation every 2 days on average: many swaps
        got = rota.rotate(a, mine, n_beats, 0.5 / 2.0, fixed)
        want = numpy_path.rotate(b, theirs, n_beats, 0.5 / 2.0, fixed)
        assert same(got, want) and same(mine, theirs)
        swapped += int(got.sum() > 0)
    assert swapped > 20 and a.bit_generator.state == b.bit_generator.state
    if with_fixed:
        assert same(mine[fixed], beat[fixed])  # steady officers never move


def test_one_beat_or_nobody_on_a_beat_draws_nothing():
    rng = np.random.default_rng(0)
    before = rng.bit_generator.state
    assert same(rota.rotate(rng, np.zeros(5, np.int32), 1, 0.5), np.zeros(1))
    assert same(rota.rotate(rng, np.full(5, -1, np.int32), 3, 0.5), np.zeros(3))
    assert rng.bit_generator.state == before


def test_duty_follows_the_rota_and_counts_each_beat():
    rng = np.random.default_rng(1)
    n, n_beats = 50, 4
    beat = rng.integers(-1, n_beats, n).astype(np.int32)
    phase = rng.random(n)
    phase[:2] = [0.0, 1.0 - ROTA_STEP]  # a whole number on some day: np.mod gives +0.0
    on = np.zeros(n, bool)
    for day in (0, 1, 2, 17, 365, 10**6):
        per_beat = rota.duty(on.view(np.uint8), phase, day * ROTA_STEP, 0.4, beat, n_beats)
        want = np.mod(day * ROTA_STEP + phase, 1.0) < 0.4
        assert same(on, want)
        assert same(per_beat, np.bincount(beat[want & (beat >= 0)], minlength=n_beats).astype(float))


def test_a_beat_beyond_the_city_is_refused_not_written_past():
    on, phase = np.zeros(3, bool), np.zeros(3)
    with pytest.raises(ValueError, match="officer 2 is on beat 4, but the city has 2 beats"):
        rota.duty(on.view(np.uint8), phase, 0.0, 0.5, np.array([0, 1, 4], np.int32), 2)
    with pytest.raises(ValueError, match="officer 2 is on beat 4, but the city has 2 beats"):
        rota.rotate(np.random.default_rng(0), np.array([0, 1, 4], np.int32), 2, 0.5)


def test_wrong_dtypes_and_read_only_arrays_are_refused():
    """Arrays are read through their data pointers: each is checked, with a one-line error."""
    on, phase, beat = np.zeros(3, bool), np.zeros(3), np.zeros(3, np.int32)
    with pytest.raises(TypeError, match="beat must be int32, not int64"):
        rota.duty(on, phase, 0.0, 0.5, beat.astype(np.int64), 2)
    with pytest.raises(TypeError, match="beat must be int32, not float64"):
        rota.rotate(np.random.default_rng(0), beat.astype(float), 2, 0.5)
    with pytest.raises(ValueError, match="fixed must have 3 values, not 2"):
        rota.rotate(np.random.default_rng(0), beat, 2, 0.5, np.zeros(2, bool))
    on.flags.writeable = False
    with pytest.raises(ValueError, match="on_duty is read-only"):
        rota.duty(on, phase, 0.0, 0.5, beat, 2)
    beat.flags.writeable = False
    with pytest.raises(ValueError, match="beat is read-only"):
        rota.rotate(np.random.default_rng(0), beat, 2, 0.5)


def test_duty_writes_a_bool_array_or_its_bytes_alike():
    phase, beat = np.array([0.1, 0.6, 0.3]), np.array([0, 1, -1], np.int32)
    on, bytes_ = np.zeros(3, bool), np.zeros(3, bool)
    assert same(rota.duty(on, phase, 0.0, 0.5, beat, 2), rota.duty(bytes_.view(np.uint8), phase, 0.0, 0.5, beat, 2))
    assert same(on, bytes_) and same(on, np.array([True, False, True]))


@pytest.mark.parametrize("seed", range(10))
def test_roster_is_the_numpy_grouping(seed):
    rng = np.random.default_rng(seed)
    n, n_beats = int(rng.integers(0, 300)), int(rng.integers(1, 30))
    beat = rng.integers(-1, n_beats + 3, n).astype(np.int32)  # off any beat, and beats past n_beats
    on_duty = rng.random(n) < (0.0 if seed == 3 else 0.4)  # nobody on duty once: everybody is picked from
    for got, expected in zip(
        rota.roster(on_duty, beat, n_beats), numpy_path.roster(on_duty, beat, n_beats), strict=True
    ):
        assert got.dtype == np.int64 and np.array_equal(got, expected)


def test_roster_refuses_bad_input():
    with pytest.raises(TypeError, match="beat must be int64, not float64"):
        rota.roster(np.zeros(2, bool), np.zeros(2), 3)
    with pytest.raises(ValueError, match="on_duty must have 2 values, not 3"):
        rota.roster(np.zeros(3, bool), np.zeros(2, np.int32), 3)

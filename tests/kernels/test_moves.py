"""The experience-moves kernel gives, to the bit, what numpy's gather, add and clip gave."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from resident_arrays import trust_section, unit_values

from cpsim.mechanisms.bounds import unit
from cpsim.mechanisms.contacts import _move  # the kernel as the mechanism calls it
from cpsim.mechanisms.trust import consolidation, experience_delta, read_valence
from cpsim.scenario import Scenario

COMPONENTS = ("trust", "legitimacy", "effectiveness", "attitude_legitimacy", "attitude_effectiveness")


def move_numpy(res, idx, v, has, mult, fam, t, unique: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The numpy code the kernel replaced (cpsim.mechanisms.contacts._move), both of its paths."""
    prior = res.trust[idx]
    read = read_valence(np.where(has, v, 0.0), prior, t.prior_bias)
    step = np.array([[t.positive_step_legitimacy], [t.positive_step_effectiveness]]) * mult
    ratio = np.array([[t.negativity_ratio_legitimacy], [t.negativity_ratio_effectiveness]])
    now = np.array((res.legitimacy[idx], res.effectiveness[idx]))
    delta = np.where(has, experience_delta(now, read, step, ratio), 0.0)
    strength = np.abs(read)
    kept = consolidation(t, fam, np.maximum(strength[0], strength[1]), mult)
    if unique:  # each resident once: x + d gathered and scattered gives what np.add.at gives
        now += delta
        unit(now)
        res.legitimacy[idx], res.effectiveness[idx] = now
        held = np.array((res.attitude_legitimacy[idx], res.attitude_effectiveness[idx]))
        held += kept * delta
        unit(held)
        res.attitude_legitimacy[idx], res.attitude_effectiveness[idx] = held
        return read, delta, kept
    for x, a, d in (
        (res.legitimacy, res.attitude_legitimacy, delta[0]),
        (res.effectiveness, res.attitude_effectiveness, delta[1]),
    ):
        np.add.at(x, idx, d)
        np.add.at(a, idx, kept * d)
        x[idx] = unit(x[idx])
        a[idx] = unit(a[idx])
    return read, delta, kept


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def residents(rng, n: int) -> SimpleNamespace:
    """Random states, with many values at the ends 0 and 1 (and a -0.0), where steps clip."""
    res = SimpleNamespace()
    for name in COMPONENTS:
        setattr(res, name, unit_values(rng, n))
    return res


def experiences(rng, n_rows: int, n_residents: int, repeats: bool):
    idx = rng.choice(n_residents, n_rows, replace=repeats).astype(np.int64)
    v = rng.uniform(-1, 1, (2, n_rows))
    v[rng.random((2, n_rows)) < 0.1] = 0.0
    v[rng.random((2, n_rows)) < 0.1] = 1.0
    v[rng.random((2, n_rows)) < 0.1] = -1.0
    v[rng.random((2, n_rows)) < 0.2] = np.nan  # says nothing about that component
    return idx, v


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("repeats", [False, True])
@pytest.mark.parametrize("rows", ["scalar", "per_row"])
def test_moves_equal_the_numpy_code_to_the_bit(seed, repeats, rows):
    rng = np.random.default_rng(seed)
    n = 200
    t = trust_section(rng, strong=seed % 2 == 1)
    res = residents(rng, n)
    for _day in range(3):  # the state one day leaves is the next day's start
        k = int(rng.integers(1, 150 if repeats else n))
        idx, v = experiences(rng, k, n, repeats)
        if rows == "scalar":  # stories heard: one multiplier, no familiarity
            mult, fam = float(rng.uniform(0, 2)), 0.0
        else:  # experiences: weights (some above 1, where salience stops growing), familiar ones with their familiarity
            familiar = rng.random(k) < 0.5
            fam = np.where(familiar, rng.random(k), 0.0)
            mult = rng.random(k) * rng.choice([0.0, 1.0, 3.0], k) * (1.0 + 0.5 * fam)
        has = ~np.isnan(v)
        before = {name: getattr(res, name).copy() for name in COMPONENTS}
        want = move_numpy(res, idx, v, has, mult, fam, t, unique=not repeats)
        expected = {name: getattr(res, name).copy() for name in COMPONENTS}
        for name, x in before.items():
            getattr(res, name)[:] = x
        got = _move(res, idx, v, None if seed % 3 else has, mult, fam, t)
        assert all(same_bits(g, w) for g, w in zip(got, want, strict=True))
        for name in COMPONENTS:
            assert same_bits(getattr(res, name), expected[name]), name


def test_repeated_residents_take_every_change_then_one_clip():
    """np.add.at's path: the adds in order, the clip after them (a resident pushed past 1 and back is kept inside)."""
    rng = np.random.default_rng(5)
    t = trust_section(rng, strong=True)
    res = residents(rng, 20)
    idx = np.array([3, 3, 3, 7, 3, 7], np.int64)
    v = np.array([[1.0, -1.0, 0.8, np.nan, -0.2, 1.0], [np.nan, 1.0, -1.0, 0.5, 0.0, -0.9]])
    before = {name: getattr(res, name).copy() for name in COMPONENTS}
    want = move_numpy(res, idx, v, ~np.isnan(v), 1.3, 0.0, t, unique=False)
    expected = {name: getattr(res, name).copy() for name in COMPONENTS}
    for name, x in before.items():
        getattr(res, name)[:] = x
    got = _move(res, idx, v, None, 1.3, 0.0, t)
    assert all(same_bits(g, w) for g, w in zip(got, want, strict=True))
    assert all(same_bits(getattr(res, name), expected[name]) for name in COMPONENTS)


def test_stories_heard_read_strided_valences_and_a_faint_story_as_nothing():
    """Word of mouth passes a transposed slice of what was heard and which parts are loud enough."""
    rng = np.random.default_rng(9)
    t = Scenario().trust
    res = residents(rng, 300)
    listeners = np.sort(rng.choice(300, 80, replace=False)).astype(np.int64)
    heard = rng.uniform(-1, 1, (80, 3)) * rng.choice([0.01, 1.0], (80, 3))
    v = heard[:, :2].T
    has = np.abs(v) > 0.02
    before = {name: getattr(res, name).copy() for name in COMPONENTS}
    want = move_numpy(res, listeners, v, has, 0.4, 0.0, t, unique=True)
    expected = {name: getattr(res, name).copy() for name in COMPONENTS}
    for name, x in before.items():
        getattr(res, name)[:] = x
    got = _move(res, listeners, v, has, 0.4, 0.0, t)
    assert all(same_bits(g, w) for g, w in zip(got, want, strict=True))
    assert all(same_bits(getattr(res, name), expected[name]) for name in COMPONENTS)
    # The model passes the threshold itself (has=0.02: where np.abs(v) > 0.02), as the same moves.
    for name, x in before.items():
        getattr(res, name)[:] = x
    got = _move(res, listeners, v, 0.02, 0.4, 0.0, t)
    assert all(same_bits(g, w) for g, w in zip(got, want, strict=True))
    assert all(same_bits(getattr(res, name), expected[name]) for name in COMPONENTS)


def test_a_threshold_is_np_abs_above_it():
    t = Scenario().trust
    v = np.array([[0.02, -0.02, 0.0201, np.nan, -0.5], [0.0, -0.0, 0.03, 1.0, np.nan]])
    idx = np.arange(5, dtype=np.int64)
    outcomes = []
    for has in (np.abs(v) > 0.02, 0.02):
        res = residents(np.random.default_rng(4), 5)
        outcomes.append((_move(res, idx, v, has, 1.0, 0.0, t), res.legitimacy.copy()))
    (a, legit_a), (b, legit_b) = outcomes
    assert same_bits(a[0], b[0]) and same_bits(a[1], b[1]) and same_bits(legit_a, legit_b)


def test_no_experiences_move_nothing():
    rng = np.random.default_rng(1)
    res = residents(rng, 10)
    before = {name: getattr(res, name).copy() for name in COMPONENTS}
    read, delta, kept = _move(res, np.empty(0, np.int64), np.empty((2, 0)), None, 1.0, 0.0, Scenario().trust)
    assert read.shape == delta.shape == (2, 0) and kept.shape == (0,)
    assert all(same_bits(getattr(res, name), before[name]) for name in COMPONENTS)


def three_moves(seed: int):
    """Ten residents, the trust section, and three experiences' residents and valences."""
    return residents(np.random.default_rng(seed), 10), Scenario().trust, np.array([1, 2, 3], np.int64), np.zeros((2, 3))


def test_bad_shapes_and_residents_are_refused():
    res, t, idx, v = three_moves(2)
    with pytest.raises(ValueError, match="v must be 2 x 3, not 2 x 2"):
        _move(res, idx, np.zeros((2, 2)), None, 1.0, 0.0, t)
    with pytest.raises(ValueError, match="has must be 2 x 3"):
        _move(res, idx, v, np.ones((2, 4), bool), 1.0, 0.0, t)
    with pytest.raises(TypeError, match="has must be bool"):
        _move(res, idx, v, np.ones((2, 3)), 1.0, 0.0, t)
    with pytest.raises(ValueError, match="mult must be a float or 3 values, not 2"):
        _move(res, idx, v, None, np.ones(2), 0.0, t)
    with pytest.raises(ValueError, match="fam must be a float or 3 values, not 4"):
        _move(res, idx, v, None, 1.0, np.ones(4), t)
    with pytest.raises(IndexError, match="resident 10 out of range for 10 residents"):
        _move(res, np.array([1, 10, 3], np.int64), v, None, 1.0, 0.0, t)
    res.attitude_effectiveness = np.zeros(9)
    with pytest.raises(ValueError, match="must have 10 residents"):
        _move(res, idx, v, None, 1.0, 0.0, t)


def test_wrong_dtypes_and_read_only_components_are_refused():
    """Arrays are read through their data pointers: the kernel checks each one, with a one-line error."""
    res, t, idx, v = three_moves(3)
    with pytest.raises(TypeError, match="idx must be int64, not float64"):
        _move(res, idx.astype(float), v, None, 1.0, 0.0, t)
    with pytest.raises(TypeError, match="v must be float64, not float32"):
        _move(res, idx, v.astype(np.float32), None, 1.0, 0.0, t)
    with pytest.raises(TypeError, match="mult must be a float or a row of float64"):
        _move(res, idx, v, None, np.ones(3, np.float32), 0.0, t)
    res.legitimacy.flags.writeable = False
    with pytest.raises(ValueError, match="legitimacy is read-only"):
        _move(res, idx, v, None, 1.0, 0.0, t)

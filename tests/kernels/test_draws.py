"""The draw kernels draw what the numpy path's Generator methods draw, and leave the stream where numpy does."""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.kernels import draws
from cpsim.kernels.numpy_path import draws as numpy_path
from cpsim.mechanisms.incidents import badness
from cpsim.world.layout import beat_index


def same(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def pair(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    return np.random.default_rng(seed), np.random.default_rng(seed)


def same_state(a: np.random.Generator, b: np.random.Generator) -> bool:
    return a.bit_generator.state == b.bit_generator.state


def groups(rng, n_members: int, n_groups: int, empty: tuple[int, ...] = ()):
    keys = rng.integers(0, n_groups, n_members)
    keys[np.isin(keys, empty)] = (max(empty) + 1) % n_groups if empty else 0
    order, start = beat_index(keys, n_groups)
    return order, start


@pytest.mark.parametrize("seed", range(8))
def test_sample_within_draws_as_numpy(seed):
    rng = np.random.default_rng(seed)
    order, start = groups(rng, 500, 7, empty=(3,))
    for keys in (rng.integers(0, 7, 300), rng.integers(0, 7, 300).astype(np.int32), np.array([], np.int64)):
        a, b = pair(seed)
        assert same(draws.sample_within(order, start, keys, a), numpy_path.sample_within(order, start, keys, b))
        assert same_state(a, b)


@pytest.mark.parametrize("seed", range(8))
def test_sample_weighted_within_draws_as_numpy(seed):
    rng = np.random.default_rng(seed)
    order, start = groups(rng, 500, 7, empty=(2,))
    weight = rng.choice([0.0, 0.1, 1.0, 3.0], 500)
    weight[order[start[5] : start[6]]] = 0.0  # a group with members but no weight
    cum = np.concatenate([[0.0], np.cumsum(weight[order])])
    keys = rng.integers(0, 7, 400)
    a, b = pair(seed)
    got = draws.sample_weighted_within(order, start, cum, keys, a)
    assert same(got, numpy_path.sample_weighted_within(order, start, cum, keys, b)) and same_state(a, b)
    assert (got[(keys == 2) | (keys == 5)] == -1).all() and (got[(keys != 2) & (keys != 5)] >= 0).all()


@pytest.mark.parametrize("seed", range(8))
def test_patrol_contacts_draw_as_numpy(seed):
    rng = np.random.default_rng(seed)
    n_beats = 4
    order, start = groups(rng, 800, n_beats)
    weight = rng.exponential(1.0, 800)
    weight[order[start[1] : start[2]]] = 0.0  # nobody out on the street in beat 1
    cum = np.concatenate([[0.0], np.cumsum(weight[order])])
    lam = rng.uniform(0, 3, 2 * n_beats) * (rng.random(2 * n_beats) < 0.7)
    lam[0] = 15.0  # numpy's other Poisson algorithm (lam >= 10)
    a, b = pair(seed)
    met, foot = draws.patrol_contacts(a, lam, order, start, cum, n_beats)
    want_met, want_foot = numpy_path.patrol_contacts(b, lam, order, start, cum, n_beats)
    assert same(met, want_met) and same(foot, want_foot) and same_state(a, b)


def test_patrol_contacts_refuse_negative_rates_before_drawing():
    order, start = groups(np.random.default_rng(0), 10, 1)
    rng = np.random.default_rng(0)
    before = rng.bit_generator.state
    with pytest.raises(ValueError, match="lam < 0"):
        draws.patrol_contacts(rng, np.array([1.0, -1.0]), order, start, np.arange(11.0), 1)
    assert rng.bit_generator.state == before


@pytest.mark.parametrize("seed", range(8))
def test_pick_officers_and_quality_draw_as_numpy(seed):
    rng = np.random.default_rng(seed)
    n_officers, n_beats = 30, 5
    on = np.sort(rng.choice(n_officers, 18, replace=False))
    order, start = groups(rng, on.size, n_beats, empty=(4,))
    skill = rng.uniform(0, 1, n_officers)
    beats = rng.integers(0, n_beats, 200).astype(np.int32)
    a, b = pair(seed)
    who = draws.pick_officers(a, beats, on, order, start)
    assert same(who, numpy_path.pick_officers(b, beats, on, order, start)) and same_state(a, b)
    for shift in (0.0, rng.normal(0, 0.3, who.size)):
        q = draws.contact_quality(a, who, skill, shift, 0.4)
        assert same(q, numpy_path.contact_quality(b, who, skill, shift, 0.4)) and same_state(a, b)
        assert 0.0 in q and 1.0 in q  # the clip at both ends is exercised


def test_one_officer_on_duty_draws_no_integers():
    a, b = pair(1)
    on, order, start = np.array([3]), np.array([0]), np.array([0, 0, 1])
    beats = np.array([0, 1, 0])
    assert same(draws.pick_officers(a, beats, on, order, start), numpy_path.pick_officers(b, beats, on, order, start))
    assert same_state(a, b)


def test_quality_shift_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="shift must be a number or 2 values, not 3"):
        draws.contact_quality(np.random.default_rng(0), np.array([0, 1]), np.ones(2), np.zeros(3), 0.1)


GOLDEN = 0.6180339887498949


def test_poisson_inversion_counts_as_numpy_across_rates():
    rng = np.random.default_rng(4)
    u = rng.random(5000)
    u[:3] = [0.0, 1.0 - 2**-53, 0.5]
    lam = rng.choice([0.0, 1e-4, 0.3, 2.0, 40.0, 800.0], 5000)  # 800: pmf underflows to 0 at the start
    got = draws.poisson_from_uniform(u, lam, np.exp(-lam))
    assert same(got, numpy_path.poisson_from_uniform(u, lam, np.exp(-lam)))


@pytest.mark.parametrize("seed", range(8))
def test_victims_drawn_and_picked_as_numpy(seed):
    rng = np.random.default_rng(seed)
    n_places = 40
    order, start = groups(rng, 900, n_places, empty=(7,))  # a place nobody lives at has no rate
    lam = rng.uniform(0, 0.4, (2, n_places)) * np.array([[0.3], [3.0]])
    lam[:, 7] = 0.0
    a, b = pair(seed)
    got = draws.victims(a, lam, np.exp(-lam), start, order, GOLDEN)
    want = numpy_path.victims(b, lam, np.exp(-lam), start, order, GOLDEN)
    assert all(same(g, w) for g, w in zip(got, want, strict=True)) and same_state(a, b)
    assert got[0].size > 0


def test_no_victims_gives_empty_arrays_and_draws_the_uniforms_anyway():
    a, b = pair(2)
    who, place, kind = draws.victims(a, np.zeros((2, 3)), np.ones((2, 3)), np.array([0, 1, 2, 3]), np.arange(3), 0.5)
    assert who.size == place.size == kind.size == 0 and who.dtype == np.int64
    b.random(12)
    assert same_state(a, b)


def test_keys_outside_the_groups_are_refused_before_any_draw():
    rng = np.random.default_rng(0)
    before = rng.bit_generator.state
    order, start = np.arange(4), np.array([0, 2, 4])
    with pytest.raises(ValueError, match=r"group key 2 \(draw 1\) is outside 0..1"):
        draws.sample_within(order, start, np.array([0, 2]), rng)
    with pytest.raises(ValueError, match=r"group key -1 \(draw 0\) is outside 0..1"):
        draws.sample_weighted_within(order, start, np.arange(5.0), np.array([-1]), rng)
    with pytest.raises(ValueError, match="group key 5"):
        draws.pick_officers(rng, np.array([5], np.int32), np.arange(4), order, start)
    assert rng.bit_generator.state == before


@pytest.mark.parametrize("seed", range(8))
def test_chances_draw_as_numpy(seed):
    rng = np.random.default_rng(seed)
    p = rng.choice([0.0, -0.0, 0.2, 0.5, 1.0, 1.5, -0.1, np.nan], 300)
    for chance, n in ((p, p.size), (0.3, 250), (1.0, 7), (np.nan, 3), (0.5, 0)):
        a, b = pair(seed)
        assert same(draws.chances(a, chance, n), b.random(n) < chance) and same_state(a, b)


@pytest.mark.parametrize("seed", range(8))
def test_badness_chances_draw_as_the_numpy_steps(seed):
    rng = np.random.default_rng(seed)
    quality = rng.choice([0.0, -0.0, 0.25, 0.5, 0.75, 1.0, -0.3, 1.2, np.nan], 300) + rng.normal(0, 1e-3, 300)
    for q, per_badness in ((quality, 0.7), (quality[:5], 1e-3), (quality[:0], 0.5), (np.array([np.nan]), 2.0)):
        a, b = pair(seed)
        chance = badness(q)  # the mechanism's own definition (cpsim.mechanisms.incidents)
        chance *= per_badness
        want = b.random(q.size) < chance
        assert same(draws.badness_chances(a, q, per_badness), want) and same_state(a, b)
        c = pair(seed)[0]
        assert same(numpy_path.badness_chances(c, q, per_badness), want) and same_state(c, b)


def test_chances_of_the_wrong_length_are_refused_before_drawing():
    rng = np.random.default_rng(0)
    before = rng.bit_generator.state
    with pytest.raises(ValueError, match="p must be a number or 4 values, not 3"):
        draws.chances(rng, np.zeros(3), 4)
    assert rng.bit_generator.state == before


@pytest.mark.parametrize("seed", range(8))
def test_weighted_counts_draw_as_numpy(seed):
    rng = np.random.default_rng(seed)
    n_beats = 5
    order, start = groups(rng, 600, n_beats)
    weight = rng.exponential(1.0, 600) * (rng.random(600) < 0.8)
    weight[order[start[2] : start[3]]] = 0.0  # nobody to stop in beat 2
    cum = np.concatenate([[0.0], np.cumsum(weight[order])])
    for lam in (rng.uniform(0, 3, n_beats), np.zeros(n_beats), np.array([0.0, 0.0, 4.0, 0.0, 0.0]), np.full(5, 12.0)):
        a, b = pair(seed)
        assert same(
            draws.weighted_counts(a, lam, order, start, cum), numpy_path.weighted_counts(b, lam, order, start, cum)
        )
        assert same_state(a, b)


def test_weighted_counts_refuse_bad_rates_and_groups_before_drawing():
    order, start = groups(np.random.default_rng(0), 10, 2)
    rng = np.random.default_rng(0)
    before = rng.bit_generator.state
    with pytest.raises(ValueError, match="lam < 0"):
        draws.weighted_counts(rng, np.array([1.0, np.nan]), order, start, np.arange(11.0))
    with pytest.raises(ValueError, match="one offset per group"):
        draws.weighted_counts(rng, np.ones(3), order, start, np.arange(11.0))
    assert rng.bit_generator.state == before


@pytest.mark.parametrize("seed", range(8))
def test_poisson_members_draw_as_numpy(seed):
    for lam, members in ((0.05, 2000), (3.0, 7), (40.0, 10**6), (0.0, 5), (2.0, 1), (5.0, 2**40)):
        a, b = pair(seed)
        k = b.poisson(lam)
        want = b.integers(0, members, k) if k else np.empty(0, np.int64)
        assert same(draws.poisson_members(a, lam, members), want) and same_state(a, b)


def test_wrong_dtypes_and_indices_are_refused_before_any_draw():
    """Arrays are read through their data pointers: each is checked, with a one-line error, before drawing."""
    rng = np.random.default_rng(0)
    before = rng.bit_generator.state
    order, start = np.arange(4), np.array([0, 2, 4])
    with pytest.raises(TypeError, match="keys must be int32 or int64, not float64"):
        draws.sample_within(order, start, np.array([0.0, 1.0]), rng)
    with pytest.raises(TypeError, match="order must be int64, not int32"):
        draws.sample_weighted_within(order.astype(np.int32), start, np.arange(5.0), np.array([0]), rng)
    with pytest.raises(TypeError, match="cum_weight must be float64, not float32"):
        draws.weighted_counts(rng, np.ones(2), order, start, np.arange(5.0, dtype=np.float32))
    with pytest.raises(TypeError, match="lam must be float64, not int64"):
        draws.patrol_contacts(rng, np.ones(2, np.int64), order, start, np.arange(5.0), 1)
    with pytest.raises(ValueError, match=r"officer 7 \(contact 1\) is outside 0..3"):
        draws.contact_quality(rng, np.array([0, 7]), np.ones(4), 0.0, 0.1)
    with pytest.raises(TypeError, match="lam must be a float64 array"):
        draws.victims(rng, np.zeros((2, 3), np.float32), np.ones((2, 3)), np.array([0, 1, 2, 3]), np.arange(3), 0.5)
    with pytest.raises(ValueError, match="place 2's residents are outside the 2 of by_place"):
        draws.victims(rng, np.zeros((2, 3)), np.ones((2, 3)), np.array([0, 1, 2, 3]), np.arange(2), 0.5)
    assert rng.bit_generator.state == before


def test_quality_shift_may_be_any_array_like_numpy_makes_contiguous():
    who, skill = np.array([0, 1]), np.array([0.3, 0.6])
    for shift in (np.array([0.1, -0.2])[::-1].copy()[::-1], [0.1, -0.2], np.array([0.1, -0.2], np.float32)):
        a, b = pair(3)
        want = numpy_path.contact_quality(b, who, skill, np.asarray(shift, np.float64), 0.2)
        assert same(draws.contact_quality(a, who, skill, shift, 0.2), want) and same_state(a, b)
    a, b = pair(4)
    got = draws.contact_quality(a, who[:1], skill, np.array(0.25), 0.2)  # a 0-d array: one value
    assert same(got, numpy_path.contact_quality(b, who[:1], skill, 0.25, 0.2)) and same_state(a, b)

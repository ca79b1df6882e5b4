"""The day's hot-path helpers give exactly what the numpy idioms they replace give."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from cpsim.mechanisms.bounds import bound, signed, unit
from cpsim.mechanisms.contacts import Contacts, kind_code
from cpsim.mechanisms.policing import Roster, pick_officers
from cpsim.mechanisms.word_of_mouth import MIN_STORY, merge, unique_inverse


def test_bounds_equal_np_clip_in_place_nan_kept():
    x = np.array([-3.0, -1.0, -0.2, 0.0, 0.4, 1.0, 7.0, np.nan, -0.0])
    for f, lo, hi in ((unit, 0.0, 1.0), (signed, -1.0, 1.0), (lambda a: bound(a, -0.5, 0.95), -0.5, 0.95)):
        y = x.copy()
        out = f(y)
        assert out is y
        want = np.clip(x, lo, hi)
        assert np.array_equal(y, want, equal_nan=True)
        assert np.signbit(y).tolist() == np.signbit(want).tolist()


@pytest.mark.parametrize("n_values", [1, 3, 1000, 10**6])
def test_unique_inverse_equals_np_unique(n_values):
    idx = np.random.default_rng(n_values).integers(0, n_values, 700)
    uniq, inv = unique_inverse(idx)
    want_u, want_inv = np.unique(idx, return_inverse=True)
    assert np.array_equal(uniq, want_u) and np.array_equal(inv, want_inv)
    assert np.array_equal(uniq[inv], idx)


def test_merge_sums_a_residents_stories_and_forgets_weak_ones():
    idx = np.array([5, 2, 5, 9])
    values = np.array([[0.1, 0.0, 0.0], [MIN_STORY / 2, 0.0, 0.0], [0.2, -0.3, 0.0], [0.0, 0.0, 1.0]])
    speakers, summed = merge(idx, values)
    assert speakers.tolist() == [5, 9]
    assert summed.tolist() == [[0.1 + 0.2, -0.3, 0.0], [0.0, 0.0, 1.0]]


def test_experiences_spread_scalars_over_their_residents_and_keep_arrays():
    c = Contacts()
    c.add("stop", [4, 7], -0.5, np.array([0.1, 0.2]), familiar=True)
    c.add("victim", np.array([], np.int64), 1.0, 1.0)  # nothing to record
    c.add("victim", [9], np.nan, np.array([-1]), police=False, weight=np.array([0.5]))
    got = c.take()
    assert got["kind"].tolist() == [kind_code("stop")] * 2 + [kind_code("victim")]
    assert got["idx"].tolist() == [4, 7, 9] and got["idx"].dtype == np.int64
    assert got["v_leg"][:2].tolist() == [-0.5, -0.5] and np.isnan(got["v_leg"][2])
    assert got["v_eff"].tolist() == [0.1, 0.2, -1.0] and got["v_eff"].dtype == float
    assert got["familiar"].tolist() == [True, True, False] and got["police"].tolist() == [True, True, False]
    assert np.isnan(got["quality"]).all() and got["weight"].tolist() == [1.0, 1.0, 0.5]
    assert c.take()["idx"].size == 0  # taken: the buffer is empty


def officers(beat, on_duty):
    beat = np.asarray(beat)
    return SimpleNamespace(beat=beat, on_duty=np.asarray(on_duty, bool), n=beat.size)


def test_a_roster_picks_as_a_fresh_grouping_does_and_follows_duty_changes():
    off = officers([0, 1, 1, -1, 2, 0, 2, 1], [1, 1, 0, 1, 1, 1, 0, 1])
    roster = Roster(3)
    beats = np.random.default_rng(0).integers(0, 3, 50)
    for day in range(3):
        cached = pick_officers(off, beats, np.random.default_rng(day), roster)
        fresh = pick_officers(off, beats, np.random.default_rng(day))
        assert np.array_equal(cached, fresh)
        assert (off.beat[cached] == beats).all()  # every beat has someone on duty here
        off.on_duty[:] = np.roll(off.on_duty, 1)  # tomorrow's rota: the roster must notice
    off.on_duty[:] = False  # nobody on: anyone may be sent
    assert set(pick_officers(off, beats, np.random.default_rng(9), roster)) <= set(range(off.n))


def test_place_means_at_a_few_places_equal_the_all_places_means_to_the_bit():
    from cpsim.mechanisms.response import place_mean, place_mean_at

    rng = np.random.default_rng(4)
    place = rng.integers(0, 40, 3000)
    place[place == 7] = 8  # place 7 has nobody
    per_place = np.bincount(place, minlength=40)
    by_place = np.argsort(place, kind="stable")
    start = np.concatenate([[0], np.cumsum(per_place)])
    values = rng.random(3000)
    at = np.array([3, 7, 3, 39, 0, 8])
    got = place_mean_at(values, at, by_place, start, per_place)
    assert got.tobytes() == place_mean(values, place, per_place)[at].tobytes()
    assert place_mean_at(values, at[:0], by_place, start, per_place).size == 0

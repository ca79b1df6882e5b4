"""The day's hot-path helpers give exactly what the numpy idioms they replace give."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from cpsim.mechanisms.bounds import bound, signed, unit
from cpsim.mechanisms.contacts import Contacts, kind_code
from cpsim.mechanisms.policing import Roster, pick_officers
from cpsim.mechanisms.word_of_mouth import MIN_STORY


def test_bounds_equal_np_clip_in_place_nan_kept():
    x = np.array([-3.0, -1.0, -0.2, 0.0, 0.4, 1.0, 7.0, np.nan, -0.0])
    for f, lo, hi in ((unit, 0.0, 1.0), (signed, -1.0, 1.0), (lambda a: bound(a, -0.5, 0.95), -0.5, 0.95)):
        y = x.copy()
        out = f(y)
        assert out is y
        want = np.clip(x, lo, hi)
        assert np.array_equal(y, want, equal_nan=True)
        assert np.signbit(y).tolist() == np.signbit(want).tolist()


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


def _residents(n=300, seed=0):
    from cpsim.model import make_streams
    from cpsim.scenario import Scenario
    from cpsim.world import build_world

    s = Scenario().with_overrides({"population.residents": n})
    res = build_world(s, make_streams(seed)).residents
    rng = np.random.default_rng(seed)
    for name in ("legitimacy", "effectiveness", "attitude_legitimacy", "attitude_effectiveness", "familiarity"):
        getattr(res, name)[:] = rng.random(n)
    res.legitimacy[:3] = (0.0, 1.0, 0.5)  # the ends, where a step closes nothing or clips
    res.trust[:] = 0.5 * (res.legitimacy + res.effectiveness)
    return s, res


def _snapshot(res):
    names = ("legitimacy", "effectiveness", "attitude_legitimacy", "attitude_effectiveness", "familiarity")
    return {k: getattr(res, k).copy() for k in names}


def _apply_as_before(res, c, t, patrol, vicarious=1.0):
    """apply_experiences written out in numpy (np.add.at, a zeroing where per step).

    Familiarity counts in the share kept only; salience is the read valence at the experience's weight.
    """
    from cpsim.mechanisms.trust import consolidation, experience_delta, read_valence

    idx = c["idx"]
    prior = res.trust[idx]
    v = np.array((c["v_leg"], c["v_eff"]))
    has = ~np.isnan(v)
    read = np.where(has, read_valence(np.where(has, v, 0.0), prior, t.prior_bias), 0.0)
    mult = c["weight"] * vicarious
    fam = np.zeros(idx.size)
    if patrol is not None:
        fam = np.where(c["familiar"], res.familiarity[idx], 0.0)
    step = np.array((t.positive_step_legitimacy * mult, t.positive_step_effectiveness * mult))
    ratio = np.array([[t.negativity_ratio_legitimacy], [t.negativity_ratio_effectiveness]])
    now = np.array((res.legitimacy[idx], res.effectiveness[idx]))
    d_leg, d_eff = np.where(has, experience_delta(now, read, step, ratio), 0.0)
    strength = np.abs(read)
    kept = consolidation(t, fam, np.maximum(strength[0], strength[1]), mult)
    for x, a, d in (
        (res.legitimacy, res.attitude_legitimacy, d_leg),
        (res.effectiveness, res.attitude_effectiveness, d_eff),
    ):
        np.add.at(x, idx, d)
        np.add.at(a, idx, kept * d)
        x[idx] = unit(x[idx])
        a[idx] = unit(a[idx])
    if patrol is not None:
        known = idx[c["familiar"]]
        res.familiarity[known] += patrol.familiarity_step * (1.0 - res.familiarity[known])
    w = t.legitimacy_weight
    return {
        "v_leg": read[0],
        "v_eff": read[1],
        "d_trust": w * d_leg + (1 - w) * d_eff,
        "kept": kept * np.array((d_leg, d_eff)),
    }


def _same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("repeats", [False, True])
def test_experiences_apply_to_the_bit_as_before(repeats):
    from cpsim.mechanisms.contacts import apply_experiences

    s, res = _residents()
    rng = np.random.default_rng(1)
    idx = rng.choice(300, 40, replace=repeats)
    idx[:3] = (0, 1, 2)
    c = Contacts()
    c.add("patrol_foot", idx[:20], rng.uniform(-1, 1, 20), rng.uniform(-1, 1, 20), rng.random(20), familiar=True)
    c.add("victim", idx[20:30], np.nan, -0.6, police=False)
    c.add("event", idx[30:], 0.4, np.nan, weight=rng.random(10))
    taken = c.take()
    before = _snapshot(res)
    want = _apply_as_before(res, taken, s.trust, s.patrol)
    expected = _snapshot(res)
    for k, x in before.items():
        getattr(res, k)[:] = x
    got = apply_experiences(res, taken, s.trust, s.patrol)
    assert all(_same_bits(got[k], want[k]) for k in want)
    assert all(_same_bits(getattr(res, k), expected[k]) for k in expected)


def test_stories_heard_apply_to_the_bit_as_experiences_without_an_officer():
    from cpsim.mechanisms.contacts import apply_heard

    s, res = _residents()
    rng = np.random.default_rng(2)
    listeners = np.sort(rng.choice(300, 60, replace=False))
    heard = rng.uniform(-1, 1, (60, 3)) * rng.choice([0.01, 1.0], (60, 3))  # some too faint to count
    quiet = np.abs(heard) <= MIN_STORY
    as_experiences = {
        "idx": listeners,
        "v_leg": np.where(quiet[:, 0], np.nan, heard[:, 0]),
        "v_eff": np.where(quiet[:, 1], np.nan, heard[:, 1]),
        "quality": np.full(60, np.nan),
        "familiar": np.zeros(60, bool),
        "weight": np.ones(60),
    }
    before = _snapshot(res)
    _apply_as_before(res, as_experiences, s.trust, None, vicarious=s.word_of_mouth.vicarious_weight)
    expected = _snapshot(res)
    for k, x in before.items():
        getattr(res, k)[:] = x
    v = heard[:, :2].T
    apply_heard(res, listeners, v, np.abs(v) > MIN_STORY, s.trust, s.word_of_mouth.vicarious_weight)
    assert all(_same_bits(getattr(res, k), expected[k]) for k in expected)


def test_patrol_contacts_draw_as_one_poisson_call_per_mode_did():
    from cpsim.mechanisms.patrol import draw_patrol_contacts, street_cumweights
    from cpsim.world.layout import sample_weighted_within

    s, res = _residents(2500)
    res.street_time[res.beat == 0] = 0.0  # a beat nobody is out in: its draws are dropped
    cumw = street_cumweights(res)
    n_beats = int(res.beat.max()) + 1
    for seed in range(20):
        foot, car = np.random.default_rng(seed).uniform(0, 3, (2, n_beats)) * (seed % 4 != 0)
        rng = np.random.default_rng(seed)
        k_foot = rng.poisson(foot * s.patrol.contacts_per_foot_hour)
        k_car = rng.poisson(car * s.patrol.contacts_per_car_hour)
        beats = np.concatenate([np.repeat(np.arange(n_beats), k_foot), np.repeat(np.arange(n_beats), k_car)])
        on_foot = np.concatenate([np.ones(k_foot.sum(), bool), np.zeros(k_car.sum(), bool)])
        who = sample_weighted_within(res.by_beat, res.beat_start, cumw, beats, rng)
        rng2 = np.random.default_rng(seed)
        met, foot_flags = draw_patrol_contacts(foot, car, res, cumw, s.patrol, rng2)
        assert np.array_equal(met, who[who >= 0]) and np.array_equal(foot_flags, on_foot[who >= 0])
        assert rng2.random() == rng.random()  # the same numbers consumed


def test_kind_masks_are_the_lookups_of_their_codes():
    from cpsim.mechanisms.contacts import KINDS, kind_mask

    mask = kind_mask(("stop", "call"))
    assert mask.tolist() == [k in ("stop", "call") for k in KINDS]
    assert kind_mask(("stop", "call")) is mask  # kept while no kind is registered


def test_complaints_read_a_missing_quality_as_one_to_the_bit():
    from cpsim.mechanisms.complaints import complaint_probability
    from cpsim.scenario import Scenario

    q = np.array([np.nan, 0.0, 0.2, 0.49, 0.5, 0.7, 1.0, 1.5, np.inf, -np.inf, -0.3])
    comp = Scenario().complaints
    got = complaint_probability(q, np.full(q.size, 0.4), comp, q > 0.3, np.full(q.size, 0.2))
    with np.errstate(over="ignore"):  # nan_to_num makes inf the largest float; halving the gap overflows
        want = comp.poor_contact_rate * np.clip((0.5 - np.nan_to_num(q, nan=1.0)) / 0.5, 0, 1)
    want *= np.where(q > 0.3, 1.0, comp.casual_factor)
    want *= 1.0 - comp.trust_dependency * (1.0 - 0.4)
    want *= 1.0 - comp.familiarity_discount * 0.2
    assert _same_bits(got, want)

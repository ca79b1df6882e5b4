"""cpsim/mechanisms/contacts.py: the day's experiences, recorded and applied (to the bit of the numpy steps)."""

from __future__ import annotations

import numpy as np
import pytest
from resident_arrays import built_world, residents, same_bits

from cpsim.mechanisms import trust
from cpsim.mechanisms.bounds import unit
from cpsim.mechanisms.contacts import KINDS, Contacts, apply_experiences, apply_heard, kind_code, kind_mask
from cpsim.mechanisms.trust import consolidation, experience_delta, read_valence
from cpsim.mechanisms.word_of_mouth import MIN_STORY


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


def test_familiarity_counts_once_in_what_a_contact_leaves():
    """A familiar contact moves trust as much as an unfamiliar one today; more of it lasts, by the kept share only.

    (Familiarity once multiplied the step too, so a fully familiar contact left 12x the lasting change.)
    """
    s, w = built_world()
    res = w.residents
    res.familiarity[:2] = [0.0, 1.0]
    res.legitimacy[:2] = res.effectiveness[:2] = res.trust[:2] = 0.5
    res.attitude_legitimacy[:2] = res.attitude_effectiveness[:2] = 0.5
    c = Contacts()
    c.add("patrol_foot", np.array([0, 1]), 0.5, 0.2, 0.8, familiar=True)
    before = res.legitimacy[:2].copy()
    got = apply_experiences(res, c.take(), s.trust, s.patrol)
    today = res.legitimacy[:2] - before
    lasting = res.attitude_legitimacy[:2] - 0.5
    assert today[1] == pytest.approx(today[0])
    strength = max(abs(got["v_leg"][0]), abs(got["v_eff"][0]))
    t = s.trust
    unfamiliar = t.consolidation + t.salience_consolidation * strength**2
    assert lasting[1] / lasting[0] == pytest.approx((unfamiliar + t.familiar_consolidation) / unfamiliar)
    assert lasting[1] / lasting[0] < 7
    assert res.familiarity[0] == pytest.approx(s.patrol.familiarity_step)


def _snapshot(res):
    names = ("legitimacy", "effectiveness", "attitude_legitimacy", "attitude_effectiveness", "familiarity")
    return {k: getattr(res, k).copy() for k in names}


def _apply_as_before(res, c, t, patrol, vicarious=1.0):
    """apply_experiences written out in numpy (np.add.at, a zeroing where per step).

    Familiarity counts in the share kept only; salience is the read valence at the experience's weight.
    """

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


@pytest.mark.parametrize("repeats", [False, True])
def test_experiences_apply_to_the_bit_as_before(repeats):
    s, res = residents()
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
    assert all(same_bits(got[k], want[k]) for k in want)
    assert all(same_bits(getattr(res, k), expected[k]) for k in expected)


def test_stories_heard_apply_to_the_bit_as_experiences_without_an_officer():

    s, res = residents()
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
    assert all(same_bits(getattr(res, k), expected[k]) for k in expected)


def test_kind_masks_are_the_lookups_of_their_codes():

    mask = kind_mask(("stop", "call"))
    assert mask.tolist() == [k in ("stop", "call") for k in KINDS]
    assert kind_mask(("stop", "call")) is mask  # kept while no kind is registered


def test_an_experience_is_partly_kept_by_the_attitude_more_with_a_familiar_team():
    s, w = built_world()
    res = w.residents
    res.legitimacy[:2] = res.effectiveness[:2] = res.trust[:2] = 0.5
    res.attitude_legitimacy[:2] = res.attitude_effectiveness[:2] = 0.5
    res.familiarity[:2] = [0.0, 1.0]
    c = Contacts()
    c.add("patrol_foot", np.array([0, 1]), 0.5, np.nan, 0.8, familiar=True)
    apply_experiences(res, c.take(), s.trust, s.patrol)
    moved = res.legitimacy[:2] - 0.5
    kept = res.attitude_legitimacy[:2] - 0.5
    share = kept / moved
    v = trust.read_valence(np.array([0.5]), np.array([0.5]), s.trust.prior_bias)[0]
    assert share[0] == pytest.approx(s.trust.consolidation + s.trust.salience_consolidation * v**2)
    assert share[1] == pytest.approx(share[0] + s.trust.familiar_consolidation)
    assert (res.attitude_effectiveness[:2] == 0.5).all()  # NaN valence: says nothing about effectiveness

"""The beat kernels give, to the bit, what numpy's crime, time-budget and climate code gave."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from cpsim.kernels import beats
from cpsim.kernels.numpy_path import beats as numpy_path
from cpsim.mechanisms import climate, crime, policing
from cpsim.mechanisms import patrol as patrol_mech
from cpsim.mechanisms.policing import ACTIVITIES


def same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def spread(rng, size, scales=(1e-3, 1.0, 1e3)) -> np.ndarray:
    """Positive values across magnitudes, so the order of operations shows in the last bits."""
    return rng.random(size) * rng.choice(scales, size)


# ------------------------------------------------------------------ phase 3: crime (numpy oracles)


def active_numpy(res, oi, day, compliance, reference):
    """The numpy code CommunityModel._active_offending was."""
    comply = np.exp(-compliance * (res.legitimacy[oi] - reference))
    return res.offending[oi] * (res.free_day[oi] <= day) * comply


def expected_numpy(places, offender_factor, presence, c, guard_mean):
    """The numpy code cpsim.mechanisms.crime.expected_by_type was."""
    guard = np.clip(places.guardianship + places.extra_guardianship, 0.0, 1.0)
    g = c.guardianship_effect
    common = (
        places.residents
        * places.risk
        * offender_factor[places.beat]
        * np.exp(-c.hotspot_deterrence * places.hotspot_hours)
        * (1.0 - g * guard)
        / (1.0 - g * guard_mean)
        / 365.0
    )
    beat_v = crime.deterrence(presence, c.reference_presence, c.elasticity_violent)
    beat_p = crime.deterrence(presence, c.reference_presence, c.elasticity_property)
    rates = np.array([[c.violent_per_1000], [c.property_per_1000]])
    return common * rates / 1000.0 * np.array((beat_v, beat_p))[:, places.beat]


def town(rng, n_residents=400, n_places=40, n_beats=5):
    res = SimpleNamespace(
        legitimacy=rng.random(n_residents),
        offending=np.where(rng.random(n_residents) < 0.3, spread(rng, n_residents), 0.0),
        free_day=rng.integers(0, 30, n_residents).astype(np.int32),
        beat=rng.integers(0, n_beats, n_residents).astype(np.int32),
    )
    places = SimpleNamespace(
        beat=rng.integers(0, n_beats, n_places).astype(np.int32),
        risk=spread(rng, n_places),
        residents=rng.integers(0, 200, n_places),
        guardianship=rng.random(n_places) * 1.2 - 0.1,  # some outside 0..1, so the clip shows
        extra_guardianship=np.where(rng.random(n_places) < 0.3, rng.random(n_places), 0.0),
        hotspot_hours=np.where(rng.random(n_places) < 0.5, spread(rng, n_places, (0.1, 1.0, 10.0)), 0.0),
        disorder=rng.random(n_places),
    )
    sections = SimpleNamespace(
        guardianship_effect=rng.random(),
        hotspot_deterrence=rng.random(),
        reference_presence=1.0 + 10 * rng.random(),
        elasticity_violent=rng.random(),
        elasticity_property=rng.random(),
        violent_per_1000=100 * rng.random(),
        property_per_1000=300 * rng.random(),
        compliance=3 * rng.random(),
        disorder_per_crime=rng.random() / 100,
    )
    return res, places, sections


@pytest.mark.parametrize("seed", range(8))
def test_offending_and_expected_victimisations_are_numpys(seed):
    rng = np.random.default_rng(seed)
    n_beats = int(rng.integers(1, 12))
    res, places, c = town(rng, n_beats=n_beats)
    oi = np.flatnonzero(res.offending > 0)
    beats_of = res.beat[oi]
    initial = np.maximum(np.bincount(beats_of, weights=res.offending[oi], minlength=n_beats), 1e-12)
    for day in (0, 10, 40):
        want_active = active_numpy(res, oi, day, c.compliance, 0.45)
        got_active = beats.active_offending(
            res.offending,
            res.free_day,
            oi,
            np.exp(beats.compliance_argument(res.legitimacy, oi, 0.45, -c.compliance)),
            day,
        )
        assert same_bits(got_active, want_active)
        want_factor = np.bincount(beats_of, weights=want_active, minlength=n_beats) / initial
        got_factor = beats.relative_by_beat(beats_of, got_active, initial)
        assert same_bits(got_factor, want_factor)
        presence = spread(rng, n_beats, (0.1, 1.0, 10.0))
        guard_mean = float(rng.random())
        want = expected_numpy(places, want_factor, presence, c, guard_mean)
        assert same_bits(crime.expected_by_type(places, got_factor, presence, c, guard_mean), want)


def test_guardianship_clip_keeps_numpys_zeros_and_nans():
    rng = np.random.default_rng(1)
    res, places, c = town(rng, n_places=6, n_beats=2)
    places.guardianship = np.array([-0.0, 0.0, np.nan, 2.0, -1.0, 0.5])
    places.extra_guardianship = np.array([-0.0, -0.0, 0.0, 0.0, 0.0, np.inf])
    factor, presence = np.array([1.0, 0.5]), np.array([3.0, 0.0])
    assert same_bits(
        crime.expected_by_type(places, factor, presence, c, 0.3), expected_numpy(places, factor, presence, c, 0.3)
    )


@pytest.mark.parametrize("seed", range(4))
def test_disorder_rises_by_crimes_like_bincount(seed):
    rng = np.random.default_rng(seed)
    _, places, c = town(rng)
    places.disorder[0] = -0.0  # numpy adds 0.0 where nothing happened: a -0.0 turns into 0.0
    crime_places = rng.integers(1, places.beat.size, int(rng.integers(0, 60)))
    want, got = places.disorder.copy(), places.disorder.copy()
    want += c.disorder_per_crime * np.bincount(crime_places, minlength=want.size)
    beats.add_disorder(got, crime_places, c.disorder_per_crime)
    assert same_bits(got, want)


def test_crime_kernels_refuse_indices_outside_their_arrays():
    rng = np.random.default_rng(2)
    res, places, c = town(rng, n_beats=3)
    with pytest.raises(ValueError, match="resident 400 is outside 0..399"):
        beats.compliance_argument(res.legitimacy, np.array([400]), 0.5, -1.0)
    with pytest.raises(ValueError, match="resident -1 is outside 0..399"):
        beats.active_offending(res.offending, res.free_day, np.array([-1]), np.ones(1), 0)
    with pytest.raises(ValueError, match="beat 3 is outside 0..2"):
        beats.relative_by_beat(np.array([0, 3], np.int32), np.ones(2), np.ones(3))
    places.beat[5] = 3
    with pytest.raises(ValueError, match="beat 3 is outside 0..2"):
        crime.expected_by_type(places, np.ones(3), np.ones(3), c, 0.3)
    with pytest.raises(ValueError, match="place 40 is outside 0..39"):
        beats.add_disorder(places.disorder, np.array([40]), 0.1)


# ------------------------------------------------------------------ phase 5: officers' time (numpy oracles)


def allocate_numpy(
    on_duty_per_beat,
    response_needed,
    community_requests,
    pol,
    patrol,
    enforcement,
    foot_requests=0.0,
    routine_scale=1.0,
    proactive_scale=1.0,
):
    """The numpy code cpsim.mechanisms.policing.allocate_hours was."""
    hours = on_duty_per_beat * pol.shift_hours
    admin_full = hours * pol.admin_share
    capacity = hours - admin_full
    total_cap = capacity.sum()
    response_total = min(response_needed, total_cap)
    plan = {}
    plan["response"] = capacity * (response_total / total_cap) if total_cap > 0 else 0 * capacity
    left = capacity - plan["response"]
    requested = on_duty_per_beat * patrol.foot_hours * routine_scale + foot_requests
    for name, request in (
        ("foot", requested),
        ("enforcement", on_duty_per_beat * enforcement.proactive_hours * proactive_scale),
        ("community", community_requests),
    ):
        plan[name] = np.minimum(request, left)
        left = left - plan[name]
    plan["car"] = left
    cut = capacity * pol.budget_cut
    for name in pol.cut_order if pol.budget_cut > 0 else ():
        take = np.minimum(plan[name], cut)
        plan[name] = plan[name] - take
        cut = cut - take
    admin = admin_full * (1.0 - pol.budget_cut)
    served = plan["response"].sum()
    share = 1.0 if response_needed <= 0 else float(min(1.0, served / response_needed))
    asked = np.broadcast_to(foot_requests, requested.shape)
    directed = plan["foot"] * np.divide(asked, requested, out=np.zeros(requested.size), where=requested > 0)
    return plan, admin, share, directed


def proactive_numpy(recorded, expected, enf):
    ratio = np.divide(recorded, expected, out=np.ones_like(recorded), where=expected > 0)
    return np.maximum(ratio, 1e-3) ** enf.crime_response


def same_allocation(got, want) -> bool:
    (plan, admin, share, directed), (plan0, admin0, share0, directed0) = got, want
    return (
        list(plan) == list(plan0)
        and all(same_bits(plan[k], plan0[k]) for k in plan0)
        and same_bits(admin, admin0)
        and type(share) is type(share0)
        and same_bits(share, share0)
        and same_bits(directed, directed0)
    )


def sections(rng, budget_cut):
    order = tuple(rng.permutation(ACTIVITIES))
    pol = SimpleNamespace(
        shift_hours=8.0 + rng.random() * 4,
        admin_share=rng.random() * 0.3,
        budget_cut=budget_cut,
        cut_order=order,
        withdrawal=rng.random(),
        withdrawal_threshold=rng.random() * 0.2,
        withdrawal_width=0.01 + rng.random() * 0.1,
    )
    patrol = SimpleNamespace(foot_hours=rng.random() * 4)
    enf = SimpleNamespace(proactive_hours=rng.random() * 3, crime_response=rng.random())
    return pol, patrol, enf


@pytest.mark.parametrize("n_beats", [1, 2, 3, 7, 8, 9, 16, 17, 40])
@pytest.mark.parametrize("seed", range(3))
def test_hours_are_split_as_numpy_split_them(n_beats, seed):
    rng = np.random.default_rng(1000 * n_beats + seed)
    for budget_cut in (0.0, 0.1, 0.6):
        pol, patrol, enf = sections(rng, budget_cut)
        on = rng.integers(0, 6, n_beats).astype(float)
        community = np.where(rng.random(n_beats) < 0.5, spread(rng, n_beats, (0.1, 1.0, 10.0)), 0.0)
        foot = np.where(rng.random(n_beats) < 0.5, spread(rng, n_beats, (0.1, 1.0, 10.0)), 0.0)
        routine, proactive = rng.random(n_beats), spread(rng, n_beats, (0.1, 1.0, 3.0))
        for needed in (0.0, 3.7, 25.0, 1e4):  # none, some, most and more than all the hours
            args = (on, needed, community, pol, patrol, enf)
            assert same_allocation(policing.allocate_hours(*args), allocate_numpy(*args))
            extra = (foot, routine, proactive)
            assert same_allocation(policing.allocate_hours(*args, *extra), allocate_numpy(*args, *extra))


def test_hours_take_scalars_ints_and_empty_beats_as_numpy_does():
    rng = np.random.default_rng(5)
    pol, patrol, enf = sections(rng, 0.2)
    on = np.array([2, 0, 3])  # ints: numpy multiplies them as floats
    for args in (
        (on, 5.0, np.array([1.0, 0.0, 2.0]), pol, patrol, enf, 0.5, 0.8, 1.3),
        (on, 5, 1.0, pol, patrol, enf),
        (np.zeros(3), 5.0, np.zeros(3), pol, patrol, enf),  # no capacity: no response hours
    ):
        assert same_allocation(policing.allocate_hours(*args), allocate_numpy(*args))
    with pytest.raises(ValueError, match="community_requests must have 1 or 3 values, not 2"):
        policing.allocate_hours(on, 5.0, np.ones(2), pol, patrol, enf)
    one = np.ones(1)
    asked = policing.Asked(one, one, one, one)
    for order in (("foot", "walk"), (*ACTIVITIES, "car")):  # a row the plan does not have; more than five
        with pytest.raises(ValueError, match="cut_order must name rows of the plan"):
            beats.split_hours(one, one, one, 1.0, asked, SimpleNamespace(budget_cut=0.1, cut_order=order), patrol, enf)


@pytest.mark.parametrize("seed", range(6))
def test_proactive_multiplier_is_numpys(seed):
    rng = np.random.default_rng(200 + seed)
    n = int(rng.integers(1, 30))
    _, _, enf = sections(rng, 0.0)
    recorded = np.where(rng.random(n) < 0.3, 0.0, spread(rng, n))
    expected = np.where(rng.random(n) < 0.3, 0.0, spread(rng, n))
    assert same_bits(climate.proactive_multiplier(recorded, expected, enf), proactive_numpy(recorded, expected, enf))


# ------------------------------------------------------------------ phase 13: what crime reviews see


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("seed", range(5))
def test_running_averages_move_as_numpy_moved_them(seed, dtype):
    rng = np.random.default_rng(300 + seed)
    n_beats = int(rng.integers(1, 20))
    factor = float(rng.random())
    resident_beat = rng.integers(0, n_beats, 500).astype(np.int32)
    beat_residents = np.bincount(resident_beat, minlength=n_beats)
    beat_residents[0] = 0  # a beat without residents counts as one
    victims = rng.integers(0, 500, int(rng.integers(0, 50)))
    recorded_beats = rng.integers(0, n_beats, int(rng.integers(0, 30))).astype(dtype)
    rec, vic = spread(rng, n_beats), spread(rng, n_beats)
    want_rec, want_vic, got_rec, got_vic = rec.copy(), vic.copy(), rec.copy(), vic.copy()
    want_rec += (1.0 - factor) * (np.bincount(recorded_beats, minlength=n_beats) - want_rec)
    per_resident = np.bincount(resident_beat[victims], minlength=n_beats) / np.maximum(beat_residents, 1)
    want_vic += (1.0 - factor) * (per_resident - want_vic)
    beats.review(got_rec, got_vic, recorded_beats, resident_beat, victims, beat_residents, factor)
    assert same_bits(got_rec, want_rec) and same_bits(got_vic, want_vic)


def test_review_refuses_keys_outside_its_arrays():
    with pytest.raises(ValueError, match="resident 5 is outside 0..4"):
        beats.review(
            np.zeros(2),
            np.zeros(2),
            np.zeros(0, np.int64),
            np.zeros(5, np.int32),
            np.array([5]),
            np.ones(2, np.int64),
            0.9,
        )
    with pytest.raises(ValueError, match="beat 2 is outside 0..1"):
        beats.review(
            np.zeros(2),
            np.zeros(2),
            np.array([2]),
            np.zeros(5, np.int32),
            np.zeros(0, np.int64),
            np.ones(2, np.int64),
            0.9,
        )


def read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def test_kernels_refuse_wrong_dtypes_and_read_only_outputs_in_one_line():
    with pytest.raises(TypeError, match="beats must be int32, not float64"):
        beats.relative_by_beat(np.zeros(2), np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match="idx must be int64, not int32"):
        beats.compliance_argument(np.zeros(3), np.zeros(2, np.int32), 0.5, 1.0)
    with pytest.raises(TypeError, match="legitimacy must be a numpy array, not list"):
        beats.compliance_argument([0.0, 1.0], np.zeros(2, np.int64), 0.5, 1.0)
    with pytest.raises(TypeError, match="recorded_beats must be int64, not float64"):
        beats.review(
            np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(5, np.int32), np.zeros(0, np.int64), np.ones(2), 0.9
        )
    with pytest.raises(TypeError, match="recorded_beats must be int32, not uint32"):
        beats.review(
            np.zeros(2),
            np.zeros(2),
            np.zeros(2, np.uint32),
            np.zeros(5, np.int32),
            np.zeros(0, np.int64),
            np.ones(2),
            0.9,
        )
    with pytest.raises(ValueError, match="on_duty must be one contiguous row of values"):
        beats.capacity(np.zeros(4)[::2], 8.0, 0.1)
    with pytest.raises(ValueError, match="disorder is read-only"):
        beats.add_disorder(read_only(np.zeros(3)), np.zeros(1, np.int64), 0.1)
    with pytest.raises(ValueError, match="victimisation is read-only"):
        beats.review(
            np.zeros(2),
            read_only(np.zeros(2)),
            np.zeros(0, np.int64),
            np.zeros(5, np.int32),
            np.zeros(0, np.int64),
            np.ones(2, np.int64),
            0.9,
        )


@pytest.mark.parametrize("seed", range(8))
def test_foot_hours_are_spread_as_numpy_spreads_them(seed):
    rng = np.random.default_rng(seed)
    n_beats, n_places = int(rng.integers(1, 12)), int(rng.integers(1, 200))
    foot = rng.random(n_beats) * 20 * (rng.random(n_beats) < 0.8)  # some beats walk nowhere
    places = SimpleNamespace(
        beat=rng.integers(0, n_beats, n_places).astype(np.int32),
        risk=rng.random(n_places) * 10.0 ** rng.uniform(-3, 3, n_places),
    )
    beat_risk = patrol_mech.beat_risk_at_places(places, n_beats)
    want = foot[places.beat] * places.risk / beat_risk
    assert same_bits(patrol_mech.spread_foot_hours(places, foot, beat_risk), want)
    assert same_bits(patrol_mech.spread_foot_hours(places, foot), want)
    assert same_bits(numpy_path.spread_foot(foot, places, beat_risk), want)


def test_spread_foot_refuses_a_place_outside_the_beats():
    one = np.ones(2)
    with pytest.raises(ValueError, match=r"place beat 2 is outside 0\.\.1"):
        beats.spread_foot(one, SimpleNamespace(beat=np.array([0, 2], np.int32), risk=one), one)


@pytest.mark.parametrize("seed", range(6))
def test_place_means_at_are_numpys(seed):
    rng = np.random.default_rng(seed)
    n, n_places = int(rng.integers(1, 3000)), int(rng.integers(1, 60))
    place = rng.integers(0, n_places, n)
    place[place == n_places // 2] = 0  # a place nobody lives at
    per_place = np.bincount(place, minlength=n_places)
    by_place = np.argsort(place, kind="stable")
    start = np.concatenate([[0], np.cumsum(per_place)])
    values = rng.standard_normal(n) * 10.0 ** rng.uniform(-6, 6, n)
    at = rng.integers(0, n_places, int(rng.integers(0, 12)))
    args = (values, at, by_place, start, per_place)
    assert same_bits(beats.place_means_at(*args), numpy_path.place_means_at(*args))


@pytest.mark.parametrize("seed", range(6))
def test_offender_cumweights_are_numpys(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    offending = rng.random(n) * (rng.random(n) < 0.2)
    free_day = rng.integers(0, 60, n).astype(np.int32)
    offenders = np.flatnonzero(offending > 0)
    order = rng.permutation(offenders.size)
    want = np.concatenate([[0.0], (offending[offenders] * (free_day[offenders] <= 30))[order].cumsum()])
    assert same_bits(beats.offender_cumweights(offending, free_day, offenders, order, 30), want)


def test_clearing_kernels_refuse_indices_outside():
    with pytest.raises(ValueError, match=r"place 3 is outside 0\.\.1"):
        beats.place_means_at(np.zeros(2), np.array([3]), np.arange(2), np.array([0, 1, 2]), np.ones(2, np.int64))
    with pytest.raises(ValueError, match=r"offender 5 is outside 0\.\.1"):
        beats.offender_cumweights(np.zeros(2), np.zeros(2, np.int32), np.array([5]), np.array([0]), 0)

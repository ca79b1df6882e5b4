"""Community programs: each changes what it should, and with zero dose or fidelity nothing.

Small towns (3,000 residents, 4 beats) over 120-200 days keep the file fast. A program
that is off does not run at all and draws from no stream, so "off" runs equal the
baseline exactly (common random numbers). A running program draws from its own stream,
but once it changes the state the core's draws follow different paths, so effects are
checked on the mechanism it touches (hours at places, offending, skill, stops, force
outcomes), summed over enough events to dwarf the noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cpsim import simulate
from cpsim.model import CommunityModel
from cpsim.programs import build_programs
from cpsim.scenario import Scenario, ScenarioError, apply_overrides

TOWN = {"population.residents": 3000, "population.beats": 4}
DAYS = 150


def scenario(**overrides) -> Scenario:
    """The default scenario in the small town, with dotted overrides (``a__b`` for ``a.b``)."""
    return apply_overrides(Scenario(), {**TOWN, **{k.replace("__", "."): v for k, v in overrides.items()}})


def run(days: int = DAYS, seed: int = 3, **overrides):
    return simulate(scenario(**overrides), seed=seed, days=days)


def model_after(days: int, seed: int = 3, **overrides) -> CommunityModel:
    m = CommunityModel(scenario(**overrides), seed=seed)
    for _ in range(days):
        m.step()
    return m


def program(model, name):
    return next(p for p in model.programs if p.name == name)


@pytest.fixture(scope="module")
def baseline():
    return run()


SHORT = 70  # every program has acted by then (the incident on day 60)


@pytest.fixture(scope="module")
def short_baseline():
    return run(days=SHORT)


OFF = [
    ("beat_meetings", "officers_per_event"),
    ("listening_sessions", "hours_per_event"),
    ("coffee_with_cop", "officers_per_event"),
    ("block_parties", "hours_per_event"),
    ("athletic_league", "officers_per_event"),
    ("mentorship", "mentors_per_beat"),
    ("liaison", "officers_per_beat"),
    ("watch", "coverage"),
    ("neighbourhood", "officers_per_beat"),
    ("hotspots", "hours_per_spot"),
    ("co_responder", "team_hours_per_day"),
    ("training", "share_per_month"),
    ("orientation", "hours_per_officer"),
    ("focused_deterrence", "offender_share"),
    ("transparency", "staff_hours"),
    ("incident", "strength"),
]


@pytest.mark.parametrize(("section", "dose"), OFF)
def test_zero_dose_or_zero_fidelity_changes_nothing_exactly(short_baseline, section, dose):
    on = {f"{section}__enabled": True}
    assert build_programs(scenario(**on)), f"{section} should run when enabled"
    variants = [{**on, f"{section}__{dose}": 0}]
    if section != "incident":  # a single incident has a strength, not a fidelity
        variants.append({**on, f"{section}__fidelity": 0.0})
    for v in variants:
        assert not build_programs(scenario(**v))
        pd.testing.assert_frame_equal(run(days=SHORT, **v).timeseries, short_baseline.timeseries)


def test_every_enabled_program_changes_the_run(short_baseline):
    for section, _ in OFF:
        # orientation acts on arrivals: a short run needs beat reassignments to have any
        kw = {"policing__rotation_days": 20, "policing__officers_per_1000": 5.0} if section == "orientation" else {}
        base = run(days=SHORT, **kw) if kw else short_baseline
        r = run(days=SHORT, **{f"{section}__enabled": True}, **kw)
        assert not r.timeseries.equals(base.timeseries), section


# --- voluntary events ---------------------------------------------------------------


def test_beat_meeting_attendance_is_self_selected_and_reaches_few():
    r = run(days=365, **{"beat_meetings__enabled": True})
    t = r.extra["beat_meetings"]
    assert t.cycle.nunique() == 13 and t.beats.sum() <= 13 * 4  # monthly from day 8; each beat once a cycle
    # a meeting is smaller, or off, on a day its beats' officers are taken up by calls
    assert (t.attendees > 0).mean() > 0.7 and (t.attendees < 0.05 * t.eligible).all()
    t = t[t.attendees > 0]
    # attendees are the engaged and the trusting (F10), meeting by meeting (a beat's own may be small)
    assert (t.attendee_engagement > t.eligible_engagement).mean() > 0.8
    came, asked = t.attendees, t.eligible
    assert np.average(t.attendee_engagement, weights=came) > np.average(t.eligible_engagement, weights=asked) + 0.1
    assert np.average(t.attendee_trust, weights=came) > np.average(t.eligible_trust, weights=asked) + 0.03
    # ~10-16% of adults ever attend in a year (F10)
    assert 0.06 < t.attrs["ever_attended_share"] < 0.2


def test_concerns_named_at_meetings_get_directed_presence_and_less_disorder():
    kw = {"beat_meetings__enabled": True, "beat_meetings__start_day": 5}
    m, base = model_after(9, **kw), model_after(9)
    named = program(m, "beat_meetings").named
    assert named.size > 0
    extra = m.places.hotspot_hours[named] - base.places.hotspot_hours[named]
    # within the requested hours (the runs' own presence differs by a little once they diverge)
    assert (extra > 0).all() and extra.sum() <= 4 * 1.0 * 1.001
    assert (m.places.disorder[named] < base.places.disorder[named]).all()


def test_cleanup_removes_disorder_at_the_most_disordered_named_places():
    kw = {"block_parties__enabled": True, "block_parties__start_day": 5}
    m, base = model_after(12, **kw), model_after(12)  # each beat's party on a day its officers work
    named = program(m, "block_parties").named
    assert named.size > 0
    assert np.all(m.places.disorder[named] < 0.95 * base.places.disorder[named])


def test_athletic_league_reaches_only_youth_and_lowers_their_offending():
    m = model_after(200, **{"athletic_league__enabled": True, "athletic_league__offending_reduction": 0.5})
    p, res = program(m, "athletic_league"), m.residents
    assert p.attended[~res.youth].sum() == 0 and p.attended[res.youth].sum() > 0
    players = (p.attended > 0) & res.offender
    assert players.any() and np.all(res.offending[players] <= p.base_offending[players])
    assert res.offending[players].sum() < 0.9 * p.base_offending[players].sum()


def test_event_effect_grows_with_fidelity(baseline):
    gains = []
    for fid in (0.1, 1.0):
        r = run(**{"beat_meetings__enabled": True, "beat_meetings__fidelity": fid, "beat_meetings__reach": 0.05})
        gains.append(r.summary["legitimacy_end"] - baseline.summary["legitimacy_end"])
    assert gains[1] > gains[0] and gains[1] > 0


# --- mentorship, liaison --------------------------------------------------------------


def test_mentorship_lowers_mentee_and_friend_offending_and_raises_mentee_trust():
    kw = {"mentorship__enabled": True, "mentorship__offending_reduction": 0.4, "mentorship__risk_targeting": 20.0}
    m, base = model_after(200, **kw), model_after(200)
    p, res = program(m, "mentorship"), m.residents
    mentees = p.mentees
    assert mentees.size == 4 * 3 and res.youth[mentees].all()
    assert res.offender[mentees].mean() > res.offender[res.youth].mean()  # at-risk youth referred
    off = mentees[res.offender[mentees]]
    doses = p.meetings[off]
    assert off.size and doses.min() > 0
    # the offending reduction follows the designed meetings each mentee has had
    assert np.all(res.offending[off] <= p.base_offending[off] * (1 - 0.4 * (1 - np.exp(-doses / 10))) + 1e-12)
    assert res.offending[off].sum() < 0.97 * p.base_offending[off].sum()
    friends = np.setdiff1d(np.flatnonzero(res.offending < p.base_offending - 1e-12), mentees)
    assert friends.size > 0  # the reduction reaches friends through the graph
    assert res.legitimacy[mentees].mean() > base.residents.legitimacy[mentees].mean()


def test_liaison_reaches_the_distrustful_and_raises_their_trust(baseline):
    r = run(**{"liaison__enabled": True})
    t = r.extra["liaison"]
    assert t.contacts.sum() > 200
    reached = t[t.contacts > 0]
    assert (reached.contact_legitimacy < reached.mean_legitimacy).mean() > 0.8
    low = r.by_group[r.by_group.day == DAYS].set_index("group").trust_mean
    low0 = baseline.by_group[baseline.by_group.day == DAYS].set_index("group").trust_mean
    assert low["minority"] > low0["minority"]


# --- watch, steady officers, hot spots -----------------------------------------------------


def test_watch_adds_guardians_and_a_reporting_channel(baseline):
    m = model_after(1, **{"watch__enabled": True})
    active = program(m, "watch").active
    assert active.size > 0 and np.all(m.places.extra_guardianship[active] > 0)
    # groups form where residents are engaged
    assert m.places.guardianship[active].mean() > np.average(m.places.guardianship, weights=m.places.residents)
    r = run(**{"watch__enabled": True, "watch__coverage": 1.0, "watch__fidelity": 1.0, "watch__reporting_share": 1.0})
    assert r.summary["reporting_rate"] > baseline.summary["reporting_rate"] + 0.3


def test_steady_officers_never_rotate_and_familiarity_accumulates():
    kw = {"neighbourhood__enabled": True, "neighbourhood__fidelity": 1.0, "policing__rotation_days": 30}
    m, base = model_after(150, **kw), model_after(150, policing__rotation_days=30)
    steady = program(m, "neighbourhood").steady
    first = CommunityModel(scenario(**kw), seed=3).officers.beat
    assert steady.size == 4 and np.array_equal(m.officers.beat[steady], first[steady])
    assert m.residents.familiarity.mean() > 1.5 * base.residents.familiarity.mean()


def test_hot_spots_get_presence_and_more_stops(baseline):
    m, base = CommunityModel(scenario(hotspots__enabled=True), seed=3), CommunityModel(scenario(), seed=3)
    spots = program(m, "hotspots").spots
    assert np.all(m.places.risk[spots] >= np.quantile(m.places.risk, 0.95))
    at_spots = np.zeros((2, spots.size))
    for _ in range(30):
        m.step()
        base.step()
        at_spots += [m.places.hotspot_hours[spots], base.places.hotspot_hours[spots]]
    assert np.all(at_spots[0] > at_spots[1] + 10)  # hours a day at each spot (F9)
    r = run(**{"hotspots__enabled": True, "hotspots__stops_per_hour": 0.5})
    assert r.summary["stops"] > 1.25 * baseline.summary["stops"]  # F9: the trust cost


# --- crisis calls and co-responders --------------------------------------------------------

CRISIS = {
    "policing__officers_per_1000": 8.0,
    "crisis__share_of_calls": 1.0,
    "crisis__force_share": 0.5,
    "response__other_calls_per_1000": 500.0,
    "complaints__poor_contact_rate": 1.0,
}


def force_and_complaints(**kw):
    m = CommunityModel(scenario(**kw), seed=3)
    force = complaints = 0
    for _ in range(DAYS):
        m.step()
        force += int((~m.crisis_claimed & (m.crisis_draws < m.params.crisis.force_share)).sum())
        complaints += m.today["complaints"]
    team = next((p for p in m.programs if p.name == "co_responder"), None)
    if team is not None:
        force += sum(row[-1] for row in team.log)
    return force, complaints


def test_crisis_calls_exist_in_the_baseline_and_co_responders_cut_force_and_complaints():
    force0, compl0 = force_and_complaints(**CRISIS)
    assert force0 > 200
    force1, compl1 = force_and_complaints(**CRISIS, co_responder__enabled=True, co_responder__team_hours_per_day=24.0)
    assert force1 < 0.7 * force0  # 0.6 x 0.85 of force avoided when every call is claimed
    assert compl1 < 0.8 * compl0


# --- training, orientation ------------------------------------------------------------------


def test_training_raises_skill_gradually():
    kw = {"training__enabled": True, "training__fidelity": 1.0, "training__share_per_month": 0.25}
    m = CommunityModel(scenario(policing__officers_per_1000=5.0, **kw), seed=3)
    skill0 = m.officers.skill.copy()
    m.step()
    for _ in range(119):
        m.step()
    p = program(m, "training")
    shares = [row[-1] for row in p.log]
    assert shares == sorted(shares) and 0 < shares[-1] < 1 and len(set(shares)) >= 2  # cohorts, gradually
    assert np.all(m.officers.skill[p.trained] > skill0[p.trained])
    assert np.array_equal(m.officers.skill[~p.trained], skill0[~p.trained])


def test_orientation_rebuilds_familiarity_after_rotation():
    kw = {"policing__rotation_days": 20, "policing__officers_per_1000": 5.0}  # teams of more than one officer
    m, base = model_after(150, orientation__enabled=True, **kw), model_after(150, **kw)
    assert sum(row[-1] for row in program(m, "orientation").log) >= 3  # completed (on duty days only)
    assert m.residents.familiarity.mean() > base.residents.familiarity.mean()


# --- focused deterrence, transparency, incident ---------------------------------------------------


def test_focused_deterrence_lowers_participants_offending_and_raises_enforcement_on_them():
    kw = {"focused_deterrence__enabled": True, "focused_deterrence__enforcement_ratio": 10.0}
    m = model_after(DAYS, **kw)
    p, res = program(m, "focused_deterrence"), m.residents
    part = np.flatnonzero(p.participant)
    assert part.size >= 5
    start = CommunityModel(scenario(**kw), seed=3).residents.offending
    assert np.all(res.offending[part] <= (1 - 0.25) * start[part] + 1e-12)
    weak = model_after(DAYS, **{**kw, "focused_deterrence__enforcement_ratio": 1.0})
    assert p.stops > program(weak, "focused_deterrence").stops


def test_transparency_moves_perceived_effectiveness_toward_what_is_achieved():
    kw = {
        "transparency__enabled": True,
        "transparency__reach": 1.0,
        "transparency__engagement_log_odds": 0.0,
        "transparency__strength": 1.0,
        "transparency__fidelity": 1.0,
        "transparency__interval_days": 30,
    }
    m, base = model_after(92, **kw), model_after(92)
    p = program(m, "transparency")
    assert len(p.log) == 3
    warranted = p.log[-1][2]
    gap = np.abs(m.residents.effectiveness - warranted).mean()
    gap0 = np.abs(base.residents.effectiveness - warranted).mean()
    assert gap < 0.95 * gap0  # one release moves each viewer a step of the way


def test_publicized_incident_lowers_trust_most_in_the_victims_group():
    kw = {"incident__enabled": True, "incident__day": 20}
    m, base = model_after(25, **kw), model_after(25)
    beat, victim = program(m, "incident").log[0][1:3]
    res, res0 = m.residents, base.residents
    assert res.legitimacy.mean() < res0.legitimacy.mean() - 0.002
    g = res.group[victim]
    drop_own = res0.trust[res.group == g].mean() - res.trust[res.group == g].mean()
    drop_other = res0.trust[res.group != g].mean() - res.trust[res.group != g].mean()
    assert drop_own > drop_other > 0


def test_incident_in_a_beat_that_does_not_exist_is_a_one_line_error():
    with pytest.raises(
        ScenarioError,
        match=r"incident\.beat: 9 is not a beat; allowed: -1 \(the beat with the lowest trust\) or 0 to 3",
    ):
        CommunityModel(scenario(incident__enabled=True, incident__beat=9), seed=1)

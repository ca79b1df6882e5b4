"""Community events (beat meetings, cleanups, athletic league): who comes, what they change."""

from __future__ import annotations

import numpy as np
from small_town import model_after, program, run


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
    after, before = m.places.disorder[named], base.places.disorder[named]
    # every named place is cleaner, the typical one by more than 5% (a place clipped at full disorder
    # moves least and would dominate a sum)
    assert np.all(after < before) and np.median(after / before) < 0.95


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

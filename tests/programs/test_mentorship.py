"""Youth mentorship: at-risk mentees, offending lowered through meetings and friends."""

from __future__ import annotations

import numpy as np
from small_town import model_after, program, run


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


def test_a_beat_whose_meeting_day_has_no_officer_hours_meets_on_its_next_day_with_hours():
    # seed 4: on day 8, the first meeting day, three of the town's four beats get no officer hours
    # (their officers answer calls); their pairs meet on day 9 instead of a fortnight later
    r = run(seed=4, **{"mentorship__enabled": True})
    t, hours = r.extra["mentorship"], r.timeseries.set_index("day").hours_community
    assert t.day.tolist()[:2] == [8, 9] and t.beats.tolist()[:2] == [1, 3]
    assert hours[9] > 0 and t.meetings.iloc[1] > 0
    # every beat's pairs meet once a fortnight, on the beat's first day with hours
    fortnight = (t.day - 8) // 14
    assert (t.groupby(fortnight).beats.sum() == 4).all() and (t.groupby(fortnight).pairs.sum() == 12).all()

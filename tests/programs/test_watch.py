"""Neighbourhood watch: guardians where residents are engaged, and a reporting channel."""

from __future__ import annotations

import numpy as np
from small_town import model_after, program, run


def test_watch_adds_guardians_and_a_reporting_channel(baseline):
    m = model_after(1, **{"watch__enabled": True})
    active = program(m, "watch").active
    assert active.size > 0 and np.all(m.places.extra_guardianship[active] > 0)
    # groups form where residents are engaged
    assert m.places.guardianship[active].mean() > np.average(m.places.guardianship, weights=m.places.residents)
    r = run(**{"watch__enabled": True, "watch__coverage": 1.0, "watch__fidelity": 1.0, "watch__reporting_share": 1.0})
    assert r.summary["reporting_rate"] > baseline.summary["reporting_rate"] + 0.3


def test_a_meeting_whose_day_has_no_officer_hours_is_held_on_the_beats_next_day_with_hours():
    # seed 4: the first meetings fall due on day 61, when the town's one officer on duty answers
    # calls all day (no community hours in any beat); the next day every beat has hours to spare
    r = run(seed=4, **{"watch__enabled": True})
    t, hours = r.extra["watch"], r.timeseries.set_index("day").hours_community
    assert t.day.iloc[0] == 62 and t.attendees.iloc[0] > 0  # not lost for a whole interval (60 days)
    assert hours[61] == 0 and hours[62] == 4 * 2.0  # the meetings' hours (2 a beat), on their day
    # every beat with groups meets once a round, each on its own first day with hours
    assert t.groupby("cycle").beats.sum().tolist() == [4, 4] and t.day.tolist() == [62, 121, 122]
    assert t.groupby("cycle").members.sum().tolist() == [t.members.iloc[0]] * 2

"""Every program: with zero dose or zero fidelity nothing changes, exactly; enabled, each changes the run.

Each program's own behaviour is tested in the file named after its module (test_events.py,
test_liaison.py, ...); the small town they run in is tests/small_town.py.
"""

from __future__ import annotations

import pandas as pd
import pytest
from small_town import SHORT, run, scenario

from cpsim.programs import build_programs

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

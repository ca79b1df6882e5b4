"""Crisis calls and co-responder teams: force and complaints avoided."""

from __future__ import annotations

from small_town import DAYS, scenario

from cpsim.model import CommunityModel

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
        force += int((~m.city.crisis_claimed & (m.city.crisis_draws < m.params.crisis.force_share)).sum())
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

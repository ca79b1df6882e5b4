"""A publicized incident: trust falls, most in the victim's group; a bad beat is a one-line error."""

from __future__ import annotations

import pytest
from small_town import model_after, program, scenario

from cpsim.model import CommunityModel
from cpsim.scenario import ScenarioError


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

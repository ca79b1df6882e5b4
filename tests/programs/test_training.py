"""Procedural-justice training and orientation: skill by cohorts, familiarity after rotation."""

from __future__ import annotations

import numpy as np
from small_town import model_after, program, scenario

from cpsim.model import CommunityModel


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

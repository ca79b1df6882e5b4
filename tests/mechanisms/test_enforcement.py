"""cpsim/mechanisms/enforcement.py: what a stop or an arrest leaves (F3)."""

from __future__ import annotations

import numpy as np
import pytest
from resident_arrays import built_world

from cpsim.mechanisms import enforcement
from cpsim.scenario import Scenario

S = Scenario()


def test_fair_stop_raises_legitimacy_even_with_an_unfavourable_outcome():
    v_leg, v_eff = enforcement.enforcement_valences(
        np.array([0.9, 0.1]), -0.7, S.enforcement.intrusion, S.enforcement.procedural_tint
    )
    assert v_leg[0] > 0 > v_leg[1]
    assert v_eff[0] < 0 and v_eff[1] < v_eff[0]
    # being stopped at all costs legitimacy: an average stop (q = skill mean) is below neutral
    average, _ = enforcement.enforcement_valences(
        np.array([S.policing.skill_mean]), -0.3, S.enforcement.intrusion, S.enforcement.procedural_tint
    )
    assert average[0] < 2 * S.policing.skill_mean - 1


def test_custody_starts_at_the_share_the_arrest_process_keeps():
    _, w = built_world()
    res = w.residents
    offenders = np.arange(20_000) % res.n
    res.free_day[:] = 0
    hazard, days = 0.004, 60.0
    enforcement.custody_at_equilibrium(res, np.arange(res.n), np.full(res.n, hazard), days, np.random.default_rng(1))
    held = (res.free_day > 0).mean()
    assert held == pytest.approx(hazard * days / (1 + hazard * days), abs=0.02)
    assert offenders.size  # the draw is per offender, not per day

"""Focused deterrence: participants offend less and are stopped more."""

from __future__ import annotations

import numpy as np
from small_town import DAYS, model_after, program, scenario

from cpsim.model import CommunityModel


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

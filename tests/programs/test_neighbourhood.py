"""Neighbourhood policing: steady officers who do not rotate, and familiarity."""

from __future__ import annotations

import numpy as np
from small_town import model_after, program, scenario

from cpsim.model import CommunityModel


def test_steady_officers_never_rotate_and_familiarity_accumulates():
    kw = {"neighbourhood__enabled": True, "neighbourhood__fidelity": 1.0, "policing__rotation_days": 30}
    m, base = model_after(150, **kw), model_after(150, policing__rotation_days=30)
    steady = program(m, "neighbourhood").steady
    first = CommunityModel(scenario(**kw), seed=3).officers.beat
    assert steady.size == 4 and np.array_equal(m.officers.beat[steady], first[steady])
    assert m.residents.familiarity.mean() > 1.5 * base.residents.familiarity.mean()

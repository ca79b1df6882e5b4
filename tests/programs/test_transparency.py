"""Transparency releases: perceived effectiveness moves toward what is achieved."""

from __future__ import annotations

import numpy as np
from small_town import model_after, program


def test_transparency_moves_perceived_effectiveness_toward_what_is_achieved():
    kw = {
        "transparency__enabled": True,
        "transparency__reach": 1.0,
        "transparency__engagement_log_odds": 0.0,
        "transparency__strength": 1.0,
        "transparency__fidelity": 1.0,
        "transparency__interval_days": 30,
    }
    m, base = model_after(92, **kw), model_after(92)
    p = program(m, "transparency")
    assert len(p.log) == 3
    warranted = p.log[-1][2]
    gap = np.abs(m.residents.effectiveness - warranted).mean()
    gap0 = np.abs(base.residents.effectiveness - warranted).mean()
    assert gap < 0.95 * gap0  # one release moves each viewer a step of the way

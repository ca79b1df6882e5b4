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

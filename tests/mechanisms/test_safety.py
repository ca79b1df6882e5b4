"""cpsim/mechanisms/safety.py: perceived safety follows what residents see and falls with victimisation."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from cpsim.mechanisms import safety
from cpsim.scenario import Scenario

S = Scenario().safety
USUAL = {"disorder": 0.2, "seen": 0.3, "effectiveness": 0.5}


def test_police_seen_on_foot_reassure_and_disorder_frightens():
    res = SimpleNamespace(base_safety=np.full(3, 0.6), effectiveness=np.full(3, 0.5))
    target = safety.safety_target(res, np.array([0.2, 0.2, 0.6]), np.array([0.3, 0.6, 0.3]), USUAL, S)
    assert target[0] == pytest.approx(0.6)  # the city as usual: the resident's base
    assert target[1] > target[0] > target[2]


def test_safety_moves_toward_its_target_and_victims_lose_a_share_at_once():
    res = SimpleNamespace(safety=np.full(3, 0.5))
    target = np.full(3, 0.7)
    safety.update_safety(res, target, np.array([2]), np.empty(0, np.int64), np.empty((0, 3)), S, 0.9)
    assert res.safety[0] == pytest.approx(0.7 - 0.9 * 0.2)  # a tenth of the gap closed
    assert res.safety[2] == pytest.approx(res.safety[0] * (1 - S.victim_drop))

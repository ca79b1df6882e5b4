"""cpsim/mechanisms/crisis.py: crisis calls among answered help calls, and force recorded with its retelling."""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.mechanisms import crisis
from cpsim.mechanisms.contacts import Contacts
from cpsim.scenario import Scenario

S = Scenario()


def test_a_share_of_help_calls_are_crises_each_with_its_own_draw():
    callers = np.arange(20_000, dtype=np.int64)
    sec = S.with_overrides({"crisis.share_of_calls": 0.1}).crisis
    calls, draws = crisis.draw_crisis_calls(callers, sec, np.random.default_rng(3))
    assert calls.size / callers.size == pytest.approx(0.1, abs=0.01)
    assert np.isin(calls, callers).all() and draws.size == calls.size and ((draws >= 0) & (draws < 1)).all()


def test_force_is_a_worst_procedure_contact_retold_by_its_story_weight():
    told = []
    contacts = Contacts()
    crisis.record_force(contacts, lambda *a: told.append(a), np.array([4, 9]), S.crisis)
    got = contacts.take()
    assert got["idx"].tolist() == [4, 9] and (got["quality"] == 0.0).all()
    extra = max(S.crisis.story_weight - 1.0, 0.0)
    assert told and told[0][1] == pytest.approx(extra * S.crisis.force_legitimacy)
    crisis.record_force(contacts, lambda *a: told.append(a), np.empty(0, np.int64), S.crisis)
    assert contacts.take()["idx"].size == 0 and len(told) == 1  # no crisis, nothing recorded or told

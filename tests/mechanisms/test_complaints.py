"""cpsim/mechanisms/complaints.py: complaints follow poor contacts (M5)."""

from __future__ import annotations

import numpy as np
import pytest
from resident_arrays import same_bits

from cpsim.mechanisms import complaints
from cpsim.mechanisms.complaints import complaint_probability
from cpsim.scenario import Scenario

S = Scenario()


def test_complaints_only_follow_poor_contacts_and_rise_as_quality_falls():
    rng = np.random.default_rng(0)
    comp = S.with_overrides({"complaints.poor_contact_rate": 0.5}).complaints
    n = 20000
    rates = [
        complaints.draw_complaints(complaints.complaint_probability(np.full(n, q), np.full(n, 0.5), comp), rng).mean()
        for q in (0.8, 0.4, 0.0)
    ]
    assert rates[0] == 0 and 0 < rates[1] < rates[2]
    assert rates[2] == pytest.approx(0.5 * (1 - 0.5 * 0.5), abs=0.02)


def test_poor_casual_contacts_complain_less_than_poor_stops():
    rng = np.random.default_rng(2)
    n = 50_000
    q, legit = np.zeros(n), np.full(n, 1.0)
    stops = complaints.draw_complaints(complaints.complaint_probability(q, legit, S.complaints, True), rng).mean()
    casual = complaints.draw_complaints(complaints.complaint_probability(q, legit, S.complaints, False), rng).mean()
    assert stops == pytest.approx(S.complaints.poor_contact_rate, rel=0.1)
    assert casual == pytest.approx(S.complaints.casual_factor * stops, rel=0.2)


def test_complaints_read_a_missing_quality_as_one_to_the_bit():
    q = np.array([np.nan, 0.0, 0.2, 0.49, 0.5, 0.7, 1.0, 1.5, np.inf, -np.inf, -0.3])
    comp = Scenario().complaints
    got = complaint_probability(q, np.full(q.size, 0.4), comp, q > 0.3, np.full(q.size, 0.2))
    with np.errstate(over="ignore"):  # nan_to_num makes inf the largest float; halving the gap overflows
        want = comp.poor_contact_rate * np.clip((0.5 - np.nan_to_num(q, nan=1.0)) / 0.5, 0, 1)
    want *= np.where(q > 0.3, 1.0, comp.casual_factor)
    want *= 1.0 - comp.trust_dependency * (1.0 - 0.4)
    want *= 1.0 - comp.familiarity_discount * 0.2
    assert same_bits(got, want)


def test_familiar_residents_complain_less():
    p = complaints.complaint_probability(np.zeros(2), np.ones(2), S.complaints, True, np.array([0.0, 1.0]))
    assert p[1] == pytest.approx(p[0] * (1 - S.complaints.familiarity_discount))

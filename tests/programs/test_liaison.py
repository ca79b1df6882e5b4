"""Liaison officers: contacts with the distrustful, and their trust."""

from __future__ import annotations

from small_town import DAYS, run


def test_liaison_reaches_the_distrustful_and_raises_their_trust(baseline):
    r = run(**{"liaison__enabled": True})
    t = r.extra["liaison"]
    assert t.contacts.sum() > 200
    reached = t[t.contacts > 0]
    assert (reached.contact_legitimacy < reached.mean_legitimacy).mean() > 0.8
    low = r.by_group[r.by_group.day == DAYS].set_index("group").trust_mean
    low0 = baseline.by_group[baseline.by_group.day == DAYS].set_index("group").trust_mean
    assert low["minority"] > low0["minority"]

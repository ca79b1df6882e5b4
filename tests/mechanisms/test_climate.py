"""cpsim/mechanisms/climate.py: what officers sense, and how their routine work follows it (M3)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from cpsim.mechanisms import climate, trust
from cpsim.scenario import Scenario

S = Scenario()


def test_officers_turn_only_past_a_marked_turn_and_come_all_the_way_back():
    """All routine work until the audience has turned by the threshold, all of the withdrawal past the ramp.

    (The logistic switch withdrew 0.5-10% with no shock and never came back to 1 at a neutral audience.)
    """
    pol = S.policing
    turn = np.array([0.0, 0.5 * pol.withdrawal_threshold, pol.withdrawal_threshold + 0.5 * pol.withdrawal_width,
                     pol.withdrawal_threshold + pol.withdrawal_width, 0.5, -0.2])  # fmt: skip
    normal = np.full(turn.size, 0.5)
    share = climate.routine_share(normal - turn, normal, pol)
    assert share[0] == 1.0 and share[1] == 1.0 and share[5] == 1.0  # neutral, noise, a friendlier audience
    assert share[2] == pytest.approx(1 - 0.5 * pol.withdrawal)  # half way up the ramp
    assert share[3] == pytest.approx(1 - pol.withdrawal) and share[4] == pytest.approx(1 - pol.withdrawal)
    shift = climate.quality_shift(normal - turn, normal, pol)
    assert shift[0] == 0 and shift[4] == pytest.approx(-0.5 * pol.climate_quality)


def _hood(audience, count):

    a, n = np.array(audience, float), np.array(count, float)
    return SimpleNamespace(audience=a.copy(), audience_sum=a * n, audience_count=n, normal=a.copy())


def test_what_officers_sense_weighs_every_contact_alike_over_days_not_contact_days():
    """A day with contacts moves the window by its contacts; a day without moves nothing but time.

    (The old average took one step a day whatever the number of contacts, so its half-life counted contact-days.)
    """
    hood = _hood([0.5, 0.5], [10.0, 10.0])
    keep = 0.5  # a one-day half-life, to see the weights
    climate.sense(hood, np.array([0, 0, 0, 0, 0]), np.full(5, 0.1), keep, 1.0)
    # beat 0: 5 old contacts' weight at 0.5 and 5 new at 0.1; beat 1 met nobody and keeps its mean
    assert hood.audience[0] == pytest.approx((5 * 0.5 + 5 * 0.1) / 10) and hood.audience[1] == 0.5
    climate.sense(hood, np.empty(0, np.int64), np.empty(0), keep, 1.0)
    assert hood.audience[0] == pytest.approx((5 * 0.5 + 5 * 0.1) / 10)  # no contact today: the mean stands
    assert hood.normal.tolist() == [0.5, 0.5]  # keep_normal 1: what officers are used to did not move


def test_what_officers_are_used_to_follows_their_audience():
    hood = _hood([0.3], [50.0])
    hood.normal[:] = 0.5
    for _ in range(365):
        climate.sense(hood, np.empty(0, np.int64), np.empty(0), 0.98, trust.decay_factor(365.0))
    assert hood.normal[0] == pytest.approx(0.3 + 0.2 * 0.5, abs=1e-9)  # half way in a half-life


def test_proactive_effort_follows_recorded_crime():
    m = climate.proactive_multiplier(np.array([1.0, 2.0, 0.5]), np.array([1.0, 1.0, 1.0]), S.enforcement)
    assert m[0] == 1.0 and m[1] == pytest.approx(2**S.enforcement.crime_response) and m[2] < 1.0

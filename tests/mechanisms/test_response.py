"""cpsim/mechanisms/response.py: clearance, and the neighbours' legitimacy at a crime's place."""

from __future__ import annotations

import numpy as np

from cpsim.mechanisms import response
from cpsim.mechanisms.response import place_mean, place_mean_at
from cpsim.scenario import Scenario

S = Scenario()


def test_clearance_is_capped_however_cooperative_the_neighbours():

    resp = S.with_overrides({"response.clearance_violent": 0.9, "response.clearance_cap": 0.8}).response
    p = response.clearance_probability(np.array([True, True]), np.array([0.2, 1.0]), resp, 0.47)
    assert p[0] < 0.8 and p[1] == 0.8


def test_place_means_at_a_few_places_equal_the_all_places_means_to_the_bit():

    rng = np.random.default_rng(4)
    place = rng.integers(0, 40, 3000)
    place[place == 7] = 8  # place 7 has nobody
    per_place = np.bincount(place, minlength=40)
    by_place = np.argsort(place, kind="stable")
    start = np.concatenate([[0], np.cumsum(per_place)])
    values = rng.random(3000)
    at = np.array([3, 7, 3, 39, 0, 8])
    got = place_mean_at(values, at, by_place, start, per_place)
    assert got.tobytes() == place_mean(values, place, per_place)[at].tobytes()
    assert place_mean_at(values, at[:0], by_place, start, per_place).size == 0

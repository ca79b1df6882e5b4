"""Hot-spot policing: presence at the riskiest places, and more stops."""

from __future__ import annotations

import numpy as np
from small_town import program, run, scenario

from cpsim.model import CommunityModel


def test_hot_spots_get_presence_and_more_stops(baseline):
    m, base = CommunityModel(scenario(hotspots__enabled=True), seed=3), CommunityModel(scenario(), seed=3)
    spots = program(m, "hotspots").spots
    assert np.all(m.places.risk[spots] >= np.quantile(m.places.risk, 0.95))
    at_spots = np.zeros((2, spots.size))
    for _ in range(30):
        m.step()
        base.step()
        at_spots += [m.places.hotspot_hours[spots], base.places.hotspot_hours[spots]]
    assert np.all(at_spots[0] > at_spots[1] + 10)  # hours a day at each spot (F9)
    r = run(**{"hotspots__enabled": True, "hotspots__stops_per_hour": 0.5})
    assert r.summary["stops"] > 1.25 * baseline.summary["stops"]  # F9: the trust cost

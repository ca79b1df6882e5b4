"""cpsim/mechanisms/conditions.py: what residents see of police on foot."""

from __future__ import annotations

import numpy as np
from resident_arrays import built_world

from cpsim.mechanisms import conditions


def test_seeing_police_on_foot_follows_foot_hours_and_time_out():
    _, w = built_world()
    res = w.residents
    foot = np.zeros(w.places.n)
    assert (conditions.seen_weekly(res, foot, 2.8) == 0).all()
    foot[res.place[0]] = 1.0
    seen = conditions.seen_weekly(res, foot, 2.8)
    here = res.place == res.place[0]
    assert (seen[here] > 0).all() and (seen[~here] == 0).all()
    out_more = here & (res.street_time > np.median(res.street_time[here]))
    assert seen[out_more].mean() > seen[here & ~out_more].mean()

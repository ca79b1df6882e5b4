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


def test_home_disorder_is_numpys_dot_in_pieces_one_blas_thread_sums():
    rng = np.random.default_rng(3)
    for size in (1, 33, conditions.SINGLE_THREAD_DOT):  # one piece: numpy's dot itself
        disorder, residents = rng.random(size), rng.integers(0, 300, size)
        assert conditions.home_disorder(disorder, residents, 1000) == float(np.dot(disorder, residents) / 1000)
    # 1,000,000 residents' 16,678 places: two halves, as two OpenBLAS threads sum them
    disorder, residents = rng.random(16_678), rng.integers(0, 300, 16_678)
    halves = 0.0 + np.dot(disorder[:8339], residents[:8339]) + np.dot(disorder[8339:], residents[8339:])
    assert conditions.home_disorder(disorder, residents, 1000) == float(halves / 1000)
    # 25,001 places: three pieces of at most 10,000, the first ones a value longer
    disorder, residents = rng.random(25_001), rng.integers(0, 300, 25_001)
    cuts = (0, 8334, 16_668, 25_001)
    pieces = [np.dot(disorder[a:b], residents[a:b]) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    assert conditions.home_disorder(disorder, residents, 1000) == float(
        (0.0 + pieces[0] + pieces[1] + pieces[2]) / 1000
    )
    assert conditions.home_disorder(np.empty(0), np.empty(0, np.int64), 0) == 0.0

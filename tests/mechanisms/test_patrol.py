"""cpsim/mechanisms/patrol.py: casual contacts drawn as the numpy idiom they replace drew them."""

from __future__ import annotations

import numpy as np
from resident_arrays import residents

from cpsim.mechanisms.patrol import draw_patrol_contacts, street_cumweights
from cpsim.world.layout import sample_weighted_within


def test_patrol_contacts_draw_as_one_poisson_call_per_mode_did():

    s, res = residents(2500)
    res.street_time[res.beat == 0] = 0.0  # a beat nobody is out in: its draws are dropped
    cumw = street_cumweights(res)
    n_beats = int(res.beat.max()) + 1
    for seed in range(20):
        foot, car = np.random.default_rng(seed).uniform(0, 3, (2, n_beats)) * (seed % 4 != 0)
        rng = np.random.default_rng(seed)
        k_foot = rng.poisson(foot * s.patrol.contacts_per_foot_hour)
        k_car = rng.poisson(car * s.patrol.contacts_per_car_hour)
        beats = np.concatenate([np.repeat(np.arange(n_beats), k_foot), np.repeat(np.arange(n_beats), k_car)])
        on_foot = np.concatenate([np.ones(k_foot.sum(), bool), np.zeros(k_car.sum(), bool)])
        who = sample_weighted_within(res.by_beat, res.beat_start, cumw, beats, rng)
        rng2 = np.random.default_rng(seed)
        met, foot_flags = draw_patrol_contacts(foot, car, res, cumw, s.patrol, rng2)
        assert np.array_equal(met, who[who >= 0]) and np.array_equal(foot_flags, on_foot[who >= 0])
        assert rng2.random() == rng.random()  # the same numbers consumed

"""The observation model: what a publisher does to area estimates beyond sampling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cpsim.studies.calibration.observation import Observation, observe, split


def survey(waves: int = 4, responses: tuple[int, ...] = (20, 20, 400, 400), seed: int = 0) -> pd.DataFrame:
    """A survey table of areas with fixed true scores, sampled with noise of SD 30/sqrt(n)."""
    rng = np.random.default_rng(seed)
    truth = np.linspace(40.0, 70.0, len(responses))
    rows = [
        {"wave": w, "beat": b, "group": "all", "n": n, "trust": truth[b] + rng.normal(0, 30 / np.sqrt(n)),
         "safety": 60.0}
        for w in range(waves)
        for b, n in enumerate(responses)
    ]  # fmt: skip
    rows += [{"wave": w, "beat": -1, "group": "all", "n": sum(responses), "trust": 55.0, "safety": 60.0}
             for w in range(waves)]  # fmt: skip
    return pd.DataFrame(rows)


def areas(table: pd.DataFrame) -> pd.DataFrame:
    return table[(table["beat"] >= 0) & (table["group"] == "all")].pivot(index="beat", columns="wave", values="trust")


def test_no_error_and_no_shrinkage_leave_the_table_as_it_is():
    table = survey()
    assert observe(table, Observation(), seed=1) is table


def test_the_error_alone_is_unchanged_by_the_shrinkage_term_at_zero():
    table = survey()
    a = observe(table, Observation(area_sd=4.0), seed=3)
    b = observe(table, Observation(area_sd=4.0, shrink_responses=0.0), seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_shrinkage_pulls_areas_with_few_answers_toward_the_city_much_more_than_areas_with_many():
    table = survey(waves=1)
    before = areas(table)[0]
    after = areas(observe(table, Observation(shrink_responses=100.0), seed=1))[0]
    city = np.average(before, weights=[20, 20, 400, 400])
    pulled = (before - after) / (before - city)
    assert pulled.iloc[:2].to_numpy() == pytest.approx(100 / 120)  # k / (n + k), n = 20
    assert pulled.iloc[2:].to_numpy() == pytest.approx(100 / 500)  # n = 400
    assert observe(table, Observation(shrink_responses=100.0), seed=1).query("beat == -1")["trust"].iloc[0] == 55.0


def test_with_shrinkage_the_error_moves_large_areas_more_than_small_ones_from_wave_to_wave():
    table = survey(waves=40, seed=2)
    moved = areas(observe(table, Observation(area_sd=6.0, shrink_responses=100.0), seed=5)).diff(axis=1).std(axis=1)
    plain = areas(observe(table, Observation(area_sd=6.0), seed=5)).diff(axis=1).std(axis=1)
    assert moved.iloc[:2].max() < 0.8 * moved.iloc[2:].min()  # shrunk, small areas move least
    assert plain.iloc[:2].min() > plain.iloc[2:].max()  # unshrunk, sampling makes them move most


def test_the_calibration_names_the_shrinkage_like_the_error():
    _, obs = split({"observation.shrink_responses": 50, "observation.area_sd": 4.0, "trust.social_weight": 0.3})
    assert obs == Observation(area_sd=4.0, shrink_responses=50.0)

"""Area movement: the data's bands by the calibration's statistics, and the study's findings on a small Chicago."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cpsim.studies import area_movement as am
from cpsim.studies.findings import FAIL, PASS, REPORTED

# Chicago at 1:1000 (2,734 residents) for three years: a burn-in year and two survey waves.
SMALL = {"areas.scale": 1000, "run.days": 1095}


def test_the_datas_bands_come_from_the_sentiment_file():
    bands = am.data_bands()
    lo, hi = bands["area_change_sd"]
    assert 5 < lo < hi < 9  # several points a year (data/README.md)
    lo, hi = bands["area_trust_persistence"]
    assert 0.4 < lo < hi < 0.9
    # the movement that carries on is small: its interval over areas reaches zero and stays under 3 a year
    lo, hi = bands["carried_sd"]
    assert lo == 0 and 1 < hi < 3


def test_a_run_gives_surveyed_and_latent_statistics():
    run = am.areas_run(3, SMALL)
    names = (*am.STATISTICS, "year_specific_sd", "carried_sd")
    assert set(run) == {f"{kind}_{s}" for kind in ("surveyed", "latent") for s in names}
    assert all(math.isfinite(v) for v in run.values())
    # The survey adds its sampling noise to what areas really do.
    assert run["surveyed_area_change_sd"] > run["latent_area_change_sd"] > 0


def test_the_findings_hold_the_surveyed_figures_to_the_datas_bands():
    bands = {"area_change_sd": (6.2, 7.5), "area_trust_persistence": (0.55, 0.76), "carried_sd": (0.0, 2.6)}
    runs = [
        {
            "surveyed_area_change_sd": v,
            "surveyed_area_trust_persistence": 0.6,
            "latent_area_change_sd": 1.0,
            "latent_area_trust_persistence": 0.99,
            "surveyed_carried_sd": c,
            "latent_year_specific_sd": 0.0,
        }
        for v, c in ((2.4, 2.9), (2.5, 3.1))
    ]
    change, persistence, carried, year_specific, latent_change, latent_persistence = am.areas_findings(runs, bands)
    assert change.verdict == FAIL and (change.lo, change.hi) == (6.2, 7.5)
    assert persistence.verdict == PASS
    assert carried.verdict == FAIL and (carried.lo, carried.hi) == (0.0, 2.6)
    assert year_specific.verdict == latent_change.verdict == latent_persistence.verdict == REPORTED


def _areas(levels, moves) -> pd.DataFrame:
    """Area trust by wave: stable levels plus each wave's movement (rows areas, columns waves)."""
    return pd.DataFrame(levels[:, None] + moves)


def test_movement_parts_tell_a_departure_that_vanishes_from_drift_that_stays():
    rng = np.random.default_rng(7)
    levels = rng.normal(60, 8, 400)
    # each area-year its own departure (SD 5), nothing carried
    noise = am.movement_parts([_areas(levels, rng.normal(0, 5, (400, 6)))])
    assert noise.sds()[0] == pytest.approx(5, abs=0.4)
    assert noise.sds()[1] < 0.8
    # a random walk (SD 2 a year), nothing year-specific
    walk = am.movement_parts([_areas(levels, np.cumsum(rng.normal(0, 2, (400, 6)), axis=1))])
    assert walk.sds()[1] == pytest.approx(2, abs=0.25)
    assert walk.sds()[0] < 0.8
    # both, each found, with an interval over areas around the estimate
    both = [_areas(levels, rng.normal(0, 4, (400, 6)) + np.cumsum(rng.normal(0, 2, (400, 6)), axis=1))]
    parts = am.movement_parts(both)
    assert parts.sds() == pytest.approx((4, 2), abs=0.4)
    lo, hi = am.parts_interval(both, draws=200)
    for k in range(2):
        assert lo.sds()[k] < parts.sds()[k] < hi.sds()[k] < lo.sds()[k] + 1.5


def test_area_series_gives_each_areas_latent_trust_by_wave_and_the_survey():
    latent, survey = am.area_series(3, SMALL)
    assert list(latent.columns) == [0, 1]
    assert len(latent) == survey.loc[survey["beat"] >= 0, "beat"].nunique() == 77
    assert latent.to_numpy().min() > 0 and latent.to_numpy().max() < 100

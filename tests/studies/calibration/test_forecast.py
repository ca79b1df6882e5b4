"""The area-by-area forecast table, its baselines and scores, and the committed Chicago forecast's format."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cpsim.studies.calibration import forecast
from cpsim.studies.calibration.observed import read_observed
from cpsim.studies.calibration.stats import Options

from cpsim.reports.reference import ROOT  # isort: skip

DATA = ROOT / "data" / "chicago" / "police_sentiment_by_community_area.csv"
AREAS = ROOT / "data" / "chicago" / "areas.csv"


def fake_cal() -> SimpleNamespace:
    """What forecast.area_table reads of a calibration: the data, the city's areas file, the fit's waves."""
    return SimpleNamespace(
        observed_file=str(DATA),
        scenario=SimpleNamespace(areas=SimpleNamespace(path=str(AREAS))),
        options=Options(waves=(0, 1, 2)),
    )


def check_areas(noise: float, shift: dict[int, float] | None = None, runs: int = 6) -> pd.DataFrame:
    """Check runs' area estimates: the data's own figures (beat = row of areas.csv) plus noise and a swing."""
    obs = read_observed(DATA)
    obs = obs[obs["group"] == "all"]
    names = pd.read_csv(AREAS)["name"]
    beat = {n: i for i, n in enumerate(names)}
    rng = np.random.default_rng(3)
    known = obs.set_index(["name", "year"])
    rows = []
    for point in range(runs):
        for name in names:
            for wave in range(5):
                # an area-year the data lacks is simulated all the same (its observed is empty)
                r = known.loc[(name, 2017 + wave)] if (name, 2017 + wave) in known.index else None
                level = 60.0 if r is None else r["trust"]
                trust = level + (shift or {}).get(wave, 0.0) + rng.normal(0, noise)
                rows.append((-1, point, wave, beat[name], trust, 60.0 if r is None else r["safety"], 100.0))
    return pd.DataFrame(rows, columns=["wave", "point", "survey_wave", "beat", "trust", "safety", "n"])


def test_the_table_has_every_area_and_year_with_roles_and_ordered_intervals():
    table = forecast.area_table(fake_cal(), check_areas(noise=2.0))
    assert list(table.columns) == forecast.COLUMNS
    assert len(table) == 77 * 5 and table["area_number"].nunique() == 77
    assert table["observed"].isna().sum() == 77 * 5 - len(read_observed(DATA).query("group == 'all'"))
    assert set(table.loc[table["role"] == "fit", "year"]) == {2017, 2018, 2019}
    assert set(table.loc[table["role"] == "forecast", "year"]) == {2020, 2021}
    assert (table["simulated_lo"] <= table["simulated_mean"]).all()
    assert (table["simulated_mean"] <= table["simulated_hi"]).all()
    areas = pd.read_csv(AREAS).set_index("area")["name"]
    assert (table["name"] == table["area_number"].map(areas)).all()  # numbers and names are the areas file's
    obs = read_observed(DATA)
    obs = obs[obs["group"] == "all"].set_index(["name", "year"])["trust"]
    seen = table.dropna(subset=["observed"])
    assert np.allclose(seen["observed"], obs.loc[list(zip(seen["name"], seen["year"], strict=True))].to_numpy())


def test_a_model_that_gets_every_area_right_but_the_city_swing_scores_perfectly_centred():
    table = forecast.area_table(fake_cal(), check_areas(noise=0.0, shift={3: -6.0, 4: -4.0}))
    score = forecast.scores(table, forecast.baselines(table, AREAS)).set_index(["year", "predictor"])
    for year, swing in ((2020, 6.0), (2021, 4.0)):
        model = score.loc[(year, "model")]
        assert model["correlation"] == pytest.approx(1.0)
        assert model["rmse_centred"] == pytest.approx(0.0, abs=1e-9)
        assert model["city_swing"] == pytest.approx(swing)  # the data's mean minus the model's
        assert model["rmse"] == pytest.approx(swing)
        assert score.loc[(year, "persistence"), "rmse_centred"] > 1.0  # areas do move from 2017-2019
    # persistence is each area's 2017-2019 mean; the regression fits those means on composition and crime
    base = forecast.baselines(table, AREAS)
    fit = table[table["role"] == "fit"].groupby("area_number")["observed"].mean()
    assert np.allclose(base["persistence"], fit)
    assert 0.3 < np.corrcoef(base["regression"], fit)[0, 1] < 1.0
    assert score.loc[(2017, "persistence"), "role"] == "fit"

"""How fast: the day an effect becomes clear agrees with the effect at each year."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cpsim.headline import clear_sign
from cpsim.studies.trajectories import YEARS, bands, run_trajectory, timings

RESIDENTS, DAYS, REPS = 10_000, 730, 10


def fake_run(victims_per_day: np.ndarray) -> SimpleNamespace:
    """A run with a flat trust trajectory and the given daily victimisations."""
    days = np.arange(1, len(victims_per_day) + 1)
    ts = pd.DataFrame(
        {"day": days, "trust_mean": 0.5, "trust_gap": 0.3, "safety_mean": 0.6, "victimizations": victims_per_day}
    )
    by_group = pd.DataFrame({"day": days, "group": "all", "trust_mean": 0.5})
    rate = victims_per_day.sum() * 365 * 1000 / (len(days) * RESIDENTS)
    return SimpleNamespace(timeseries=ts, by_group=by_group, summary={"residents": RESIDENTS, "rate": rate})


@pytest.fixture(scope="module")
def crime_study():
    # 70 victimisations per 1,000 a year in the baseline, 10% fewer with the program: a real
    # effect, Poisson noise day to day, each replicate's city a little more or less victimised.
    rng = np.random.default_rng(11)
    base_rate = 70 * RESIDENTS / 1000 / 365
    rows, rates = [], {}
    for k in range(REPS):
        city = rng.normal(1.0, 0.05)
        for name, effect in (("baseline", 1.0), ("program", 0.9)):
            run = fake_run(rng.poisson(base_rate * city * effect, DAYS).astype(float))
            rows.append(run_trajectory(run).assign(scenario=name, replicate=k))
            rates[(name, k)] = run.summary["rate"]
    return pd.concat(rows, ignore_index=True), rates


def test_crime_is_clear_from_a_day_that_agrees_with_the_yearly_intervals(crime_study):
    trajectories, _ = crime_study
    row = timings(bands(trajectories, "baseline")).set_index("figure").loc["victimizations_per_1000_year"]
    signs = [clear_sign(row[f"effect_{y}y_ci_low"], row[f"effect_{y}y_ci_high"]) for y in YEARS if y * 365 <= DAYS]
    assert signs == [-1, -1]  # a 10% drop shows at one year and at two
    assert row["clear_from"] <= 365  # so it is clear from a day within the first year, not from day 700-odd
    for y, sign in zip(YEARS, signs, strict=False):
        if row["clear_from"] <= 365 * y:
            assert sign != 0  # and once clear, every yearly interval says so


def test_the_crime_trajectory_ends_at_the_runs_rate(crime_study):
    trajectories, rates = crime_study
    last = trajectories[trajectories["day"] == DAYS].set_index(["scenario", "replicate"])
    for key, rate in rates.items():
        assert last.loc[key, "victimizations_per_1000_year"] == pytest.approx(rate, rel=1e-6)

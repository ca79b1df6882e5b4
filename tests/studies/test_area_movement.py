"""Area movement: the data's bands by the calibration's statistics, and the study's findings on a small Chicago."""

from __future__ import annotations

import math

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


def test_a_run_gives_surveyed_and_latent_statistics():
    run = am.areas_run(3, SMALL)
    assert set(run) == {f"{kind}_{s}" for kind in ("surveyed", "latent") for s in am.STATISTICS}
    assert all(math.isfinite(v) for v in run.values())
    # The survey adds its sampling noise to what areas really do.
    assert run["surveyed_area_change_sd"] > run["latent_area_change_sd"] > 0


def test_the_findings_hold_the_surveyed_figures_to_the_datas_bands():
    bands = {"area_change_sd": (6.2, 7.5), "area_trust_persistence": (0.55, 0.76)}
    runs = [
        {
            "surveyed_area_change_sd": v,
            "surveyed_area_trust_persistence": 0.6,
            "latent_area_change_sd": 1.0,
            "latent_area_trust_persistence": 0.99,
        }
        for v in (2.4, 2.5)
    ]
    change, persistence, latent_change, latent_persistence = am.areas_findings(runs, bands)
    assert change.verdict == FAIL and (change.lo, change.hi) == (6.2, 7.5)
    assert persistence.verdict == PASS
    assert latent_change.verdict == latent_persistence.verdict == REPORTED

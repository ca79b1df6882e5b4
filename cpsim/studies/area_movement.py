"""Area movement: how much areas' trust moves from one year to the next, as surveyed (issue 22, item 3).

In Chicago's police sentiment scores an area's trust changes by an SD of several points from
one year to the next and keeps its rank only in part (year-to-year correlation well below 1;
data/chicago/police_sentiment_by_community_area.csv, computed here with the calibration's own
statistics, cpsim.studies.calibration.stats). The study runs Chicago's 77 community areas
(scenarios/cities/chicago.toml: the real areas at 1:100, a survey collected like the real one,
a burn-in year and five survey years) and measures, over replicates,

- **as surveyed**: the SD over areas of the change of surveyed area trust between consecutive
  waves and the correlation of area trust between them, from the simulated survey's estimates
  (answers, raking, empty small cells), as the data's are;
- **latent**: the same two statistics of each area's expected score with no sampling noise
  (every resident's expected answer to the trust items, cpsim.survey.expected_answer, averaged
  over the area's residents on the survey's fieldwork days), so the survey's own noise shows as
  the difference between the two.

The surveyed figures are held against the data's band (its lowest and highest pair of years);
the latent ones are reported.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cpsim.model import CommunityModel
from cpsim.scenario import load_scenario
from cpsim.studies.calibration.observed import read_observed
from cpsim.studies.calibration.stats import per_wave
from cpsim.studies.findings import Finding, report
from cpsim.studies.patterns import SCENARIOS, PatternSettings
from cpsim.studies.runner import replicate_seeds, run_parallel
from cpsim.survey import expected_answer

CITY = SCENARIOS / "cities" / "chicago.toml"
DATA = Path(__file__).resolve().parents[2] / "data" / "chicago" / "police_sentiment_by_community_area.csv"
STATISTICS = ("area_change_sd", "area_trust_persistence")
TRUST_ITEMS = ("listen", "respect")  # the survey's trust score is the mean of the two, x 10


def data_bands(path: Path = DATA) -> dict[str, tuple[float, float]]:
    """Each statistic's lowest and highest value over the data's pairs of consecutive years."""
    table = read_observed(path)
    return {name: (float(np.nanmin(v)), float(np.nanmax(v))) for name in STATISTICS for v in [per_wave(table, name)]}


def expected_scores(model: CommunityModel, wave: int) -> np.ndarray:
    """Each area's mean expected trust score (0-100) now: no sampling, no answer noise drawn."""
    res, survey = model.residents, model.params.survey
    score = sum(expected_answer(res.legitimacy, item, survey, wave) for item in TRUST_ITEMS) * 5.0
    return np.bincount(res.beat, weights=score, minlength=model.n_beats) / np.maximum(model.beat_residents, 1)


def areas_run(seed: int, overrides: dict | None = None, city: str | Path = CITY) -> dict[str, float]:
    """One Chicago run: the surveyed and latent statistics, each averaged over its pairs of waves.

    Args:
        seed: Run seed.
        overrides: Scenario overrides (robustness, a smaller city in tests).
        city: The scenario file (default: the area-movement city; e.g. the calibrated Chicago).

    Returns:
        ``surveyed_<statistic>`` and ``latent_<statistic>`` for each of STATISTICS.
    """
    model = CommunityModel(load_scenario(city, overrides or {}), seed=seed)
    sums: dict[int, np.ndarray] = {}
    days: dict[int, int] = {}
    for _ in range(model.params.run.days):
        model.step()
        when = model.survey.fieldwork(model.day)
        if when is not None:  # the survey asked today: what the whole area would answer, on average
            wave = when[0]
            sums[wave] = sums.get(wave, 0.0) + expected_scores(model, wave)
            days[wave] = days.get(wave, 0) + 1
    latent = pd.DataFrame(
        [
            {"wave": w, "beat": b, "group": "all", "n": np.nan, "trust": v}
            for w, total in sums.items()
            for b, v in enumerate(total / days[w])
        ]
    )
    surveyed = model.survey.table()
    out = {}
    for name in STATISTICS:
        out[f"surveyed_{name}"] = float(np.nanmean(per_wave(surveyed, name)))
        out[f"latent_{name}"] = float(np.nanmean(per_wave(latent, name)))
    return out


def areas_findings(runs: list[dict[str, float]], bands: dict[str, tuple[float, float]]) -> list[Finding]:
    """The surveyed statistics against the data's bands, and the latent ones reported."""
    src = "Chicago police sentiment scores 2017-2021 (data/chicago/)"
    city = f"{CITY.relative_to(SCENARIOS.parent)}, surveyed as the data were"
    lo_sd, hi_sd = bands["area_change_sd"]
    lo_r, hi_r = bands["area_trust_persistence"]

    def values(key: str) -> list[float]:
        return [r[key] for r in runs]

    return [
        Finding(
            "areas",
            "Surveyed areas' trust moves from one year to the next as much as Chicago's",
            src,
            f"SD {lo_sd:.2f}-{hi_sd:.2f} points",
            f"{city}: SD over areas of the change of surveyed area trust (0-100) between consecutive waves, "
            "mean over the pairs of waves",
            lo_sd,
            hi_sd,
            values("surveyed_area_change_sd"),
            fmt="{:.2f}",
        ),
        Finding(
            "areas",
            "... and areas keep their rank as much as Chicago's do",
            src,
            f"correlation {lo_r:.2f}-{hi_r:.2f}",
            f"{city}: correlation over areas of surveyed area trust in consecutive waves, mean over the pairs",
            lo_r,
            hi_r,
            values("surveyed_area_trust_persistence"),
            fmt="{:.2f}",
        ),
        *(
            report("areas", title, "issue 22 (the survey's own noise)", measure, values(f"latent_{name}"), "{:.2f}")
            for name, title, measure in (
                (
                    "area_change_sd",
                    "Latent areas' year-to-year change (no survey noise)",
                    "the same statistic of each area's expected trust score (every resident's expected answer, no "
                    "sampling), on the fieldwork days",
                ),
                (
                    "area_trust_persistence",
                    "Latent areas' year-to-year correlation (no survey noise)",
                    "as above, the correlation over areas between consecutive waves",
                ),
            )
        ),
    ]


def areas_study(cfg: PatternSettings, workers: int, scheduler: str | None = None) -> list[Finding]:
    """Area movement in the 77-area Chicago city, surveyed and latent, against the data (cfg.residents unused)."""
    seeds = replicate_seeds(1414, cfg.replicates)
    runs = run_parallel(areas_run, [(s,) for s in seeds], workers, scheduler)
    return areas_findings(runs, data_bands())

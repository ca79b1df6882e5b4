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
the latent ones are reported. Each movement is also split in two (:func:`movement_parts`): a
part that carries on from one year to the next and a part each area-year has on its own, gone
the next year. Every cause of attitudes in the model leaves something the next year, so the
surveyed carried part is held to the data's (its 90% interval over areas) and the latent
year-specific part is reported; the data's movement is nearly all year-specific
(docs/calibration.md, "Movement that stays and movement that does not").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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
    """Each statistic's lowest and highest value over the data's pairs of consecutive years.

    And ``carried_sd``: the 90% interval over areas of the data's carried part of area movement
    (:func:`movement_parts`), the movement that is still there a year on.
    """
    table = read_observed(path)
    bands = {name: (float(np.nanmin(v)), float(np.nanmax(v))) for name in STATISTICS for v in [per_wave(table, name)]}
    lo, hi = parts_interval([areas_wide(table)])
    bands["carried_sd"] = (lo.sds()[1], hi.sds()[1])
    return bands


def areas_wide(table: pd.DataFrame) -> pd.DataFrame:
    """A survey table's area trust (group "all") as areas by waves."""
    rows = table[(table["beat"] >= 0) & (table["group"] == "all")]
    return rows.pivot(index="beat", columns="wave", values="trust")


@dataclass(frozen=True)
class Parts:
    """Area movement in two parts (variances, points squared): what lasts a year and what carries on.

    Attributes:
        year_specific: Variance of each area-year's own departure, gone the next year (sampling,
            the publisher's error, and any shock that lasts about a year).
        carried: Variance added each year by movement that stays (drift: shocks that last years).
    """

    year_specific: float
    carried: float

    def sds(self) -> tuple[float, float]:
        """The two parts as SDs (points; 0 where an estimate came out negative)."""
        return math.sqrt(max(self.year_specific, 0.0)), math.sqrt(max(self.carried, 0.0))


def movement_parts(wides: list[pd.DataFrame] | list[np.ndarray]) -> Parts:
    """Split area movement into a year-specific part and a carried one, from how change grows with the lag.

    Each area's trust in year t is read as a stable level, plus a drift that carries on (a random
    walk: variance ``carried`` added each year), plus its own departure that year (variance
    ``year_specific``). The variance over areas of the change between years L apart is then
    ``2 year_specific + L carried``: least squares over every pair of years of every table gives
    both. Five yearly waves cannot tell a random walk from shocks that fade over several years;
    the carried part is the movement that is still there a year on.

    Args:
        wides: Area trust tables, rows areas, columns waves in order (a data set, or one per seed);
            NaN where an area has no figure that wave.

    Returns:
        The two parts.
    """
    lags, variances = [], []
    for wide in wides:
        values = np.asarray(wide, float)
        for lag in range(1, values.shape[1]):
            for a in range(values.shape[1] - lag):
                change = values[:, a + lag] - values[:, a]
                change = change[~np.isnan(change)]  # areas with a figure in both waves
                if change.size > 2:
                    lags.append(lag)
                    variances.append(float(change.var(ddof=1)))
    design = np.column_stack([np.full(len(lags), 2.0), np.asarray(lags, float)])
    (year_specific, carried), *_ = np.linalg.lstsq(design, np.asarray(variances), rcond=None)
    return Parts(float(year_specific), float(carried))


def parts_interval(wides: list[pd.DataFrame], draws: int = 1000, seed: int = 2026) -> tuple[Parts, Parts]:
    """A 90% interval of each part over the areas: every table's areas resampled with replacement.

    Covers which areas happen to be in the data (or the run), not the survey's sampling within
    an area, which is already part of each area's year-specific departure.
    """
    rng = np.random.default_rng(seed)
    tables = [np.asarray(w, float) for w in wides]  # arrays: a thousand resamples in pandas took seconds
    samples = []
    for _ in range(draws):
        part = movement_parts([t[rng.integers(0, len(t), len(t))] for t in tables])
        samples.append((part.year_specific, part.carried))
    lo, hi = np.quantile(np.array(samples), [0.05, 0.95], axis=0)
    return Parts(*map(float, lo)), Parts(*map(float, hi))


def expected_scores(model: CommunityModel, wave: int) -> np.ndarray:
    """Each area's mean expected trust score (0-100) now: no sampling, no answer noise drawn."""
    res, survey = model.residents, model.params.survey
    score = sum(expected_answer(res.legitimacy, item, survey, wave) for item in TRUST_ITEMS) * 5.0
    return np.bincount(res.beat, weights=score, minlength=model.n_beats) / np.maximum(model.beat_residents, 1)


def area_series(seed: int, overrides: dict | None = None, city: str | Path = CITY) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One Chicago run's area trust by wave: latent (areas by waves, 0-100) and the survey's table.

    Args:
        seed: Run seed.
        overrides: Scenario overrides (robustness, a smaller city in tests).
        city: The scenario file (default: the area-movement city; e.g. the calibrated Chicago).

    Returns:
        (latent, survey): each area's expected trust score averaged over each wave's fieldwork
        days (rows areas, columns waves), and the simulated survey's table (``Result.survey``'s).
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
    latent = pd.DataFrame({w: total / days[w] for w, total in sorted(sums.items())})
    return latent, model.survey.table()


def long_table(wide: pd.DataFrame) -> pd.DataFrame:
    """Areas by waves as a survey table's rows (group "all", n unknown), for the calibration's statistics."""
    rows = wide.stack().rename("trust").reset_index()
    rows.columns = ["beat", "wave", "trust"]
    return rows.assign(group="all", n=np.nan)[["wave", "beat", "group", "n", "trust"]]


def areas_run(seed: int, overrides: dict | None = None, city: str | Path = CITY) -> dict[str, float]:
    """One Chicago run: the surveyed and latent statistics, each averaged over its pairs of waves.

    Args:
        seed: Run seed.
        overrides: Scenario overrides (robustness, a smaller city in tests).
        city: The scenario file (default: the area-movement city; e.g. the calibrated Chicago).

    Returns:
        ``surveyed_<statistic>`` and ``latent_<statistic>`` for each of STATISTICS, and each kind's
        ``year_specific_sd`` and ``carried_sd`` (:func:`movement_parts`).
    """
    latent, surveyed = area_series(seed, overrides, city)
    out = {}
    for kind, wide in (("surveyed", areas_wide(surveyed)), ("latent", latent)):
        out[f"{kind}_year_specific_sd"], out[f"{kind}_carried_sd"] = movement_parts([wide]).sds()
    latent = long_table(latent)
    for name in STATISTICS:
        out[f"surveyed_{name}"] = float(np.nanmean(per_wave(surveyed, name)))
        out[f"latent_{name}"] = float(np.nanmean(per_wave(latent, name)))
    return out


def areas_findings(runs: list[dict[str, float]], bands: dict[str, tuple[float, float]]) -> list[Finding]:
    """The surveyed statistics against the data's bands, and the latent ones reported.

    The data's year-to-year movement is nearly all year-specific (gone the next year) and the
    part that carries on is small (docs/calibration.md, "Movement that stays"): the carried part
    is held to the data's interval over areas beside the two whole-movement figures.
    """
    src = "Chicago police sentiment scores 2017-2021 (data/chicago/)"
    city = f"{CITY.relative_to(SCENARIOS.parent)}, surveyed as the data were"
    lo_sd, hi_sd = bands["area_change_sd"]
    lo_r, hi_r = bands["area_trust_persistence"]
    lo_c, hi_c = bands["carried_sd"]

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
        Finding(
            "areas",
            "Areas' movement that carries on from one year to the next is as large as Chicago's",
            src + "; its 90% interval over areas",
            f"carried SD {lo_c:.2f}-{hi_c:.2f} points a year",
            f"{city}: the carried part of area movement (variance of area change over every pair of waves, "
            "2 x year-specific + lag x carried, least squares; cpsim.studies.area_movement.movement_parts)",
            lo_c,
            hi_c,
            values("surveyed_carried_sd"),
            fmt="{:.2f}",
        ),
        report(
            "areas",
            "Latent areas' year-specific movement (gone the next year)",
            "issue 22 (the survey's own noise)",
            "the year-specific part of each area's expected trust score's movement (no sampling)",
            values("latent_year_specific_sd"),
            "{:.2f}",
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

"""Robustness: each macro pattern's key figure with the parameters it rests on at x0.7 and x1.3, at two sizes.

A pattern that holds only at the tuned value of a parameter is not a finding (issue 22, item
7). For each pattern below, every parameter it rests on is set to 0.7 and 1.3 times its value
in the pattern's city (one at a time, the rest as calibrated), at two city sizes, over a few
replicates paired by seed; the pattern's key figure gets its verdict by the rule of its
validation finding, read as a quick run reads it (cpsim.studies.findings: with few replicates a
figure whose 95% CI straddles an edge of the range is inconclusive).

========== ================================================================= =================
pattern    key figure                                                        rule
========== ================================================================= =================
M1         baseline trust (city or a group, whichever departs most) / day   within +-2%
           1 - 1: its least-squares line's change over 10 years
gap        baseline group gap / day 1 - 1, the same trend                    within +-5% (what
                                                                             M1's +-2% on each
                                                                             group allows)
M4         package effect on city trust at 2 years, in SD of the baseline    0.1-0.3 SD
           residents' trust then
saturation package effect at 20 years / at 10 years                          < 1.5
dispersion baseline residents' trust SD (city or a group, whichever departs  within +-5%
           most) at 10 or 20 years / day 1 - 1
areas_*    Chicago's areas, surveyed: SD of the year-to-year change          the data's bands
           (areas_change); year-to-year correlation (areas_persistence);     (area_movement)
           the carried part of the movement, SD a year (areas_carried)
========== ================================================================= =================

The baseline city's sizes set ``population.residents``; Chicago's set it too with
``areas.scale`` 0 (areas keep their shares of the city).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from cpsim.model import CommunityModel
from cpsim.scenario import load_scenario
from cpsim.studies.adaptation import DISPERSION_BAND, SATURATION_RULES, spreads
from cpsim.studies.area_movement import CITY, areas_run, data_bands
from cpsim.studies.findings import Finding
from cpsim.studies.patterns import PACKAGE, YEAR, city, trend
from cpsim.studies.runner import replicate_seeds, run_parallel

FACTORS = (0.7, 1.3)
SIZES = (10_000, 30_000)
FLOWS = (
    "trust.diffuse_support",
    "trust.memory_half_life_days",
    "incidents.linked_fate",
    "incidents.national_per_year",
    "incidents.local_per_100k",
    "trust.social_weight",
)
ADAPTATION = (
    "trust.familiar_consolidation",
    "trust.attitude_half_life_days",
    "trust.reference_half_life_days",
    "neighbourhood.contacts_per_hour",
)
AREAS = ("incidents.local_per_100k", "incidents.local_exposures", "crime.wave_sd")
# How long what moves an area stays: what makes its movement carry on from one year to the next.
LASTING = ("trust.neighbourhood_memory_half_life_days", "trust.attitude_half_life_days")
PACKAGE_YEARS = (2, 10, 20)
M1_BAND, GAP_BAND = 0.02, 0.05


@dataclass(frozen=True)
class Pattern:
    """A pattern's key figure and rule.

    Attributes:
        title: The key figure in words.
        parameters: The parameters it rests on.
        chicago: Measured in Chicago's areas (else in the baseline city).
        years: Years the baseline city must run (0 for Chicago).
        package: Whether the package city runs beside the baseline.
        figure: The key figure's parts (a group, a horizon) in one replicate's run (city_run or areas_run's
            result); the part whose mean departs most is the figure.
        lo: Lower end of the rule's range.
        hi: Upper end.
        fmt: Format of the figure.
    """

    title: str
    parameters: tuple[str, ...]
    chicago: bool
    years: int
    package: bool
    figure: Callable[[dict], dict[str, float]]
    lo: float
    hi: float
    fmt: str


def _m1(run: dict) -> dict[str, float]:
    years = sorted(run["trust"])
    return {k: trend(np.array([run["trust"][y][k] for y in years]) / run["trust"][0][k] - 1.0) for k in run["trust"][0]}


def _gap(run: dict) -> dict[str, float]:
    years = sorted(run["gap"])
    return {"gap": trend(np.array([run["gap"][y] for y in years]) / run["gap"][0] - 1.0)}


def _m4(run: dict) -> dict[str, float]:
    return {"effect": run["effect"][2]}


def _saturation(run: dict) -> dict[str, float]:
    (late, early, _), *_ = SATURATION_RULES
    return {"ratio": run["effect"][late] / run["effect"][early]}


def _dispersion(run: dict) -> dict[str, float]:
    return {f"{k} at {y} years": run["sd"][y][k] / run["sd"][0][k] - 1.0 for y in (10, 20) for k in run["sd"][0]}


def _areas(statistic: str) -> Callable[[dict], dict[str, float]]:
    return lambda run: {statistic: run[f"surveyed_{statistic}"]}


def key_values(pattern: Pattern, runs: list[dict]) -> tuple[str, list[float]]:
    """The key figure in each replicate: of the figure's parts (a group, a horizon), the one whose mean departs most.

    Returns:
        The part's name ("" for a figure of one part) and its value in each replicate.
    """
    parts = [pattern.figure(r) for r in runs]
    means = {k: abs(float(np.mean([p[k] for p in parts]))) for k in parts[0]}
    worst = max(means, key=means.get)
    return (worst if len(means) > 1 else ""), [p[worst] for p in parts]


NAMES = ("M1", "gap", "M4", "saturation", "dispersion", "areas_change", "areas_persistence", "areas_carried")


def patterns() -> dict[str, Pattern]:
    """The patterns, by name (NAMES; the areas' ranges are the data's bands)."""
    bands = data_bands()
    limit = SATURATION_RULES[0][2]
    return {
        "M1": Pattern(
            "baseline trust / day 1 - 1, 10-year trend", FLOWS, False, 10, False, _m1, -M1_BAND, M1_BAND, "{:+.1%}"
        ),
        "gap": Pattern(
            "group gap / day 1 - 1, 10-year trend", FLOWS, False, 10, False, _gap, -GAP_BAND, GAP_BAND, "{:+.1%}"
        ),
        "M4": Pattern("package effect at 2 years, SD", ADAPTATION, False, 20, True, _m4, 0.1, 0.3, "{:+.3f}"),
        "saturation": Pattern(
            "package effect, 20 / 10 years", ADAPTATION, False, 20, True, _saturation, -math.inf, limit, "{:.2f}"
        ),
        "dispersion": Pattern(
            "trust SD at 10 or 20 years / day 1 - 1",
            ("trust.disposition_sd", "trust.attitude_half_life_days"),
            False,
            20,
            False,
            _dispersion,
            -DISPERSION_BAND,
            DISPERSION_BAND,
            "{:+.1%}",
        ),
        "areas_change": Pattern(
            "surveyed areas' year-to-year change SD",
            AREAS,
            True,
            0,
            False,
            _areas("area_change_sd"),
            *bands["area_change_sd"],
            "{:.2f}",
        ),
        "areas_persistence": Pattern(
            "surveyed areas' year-to-year correlation",
            AREAS,
            True,
            0,
            False,
            _areas("area_trust_persistence"),
            *bands["area_trust_persistence"],
            "{:.2f}",
        ),
        "areas_carried": Pattern(
            "surveyed areas' movement that carries on, SD a year",
            (*AREAS, *LASTING),
            True,
            0,
            False,
            _areas("carried_sd"),
            *bands["carried_sd"],
            "{:.2f}",
        ),
    }


def city_run(size: int, seed: int, overrides: dict, years: int, package: bool) -> dict:
    """The baseline city (and, with ``package``, the package city, same seed) for ``years``.

    Returns:
        ``trust``, ``sd``: by year (0: day 1; then year ends) the city's and each group's mean
        trust and SD; ``gap``: the first minus the last group's mean trust by year; ``effect``:
        the package's effect on city trust in SD of the baseline residents' trust, by year.
    """
    over = {**overrides, "population.residents": size}
    base = CommunityModel(city("baseline.toml", None, over), seed=seed)
    other = CommunityModel(city(PACKAGE, None, over), seed=seed) if package else None
    names = base.params.population.group_names
    out: dict = {"trust": {}, "sd": {}, "gap": {}, "effect": {}}

    def record(year: int) -> None:
        res = base.residents
        means = {"city": float(res.trust.mean())}
        means.update({n: float(res.trust[res.group == g].mean()) for g, n in enumerate(names)})
        out["trust"][year], out["sd"][year] = means, spreads(base)
        out["gap"][year] = means[names[0]] - means[names[-1]]
        if other is not None:
            out["effect"][year] = float(other.residents.trust.mean() - res.trust.mean()) / float(res.trust.std())

    for day in range(1, YEAR * years + 1):
        base.step()
        if other is not None:
            other.step()
        if day == 1 or day % YEAR == 0:
            record(0 if day == 1 else day // YEAR)
    return out


def chicago_run(size: int, seed: int, overrides: dict) -> dict[str, float]:
    """Chicago's areas at ``size`` residents (areas keep their shares): area_movement's statistics."""
    return areas_run(seed, {**overrides, "areas.scale": 0.0, "population.residents": size})


@cache
def base_value(parameter: str, chicago: bool) -> float:
    """A parameter's value in the pattern's city (the package scenario for the package's own keys)."""
    scenario = load_scenario(CITY) if chicago else city(PACKAGE, None)
    section, key = parameter.split(".")
    return float(getattr(getattr(scenario, section), key))


@dataclass(frozen=True)
class Setting:
    """One city setting: a parameter (None: as calibrated) at a factor, at a size."""

    parameter: str | None
    factor: float
    size: int
    chicago: bool

    def overrides(self) -> dict:
        """The scenario overrides of this setting."""
        if self.parameter is None:
            return {}
        return {self.parameter: base_value(self.parameter, self.chicago) * self.factor}


def settings(chosen: dict[str, Pattern], sizes: tuple[int, ...], factors: tuple[float, ...]) -> list[Setting]:
    """Every setting the chosen patterns need: as calibrated, and each parameter at each factor, at each size."""
    out: dict[Setting, None] = {}
    for p in chosen.values():
        for size in sizes:
            out[Setting(None, 1.0, size, p.chicago)] = None
            for parameter in p.parameters:
                for factor in factors:
                    out[Setting(parameter, factor, size, p.chicago)] = None
    return list(out)


def _job(setting: Setting, seed: int, years: int, package: bool) -> dict:
    if setting.chicago:
        return chicago_run(setting.size, seed, setting.overrides())
    return city_run(setting.size, seed, setting.overrides(), years, package)


def run_robustness(
    replicates: int = 3,
    sizes: tuple[int, ...] = SIZES,
    only: list[str] | None = None,
    workers: int = 2,
    scheduler: str | None = None,
    factors: tuple[float, ...] = FACTORS,
) -> pd.DataFrame:
    """Run the study.

    Args:
        replicates: Replicates per setting (paired by seed across settings).
        sizes: City sizes (residents).
        only: Patterns to run (default: all; names of ``patterns()``).
        workers: Worker processes.
        scheduler: Dask scheduler address.
        factors: Multipliers of each parameter.

    Returns:
        One row per pattern, parameter ("as calibrated" for none), factor and size: the figure's
        mean and 95% CI, its verdict, the rule's range and the replicates.
    """
    chosen = {k: v for k, v in patterns().items() if not only or k in only}
    todo = settings(chosen, sizes, factors)
    # One run per setting and seed serves every pattern that needs it: as long and with the package if any does.
    years = {s: max((p.years for p in chosen.values() if _uses(p, s)), default=0) for s in todo}
    package = {s: any(p.package for p in chosen.values() if _uses(p, s)) for s in todo}
    seeds = replicate_seeds(1515, replicates)
    jobs = [(s, seed, years[s], package[s]) for s in todo for seed in seeds]
    flat = run_parallel(_job, jobs, workers, scheduler)
    runs = {s: flat[i * replicates : (i + 1) * replicates] for i, s in enumerate(todo)}
    rows = []
    for name, p in chosen.items():
        for s in todo:
            if not _uses(p, s):
                continue
            part, values = key_values(p, runs[s])
            f = Finding(name, p.title, "", "", "", p.lo, p.hi, values, fmt=p.fmt, quick=True)
            lo, hi = f.ci
            rows.append(
                {
                    "pattern": name,
                    "figure": p.title,
                    "parameter": s.parameter or "as calibrated",
                    "factor": s.factor,
                    "size": s.size,
                    "part": part,
                    "mean": f.mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "verdict": f.verdict,
                    "range": f.band(),
                    "fmt": p.fmt,
                    "replicates": len(f.values),
                }
            )
    return pd.DataFrame(rows)


def _uses(p: Pattern, s: Setting) -> bool:
    return p.chicago == s.chicago and (s.parameter is None or s.parameter in p.parameters)


def markdown(table: pd.DataFrame, seconds: float | None = None) -> str:
    """The study as a table per pattern: parameter by size and factor (x1: as calibrated), figure and verdict."""
    replicates = int(table["replicates"].max()) if len(table) else 0
    lines = [
        "# Robustness of the macro patterns",
        "",
        "Generated by `cpsim robustness` (cpsim/studies/robustness.py; its docstring gives each key figure and "
        "rule); do not edit by hand. Each parameter at each factor of its calibrated value, the rest as "
        f"calibrated (x1); {replicates} replicates per cell paired by seed; a cell is the mean over replicates and "
        "its verdict (*inconclusive*: the 95% CI straddles an edge of the range).",
        "",
    ]
    for name, part in table.groupby("pattern", sort=False):
        sizes = sorted({int(s) for s in part["size"]})
        factors = sorted({float(f) for f in part["factor"]})
        fmt = part["fmt"].iloc[0]
        calibrated = part[part["parameter"] == "as calibrated"].set_index("size")
        lines += [
            f"## {name}: {part['figure'].iloc[0]} (range {part['range'].iloc[0]})",
            "",
            "| parameter | " + " | ".join(f"{size:,} x{factor:g}" for size in sizes for factor in factors) + " |",
            "|---|" + "---|" * (len(sizes) * len(factors)),
        ]
        for parameter, rows in part[part["parameter"] != "as calibrated"].groupby("parameter", sort=False):
            by = rows.set_index(["size", "factor"])
            cells = []
            for size in sizes:
                for factor in factors:
                    row = calibrated.loc[size] if factor == 1.0 else by.loc[(size, factor)]
                    cells.append(_cell(row, fmt))
            lines.append(f"| {parameter} | " + " | ".join(cells) + " |")
        lines.append("")
    if seconds is not None:
        lines += [f"Wall time: {seconds / 60:.1f} min ({replicates} replicates, 2 worker processes unless stated).", ""]
    return "\n".join(lines)


def _cell(row: pd.Series, fmt: str) -> str:
    verdict = {"PASS": "PASS", "FAIL": "**FAIL**", "INCONCLUSIVE": "*inconclusive*"}[row["verdict"]]
    part = f" ({row['part']})" if row["part"] else ""
    return f"{fmt.format(row['mean'])}{part} {verdict}"


def verdict_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many cells have each verdict."""
    return {str(k): int(v) for k, v in table["verdict"].value_counts().items()}

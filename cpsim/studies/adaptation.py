"""Adaptation over decades: program effects saturate, the spread of trust stays (issue 22, item 2).

Reference points adapt (what residents are used to, officers' usual audience, the expected
recorded crime) and residents' views are not pinned to where they started, so

- **saturation**: the neighbourhood-policing package's effect on city trust levels off rather
  than growing without limit: its effect at 1, 2, 5, 10 and 20 years (scenarios/
  neighbourhood_policing.toml vs the baseline, paired seeds), in SD of the baseline residents'
  trust at the same time, with the rule that the 20-year effect is less than 1.5 times the
  10-year one and the 10-year less than twice the 5-year one;
- **dispersion**: the baseline residents' trust SD, over the city and within each group, stays
  within 5% of day 1's at 10 and 20 years (an SD that shrinks overstates every effect in SD units).
"""

from __future__ import annotations

import math

import numpy as np

from cpsim.model import CommunityModel
from cpsim.studies.findings import Finding, report
from cpsim.studies.patterns import PACKAGE, YEAR, PatternSettings, city
from cpsim.studies.runner import replicate_seeds, run_parallel

SATURATION_YEARS = (1, 2, 5, 10, 20)
DISPERSION_YEARS = (10, 20)
# A saturating effect: 20 years give less than 1.5x the 10-year effect, 10 years less than 2x the 5-year one.
SATURATION_RULES = ((20, 10, 1.5), (10, 5, 2.0))
DISPERSION_BAND = 0.05


def spreads(model: CommunityModel) -> dict[str, float]:
    """Residents' trust SD now: over the city and within each group (by group name)."""
    res = model.residents
    out = {"city": float(res.trust.std())}
    for g, name in enumerate(model.params.population.group_names):
        out[name] = float(res.trust[res.group == g].std())
    return out


def saturation_run(residents: int | None, seed: int, overrides: dict | None = None) -> dict[str, list[float]]:
    """The package and the baseline city side by side (same seed) for 20 years.

    Args:
        residents: City size (None: the scenario's).
        seed: Run seed.
        overrides: Scenario overrides for both cities (robustness).

    Returns:
        At each of SATURATION_YEARS: the package's effect on city trust in SD of the baseline
        residents' trust at that time (``effect``), and the baseline's spreads (``sd``).
    """
    base = CommunityModel(city("baseline.toml", residents, overrides), seed=seed)
    package = CommunityModel(city(PACKAGE, residents, overrides), seed=seed)
    effect, sd = [], []
    for day in range(1, YEAR * max(SATURATION_YEARS) + 1):
        base.step()
        package.step()
        if day % YEAR == 0 and day // YEAR in SATURATION_YEARS:
            now = float(base.residents.trust.std())
            effect.append(float(package.residents.trust.mean() - base.residents.trust.mean()) / now)
            sd.append(now)
    return {"effect": effect, "sd": sd}


def saturation_findings(runs: list[dict[str, list[float]]]) -> list[Finding]:
    """The saturation rules and the effect at each horizon, from saturation_run's results."""
    effect = np.array([r["effect"] for r in runs])
    k = {y: i for i, y in enumerate(SATURATION_YEARS)}
    means = ", ".join(f"{y} {effect[:, k[y]].mean():+.3f}" for y in SATURATION_YEARS)
    how = (
        f"{PACKAGE} vs baseline, same seeds: city trust effect in SD of the baseline residents' trust at the same "
        f"time (years: {means})"
    )
    src = "issue 22 (adaptation: effects saturate); NRPP (Tuffin et al. 2006)"
    findings = [
        Finding(
            "saturation",
            f"The package's effect levels off: {late} years give less than {limit:g}x the {early}-year effect",
            src,
            f"< {limit:g}x",
            f"{how}; per replicate, effect at {late} years / effect at {early} years",
            -math.inf,
            limit,
            (effect[:, k[late]] / effect[:, k[early]]).tolist(),
            fmt="{:.2f}",
        )
        for late, early, limit in SATURATION_RULES
    ]
    findings += [
        report(
            "saturation",
            f"The package's effect on city trust at {y} year{'s' if y > 1 else ''}",
            src,
            f"{PACKAGE} vs baseline, same seeds: in SD of the baseline residents' trust at {y} years",
            effect[:, k[y]].tolist(),
            "{:+.3f}",
        )
        for y in SATURATION_YEARS
    ]
    return findings


def saturation_study(cfg: PatternSettings, workers: int, scheduler: str | None = None) -> list[Finding]:
    """Saturation: the package's effect at 1, 2, 5, 10 and 20 years, and whether it levels off."""
    seeds = replicate_seeds(1111, cfg.replicates)
    runs = run_parallel(saturation_run, [(cfg.residents, s) for s in seeds], workers, scheduler)
    return saturation_findings(runs)


def dispersion_run(residents: int | None, seed: int, overrides: dict | None = None) -> dict[str, list[float]]:
    """A baseline city's trust SD (city and each group) at day 1 and at DISPERSION_YEARS, relative to day 1.

    Returns:
        Per scope (``city`` and each group name): SD at each horizon / SD at day 1 - 1.
    """
    model = CommunityModel(city("baseline.toml", residents, overrides), seed=seed)
    model.step()
    first = spreads(model)
    out: dict[str, list[float]] = {scope: [] for scope in first}
    for day in range(2, YEAR * max(DISPERSION_YEARS) + 1):
        model.step()
        if day % YEAR == 0 and day // YEAR in DISPERSION_YEARS:
            for scope, sd in spreads(model).items():
                out[scope].append(sd / first[scope] - 1.0)
    return out


def dispersion_findings(runs: list[dict[str, list[float]]]) -> list[Finding]:
    """One finding per scope (city, each group): the horizon whose mean departs most from day 1."""
    findings = []
    for scope in runs[0]:
        rel = np.array([r[scope] for r in runs])
        worst = int(np.argmax(np.abs(rel.mean(axis=0))))
        both = ", ".join(f"{y} years {m:+.1%}" for y, m in zip(DISPERSION_YEARS, rel.mean(axis=0), strict=True))
        who = "residents' trust" if scope == "city" else f"trust within the {scope} group"
        findings.append(
            Finding(
                "dispersion",
                f"The baseline's spread of {who} stays within {DISPERSION_BAND:.0%} of day 1's",
                "issue 22 (adaptation: the dispersion of trust stays stationary)",
                f"within +-{DISPERSION_BAND:.0%}",
                f"baseline, SD of {who} / its SD on day 1 - 1, at the horizon departing most "
                f"(year {DISPERSION_YEARS[worst]}; means: {both})",
                -DISPERSION_BAND,
                DISPERSION_BAND,
                rel[:, worst].tolist(),
                fmt="{:+.1%}",
            )
        )
    return findings


def dispersion_study(cfg: PatternSettings, workers: int, scheduler: str | None = None) -> list[Finding]:
    """Dispersion: residents' trust SD over the city and within groups at 10 and 20 years vs day 1."""
    seeds = replicate_seeds(1212, cfg.replicates)
    return dispersion_findings(run_parallel(dispersion_run, [(cfg.residents, s) for s in seeds], workers, scheduler))

"""Macro patterns: what a city and its neighbourhoods do over years (DESIGN.md M1-M6).

Each published fact (cpsim.validation) is about one contact or one program. These studies
run whole cities for years, over replicates paired by seed (common random numbers), and
measure what a policy question turns on: whether the baseline is stationary, whether trust
returns toward its equilibrium, whether the loops can carry a neighbourhood into a vicious
circle and a program out of it, how large a fully delivered neighbourhood-policing package
is, and how it scales with dose and fidelity. Each figure is a ``Finding`` with a 95% CI
over replicates and a PASS/FAIL rule; ``cpsim validate`` writes them to docs/validation.md.

Trust effects are in SD units of residents' trust at the start of the baseline city.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cpsim.mechanisms import reporting as reporting_mech
from cpsim.model import CommunityModel
from cpsim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
PACKAGE = "neighbourhood_policing.toml"
PACKAGE_FIDELITY = ("neighbourhood.fidelity", "hotspots.fidelity", "beat_meetings.fidelity")
YEAR = 365


@dataclass(frozen=True)
class PatternSettings:
    """Size of the macro-pattern studies."""

    residents: int | None
    replicates: int
    stationary_years: int = 10


def city(name: str, residents: int | None, overrides: dict | None = None):
    """A scenario from scenarios/, with another population size and overrides."""
    over = dict(overrides or {})
    if residents is not None:
        over["population.residents"] = residents
    return load_scenario(SCENARIOS / name, over)


def expected_reporting(model: CommunityModel) -> float:
    """Share of today's expected victimisations that victims would report (no Poisson noise)."""
    res, rep = model.residents, model.params.reporting
    lam_v, lam_p = model.expected_victimizations()
    per_resident = model.places.residents[res.place]
    v = lam_v[res.place] / per_resident
    p = lam_p[res.place] / per_resident
    reported = v * reporting_mech.report_probability(res.legitimacy, rep.violent_share, rep) + p * (
        reporting_mech.report_probability(res.legitimacy, rep.property_share, rep)
    )
    return float(reported.sum() / max(v.sum() + p.sum(), 1e-12))


def snapshot(model: CommunityModel, beat: int | None = None) -> dict[str, float]:
    """City (and one beat's) figures now: trust by group, expected crime and reporting, safety, totals."""
    res = model.residents
    lam_v, lam_p = model.expected_victimizations()
    out = {
        "trust": float(res.trust.mean()),
        "safety": float(res.safety.mean()),
        "crime": float(lam_v.sum() + lam_p.sum()),
        "reporting": expected_reporting(model),
        "complaints": float(model.totals.get("complaints", 0)),
        "stops": float(model.totals.get("stops", 0)),
    }
    for g, name in enumerate(model.params.population.group_names):
        out[f"trust_{name}"] = float(res.trust[res.group == g].mean())
    if beat is not None:
        here = res.beat == beat
        on_beat = model.places.beat == beat
        out["beat_trust"] = float(res.trust[here].mean())
        out["beat_legitimacy"] = float(res.legitimacy[here].mean())
        out["beat_crime"] = float(lam_v[on_beat].sum() + lam_p[on_beat].sum())
    return out


def trajectory(scenario, seed: int, days: int, every: int, beat: int | None = None) -> list[dict[str, float]]:
    """Snapshots at day 0 and every ``every`` days of one run."""
    model = CommunityModel(scenario, seed=seed)
    path = [snapshot(model, beat)]
    for day in range(1, days + 1):
        model.step()
        if day % every == 0:
            path.append(snapshot(model, beat))
    return path


def trust_sd(residents: int | None) -> float:
    """SD of residents' trust at the start of the baseline city (the unit of effect sizes)."""
    return float(CommunityModel(city("baseline.toml", residents), seed=1).residents.trust.std())


def ci_half(values: list[float]) -> float:
    """Half-width of the 95% t-interval of the mean."""
    from scipy import stats

    v = np.asarray(values, float)
    if v.size < 2:
        return math.nan
    return float(stats.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))

"""Macro patterns: what a city and its neighbourhoods do over years (DESIGN.md M1-M6).

Each published fact (cpsim.studies.validation) is about one contact or one program. These studies
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

from cpsim.mechanisms import climate
from cpsim.mechanisms import reporting as reporting_mech
from cpsim.model import CommunityModel
from cpsim.scenario import load_scenario
from cpsim.simulate import simulate
from cpsim.studies.findings import Finding, report
from cpsim.studies.runner import replicate_seeds, run_parallel

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
PACKAGE = "neighbourhood_policing.toml"
PACKAGE_FIDELITY = ("neighbourhood.fidelity", "hotspots.fidelity", "beat_meetings.fidelity")
YEAR = 365


@dataclass(frozen=True)
class PatternSettings:
    """Size of the macro-pattern studies."""

    residents: int | None
    replicates: int
    stationary_years: int = 10
    quick: bool = False


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
    """City (and one beat's) figures now: trust by group and the gap, expected crime and reporting, safety, totals."""
    res = model.residents
    lam_v, lam_p = model.expected_victimizations()
    out = {
        "trust": float(res.trust.mean()),
        "safety": float(res.safety.mean()),
        "crime": float(lam_v.sum() + lam_p.sum()),
        "reporting": expected_reporting(model),
        "complaints": float(model.totals.get("complaints", 0)),
        "complaints_expected": float(model.totals.get("complaints_expected", 0.0)),
        "complaints_enforcement": float(model.totals.get("complaints_expected_enforcement", 0.0)),
        "stops": float(model.totals.get("stops", 0)),
    }
    for g, name in enumerate(model.params.population.group_names):
        out[f"trust_{name}"] = float(res.trust[res.group == g].mean())
    names = model.params.population.group_names
    out["gap"] = out[f"trust_{names[0]}"] - out[f"trust_{names[-1]}"]  # first minus last group (F7's order)
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
    from scipy import stats  # here: scipy.stats adds ~1 s to importing the studies

    v = np.asarray(values, float)
    if v.size < 2:
        return math.nan
    return float(stats.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))


def stationary_run(residents: int | None, seed: int, years: int) -> dict[str, list[float]]:
    """A baseline city for ``years``: day-1 figures, then each year's end (trust) or mean (crime, reporting).

    Expected crime moves with which heavy offenders are in custody; a year's mean of the daily
    expected figures shows drift rather than that churn.
    """
    model = CommunityModel(city("baseline.toml", residents), seed=seed)
    model.step()
    first = snapshot(model)
    path = {k: [v] for k, v in first.items()}
    flows = {"crime": [], "reporting": []}
    uncovered = covered_days = 0
    teams = model.officers_per_beat()
    coverable = teams * model.params.policing.duty_share >= 1.0
    for day in range(2, YEAR * years + 1):
        model.step()
        off = model.officers
        on = np.bincount(off.beat[off.on_duty & (off.beat >= 0)], minlength=model.n_beats)
        uncovered += int(((on == 0) & coverable).sum())
        covered_days += int(coverable.sum())
        if day % 7 == 0:  # weekly samples of the expected flows
            lam_v, lam_p = model.expected_victimizations()
            flows["crime"].append(float(lam_v.sum() + lam_p.sum()))
            flows["reporting"].append(expected_reporting(model))
        if day % YEAR == 0:
            now = snapshot(model)
            for k in path:
                path[k].append(float(np.mean(flows[k][-52:])) if k in flows else now[k])
    path["uncovered_share"] = [uncovered / max(covered_days, 1)]
    return path


def trend(path: np.ndarray) -> float:
    """The change over a yearly path (its first value at year 0) of its least-squares line."""
    years = np.arange(path.size, dtype=float)
    slope = np.polyfit(years, path, 1)[0] if path.size > 1 else 0.0
    return float(slope * (path.size - 1))


def stationarity_study(cfg: PatternSettings, workers: int, scheduler: str | None = None) -> list:
    """M1: with no program and no shock, the city keeps its day-1 figures for 10 years."""
    seeds = replicate_seeds(606, cfg.replicates)
    runs = run_parallel(stationary_run, [(cfg.residents, s, cfg.stationary_years) for s in seeds], workers, scheduler)
    groups = [k for k in runs[0] if k.startswith("trust_")]
    findings = []
    for key, label in (
        ("trust", "city trust"),
        *((g, g.replace("trust_", "trust of the ") + " group") for g in groups),
        ("crime", "expected true victimisations"),
        ("reporting", "expected reporting rate"),
    ):
        # Drift, not weather: each replicate's yearly path relative to its start, the least-squares line's
        # change over the years. A city's trust moves from year to year with its news (a national incident,
        # a violence wave) and its memories carry part of it for years; a single year's departure is that
        # weather, the trend is what the flows do. Trust starts from day 1. Crime and reporting are flows:
        # a day's expected crime swings by +-5% with which of a 10k city's ~12 offenders in custody are
        # heavy offenders, so each year's mean is held against the first year's mean.
        flow = key in ("crime", "reporting")
        ref = 1 if flow else 0
        drift = [trend(np.asarray(r[key][ref:]) / r[key][ref] - 1.0) for r in runs]
        start, figure = ("year 1's mean", "each year's mean") if flow else ("day 1", "each year's end")
        findings.append(
            Finding(
                "M1",
                f"Baseline {label} stays within 2% of {start} for {cfg.stationary_years} years",
                "DESIGN.md M1",
                "within +-2%",
                f"({key}, {figure} / {start} - 1): its least-squares line's change over the years, per replicate",
                -0.02,
                0.02,
                drift,
                fmt="{:+.2%}",
            )
        )
    findings.append(
        Finding(
            "M1",
            "No beat-day without an officer where the beat's team can cover it",
            "issue 9 (staffing artefact)",
            "none",
            "share of beat-days with no officer on duty among beats whose team x duty share >= 1",
            0.0,
            0.0,
            [r["uncovered_share"][0] for r in runs],
            fmt="{:.2%}",
        )
    )
    return findings


# ---------------------------------------------------------------------------- M2 equilibrium
DISPLACED = ("legitimacy", "effectiveness", "attitude_legitimacy", "attitude_effectiveness", "trust")
GAP_YEARS = (5, 10, 20)


def displace(model: CommunityModel, level: float) -> None:
    """Put every resident's trust, its components and their attitudes at ``level``; the memories keep history.

    The collective memories are slow by design (half-lives of years): a city "started far
    above or below" its equilibrium is one whose residents think differently today, not one
    with another past.
    """
    res = model.residents
    for name in DISPLACED:
        getattr(res, name)[:] = level


def recovery_run(residents: int | None, seed: int, level: float, years: int) -> float:
    """Share of the distance from the baseline path recovered after ``years`` when residents start at ``level``."""
    base = CommunityModel(city("baseline.toml", residents), seed=seed)
    shifted = CommunityModel(city("baseline.toml", residents), seed=seed)
    displace(shifted, level)
    gap0 = float(shifted.residents.trust.mean() - base.residents.trust.mean())
    for _ in range(YEAR * years):
        base.step()
        shifted.step()
    return 1.0 - float(shifted.residents.trust.mean() - base.residents.trust.mean()) / gap0


def half_time(years: np.ndarray, gap: np.ndarray, target: np.ndarray) -> float:
    """Years until ``gap`` first reaches half of ``target`` (linear between snapshots).

    Not reached within the horizon: extrapolated from the last snapshot as an exponential
    approach to the target, ``gap = target (1 - exp(-t / tau))``, half-time ``tau ln 2``;
    infinite when the gap has not opened at all.

    Args:
        years: Time of each snapshot, from 0.
        gap: The gap at each snapshot.
        target: The gap it tends to at each snapshot (the baseline city's).
    """
    share = np.asarray(gap, float) / np.asarray(target, float)
    above = np.flatnonzero(share >= 0.5)
    if above.size:
        k = int(above[0])
        if k == 0:
            return 0.0
        t0, t1, s0, s1 = years[k - 1], years[k], share[k - 1], share[k]
        return float(t0 + (0.5 - s0) / (s1 - s0) * (t1 - t0))
    if share[-1] <= 0:
        return math.inf
    return float(years[-1] * math.log(2) / -math.log(1.0 - share[-1]))


def equal_start_run(residents: int | None, seed: int, years: int) -> dict[str, list[float]]:
    """A city whose groups' memories all start at the first group's level, and the baseline (same seed).

    Returns:
        The group gap (first minus last group's mean trust) each year from day 0, in both cities.
    """
    base = city("baseline.toml", residents)
    level = base.trust.initial_by_group[0]
    equal = city("baseline.toml", residents, {"trust.initial_by_group": [level] * len(base.trust.initial_by_group)})
    return {
        label: [snap["gap"] for snap in trajectory(scenario, seed, YEAR * years, YEAR)]
        for label, scenario in (("equal", equal), ("baseline", base))
    }


def recovery_study(cfg: PatternSettings, workers: int, scheduler: str | None = None) -> list:
    """M2: residents displaced far below or above return at least half way in 5 years; a gap is recreated.

    Residents' attitudes and current trust are displaced at day 0 (``displace``), the
    collective memories keep what history left. A city whose memories start with no group
    gap shows whether today's flows of experience recreate it, how far and how fast.
    """
    seeds = replicate_seeds(707, cfg.replicates)
    findings = []
    for level, word in ((0.12, "below"), (0.9, "above")):
        values = run_parallel(recovery_run, [(cfg.residents, s, level, 5) for s in seeds], workers, scheduler)
        findings.append(
            Finding(
                "M2",
                f"Residents started far {word} their equilibrium (everyone's trust and attitudes at {level:g}) "
                "return at least half way in 5 years",
                "DESIGN.md M2",
                ">= 50% of the distance",
                "residents' trust, its components and attitudes set to the level on day 0, collective memories as "
                "history left them: 1 - (trust gap to the baseline city, same seed, at 5 years) / (gap at the start)",
                0.5,
                1.0,
                values,
                strict=True,
                fmt="{:.0%}",
            )
        )
    horizon = max(GAP_YEARS)
    runs = run_parallel(equal_start_run, [(cfg.residents, s, horizon) for s in seeds], workers, scheduler)
    equal = np.array([r["equal"] for r in runs])
    base = np.array([r["baseline"] for r in runs])
    years = np.arange(equal.shape[1], dtype=float)
    halves = [half_time(years, e, b) for e, b in zip(equal, base, strict=True)]
    level = city("baseline.toml", cfg.residents).trust.initial_by_group[0]
    at = ", ".join(f"{y} years {equal[:, y].mean():.3f}" for y in GAP_YEARS)
    start = f"trust.initial_by_group all {level:g} (no gap in the memories history left)"
    findings += [
        Finding(
            "M2",
            "A city whose collective memories start with no group gap recreates it from today's flows",
            "issue 22 (levels and gaps from flows of experience)",
            "a gap opens",
            f"{start}: gap (first minus last group's mean trust) at {horizon} years; at {at} "
            f"(the baseline city's gap at {horizon} years: {base[:, horizon].mean():.3f})",
            0.0,
            math.inf,
            equal[:, horizon].tolist(),
            strict=True,
            fmt="{:+.3f}",
        ),
        report(
            "M2",
            "... and the years it takes to recreate half the baseline's gap",
            "issue 22",
            f"{start}: first time its gap reaches half the baseline city's (same seed), linear between yearly "
            f"snapshots; past {horizon} years extrapolated as an exponential approach from year {horizon}",
            halves,
            "{:.1f}",
        ),
    ]
    return findings


# ---------------------------------------------------------------------------- M4, M5 programs at scale
def _ends(name: str, overrides: dict, residents: int | None, seed: int, days: int) -> dict[str, float]:
    return trajectory(city(name, residents, overrides), seed, days, days)[-1]


def package_run(residents: int | None, seed: int, days: int) -> dict[str, dict[str, float]]:
    """The baseline and the package variants of one city (same seed), at ``days``."""
    near_zero = {key: 0.01 for key in PACKAGE_FIDELITY}
    variants = {
        "baseline": ("baseline.toml", {}),
        "package": (PACKAGE, {}),
        "fidelity~0": (PACKAGE, near_zero),
        "fidelity 0.25": (PACKAGE, {key: 0.25 for key in PACKAGE_FIDELITY}),
        "fidelity 0.5": (PACKAGE, {key: 0.5 for key in PACKAGE_FIDELITY}),
        "dose 0.1": (PACKAGE, {"neighbourhood.community_share": 0.1}),
        "dose 0.2": (PACKAGE, {"neighbourhood.community_share": 0.2}),
        "liaison": ("liaison.toml", {}),
        "training": ("training.toml", {}),
    }
    return {label: _ends(name, over, residents, seed, days) for label, (name, over) in variants.items()}


def package_study(cfg: PatternSettings, workers: int, scheduler: str | None = None) -> list:
    """M4 and M5: the fully delivered package, its dose and fidelity, who gains, safety and complaints."""
    days = 2 * YEAR
    seeds = replicate_seeds(808, cfg.replicates)
    runs = run_parallel(package_run, [(cfg.residents, s, days) for s in seeds], workers, scheduler)
    sd = trust_sd(cfg.residents)

    def effect(label: str, key: str = "trust", scale: float = 1.0) -> list[float]:
        return [(r[label][key] - r["baseline"][key]) / scale for r in runs]

    def relative(label: str, key: str) -> list[float]:
        return [r[label][key] / max(r["baseline"][key], 1e-12) - 1.0 for r in runs]

    groups = [k for k in runs[0]["baseline"] if k.startswith("trust_")]
    low, high = sorted(groups, key=lambda g: runs[0]["baseline"][g])[:: len(groups) - 1]
    src = "NRPP (Tuffin, Morris & Poole 2006); Rix et al. 2009"
    doses = ("dose 0.1", "dose 0.2", "package")
    fidelities = ("fidelity 0.25", "fidelity 0.5", "package")

    def steps(labels: tuple[str, ...]) -> list[float]:
        # The smallest rise between successive levels, per replicate: > 0 when the effect grows all along.
        return [min(r[b]["trust"] - r[a]["trust"] for a, b in zip(labels, labels[1:], strict=False)) / sd for r in runs]

    return [
        Finding(
            "M4",
            "A fully delivered neighbourhood-policing package raises trust within 2 years",
            src,
            "0.1-0.3 SD",
            f"{PACKAGE} vs baseline, same seeds: city trust at 2 years, in SD of residents' trust at the start",
            0.1,
            0.3,
            effect("package", scale=sd),
            fmt="{:+.3f}",
        ),
        Finding(
            "M4",
            "... and residents feel safer",
            src,
            "safer",
            "perceived safety at 2 years, package minus baseline",
            0.0,
            math.inf,
            effect("package", "safety"),
            strict=True,
            fmt="{:+.4f}",
        ),
        Finding(
            "M4",
            "The same package delivered at fidelity ~0 changes trust by less than 0.01 SD",
            "Rix et al. 2009 (all parts must be delivered)",
            "|effect| < 0.01 SD",
            "every part's fidelity 0.01: city trust at 2 years vs baseline, in SD",
            -0.01,
            0.01,
            effect("fidelity~0", scale=sd),
            strict=True,
            fmt="{:+.4f}",
        ),
        Finding(
            "M4",
            "The effect grows with dose (off-radio share of the shift 0.1, 0.2, 0.33)",
            src,
            "monotone",
            "smallest rise of the trust effect between successive doses, in SD",
            0.0,
            math.inf,
            steps(doses),
            strict=True,
            fmt="{:+.4f}",
        ),
        Finding(
            "M4",
            "The effect grows with fidelity (0.25, 0.5, 1)",
            src,
            "monotone",
            "smallest rise of the trust effect between successive fidelities, in SD",
            0.0,
            math.inf,
            steps(fidelities),
            strict=True,
            fmt="{:+.4f}",
        ),
        Finding(
            "M4",
            "A program aimed at low-trust residents (liaison) narrows the trust gap between groups",
            "Peyton et al. 2019 (low-trust residents gain more)",
            "gap narrows",
            f"liaison vs baseline at 2 years: change of ({high} - {low}) trust",
            -math.inf,
            0.0,
            [(r["liaison"][high] - r["liaison"][low]) - (r["baseline"][high] - r["baseline"][low]) for r in runs],
            strict=True,
            fmt="{:+.4f}",
        ),
        Finding(
            "M5",
            "Complaints come mostly from enforcement contacts",
            "Terrill & Ingram 2016",
            "most",
            "baseline: share of expected complaints from stops, arrests, force and incidents",
            0.5,
            1.0,
            [r["baseline"]["complaints_enforcement"] / max(r["baseline"]["complaints_expected"], 1e-12) for r in runs],
            fmt="{:.0%}",
        ),
        Finding(
            "M5",
            "The neighbourhood-policing package does not multiply complaints",
            "seed articles",
            "at most a few percent more",
            "expected complaints over 2 years, package / baseline - 1",
            -math.inf,
            0.05,
            relative("package", "complaints_expected"),
            fmt="{:+.1%}",
        ),
        Finding(
            "M5",
            "Procedural-justice training lowers complaints",
            "seed articles: up to 30% fewer",
            "fewer",
            "expected complaints over 2 years, training / baseline - 1",
            -math.inf,
            0.0,
            relative("training", "complaints_expected"),
            strict=True,
            fmt="{:+.1%}",
        ),
    ]


# ---------------------------------------------------------------------------- M3 loops, shocks, recovery
LOOPS_OFF = {
    "policing.climate_quality": 0.0,
    "policing.withdrawal": 0.0,
    "policing.demeanor_quality": 0.0,
    "crime.compliance": 0.0,
    "enforcement.crime_response": 0.0,
    "trust.performance_weight": 0.0,
    "safety.effectiveness_weight": 0.0,
}
SHOCK_DAY = 60
SEVERE = {
    "incident.enabled": True,
    "incident.day": SHOCK_DAY,
    "incident.news_reach": 0.5,
    "incident.news_exposures": 15,
}
MILD = {"incident.enabled": True, "incident.day": SHOCK_DAY, "incident.strength": 0.5, "incident.news_exposures": 2}
RECOVERY_START = 240
PACKAGE_LATE = {
    "neighbourhood.enabled": True,
    "neighbourhood.fidelity": 1.0,
    "neighbourhood.start_day": RECOVERY_START,
    "hotspots.enabled": True,
    "hotspots.fidelity": 1.0,
    "hotspots.stops_per_hour": 0.0,
    "hotspots.start_day": RECOVERY_START,
    "beat_meetings.enabled": True,
    "beat_meetings.fidelity": 1.0,
    "beat_meetings.start_day": RECOVERY_START,
}


def shock_run(residents: int | None, overrides: dict, seed: int, days: int, beat: int) -> dict[str, float]:
    """One city after a shock: the beat's trust and crime, officers' routine share, city reporting."""
    model = CommunityModel(city("baseline.toml", residents, overrides), seed=seed)
    res, here = model.residents, None
    on_beat = model.places.beat == beat
    here = res.beat == beat
    out = {"routine_min": 1.0, "crime": 0.0}
    for day in range(1, days + 1):
        model.step()
        routine = climate.routine_share(model.hood.audience, model.hood.normal, model.params.policing)[beat]
        out["routine_min"] = min(out["routine_min"], float(routine))
        if SHOCK_DAY < day <= SHOCK_DAY + YEAR:
            lam_v, lam_p = model.expected_victimizations()
            out["crime"] += float(lam_v[on_beat].sum() + lam_p[on_beat].sum())
        if day == SHOCK_DAY + YEAR:
            out["reporting"] = expected_reporting(model)
    out["trust"] = float(res.trust[here].mean())
    return out


def lowest_trust_beat(residents: int | None, seed: int) -> int:
    """The beat with the lowest mean trust at the start (where the incident happens)."""
    model = CommunityModel(city("baseline.toml", residents), seed=seed)
    res = model.residents
    return int(np.argmin(np.bincount(res.beat, weights=res.trust) / model.beat_residents))


def shock_study(cfg: PatternSettings, workers: int, scheduler: str | None = None) -> list:
    """M3: a severe shock starts a vicious circle the loops deepen; a sustained program brings it back."""
    days = 3 * YEAR
    seeds = replicate_seeds(909, cfg.replicates)
    beats = run_parallel(lowest_trust_beat, [(cfg.residents, s) for s in seeds], workers, scheduler)
    variants = {
        "base": {},
        "mild": MILD,
        "severe": SEVERE,
        "base_off": LOOPS_OFF,
        "severe_off": {**SEVERE, **LOOPS_OFF},
        "severe+package": {**SEVERE, **PACKAGE_LATE},
    }
    jobs = [(cfg.residents, over, s, days, b) for s, b in zip(seeds, beats, strict=True) for over in variants.values()]
    flat = run_parallel(shock_run, jobs, workers, scheduler)
    runs = [dict(zip(variants, flat[i : i + len(variants)], strict=True)) for i in range(0, len(flat), len(variants))]

    def loss(r: dict, label: str, base: str = "base") -> float:
        return r[label]["trust"] - r[base]["trust"]

    src = "issue 9 / DESIGN.md M3; Desmond, Papachristos & Kirk 2016; Nix & Wolfe 2016"
    shock = (
        "a severe publicized incident in the lowest-trust beat (day 60: worst encounter, half the city and most "
        "of the beat see it 15 times in three weeks)"
    )
    return [
        Finding(
            "M3",
            "After a severe shock, crime in the neighbourhood rises (legitimacy -> compliance)",
            src,
            "rises",
            f"{shock}: the beat's expected victimisations over the year after, vs no shock",
            0.0,
            math.inf,
            [r["severe"]["crime"] / r["base"]["crime"] - 1 for r in runs],
            strict=True,
            fmt="{:+.1%}",
        ),
        Finding(
            "M3",
            "... fewer victims report (legitimacy -> reporting)",
            src,
            "falls",
            "city's expected reporting rate a year after, vs no shock",
            -math.inf,
            0.0,
            [r["severe"]["reporting"] - r["base"]["reporting"] for r in runs],
            strict=True,
            fmt="{:+.4f}",
        ),
        Finding(
            "M3",
            "... and past a threshold the beat's officers withdraw from routine foot patrol and stops",
            "Nix & Wolfe 2016",
            "withdraw",
            "lowest share of routine work the beat's officers keep, severe shock",
            0.0,
            0.8,
            [r["severe"]["routine_min"] for r in runs],
            fmt="{:.2f}",
        ),
        Finding(
            "M3",
            "A mild shock does not turn them (no more than day-to-day ups and downs do)",
            "Nix & Wolfe 2016",
            "no withdrawal",
            "lowest share of routine work kept, mild shock (half as bad, seen twice) minus no shock",
            -0.05,
            0.05,
            [r["mild"]["routine_min"] - r["base"]["routine_min"] for r in runs],
            fmt="{:+.2f}",
        ),
        Finding(
            "M3",
            "The loops make a severe shock's loss larger and longer",
            src,
            "deeper with loops",
            "beat trust loss at 3 years with the loops / with the new loops switched off",
            1.0,
            math.inf,
            [loss(r, "severe") / loss(r, "severe_off", "base_off") for r in runs],
            strict=True,
            fmt="{:.2f}",
        ),
        Finding(
            "M3",
            "A sustained, well-delivered program brings the neighbourhood back",
            "NRPP (Tuffin et al. 2006)",
            "recovers",
            f"the package from day {RECOVERY_START}: beat trust loss at 3 years with it / without it (0 = fully back)",
            -math.inf,
            0.5,
            [loss(r, "severe+package") / loss(r, "severe") for r in runs],
            fmt="{:.2f}",
        ),
    ]


def memory_run(residents: int | None, seed: int) -> float:
    """Share of a publicized incident's loss to its victims' group still there a year on (vs 30 days on)."""
    day = city("incident.toml", residents).incident.day
    runs = [
        simulate(city(name, residents), seed=seed, days=day + YEAR).by_group
        for name in ("incident.toml", "baseline.toml")
    ]
    trust = [r.pivot(index="day", columns="group", values="trust_mean") for r in runs]
    gap = trust[0] - trust[1]
    group = gap.loc[day + 30].idxmin()  # the group that lost most: the victim's
    return float(gap.loc[day + YEAR, group] / gap.loc[day + 30, group])


def memory_study(cfg: PatternSettings, workers: int, scheduler: str | None = None) -> list:
    """M3: a publicized incident is remembered for months, not weeks."""
    values = run_parallel(
        memory_run, [(cfg.residents, s) for s in replicate_seeds(1010, cfg.replicates)], workers, scheduler
    )
    return [
        Finding(
            "M3",
            "A publicized incident is remembered a year on",
            "Desmond, Papachristos & Kirk 2016: 911 calls fell for over a year",
            "lasting",
            "scenarios/incident.toml vs baseline: the most affected group's trust loss a year after the "
            "incident / 30 days after",
            0.25,
            1.0,
            values,
            fmt="{:.2f}",
        )
    ]

"""The equity study: what closes the trust gap between groups, how far and how fast (issue 22, item 6).

In the mixed baseline city each group's collective memory (cpsim.mechanisms.norms) starts where
history left it (F7) and is fed by what its members live in common, so a policy that changes
the differential flows of experience moves the gap only as fast as the memories take it in
and let it go. Over 20 years, paired by seed with the baseline, the study runs

- **policies**: equal stop rates (``enforcement.group_stop_ratio`` all 1), no proactive stops
  (``enforcement.proactive_hours`` 0), procedural-justice training (scenarios/training.toml),
  the neighbourhood-policing package in the low-trust beats, equal treatment
  (``policing.group_quality_shift`` all 0), and all of them together;
- **the decomposition**: the baseline with one differential flow switched off — the national
  news's differential reading (``incidents.linked_fate`` 0), local incidents
  (``incidents.local_per_100k`` 0), stops (group stop ratio 1), contact quality (quality
  shift 0), crime risk (``population.disadvantage`` 0) — and with all of them off,

and reports for each the gap (first minus last group's mean trust: majority minus minority in
the baseline) with its 95% CI at 5, 10 and 20 years, the share of the baseline's gap it closes
(paired), how each group moved (cpsim.studies.gaps.classify: levelling up or down), and the
gap in the groups' memories that the run's flows would sustain for ever: each week's shared
kept change K_g is read off the memories' own step (``M' = D + (M - D) f + K``), averaged over
the run, and ``(K_first - K_last) / (1 - f)`` is the memory gap they hold at equilibrium.

**Low-trust beats.** The package's programs are confined with their scenario key
``areas = { lowest_trust = N }`` (cpsim/scenario/program_areas.py), N the quarter of the
beats (``LOW_TRUST_SHARE``): the beats with the lowest mean trust at the start. There the
steady officers are named (the others rotate as usual, no community time), the hot spots are
the riskiest ``hotspots.spots_share`` of those beats' places, and beat meetings are called
and attended nowhere else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cpsim.headline import clear_sign
from cpsim.model import CommunityModel
from cpsim.studies.findings import Finding, report
from cpsim.studies.gaps import classify
from cpsim.studies.intervals import mean_ci
from cpsim.studies.patterns import PACKAGE, YEAR, PatternSettings, city
from cpsim.studies.runner import replicate_seeds, run_parallel

HORIZONS = (5, 10, 20)
LOW_TRUST_SHARE = 0.25  # of the beats, those with the lowest mean trust at the start
PACKAGE_PROGRAMS = ("neighbourhood", "hotspots", "beat_meetings")  # the package's parts that have areas
WEEK = 7


def flows(n_groups: int) -> dict[str, dict]:
    """The differential flows of experience, each as the overrides that switch it off."""
    return {
        "national news (linked fate)": {"incidents.linked_fate": 0.0},
        "local incidents": {"incidents.local_per_100k": 0.0},
        "stops (group stop ratio)": {"enforcement.group_stop_ratio": [1.0] * n_groups},
        "contact quality (group shift)": {"policing.group_quality_shift": [0.0] * n_groups},
        "crime risk (disadvantage)": {"population.disadvantage": 0.0},
    }


@dataclass(frozen=True)
class Variant:
    """A city of the study: a scenario file, overrides, and whether the package is confined to low-trust beats."""

    scenario: str
    overrides: dict = field(default_factory=dict)
    confined: bool = False

    @property
    def key(self) -> tuple:
        """What makes two variants the same city."""
        items = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in self.overrides.items()))
        return self.scenario, items, self.confined


def variants(n_groups: int) -> tuple[dict[str, Variant], dict[str, Variant]]:
    """The policies (baseline first) and the flows switched off, by label."""
    off = flows(n_groups)
    equal_stops = off["stops (group stop ratio)"]
    equal_treatment = off["contact quality (group shift)"]
    no_proactive = {"enforcement.proactive_hours": 0.0}
    policies = {
        "baseline": Variant("baseline.toml"),
        "equal stop rates": Variant("baseline.toml", equal_stops),
        "no proactive stops": Variant("baseline.toml", no_proactive),
        "procedural-justice training": Variant("training.toml"),
        "neighbourhood policing in low-trust beats": Variant(PACKAGE, confined=True),
        "equal treatment": Variant("baseline.toml", equal_treatment),
        "all of these": Variant(
            PACKAGE, {**equal_stops, **no_proactive, **equal_treatment, "training.enabled": True}, confined=True
        ),
    }
    all_off = {k: v for over in off.values() for k, v in over.items()}
    decomposition = {label: Variant("baseline.toml", over) for label, over in off.items()}
    decomposition["all differential flows"] = Variant("baseline.toml", all_off)
    return policies, decomposition


def in_low_trust_beats(beats: int, share: float = LOW_TRUST_SHARE) -> dict[str, dict[str, int]]:
    """Overrides confining the package's programs to the ``share`` of ``beats`` (at least one) with the lowest trust."""
    rule = {"lowest_trust": max(1, int(round(share * beats)))}
    return {f"{name}.areas": rule for name in PACKAGE_PROGRAMS}


def study_city(residents: int | None, variant: Variant):
    """The scenario of a variant, its package confined to the low-trust beats when it says so."""
    scenario = city(variant.scenario, residents, variant.overrides)
    if not variant.confined:
        return scenario
    return city(variant.scenario, residents, {**variant.overrides, **in_low_trust_beats(scenario.population.beats)})


def gap_run(residents: int | None, seed: int, variant: Variant, years: int) -> dict[str, list]:
    """One city of the study for ``years``.

    Returns:
        ``first``, ``last``: the first and last group's mean trust at day 0 and each year's end;
        ``K``: the mean weekly shared kept change per member, per group and component;
        ``memory0``: the groups' memories at the start, per group and component.
    """
    model = CommunityModel(study_city(residents, variant), seed=seed)
    res, t = model.residents, model.params.trust
    last_group = len(model.params.population.group_names) - 1

    def means() -> tuple[float, float]:
        return float(res.trust[res.group == 0].mean()), float(res.trust[res.group == last_group].mean())

    first, last = (list(x) for x in zip(means(), strict=True))
    keep_memory = 0.5 ** (WEEK / t.memory_half_life_days)
    before = model.memory.group.copy()
    memory0 = before.tolist()
    kept = np.zeros_like(before)
    for day in range(1, YEAR * years + 1):
        model.step()
        if day % WEEK == 0:  # the memories took in the week's shared experience (norms.settle)
            now = model.memory.group
            kept += now - t.diffuse_support - (before - t.diffuse_support) * keep_memory
            before = now.copy()
        if day % YEAR == 0:
            a, b = means()
            first.append(a)
            last.append(b)
    return {"first": first, "last": last, "K": (kept / (YEAR * years // WEEK)).tolist(), "memory0": memory0}


def memory_gap(memory: np.ndarray, t) -> float:
    """The first minus the last group's value of a per-group, per-component array, on the trust index's weights."""
    w = np.array([t.legitimacy_weight, 1.0 - t.legitimacy_weight])
    return float((np.asarray(memory)[0] - np.asarray(memory)[-1]) @ w)


def sustained_gap(k: np.ndarray, t) -> float:
    """The gap between the first and last group's memories that weekly shared changes ``k`` hold at equilibrium."""
    return memory_gap(k, t) / (1.0 - 0.5 ** (WEEK / t.memory_half_life_days))


def _cell(mean: float, lo: float, hi: float, fmt: str) -> str:
    return f"{fmt.format(mean)} [{fmt.format(lo)}, {fmt.format(hi)}]"


@dataclass
class GapsShown:
    """The equity study: findings, the tables behind its section, and the yearly paths for its figure."""

    findings: list[Finding]
    table: pd.DataFrame
    paths: pd.DataFrame
    baseline: dict[str, float]

    def figure_data(self) -> pd.DataFrame:
        """Yearly gap per city with its CI (cpsim.reports.validation_figures.gap_figure)."""
        return self.paths

    def markdown(self, figure: str | None) -> str:
        """The study's section: the policies' table, the decomposition, and the figure."""
        b = self.baseline
        lines = [
            "## The equity study: what closes the group gap",
            "",
            "Generated by cpsim/studies/gaps_study.py (its docstring says how). Gap: the first minus the last "
            "group's mean trust (majority minus minority); share closed: 1 - gap / the baseline's gap at the same "
            "time, same seed; reading at 20 years: how the two groups moved (levelling up: the worse-off group "
            "gains, the better-off does not lose). Long run: the gap in the groups' collective memories that "
            "the run's mean flows of shared experience would hold for ever, and the share of the baseline's it "
            "removes.",
            "",
            f"Baseline: gap {b['gap0']:.3f} on day 0; today's flows sustain {b['sustained']:.3f} in the memories "
            f"at equilibrium ({b['sustained_share']:.0%} of the start's memory gap {b['memory_gap0']:.3f}; the "
            f"rest, {1 - b['sustained_share']:.0%}, is history fading).",
            "",
        ]
        if figure:
            lines += [f"![The group gap over 20 years, by policy and with each flow switched off]({figure})", ""]
        for kind, title in (("policy", "Policies"), ("flow", "Each differential flow switched off (decomposition)")):
            part = self.table[self.table["kind"] == kind]
            lines += [
                f"### {title}",
                "",
                "| city | "
                + " | ".join(f"gap at {h} years | closed at {h} years" for h in HORIZONS)
                + " | reading at 20 years | long-run memory gap | long run closed |",
                "|---|" + "---|" * (2 * len(HORIZONS) + 3),
            ]
            for label, rows in part.groupby("label", sort=False):
                cells = [label]
                for h in HORIZONS:
                    r = rows[rows["years"] == h].iloc[0]
                    cells.append(_cell(r["gap"], r["gap_lo"], r["gap_hi"], "{:.3f}"))
                    cells.append(_cell(r["closed"], r["closed_lo"], r["closed_hi"], "{:+.0%}"))
                r = rows.iloc[-1]
                cells += [r["reading"], f"{r['sustained']:.3f}", f"{r['sustained_closed']:+.0%}"]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        return "\n".join(lines)


def summarise(labels: dict[str, str], runs: dict[str, list[dict]], t) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The study's table and yearly paths from the runs of every city (baseline included).

    Args:
        labels: Each city's kind ("policy" or "flow"), by label; "baseline" is a policy.
        runs: Each city's gap_run results, replicate k paired with the baseline's replicate k.
        t: The trust section (the memories' half-life and the trust index's weights).

    Returns:
        The table (one row per city and horizon), the paths (one row per city and year) and
        the baseline's figures (``gap0``, ``memory_gap0``, ``sustained``, ``sustained_share``).
    """
    gap = {label: np.array([r["first"] for r in rs]) - np.array([r["last"] for r in rs]) for label, rs in runs.items()}
    first = {label: np.array([r["first"] for r in rs]) for label, rs in runs.items()}
    last = {label: np.array([r["last"] for r in rs]) for label, rs in runs.items()}
    sustained = {label: np.mean([sustained_gap(np.array(r["K"]), t) for r in rs]) for label, rs in runs.items()}
    base = gap["baseline"]
    rows, paths = [], []
    for label, kind in labels.items():
        g = gap[label]
        for year in range(g.shape[1]):
            m, lo, hi, _, _ = mean_ci(g[:, year])
            paths.append({"label": label, "kind": kind, "year": year, "gap": m, "gap_lo": lo, "gap_hi": hi})
        for h in HORIZONS:
            m, lo, hi, _, _ = mean_ci(g[:, h])
            c, c_lo, c_hi, _, _ = mean_ci(1.0 - g[:, h] / base[:, h])
            d = [mean_ci(x[label][:, h] - x["baseline"][:, h]) for x in (gap, first, last)]
            signs = [clear_sign(v[1], v[2]) for v in d]
            rows.append(
                {
                    "label": label,
                    "kind": kind,
                    "years": h,
                    "gap": m,
                    "gap_lo": lo,
                    "gap_hi": hi,
                    "closed": c,
                    "closed_lo": c_lo,
                    "closed_hi": c_hi,
                    "reading": "-" if label == "baseline" else classify(*signs),
                    "sustained": sustained[label],
                    "sustained_closed": 1.0 - sustained[label] / sustained["baseline"],
                }
            )
    memory_gap0 = float(np.mean([memory_gap(r["memory0"], t) for r in runs["baseline"]]))
    baseline = {
        "gap0": float(base[:, 0].mean()),
        "memory_gap0": memory_gap0,
        "sustained": sustained["baseline"],
        "sustained_share": sustained["baseline"] / memory_gap0,
    }
    return pd.DataFrame(rows), pd.DataFrame(paths), baseline


def gap_findings(table: pd.DataFrame, closed: dict[str, list[float]]) -> list[Finding]:
    """Reported findings (each city's share of the gap closed at 20 years) and one rule: flows sustain the gap.

    Args:
        table: summarise's table.
        closed: Per city, the share of the baseline's gap closed at 20 years in each replicate.
    """
    horizon = max(HORIZONS)
    findings = []
    for label, values in closed.items():
        rows = table[table["label"] == label].set_index("years")
        kind = rows["kind"].iloc[0]
        earlier = ", ".join(f"{h} years {rows.loc[h, 'closed']:+.0%}" for h in HORIZONS if h != horizon)
        what = label if kind == "policy" else f"the baseline with {label} switched off"
        findings.append(
            report(
                "gaps",
                f"Share of the group gap closed in {horizon} years: {what}",
                "issue 22 (the equity question)",
                f"paired with the baseline: 1 - gap / baseline gap at {horizon} years (at {earlier}; gap at "
                f"{horizon} years {rows.loc[horizon, 'gap']:.3f}; reading: {rows.loc[horizon, 'reading']})",
                values,
                "{:+.0%}",
            )
        )
    findings.append(
        Finding(
            "gaps",
            "Today's differential flows sustain the gap: switched off, it narrows within 20 years",
            "issue 22 (a gap that today's experience does not sustain closes at a rate the model states)",
            "narrows",
            f"the baseline with every differential flow switched off: share of the baseline's gap closed at "
            f"{horizon} years",
            0.0,
            math.inf,
            closed["all differential flows"],
            strict=True,
            fmt="{:+.0%}",
        )
    )
    return findings


def gaps_study(cfg: PatternSettings, workers: int, scheduler: str | None = None) -> GapsShown:
    """The equity study: policies and the decomposition over 20 years, paired with the baseline."""
    scenario = city("baseline.toml", cfg.residents)
    policies, decomposition = variants(len(scenario.population.group_names))
    labels = {**dict.fromkeys(policies, "policy"), **dict.fromkeys(decomposition, "flow")}
    cities = {**policies, **decomposition}
    unique = list({v.key: v for v in cities.values()}.values())  # a flow switched off may be a policy: run it once
    seeds = replicate_seeds(1313, cfg.replicates)
    horizon = max(HORIZONS)
    flat = run_parallel(gap_run, [(cfg.residents, s, v, horizon) for s in seeds for v in unique], workers, scheduler)
    by_variant = {v.key: flat[i :: len(unique)] for i, v in enumerate(unique)}
    runs = {label: by_variant[v.key] for label, v in cities.items()}
    table, paths, baseline = summarise(labels, runs, scenario.trust)
    base = np.array([r["first"][horizon] - r["last"][horizon] for r in runs["baseline"]])
    closed = {
        label: (1.0 - np.array([r["first"][horizon] - r["last"][horizon] for r in rs]) / base).tolist()
        for label, rs in runs.items()
        if label != "baseline"
    }
    return GapsShown(gap_findings(table, closed), table, paths, baseline)

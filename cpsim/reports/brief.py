"""The answers a policy brief is written around, computed once from a study.

:class:`Brief` holds every table a comparison reports — the headline table, effect sizes,
who benefits (by group and by beat, with the fair reading of the gap), how fast (bands
over time and derived timings), what it costs — and the provenance of the numbers. The
CLI (cpsim/cli/render.py), the HTML report (cpsim/reports/html_report.py) and the generated docs
(cpsim/reports/docs_figures.py) render the same Brief, so they cannot disagree.

A Brief can be rebuilt from the files ``cpsim compare`` writes (:meth:`Brief.read`).
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from cpsim.headline import HEADLINE, METRICS, SURVEYED_OF
from cpsim.studies.breakdowns import summarize_breakdown
from cpsim.studies.compare import summarize
from cpsim.studies.costs import cost_lines
from cpsim.studies.gaps import read_gaps
from cpsim.studies.runner import Study
from cpsim.studies.trajectories import bands, timings

# Files written by Brief.write (and read back by Brief.read).
FILES = {
    "comparison": "comparison.csv",
    "runs": "runs.csv",
    "groups_runs": "breakdown_runs.csv",
    "breakdown": "breakdown.csv",
    "gaps": "gaps.csv",
    "effects": "effects.csv",
    "costs": "costs.csv",
    "bands": "trajectories.csv",
    "timings": "timings.csv",
    "trajectories": "trajectories_runs.csv",
}
EFFECT_COLUMNS = [
    "scenario",
    "figure",
    "diff",
    "diff_ci_low",
    "diff_ci_high",
    "effect_sd",
    "effect_sd_ci_low",
    "effect_sd_ci_high",
    "confident_diff",
    "confident_ci_low",
    "confident_ci_high",
    "confident_residents",
    "surveyed_diff",
    "surveyed_ci_low",
    "surveyed_ci_high",
]


class Brief:
    """Every table of a comparison (see the module docstring), each computed when first asked for.

    Attributes:
        runs: The runs table (``attrs``: baseline, replicates, days, seed, overrides, files).
        groups: The per-run breakdown by group and beat (Study.groups).
        trajectories: The per-run daily trajectories (Study.trajectories).
        provenance: The provenance record.
        comparison: Headline table (cpsim.studies.compare.summarize).
        breakdown: By group and by beat (cpsim.studies.breakdowns.summarize_breakdown).
        gaps: The fair reading of the trust gap (cpsim.studies.gaps.read_gaps).
        effects: Effect sizes: raw, in SD units, change in the share confident, as surveyed.
        costs: Where each scenario's hours and money go (cpsim.studies.costs.cost_lines).
        bands: Daily bands of the headline figures and their paired differences.
        timings: Derived timings (cpsim.studies.trajectories.timings).

    """

    def __init__(
        self,
        runs: pd.DataFrame,
        groups: pd.DataFrame | None = None,
        trajectories: pd.DataFrame | None = None,
        provenance: dict[str, Any] | None = None,
    ) -> None:
        """Keep the per-run tables; the summaries are computed on first use."""
        self.runs = runs
        self.groups = groups if groups is not None else pd.DataFrame()
        self.trajectories = trajectories if trajectories is not None else pd.DataFrame()
        self.provenance = provenance or {}

    @functools.cached_property
    def comparison(self) -> pd.DataFrame:
        """The headline table."""
        table = summarize(self.runs, groups=self.groups, gaps=self.gaps)
        if "residents" in self.runs:
            base = self.runs["scenario"] == table.attrs["baseline"]
            table.attrs["residents"] = float(self.runs.loc[base, "residents"].mean())
        return table

    @property
    def baseline(self) -> str:
        """The baseline scenario."""
        return self.runs.attrs.get("baseline") or str(self.runs["scenario"].iloc[0])

    @property
    def scenarios(self) -> list[str]:
        """Scenario names, baseline first."""
        return list(dict.fromkeys(self.runs["scenario"]))

    @functools.cached_property
    def errors(self) -> dict[str, str]:
        """Scenario -> why it failed, for scenarios with failed runs."""
        err = self.runs.assign(error=[e if isinstance(e, str) else "" for e in self.runs["error"]])
        return {n: p["error"].iloc[0] for n, p in err[err["error"] != ""].groupby("scenario", sort=False)}

    @functools.cached_property
    def breakdown(self) -> pd.DataFrame:
        """By group and by beat."""
        return summarize_breakdown(self.groups, self.runs, self.baseline) if len(self.groups) else pd.DataFrame()

    @functools.cached_property
    def gaps(self) -> pd.DataFrame:
        """The trust gap read fairly."""
        if not len(self.groups):
            return pd.DataFrame()
        return read_gaps(self.groups[~self.groups["scenario"].isin(self.errors)], self.baseline)

    @functools.cached_property
    def effects(self) -> pd.DataFrame:
        """Effect sizes."""
        return effect_sizes(self.comparison)

    @functools.cached_property
    def costs(self) -> pd.DataFrame:
        """Where the hours and money go."""
        return cost_lines(self.runs, self.baseline)

    @functools.cached_property
    def bands(self) -> pd.DataFrame:
        """Daily bands."""
        return bands(self.trajectories, self.baseline, self.errors)

    @functools.cached_property
    def timings(self) -> pd.DataFrame:
        """Derived timings."""
        return timings(self.bands)

    @classmethod
    def from_study(cls, study: Study) -> Brief:
        """The Brief of a study."""
        return cls(study.runs, study.groups, study.trajectories, study.provenance)

    @classmethod
    def from_tables(
        cls, runs: pd.DataFrame, groups: pd.DataFrame, trajectories: pd.DataFrame, provenance: dict[str, Any]
    ) -> Brief:
        """The Brief of per-run tables (a study, or files read back)."""
        return cls(runs, groups, trajectories, provenance)

    def write(self, out: str | Path) -> list[Path]:
        """Write every table as CSV and the provenance as ``provenance.json`` (the CSVs' sidecar)."""
        from cpsim.studies.provenance import write_sidecar

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for attr, name in FILES.items():
            table = getattr(self, "groups" if attr == "groups_runs" else attr)
            if table is None or (table.empty and attr in ("trajectories", "groups_runs")):
                continue
            table.to_csv(out / name, index=False)
            written.append(out / name)
        written.append(write_sidecar(self.provenance, out / "provenance.json"))
        return written

    @classmethod
    def read(cls, folder: str | Path) -> Brief:
        """Rebuild a Brief from the per-run files and provenance.json that :meth:`write` wrote."""
        folder = Path(folder)
        prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
        runs = pd.read_csv(folder / FILES["runs"])
        runs.attrs.update(
            baseline=next(iter(prov["scenarios"])),
            replicates=prov.get("replicates"),
            days=prov.get("days"),
            seed=(prov.get("seeds") or {}).get("base"),
            overrides=prov.get("overrides", []),
            files={k: v.get("file", "") for k, v in prov["scenarios"].items()},
        )

        def optional(key: str) -> pd.DataFrame:
            path = folder / FILES[key]
            return pd.read_csv(path, dtype={"key": str}) if path.exists() else pd.DataFrame()

        return cls.from_tables(runs, optional("groups_runs"), optional("trajectories"), prov)


def effect_sizes(comparison: pd.DataFrame) -> pd.DataFrame:
    """How big: raw difference, SD units, change in the share confident and, when surveyed, as surveyed.

    One row per non-baseline scenario and figure with a resident distribution (trust,
    safety). ``confident_*`` is the change in the share of residents with trust above the
    threshold (cpsim.metrics.CONFIDENT_TRUST) and ``confident_residents`` that change in
    residents; ``surveyed_*`` the change in the figure's surveyed counterpart
    (cpsim.headline.SURVEYED_OF: trust and safety as surveyed, 0-100), NaN when the
    scenarios have no [survey].
    """
    t = comparison.set_index(["scenario", "metric"])
    rows = []
    for name in dict.fromkeys(comparison["scenario"]):
        if t.loc[(name, HEADLINE[0].name), "baseline"]:
            continue
        conf = t.loc[(name, "confident_share_end")]
        residents = math.nan
        attrs_res = comparison.attrs.get("residents")
        if attrs_res:
            residents = float(attrs_res)
        for m in (m for m in HEADLINE if m.sd):
            r = t.loc[(name, m.name)]
            key = (name, SURVEYED_OF.get(m.name, ""))
            surveyed = t.loc[key] if key in t.index else None
            rows.append(
                {
                    "scenario": name,
                    "figure": m.name,
                    "diff": r["diff"],
                    "diff_ci_low": r["diff_ci_low"],
                    "diff_ci_high": r["diff_ci_high"],
                    "effect_sd": r["effect_sd"],
                    "effect_sd_ci_low": r["effect_sd_ci_low"],
                    "effect_sd_ci_high": r["effect_sd_ci_high"],
                    "confident_diff": conf["diff"] if m.name == "trust_end" else math.nan,
                    "confident_ci_low": conf["diff_ci_low"] if m.name == "trust_end" else math.nan,
                    "confident_ci_high": conf["diff_ci_high"] if m.name == "trust_end" else math.nan,
                    "confident_residents": conf["diff"] * residents if m.name == "trust_end" else math.nan,
                    "surveyed_diff": surveyed["diff"] if surveyed is not None else math.nan,
                    "surveyed_ci_low": surveyed["diff_ci_low"] if surveyed is not None else math.nan,
                    "surveyed_ci_high": surveyed["diff_ci_high"] if surveyed is not None else math.nan,
                }
            )
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def label(metric: str) -> str:
    """A figure's label (its name when unknown)."""
    m = METRICS.get(metric)
    return m.label if m else metric

"""Comparing scenarios: confidence intervals, paired differences, effect sizes, cost-effectiveness.

Every scenario runs R times (cpsim/studies/runner.py); the figures are compared as means with 95%
confidence intervals, as paired differences from a baseline (replicate k minus baseline
replicate k: common random numbers make them far more precise than the means), in SD
units of the baseline's residents, and per officer hour and per unit of currency.

Replicate k of every scenario runs with the same seed (child k of
``numpy.random.SeedSequence(base_seed).spawn(R)``). The model derives one stream per
mechanism from the run seed, keyed by name, so replicate k of two scenarios starts from
the same city (residents, places, social graph) and draws the same crimes, calls and
contacts wherever the scenarios do not differ. The difference between them within a
replicate is then mostly the effect of the strategy, not chance: that is why paired
differences have much narrower confidence intervals than the scenarios' own means.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Unpack

import pandas as pd

from cpsim.headline import CHANGES, COST, HEADLINE, LEVEL, METRICS, SURVEYED, Metric
from cpsim.scenario import Scenario
from cpsim.studies.costs import paired
from cpsim.studies.gaps import read_gaps
from cpsim.studies.intervals import mean_ci, ratio_ci, t_quantile
from cpsim.studies.runner import (
    ID_COLUMNS,
    StudyOptions,
    load_all,
    normalize_overrides,
    one_line,
    replicate_seeds,
    report_failures,
    run_replicate,
    run_replicates,
    run_study,
    run_values,
)

COLUMNS = [
    "scenario",
    "file",
    "baseline",
    "metric",
    "label",
    "unit",
    "better",
    "replicates",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "diff",
    "diff_sd",
    "diff_ci_low",
    "diff_ci_high",
    "effect_sd",
    "effect_sd_ci_low",
    "effect_sd_ci_high",
    "reading",
    "error",
]

__all__ = [
    "COLUMNS",
    "COST",
    "HEADLINE",
    "ID_COLUMNS",
    "LEVEL",
    "METRICS",
    "SURVEYED",
    "Metric",
    "compare",
    "load_all",
    "mean_ci",
    "normalize_overrides",
    "one_line",
    "ratio_ci",
    "replicate_seeds",
    "report_failures",
    "run_replicate",
    "run_replicates",
    "run_values",
    "summarize",
    "t_quantile",
]


def headline_metrics(runs: pd.DataFrame) -> tuple[Metric, ...]:
    """The headline figures of a runs table: HEADLINE, then the "as surveyed" ones when the runs carry them."""
    return (*HEADLINE, *(m for m in SURVEYED if m.name in runs and runs[m.name].notna().any()))


def paired_columns(part: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """Per replicate: the paired changes the cost-effectiveness ratios use (cpsim.headline.COST).

    ``d.<figure>`` for the headline figures, ``d.trust_sd_units`` (change in trust over the
    baseline replicate's SD of trust between residents), ``d.confident_residents`` (change
    in the number of confident residents) and the paired cost figures of cpsim.studies.costs.paired.
    """
    idx = part.index.intersection(base.index)
    out = pd.DataFrame(index=idx)
    for m in HEADLINE:
        if m.name in part and m.name in base:
            out[f"d.{m.name}"] = part.loc[idx, m.name] - base.loc[idx, m.name]
    if "trust_sd_end" in base and "d.trust_end" in out:
        out["d.trust_sd_units"] = out["d.trust_end"] / base.loc[idx, "trust_sd_end"]
    if "residents" in part and "d.confident_share_end" in out:
        out["d.confident_residents"] = out["d.confident_share_end"] * part.loc[idx, "residents"]
    if "cost_total" in part and "cost_total" in base and "hours_response" in part:
        more = paired(part.loc[idx], base.loc[idx])
        out = out.join(more[[c for c in more.columns if c not in out]])
    return out


def summarize(
    runs: pd.DataFrame,
    baseline: str | None = None,
    level: float = LEVEL,
    groups: pd.DataFrame | None = None,
    gaps: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Build the comparison table from a runs table.

    One row per scenario and metric: the mean over replicates with its t-based CI, the
    paired difference from the baseline (replicate k minus baseline replicate k) with its
    CI and, for means of residents' scores (trust, safety), the difference in SD units of
    the baseline's residents (``effect_sd``: per replicate, the difference over the
    baseline replicate's SD between residents). Rows of cpsim.headline.CHANGES (hours
    redirected, resources used) hold their paired value in the ``diff`` columns; rows of
    cpsim.headline.COST hold the ratio of paired mean changes in ``mean``/``ci_low``/
    ``ci_high`` (Fieller's interval). With ``groups`` (Study.groups), the trust gap's row
    carries the fair reading of the gap in ``reading`` (cpsim/studies/gaps.py): a gap that narrows
    because the better-off group loses reads "levelling down". A scenario with any failed
    replicate gets NaN figures and its error in ``error``.

    Args:
        runs: The runs table (:func:`cpsim.studies.runner.run_study`).
        baseline: Baseline scenario name (default: ``runs.attrs['baseline']`` or the first).
        level: Confidence level.
        groups: The study's breakdown by group (for the gap reading), or None.
        gaps: The gap reading already computed from ``groups`` (cpsim.studies.gaps.read_gaps), or None.

    Returns:
        The tidy comparison table (columns in ``COLUMNS``); ``attrs`` copied from ``runs``.

    """
    # A runs table read back from runs.csv has NaN where a run had no error.
    runs = runs.assign(error=[e if isinstance(e, str) else "" for e in runs["error"]])
    names = list(dict.fromkeys(runs["scenario"]))
    baseline = baseline or runs.attrs.get("baseline") or names[0]
    files = dict(zip(runs["scenario"], runs["file"], strict=False))
    status = {name: _status(part) for name, part in runs.groupby("scenario", sort=False)}
    base = runs[runs["scenario"] == baseline].set_index("replicate")
    base_ok = status[baseline] == ""
    readings = {}
    if gaps is None and groups is not None and len(groups):
        gaps = read_gaps(groups[groups["scenario"].isin([n for n in names if not status[n]])], baseline)
    if gaps is not None and len(gaps):
        readings = dict(zip(gaps["scenario"], gaps["reading"], strict=True))
    rows = []
    for name in names:
        part = runs[runs["scenario"] == name].set_index("replicate")
        err = status[name]
        is_base = name == baseline
        paired = part.join(base.add_suffix("__base"), how="inner") if base_ok and not err else None
        for m in headline_metrics(runs):
            row = _row(name, files[name], is_base, m, err)
            if not err and m.name in part:
                row["mean"], row["ci_low"], row["ci_high"], row["sd"], row["replicates"] = mean_ci(part[m.name], level)
                if paired is not None:
                    d = paired[m.name] - paired[f"{m.name}__base"]
                    row["diff"], row["diff_ci_low"], row["diff_ci_high"], row["diff_sd"], _ = mean_ci(d, level)
                    if m.sd and f"{m.sd}__base" in paired:
                        e = d / paired[f"{m.sd}__base"]
                        row["effect_sd"], row["effect_sd_ci_low"], row["effect_sd_ci_high"], _, _ = mean_ci(e, level)
                if m.name == "trust_gap_end" and not is_base:
                    row["reading"] = readings.get(name, "")
            rows.append(row)
        changes = paired_columns(part, base) if base_ok and not err and not is_base else None
        for m in CHANGES:
            row = _row(name, files[name], is_base, m, err)
            if changes is not None and m.name in changes:
                row["diff"], row["diff_ci_low"], row["diff_ci_high"], row["diff_sd"], row["replicates"] = mean_ci(
                    changes[m.name], level
                )
            rows.append(row)
        for m, num, den, scale in COST:
            row = _row(name, files[name], is_base, m, err)
            if changes is not None and num in changes and den in changes:
                row["mean"], row["ci_low"], row["ci_high"] = ratio_ci(changes[num], changes[den] / scale, level)
                row["replicates"] = int((~(changes[num].isna() | changes[den].isna())).sum())
            rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["replicates"] = out["replicates"].astype(int)
    out.attrs.update(runs.attrs, baseline=baseline, level=level)
    return out


def _status(part: pd.DataFrame) -> str:
    bad = part[part["error"] != ""]
    if bad.empty:
        return ""
    return f"{len(bad)} of {len(part)} replicates failed (seed {bad['seed'].iloc[0]}): {bad['error'].iloc[0]}"


def _row(name: str, file: str, is_base: bool, m: Metric, error: str) -> dict[str, Any]:
    row: dict[str, Any] = {c: math.nan for c in COLUMNS}
    row.update(
        scenario=name,
        file=file,
        baseline=is_base,
        metric=m.name,
        label=m.label,
        unit=m.unit,
        better=m.better,
        replicates=0,
        reading="",
        error=error,
    )
    return row


def compare(scenarios: Sequence[Scenario | str | Path], **options: Unpack[StudyOptions]) -> pd.DataFrame:
    """Compare scenarios with replicates, common random numbers and 95% confidence intervals.

    Args:
        scenarios: Scenario objects or scenario files; the first is the baseline.
        **options: How the scenarios run, by name (cpsim.studies.runner.StudyOptions: replicates,
            days, seed, workers, overrides, executor, progress; run_study's defaults).

    Returns:
        The tidy comparison table (see :func:`summarize`). To keep the per-replicate
        figures, breakdowns and trajectories too, call :func:`cpsim.studies.runner.run_study`.

    Raises:
        ScenarioError: A scenario or override is invalid (raised before anything runs).

    """
    study = run_study(scenarios, **options)
    return summarize(study.runs, groups=study.groups)

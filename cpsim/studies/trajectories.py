"""How fast, and for how long: headline figures over time, across replicates.

Each run keeps its daily trajectory of the headline figures (:func:`run_trajectory`). A
study turns them into bands (:func:`bands`): per scenario and day, the mean over
replicates with its 95% CI and the paired difference from the baseline (replicate k minus
baseline replicate k, same seeds) with its CI. From the paired differences,
:func:`timings` derives what a brief asks:

- ``clear_from``: the first day from which the difference stays distinguishable from zero
  (its 95% CI excludes zero on that day and every later day); empty when it never does;
- ``effect_1y``, ``effect_2y``, ``effect_5y``: the difference (and CI) on days 365, 730
  and 1825, where the run is that long;
- after a shock, ``trough_day`` (the day of the most adverse mean difference, when that is
  clearly adverse and larger than any gain: a program's brief dip before its gains is
  not a shock), ``half_recovery_day`` (the first later day on which half of the trough
  is recovered) and ``days_to_half_recovery``; empty when nothing was clearly lost or
  half was not recovered by the end.

Crime counts are noisy day to day: the victimisation rate on day t is the rate over days 1 to
t, so its value at one year is the first year's rate and at the end of a run the run's rate
(the headline table's). A trailing window would be as noisy on day 400 as on day 40: its
interval crosses zero again and again, and the day it last did said nothing about when a
yearly rate became clear (a 30-day window put a two-year crime effect clear "from day 728"
while its one-year figure already excluded zero).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cpsim.headline import LEVEL

YEARS = (1, 2, 5)


@dataclass(frozen=True)
class TrajectoryFigure:
    """A daily figure of the trajectories."""

    name: str
    label: str
    better: str
    decimals: int


FIGURES: tuple[TrajectoryFigure, ...] = (
    TrajectoryFigure("trust", "trust in police (mean)", "higher", 4),
    TrajectoryFigure("trust_gap", "trust gap between groups", "lower", 4),
    TrajectoryFigure("safety", "perceived safety (mean)", "higher", 4),
    TrajectoryFigure("victimizations_per_1000_year", "true victimisations /1000/yr (since day 1)", "lower", 1),
)
BY_NAME = {s.name: s for s in FIGURES}
BAND_COLUMNS = ["scenario", "figure", "day", "mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high"]
TIMING_COLUMNS = [
    "scenario",
    "figure",
    "days",
    "clear_from",
    "trough_day",
    "trough",
    "half_recovery_day",
    "days_to_half_recovery",
    *[f"effect_{y}y{s}" for y in YEARS for s in ("", "_ci_low", "_ci_high")],
]


def run_trajectory(result) -> pd.DataFrame:
    """The daily headline figures of one run, and trust per group (``trust.<group>``)."""
    ts = result.timeseries
    n = int(result.summary.get("residents", 0)) or 1
    counts = ts["victimizations"].to_numpy(float)
    victims = np.cumsum(counts) / np.arange(1, len(counts) + 1)
    out = pd.DataFrame(
        {
            "day": ts["day"].to_numpy(np.int32),
            "trust": ts["trust_mean"].to_numpy(np.float32),
            "trust_gap": ts["trust_gap"].to_numpy(np.float32),
            "safety": ts["safety_mean"].to_numpy(np.float32),
            "victimizations_per_1000_year": (victims * 365.0 * 1000.0 / n).astype(np.float32),
        }
    )
    for group, part in result.by_group.groupby("group", sort=False):
        out[f"trust.{group}"] = part["trust_mean"].to_numpy(np.float32)
    return out


def _t(level: float, dof: np.ndarray) -> np.ndarray:
    from scipy import stats  # here: scipy.stats adds ~1 s to importing the studies

    return stats.t.ppf(0.5 + level / 2, np.maximum(dof, 1))


def _band(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and t-interval over axis 0 (replicates) of a (replicates, days) array."""
    n = np.sum(~np.isnan(values), axis=0)
    mean = np.nanmean(values, axis=0)
    sd = np.nanstd(values, axis=0, ddof=1) if values.shape[0] > 1 else np.full(values.shape[1], np.nan)
    half = _t(level, n - 1) * sd / np.sqrt(np.maximum(n, 1))
    half = np.where(n > 1, half, np.nan)
    return mean, mean - half, mean + half


def series_names(trajectories: pd.DataFrame) -> list[str]:
    """The figures kept in a trajectories table: the headline series, then trust per group."""
    return [s.name for s in FIGURES if s.name in trajectories] + [
        c for c in trajectories.columns if c.startswith("trust.")
    ]


def bands(
    trajectories: pd.DataFrame, baseline: str, errors: dict[str, str] | None = None, level: float = LEVEL
) -> pd.DataFrame:
    """Replicate bands of every daily figure and of its paired difference from the baseline.

    Args:
        trajectories: ``Study.trajectories``.
        baseline: The baseline scenario's name.
        errors: Scenario -> error (scenarios with failed runs are left out).
        level: Confidence level.

    Returns:
        Long table (columns :data:`BAND_COLUMNS`): one row per scenario, figure and day.

    """
    errors = errors or {}
    if trajectories.empty:
        return pd.DataFrame(columns=BAND_COLUMNS)
    names = [n for n in dict.fromkeys(trajectories["scenario"]) if not errors.get(n)]
    figures = series_names(trajectories)
    cube = {}
    for name in names:
        part = trajectories[trajectories["scenario"] == name]
        cube[name] = {f: part.pivot(index="replicate", columns="day", values=f) for f in figures}
    out = []
    for name in names:
        for f in figures:
            wide = cube[name][f]
            mean, lo, hi = _band(wide.to_numpy(float), level)
            frame = {
                "scenario": name,
                "figure": f,
                "day": wide.columns.to_numpy(),
                "mean": mean,
                "ci_low": lo,
                "ci_high": hi,
            }
            if baseline in cube and name != baseline:
                base = cube[baseline][f].reindex(index=wide.index, columns=wide.columns)
                d, dlo, dhi = _band((wide - base).to_numpy(float), level)
                frame.update(diff=d, diff_ci_low=dlo, diff_ci_high=dhi)
            elif name == baseline:
                frame.update(diff=0.0, diff_ci_low=0.0, diff_ci_high=0.0)
            out.append(pd.DataFrame(frame))
    table = pd.concat(out, ignore_index=True)
    for col in BAND_COLUMNS:
        if col not in table:
            table[col] = np.nan
    return table[BAND_COLUMNS]


def clear_from(days: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    """The first day from which an interval excludes zero on every later day (NaN when it never does)."""
    excluded = (low > 0) | (high < 0)
    if len(excluded) == 0 or not excluded[-1]:
        return math.nan
    last_included = np.flatnonzero(~excluded)
    start = last_included[-1] + 1 if last_included.size else 0
    return float(days[start])


def recovery(days: np.ndarray, diff: np.ndarray, low: np.ndarray, high: np.ndarray, better: str) -> dict:
    """Trough and half-recovery of a paired difference after a shock.

    Args:
        days: Days.
        diff: Mean paired difference per day.
        low: Its lower CI bound per day.
        high: Its upper CI bound per day.
        better: "higher" or "lower": which way is a loss.

    Returns:
        ``trough_day``, ``trough``, ``half_recovery_day``, ``days_to_half_recovery`` (NaN
        where not defined: no clear loss, or half not recovered by the end).

    """
    nan = {"trough_day": math.nan, "trough": math.nan, "half_recovery_day": math.nan, "days_to_half_recovery": math.nan}
    if better not in ("higher", "lower") or len(diff) == 0 or np.all(np.isnan(diff)):
        return nan
    loss = -diff if better == "higher" else diff  # positive = worse than the baseline
    i = int(np.nanargmax(loss))
    clearly = high[i] < 0 if better == "higher" else low[i] > 0
    # a shock is a loss that dominates: a program's brief dip before its gains is not one
    if not clearly or loss[i] <= 0 or loss[i] < np.nanmax(-loss):
        return nan
    out = {**nan, "trough_day": float(days[i]), "trough": float(diff[i])}
    after = np.flatnonzero(loss[i:] <= loss[i] / 2)
    if after.size:
        j = i + int(after[0])
        out.update(half_recovery_day=float(days[j]), days_to_half_recovery=float(days[j] - days[i]))
    return out


def timings(band: pd.DataFrame) -> pd.DataFrame:
    """Derived timings per scenario and figure (see the module docstring)."""
    rows = []
    for (name, f), part in band.groupby(["scenario", "figure"], sort=False):
        if part["diff"].isna().all() or (part["diff"] == 0).all():
            continue
        days = part["day"].to_numpy()
        diff, lo, hi = (part[c].to_numpy(float) for c in ("diff", "diff_ci_low", "diff_ci_high"))
        better = BY_NAME[f].better if f in BY_NAME else "higher"
        row = {
            "scenario": name,
            "figure": f,
            "days": int(days.max()),
            "clear_from": clear_from(days, lo, hi),
            **recovery(days, diff, lo, hi, better),
        }
        for y in YEARS:
            at = np.flatnonzero(days == 365 * y)
            if at.size:
                k = int(at[0])
                row.update({f"effect_{y}y": diff[k], f"effect_{y}y_ci_low": lo[k], f"effect_{y}y_ci_high": hi[k]})
        rows.append(row)
    return pd.DataFrame(rows, columns=TIMING_COLUMNS)

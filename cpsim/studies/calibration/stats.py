"""Summary statistics of a survey table: the patterns a calibration holds the model to.

Each statistic is computed per wave (or per pair of consecutive waves) from a survey table
— a simulated one (``Result.survey``) or the data read by :mod:`cpsim.studies.calibration.observed` —
and then averaged over waves. Only survey estimates enter, never latent trust: the model is
compared with the data on the data's own terms. Areas are the rows with ``beat >= 0``;
cells with fewer than ``min_n`` answers are left out (the published data leaves them empty).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Options:
    """Settings of the statistics (the ``[statistics]`` table of a calibration file).

    Attributes:
        gap: The two groups of ``group_gap`` (first minus second).
        min_n: Fewest answers for an area or cell estimate to count (unknown n always counts).
        waves: The survey waves the statistics read (0 = the first); empty: every wave. A fit
            of the past reads its first waves only, so the later ones are a forecast it never saw.

    """

    gap: tuple[str, str] = ("White", "Black")
    min_n: int = 5
    waves: tuple[int, ...] = ()


def fit_waves(table: pd.DataFrame, opts: Options) -> pd.DataFrame:
    """The rows of the waves the statistics read (all of them when ``opts.waves`` is empty)."""
    return table if not opts.waves else table[table["wave"].isin(opts.waves)]


def _areas(table: pd.DataFrame, opts: Options, group: str = "all") -> pd.DataFrame:
    table = fit_waves(table, opts)
    rows = table[(table["beat"] >= 0) & (table["group"] == group) & table["trust"].notna()]
    return rows[rows["n"].isna() | (rows["n"] >= opts.min_n)]


def _by_wave(table: pd.DataFrame, opts: Options, fn: Callable[[pd.DataFrame], float]) -> np.ndarray:
    areas = _areas(table, opts)
    return np.array([fn(part) for _, part in areas.groupby("wave", sort=True)], float)


def _quantile(q: float) -> Callable[[pd.DataFrame, Options], np.ndarray]:
    return lambda t, o: _by_wave(t, o, lambda a: float(np.quantile(a["trust"], q)) if len(a) else np.nan)


def _mean(col: str) -> Callable[[pd.DataFrame, Options], np.ndarray]:
    return lambda t, o: _by_wave(t, o, lambda a: float(a[col].mean()) if len(a) else np.nan)


def _corr(a: pd.DataFrame) -> float:
    ok = a[["trust", "safety"]].dropna()
    if len(ok) < 3 or ok["trust"].std() == 0 or ok["safety"].std() == 0:
        return np.nan
    return float(np.corrcoef(ok["trust"], ok["safety"])[0, 1])


def group_gap(table: pd.DataFrame, opts: Options) -> np.ndarray:
    """Per wave: mean over areas of group A's score minus the mean over areas of group B's."""
    a, b = (_areas(table, opts, g).groupby("wave")["trust"].mean() for g in opts.gap)
    waves = sorted(set(fit_waves(table, opts)["wave"]))
    return np.array([a.get(w, np.nan) - b.get(w, np.nan) for w in waves], float)


def _changes(table: pd.DataFrame, opts: Options, lag: int = 1) -> list[pd.DataFrame]:
    """Area trust in each pair of waves ``lag`` apart (areas present in both)."""
    wide = _areas(table, opts).pivot_table(index="beat", columns="wave", values="trust")
    cols = sorted(wide.columns)
    return [wide[[w0, w1]].dropna() for w0, w1 in zip(cols, cols[lag:], strict=False)]


def area_change_sd(table: pd.DataFrame, opts: Options) -> np.ndarray:
    """Per pair of consecutive waves: SD over areas of the change in area trust."""
    return np.array(
        [float((p.iloc[:, 1] - p.iloc[:, 0]).std()) if len(p) > 2 else np.nan for p in _changes(table, opts)], float
    )


def area_trust_persistence(table: pd.DataFrame, opts: Options, lag: int = 1) -> np.ndarray:
    """Per pair of consecutive waves (or waves ``lag`` apart): correlation over areas of area trust in the two."""
    out = []
    for p in _changes(table, opts, lag):
        ok = len(p) > 2 and p.iloc[:, 0].std() > 0 and p.iloc[:, 1].std() > 0
        out.append(float(np.corrcoef(p.iloc[:, 0], p.iloc[:, 1])[0, 1]) if ok else np.nan)
    return np.array(out, float)


def area_trust_lag2(table: pd.DataFrame, opts: Options) -> np.ndarray:
    """Per pair of waves two apart: correlation over areas of area trust.

    Beside the consecutive waves' correlation it tells noise from movement: areas that stay
    where they are behind a noisy survey correlate as much two waves apart as one; areas that
    really move correlate less the further apart the waves are.
    """
    return area_trust_persistence(table, opts, lag=2)


def city_trust_change(table: pd.DataFrame, opts: Options) -> np.ndarray:
    """Per pair of consecutive waves: the change of the mean over areas of area trust (points)."""
    return np.array([float((p.iloc[:, 1] - p.iloc[:, 0]).mean()) if len(p) else np.nan for p in _changes(table, opts)])


def _sd(col: str) -> Callable[[pd.DataFrame, Options], np.ndarray]:
    return lambda t, o: _by_wave(t, o, lambda a: float(a[col].std()) if len(a) > 2 else np.nan)


# name -> (per-wave function, one-line meaning)
STATISTICS: dict[str, tuple[Callable[[pd.DataFrame, Options], np.ndarray], str]] = {
    "area_trust_q25": (_quantile(0.25), "lower quartile over areas of area trust (0-100)"),
    "area_trust_median": (_quantile(0.5), "median over areas of area trust (0-100)"),
    "area_trust_q75": (_quantile(0.75), "upper quartile over areas of area trust (0-100)"),
    "area_trust_mean": (_mean("trust"), "mean over areas of area trust (0-100)"),
    "area_safety_mean": (_mean("safety"), "mean over areas of area safety (0-100)"),
    "area_trust_sd": (_sd("trust"), "SD over areas of area trust (0-100 points)"),
    "area_safety_sd": (_sd("safety"), "SD over areas of area safety (0-100 points)"),
    "group_gap": (group_gap, "mean area trust of the first gap group minus the second's (0-100 points)"),
    "trust_safety_corr": (lambda t, o: _by_wave(t, o, _corr), "correlation over areas of area trust and safety"),
    "area_change_sd": (area_change_sd, "SD over areas of the change in area trust between consecutive waves"),
    "area_trust_persistence": (area_trust_persistence, "correlation of area trust between consecutive waves"),
    "area_trust_lag2": (area_trust_lag2, "correlation of area trust between waves two apart"),
    "city_trust_change": (city_trust_change, "change of mean area trust between consecutive waves (points)"),
}
# Statistics that need two waves or more; LAG2 three or more.
PAIRED = ("area_change_sd", "area_trust_persistence", "area_trust_lag2", "city_trust_change")
LAG2 = ("area_trust_lag2",)


def per_wave(table: pd.DataFrame, name: str, opts: Options = Options()) -> np.ndarray:
    """A statistic's value in each wave (or pair of consecutive waves)."""
    return STATISTICS[name][0](table, opts)


def statistic(table: pd.DataFrame, name: str, opts: Options = Options()) -> float:
    """A statistic averaged over waves (NaN when no wave has it)."""
    values = per_wave(table, name, opts)
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float("nan")


def statistics(table: pd.DataFrame, names: list[str] | tuple[str, ...], opts: Options = Options()) -> dict[str, float]:
    """Several statistics of one survey table."""
    return {name: statistic(table, name, opts) for name in names}

"""Who benefits: a study's figures by resident group and by beat, with paired differences.

Every run is broken down by resident group (``population.group_names``) and by police beat
(:func:`run_breakdown`). A study summarises the breakdown like the city figures
(:func:`summarize_breakdown`): the mean over replicates with its 95% CI and the paired
difference from the baseline (replicate k minus baseline replicate k, same seeds) with its
CI, plus the difference in SD units of the baseline's residents and each part's
**contribution** to the city's change: residents_k x change_k / residents, so the
contributions of the groups (or of the beats) add up to the city's change for every
resident-weighted figure (trust, confident share, safety, victimisation rate, stops and
contacts per 1,000). Counts (complaints) add up as counts. The reporting rate is weighted
by victimisations, not residents: its parts do not add up that way and have no contribution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cpsim.headline import LEVEL, clear_sign
from cpsim.metrics import CONFIDENT_TRUST
from cpsim.scenario.units import PER_1000_A_YEAR
from cpsim.studies.intervals import mean_ci

KEYS = ["scenario", "replicate", "level", "key"]


@dataclass(frozen=True)
class Figure:
    """A figure of the breakdown.

    Attributes:
        name: Column name (the city figure of the same name is in the runs table).
        label: What a reader sees.
        unit: Unit.
        better: "higher", "lower" or "".
        weight: How parts add up to the city: "residents" (resident-weighted mean), "sum"
            (counts) or "" (neither, e.g. a rate per victimisation).
        decimals: Decimal places shown.

    """

    name: str
    label: str
    unit: str
    better: str
    weight: str
    decimals: int


FIGURES: tuple[Figure, ...] = (
    Figure("trust_end", "trust at end", "0-1", "higher", "residents", 3),
    Figure("confident_share_end", f"share with trust >= {CONFIDENT_TRUST:g}", "share", "higher", "residents", 3),
    Figure("safety_end", "perceived safety at end", "0-1", "higher", "residents", 3),
    Figure(
        "victimizations_per_1000_year", "true victimisations /1000/yr", "per 1000 persons/yr", "lower", "residents", 1
    ),
    Figure("reporting_rate", "share of victimisations reported", "share", "higher", "", 3),
    Figure("contacts_per_1000_year", "police contacts /1000/yr", "per 1000 persons/yr", "", "residents", 0),
    Figure("stops_per_1000_year", "stops /1000/yr", "per 1000 persons/yr", "lower", "residents", 1),
    Figure("complaints", "complaints", "count over the run", "lower", "sum", 1),
)
BY_NAME = {f.name: f for f in FIGURES}
COLUMNS = [
    "scenario",
    "baseline",
    "level",
    "key",
    "metric",
    "label",
    "residents",
    "replicates",
    "mean",
    "ci_low",
    "ci_high",
    "diff",
    "diff_ci_low",
    "diff_ci_high",
    "effect_sd",
    "contribution",
    "contribution_share",
    "city_diff",
    "city_diff_ci_low",
    "city_diff_ci_high",
    "error",
]


VALUES = [f.name for f in FIGURES]


def breakdown_arrays(result) -> tuple[list[str], list[str], np.ndarray]:
    """The breakdown of one run as arrays: levels, keys and one row of values per key.

    Values are ``residents`` then :data:`VALUES` (the columns of :func:`run_breakdown`):
    end-of-run scores over the residents of that group or beat, rates over the whole run.
    Plain arrays keep a sweep's workers fast; :func:`run_breakdown` makes the table.
    """
    days = max(len(result.timeseries), 1)
    per_year = PER_1000_A_YEAR / days
    final = result.final
    names = list(result.scenario.population.group_names)
    n_beats = int(result.scenario.population.beats)
    counts = ["victimizations", "crimes_reported", "contacts", "stops", "complaints"]
    levels: list[str] = []
    keys: list[str] = []
    blocks = []
    for level, daily, codes, labels in (
        ("group", result.by_group, final["group"], names),
        ("beat", result.by_neighborhood, final["beat"], [str(b) for b in range(n_beats)]),
    ):
        k = len(labels)
        n = np.bincount(codes, minlength=k).astype(float)
        safe = np.maximum(n, 1.0)
        # the daily table holds one row per day and key, keys in the same order every day
        sums = np.column_stack([daily[c].to_numpy(float) for c in counts]).reshape(-1, k, len(counts)).sum(axis=0)
        vic, reported, contacts, stops, complaints = sums.T
        with np.errstate(invalid="ignore", divide="ignore"):
            reporting = np.where(vic > 0, reported / np.maximum(vic, 1.0), np.nan)
        blocks.append(
            np.column_stack(
                [
                    n,
                    np.bincount(codes, weights=final["trust"], minlength=k) / safe,
                    np.bincount(codes, weights=final["trust"] >= CONFIDENT_TRUST, minlength=k) / safe,
                    np.bincount(codes, weights=final["safety"], minlength=k) / safe,
                    vic * per_year / safe,
                    reporting,
                    contacts * per_year / safe,
                    stops * per_year / safe,
                    complaints,
                ]
            )
        )
        levels += [level] * k
        keys += labels
    return levels, keys, np.vstack(blocks)


def breakdown_table(levels: list[str], keys: list[str], values: np.ndarray) -> pd.DataFrame:
    """The table of :func:`breakdown_arrays`' arrays."""
    out = pd.DataFrame(values, columns=["residents", *VALUES])
    out.insert(0, "key", keys)
    out.insert(0, "level", levels)
    out["residents"] = out["residents"].astype(np.int64)
    return out


def run_breakdown(result) -> pd.DataFrame:
    """Break one run down by group and by beat.

    Args:
        result: A :class:`cpsim.simulate.Result`.

    Returns:
        One row per group (level "group") and per beat (level "beat"): ``residents`` and
        the figures of :data:`FIGURES`, computed over the residents of that group or beat
        (end-of-run scores; rates over the whole run).

    """
    return breakdown_table(*breakdown_arrays(result))


def city_of(parts: pd.DataFrame, figure: str) -> float:
    """What the parts of one run at one level add up to for the city (resident-weighted or summed)."""
    f = BY_NAME[figure]
    if f.weight == "sum":
        return float(parts[figure].sum())
    if f.weight != "residents":
        raise ValueError(f"{figure} does not add up over residents")
    w = parts["residents"].to_numpy(float)
    return float(np.sum(w * parts[figure].to_numpy(float)) / w.sum())


def summarize_breakdown(
    groups: pd.DataFrame, runs: pd.DataFrame, baseline: str | None = None, level: float = LEVEL
) -> pd.DataFrame:
    """Means, paired differences and contributions by group and beat.

    Args:
        groups: ``Study.groups`` (one row per scenario, replicate, level and key).
        runs: ``Study.runs`` (errors, the city figures and ``trust_sd_end``/``safety_sd_end``).
        baseline: Baseline scenario (default: ``runs.attrs['baseline']`` or the first).
        level: Confidence level.

    Returns:
        One row per scenario, level, key and figure (columns in :data:`COLUMNS`).
        ``effect_sd`` is the difference in SD units of the baseline's residents (trust and
        safety only; the same unit for every group, so groups compare); ``contribution`` is
        residents_k x diff_k / residents (the parts add up to the city's change, ``city_diff``
        with its CI) and ``contribution_share`` its share of the city's change, given only
        when that change is clear (its CI excludes zero; otherwise shares of noise mislead).

    """
    if groups.empty:
        return pd.DataFrame(columns=COLUMNS)
    names = list(dict.fromkeys(runs["scenario"]))
    baseline = baseline or runs.attrs.get("baseline") or names[0]
    errors = _errors(runs)
    sd_cols = {"trust_end": "trust_sd_end", "safety_end": "safety_sd_end"}
    base_runs = runs[runs["scenario"] == baseline].set_index("replicate")
    base = groups[groups["scenario"] == baseline].set_index(["replicate", "level", "key"])
    out = []
    city_parts: dict[tuple[str, str, str], list[pd.Series]] = {}
    for (name, lev), part in groups.groupby(["scenario", "level"], sort=False):
        err = errors.get(name, "")
        part = part.set_index(["replicate", "level", "key"])
        paired = part.join(base, rsuffix="__base", how="inner") if not err and not errors.get(baseline) else None
        # residents per key: the same in every scenario (the city is drawn from the seed)
        totals = part.groupby(level="replicate")["residents"].sum()
        for key in dict.fromkeys(part.index.get_level_values("key")):
            here = part.xs(key, level="key").droplevel("level")
            pair = paired.xs(key, level="key").droplevel("level") if paired is not None else None
            for f in FIGURES:
                row = {c: math.nan for c in COLUMNS}
                row.update(
                    scenario=name,
                    baseline=name == baseline,
                    level=lev,
                    key=key,
                    metric=f.name,
                    label=f.label,
                    residents=float(here["residents"].mean()),
                    replicates=0,
                    error=err,
                )
                if not err:
                    row["mean"], row["ci_low"], row["ci_high"], _, row["replicates"] = mean_ci(here[f.name], level)
                if pair is not None:
                    d = pair[f.name] - pair[f"{f.name}__base"]
                    row["diff"], row["diff_ci_low"], row["diff_ci_high"], _, _ = mean_ci(d, level)
                    if f.name in sd_cols and sd_cols[f.name] in base_runs:
                        sd = base_runs[sd_cols[f.name]].reindex(d.index)
                        row["effect_sd"] = float((d / sd).mean())
                    if f.weight:
                        part_d = d * (
                            pair["residents"] / totals.reindex(pair.index) if f.weight == "residents" else 1.0
                        )
                        row["contribution"] = float(part_d.mean())
                        city_parts.setdefault((name, lev, f.name), []).append(part_d)
                out.append(row)
    table = pd.DataFrame(out, columns=COLUMNS)
    # The city's change per replicate is the sum of its parts': its CI says whether shares mean anything.
    city = {k: mean_ci(sum(v), level) for k, v in city_parts.items()}
    keys = list(zip(table["scenario"], table["level"], table["metric"], strict=True))
    for i, col in ((0, "city_diff"), (1, "city_diff_ci_low"), (2, "city_diff_ci_high")):
        table[col] = [city[k][i] if k in city else math.nan for k in keys]
    with np.errstate(invalid="ignore", divide="ignore"):
        clear = [
            clear_sign(lo, hi) != 0
            for lo, hi in zip(table["city_diff_ci_low"], table["city_diff_ci_high"], strict=True)
        ]
        table["contribution_share"] = np.where(np.asarray(clear), table["contribution"] / table["city_diff"], np.nan)
    table["replicates"] = table["replicates"].astype(int)
    return table


def _errors(runs: pd.DataFrame) -> dict[str, str]:
    err = runs.assign(error=[e if isinstance(e, str) else "" for e in runs["error"]])
    bad = err[err["error"] != ""]
    return {name: part["error"].iloc[0] for name, part in bad.groupby("scenario", sort=False)}


def where_gains_go(table: pd.DataFrame, metric: str = "trust_end") -> pd.DataFrame:
    """The contributions of each group and beat to the city's change in one figure (non-baseline scenarios)."""
    part = table[(table["metric"] == metric) & ~table["baseline"]]
    return part[
        [
            "scenario",
            "level",
            "key",
            "residents",
            "diff",
            "diff_ci_low",
            "diff_ci_high",
            "contribution",
            "contribution_share",
        ]
    ].reset_index(drop=True)


def clear(row) -> int:
    """+1/-1 when a row's paired difference is clearly above/below zero, else 0."""
    return clear_sign(row["diff_ci_low"], row["diff_ci_high"])

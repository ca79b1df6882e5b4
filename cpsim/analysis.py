"""Comparing scenarios: replicates, confidence intervals, paired differences, cost-effectiveness.

Every scenario runs R times; the figures are compared as means with 95% confidence
intervals, as paired differences from a baseline, and as trust gained per officer hour.

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
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cpsim.metrics import SUMMARY
from cpsim.scenario import Scenario
from cpsim.simulate import resolve
from cpsim.workers import end_with

LEVEL = 0.95


@dataclass(frozen=True)
class Metric:
    """A headline figure of a comparison.

    Attributes:
        name: Column name in the runs table and ``metric`` value in the comparison table.
        label: What a reader sees.
        unit: Unit of the figure.
        better: "higher", "lower" or "" (no direction, e.g. hours used).
        decimals: Decimal places shown at least (more when a CI is narrower); None for 3
            significant digits.

    """

    name: str
    label: str
    unit: str
    better: str
    decimals: int | None


HEADLINE: tuple[Metric, ...] = (
    Metric("trust_end", "trust in police at end", "0-1", "higher", 3),
    Metric("trust_gap_end", "trust gap between groups at end", "0-1", "lower", 3),
    Metric("safety_end", "perceived safety at end", "0-1", "higher", 3),
    Metric("reporting_rate", "share of victimisations reported", "share", "higher", 3),
    Metric("victimizations_per_1000_year", "true victimisations /1000/yr", "per 1000 persons/yr", "lower", 1),
    Metric("recorded_per_1000_year", "recorded crimes /1000/yr", "per 1000 persons/yr", "", 1),
    Metric("complaints", "complaints", "count over the run", "lower", 1),
    Metric("hours_total", "officer hours used", "hours over the run", "", 0),
)

# Cost-effectiveness: change in trust per 1,000 officer hours relative to the baseline.
# Staffing changes move the hours worked; programs staffed from existing shifts move
# hours into community work instead, so both denominators are reported.
COST: tuple[tuple[Metric, str], ...] = (
    (Metric("trust_per_1000_hours", "trust change per 1,000 officer hours", "0-1 per 1000 h", "higher", None),
     "hours_total"),
    (Metric("trust_per_1000_community_hours", "trust change per 1,000 community-work hours", "0-1 per 1000 h",
            "higher", None), "hours_community"),
)
METRICS: dict[str, Metric] = {m.name: m for m in (*HEADLINE, *(m for m, _ in COST))}

ID_COLUMNS = ["scenario", "file", "replicate", "seed", "days", "seconds"]
COLUMNS = [
    "scenario", "file", "baseline", "metric", "label", "unit", "better", "replicates", "mean", "sd", "ci_low",
    "ci_high", "diff", "diff_sd", "diff_ci_low", "diff_ci_high", "error",
]


def replicate_seeds(base_seed: int, replicates: int) -> list[int]:
    """Run seeds of the replicates: child k of SeedSequence(base_seed).spawn(replicates).

    Args:
        base_seed: The comparison's seed.
        replicates: Number of replicates.

    Returns:
        One non-negative 63-bit integer seed per replicate (the scenario schema's range).

    """
    children = np.random.SeedSequence(int(base_seed)).spawn(int(replicates))
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def run_values(summary: Mapping[str, Any]) -> dict[str, float]:
    """Pick the figures of one run for the runs table: headline metrics first, then the summary.

    Per-group figures (``trust_end_by_group``) become one column per group
    (``trust_end_by_group.minority``).
    """
    out: dict[str, float] = {
        "victimizations_per_1000_year": float(summary["violent_per_1000_year"])
        + float(summary["property_per_1000_year"]),
    }
    for m in HEADLINE:
        if m.name in summary:
            out[m.name] = float(summary[m.name])
    for key in (*SUMMARY, *summary):
        value = summary.get(key)
        if key in out or key == "seconds" or value is None:
            continue
        if isinstance(value, Mapping):
            for sub, v in value.items():
                out[f"{key}.{sub}"] = float(v)
        elif isinstance(value, (int, float, np.number)):
            out[key] = float(value)
    return out


def run_replicate(task: Mapping[str, Any]) -> dict[str, Any]:
    """Run one replicate of one scenario (the function a worker process executes).

    Args:
        task: ``scenario`` (a validated Scenario), ``name``, ``file``, ``replicate``,
            ``seed`` and ``days``.

    Returns:
        The runs-table row: identifiers, figures, and ``error`` ("" when the run succeeded).

    """
    # Imported here: a spawned process or a Dask worker starts without cpsim loaded.
    import cpsim

    row = {k: task[k] for k in ("replicate", "seed", "days")}
    row.update(scenario=task["name"], file=task["file"])
    start = time.perf_counter()
    try:
        result = cpsim.simulate(task["scenario"], seed=task["seed"], days=task["days"])
        row.update(run_values(result.summary), error="")
    except Exception as err:  # noqa: BLE001  (one failing run must not stop the others)
        row["error"] = one_line(err)
    row["seconds"] = time.perf_counter() - start
    return row


def one_line(err: BaseException) -> str:
    """Describe an exception in one line: its type and the first line of its message."""
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__


def normalize_overrides(overrides: Mapping[str, Any] | Iterable[str] | None) -> dict[str, Any] | list[str]:
    """Return overrides as a dict or a list of ``key=value`` texts (an iterator is read once)."""
    if overrides is None:
        return []
    return dict(overrides) if isinstance(overrides, Mapping) else [str(o) for o in overrides]


def load_all(
    scenarios: Sequence[Scenario | str | Path], overrides: Mapping[str, Any] | Iterable[str] | None = None
) -> list[tuple[str, str, Any]]:
    """Load and validate every scenario before anything runs.

    Args:
        scenarios: Scenario objects or scenario files; the first is the baseline.
        overrides: Dotted overrides applied to every scenario.

    Returns:
        (name, file, Scenario) per scenario. Names are the scenarios' ``run.name``, made
        unique with the file stem (or a number) when two scenarios share one.

    Raises:
        ScenarioError: One line naming the file, the key and what is allowed.

    """
    overrides = normalize_overrides(overrides)
    loaded = []
    for spec in scenarios:
        params = resolve(spec, overrides)
        file = str(spec) if isinstance(spec, (str, Path)) else ""
        loaded.append([params.run.name, file, params])
    seen: set[str] = set()
    for i, item in enumerate(loaded):
        name = item[0]
        if name in seen:
            name = f"{name} ({Path(item[1]).stem})" if item[1] and Path(item[1]).stem != name else f"{name} #{i + 1}"
        while name in seen:
            name = f"{name}'"
        seen.add(name)
        item[0] = name
    return [tuple(item) for item in loaded]  # type: ignore[misc]


def run_replicates(
    scenarios: Sequence[Scenario | str | Path],
    replicates: int = 10,
    days: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> pd.DataFrame:
    """Run every scenario ``replicates`` times with common random numbers.

    Args:
        scenarios: Scenario objects or files; the first is the baseline.
        replicates: Runs per scenario (at least 2 for a confidence interval).
        days: Days per run (default: the baseline's ``run.days``, for every scenario).
        seed: Base seed (default: the baseline's ``run.seed``).
        workers: Worker processes (default: the number of CPUs; 1 runs in this process).
        overrides: Dotted overrides applied to every scenario (e.g. population.residents=2000).
        executor: Any executor with ``submit()`` returning a Future (e.g. a Dask client's
            ``get_executor()``); when given, ``workers`` is ignored.
        progress: Called as ``progress(done, total, failed)`` after each run.

    Returns:
        The runs table: one row per scenario and replicate, with its seed, its figures
        and ``error``. ``attrs`` holds the settings (baseline, replicates, days, seed, overrides).

    Raises:
        ScenarioError: A scenario or override is invalid (nothing has run).
        ValueError: Fewer than one scenario, fewer than 2 replicates or fewer than 1 worker.

    """
    if not scenarios:
        raise ValueError("compare: give at least one scenario (the first is the baseline)")
    if int(replicates) < 2:
        raise ValueError(f"compare: replicates={replicates}; allowed: 2 or more (a confidence interval needs 2)")
    if workers is not None and int(workers) < 1:
        raise ValueError(f"compare: workers={workers}; allowed: 1 or more")
    if days is not None and int(days) < 1:
        raise ValueError(f"compare: days={days}; allowed: 1 or more")
    overrides = normalize_overrides(overrides)
    loaded = load_all(scenarios, overrides)
    base = loaded[0][2]
    days = int(base.run.days if days is None else days)
    seed = int(base.run.seed if seed is None else seed)
    seeds = replicate_seeds(seed, replicates)
    tasks = [
        {"scenario": params, "name": name, "file": file, "replicate": k, "seed": s, "days": days}
        for k, s in enumerate(seeds)
        for name, file, params in loaded
    ]
    rows = _execute(tasks, workers, executor, progress)
    runs = _runs_table(rows, [name for name, _, _ in loaded])
    runs.attrs.update(
        baseline=loaded[0][0], replicates=int(replicates), days=days, seed=seed,
        overrides=[f"{k}={v}" for k, v in overrides.items()] if isinstance(overrides, dict) else list(overrides),
        files={name: file for name, file, _ in loaded},
    )
    report_failures(runs)
    return runs


def _execute(tasks: list[dict], workers: int | None, executor: Executor | None, progress) -> list[dict]:
    """Run the tasks in this process, in a local process pool, or on the executor given."""
    done_rows: list[dict] = []
    failed = 0

    def book(row: dict) -> None:
        nonlocal failed
        done_rows.append(row)
        failed += bool(row["error"])
        if progress is not None:
            progress(len(done_rows), len(tasks), failed)

    n_workers = os.cpu_count() or 1 if workers is None else int(workers)
    if executor is None and (n_workers == 1 or len(tasks) == 1):
        for task in tasks:
            book(run_replicate(task))
        return done_rows
    own = executor is None
    # spawn: workers start clean (no copied threads or locks from the parent) and import cpsim themselves.
    pool = executor or ProcessPoolExecutor(
        max_workers=min(n_workers, len(tasks)), mp_context=multiprocessing.get_context("spawn"),
        initializer=end_with, initargs=(os.getpid(),),  # workers end if this process is killed
    )
    try:
        futures: dict[Future, dict] = {pool.submit(run_replicate, task): task for task in tasks}
        for fut in as_completed(futures):
            try:
                row = fut.result()
            except Exception as err:  # noqa: BLE001  (a worker that died, e.g. out of memory)
                task = futures[fut]
                row = {"scenario": task["name"], "file": task["file"], "replicate": task["replicate"],
                       "seed": task["seed"], "days": task["days"], "seconds": float("nan"), "error": one_line(err)}
            book(row)
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
    return done_rows


def _runs_table(rows: list[dict], names: list[str]) -> pd.DataFrame:
    """Rows in scenario order then replicate order; figures after the identifiers."""
    runs = pd.DataFrame(rows)
    for col in ID_COLUMNS:
        if col not in runs:
            runs[col] = np.nan
    headline = [m.name for m in HEADLINE]
    for col in headline:
        if col not in runs:
            runs[col] = np.nan
    rest = [c for c in runs.columns if c not in {*ID_COLUMNS, *headline, "error"}]
    runs = runs[[*ID_COLUMNS, *headline, *rest, "error"]]
    runs["scenario"] = pd.Categorical(runs["scenario"], categories=names, ordered=True)
    runs = runs.sort_values(["scenario", "replicate"]).reset_index(drop=True)
    runs["scenario"] = runs["scenario"].astype(str)
    return runs


def report_failures(runs: pd.DataFrame) -> list[str]:
    """Print one line on stderr per scenario with failed runs; return those lines."""
    lines = []
    for name, part in runs.groupby("scenario", sort=False):
        bad = part[part["error"] != ""]
        if len(bad):
            where = f" ({bad['file'].iloc[0]})" if bad["file"].iloc[0] else ""
            lines.append(
                f"cpsim: scenario {name!r}{where}: {len(bad)} of {len(part)} replicates failed "
                f"(seed {bad['seed'].iloc[0]}): {bad['error'].iloc[0]}"
            )
    for line in lines:
        print(line, file=sys.stderr)
    return lines


def t_quantile(level: float, dof: int) -> float:
    """Return the two-sided Student t quantile for a confidence level and degrees of freedom."""
    from scipy import stats  # here: scipy.stats adds ~1 s to `import cpsim`

    return float(stats.t.ppf(0.5 + level / 2, dof))


def mean_ci(values: Sequence[float] | np.ndarray, level: float = LEVEL) -> tuple[float, float, float, float, int]:
    """Mean and t-based confidence interval of independent replicates.

    Args:
        values: One value per replicate (NaN values are left out).
        level: Confidence level.

    Returns:
        (mean, ci_low, ci_high, sd, n); the interval is NaN with fewer than 2 values.

    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return (math.nan,) * 4 + (0,)  # type: ignore[return-value]
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan, math.nan, n
    sd = float(x.std(ddof=1))
    half = t_quantile(level, n - 1) * sd / math.sqrt(n)
    return mean, mean - half, mean + half, sd, n


def ratio_ci(
    num: Sequence[float] | np.ndarray, den: Sequence[float] | np.ndarray, level: float = LEVEL
) -> tuple[float, float, float]:
    """Ratio of two paired means with Fieller's confidence interval.

    Fieller's interval accounts for the uncertainty of the denominator; it is bounded only
    when the denominator's own t-interval excludes zero, otherwise the ratio is not
    estimable and NaN is returned.

    Args:
        num: Numerator per replicate (e.g. paired change in trust).
        den: Denominator per replicate (e.g. paired change in officer hours).
        level: Confidence level.

    Returns:
        (ratio, ci_low, ci_high); all NaN when the denominator is not distinguishable from 0.

    """
    x, y = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    n = x.size
    nan = (math.nan, math.nan, math.nan)
    if n < 2:
        return nan
    a, b = float(x.mean()), float(y.mean())
    cov = np.cov(x, y, ddof=1) / n
    v11, v12, v22 = float(cov[0, 0]), float(cov[0, 1]), float(cov[1, 1])
    t = t_quantile(level, n - 1)
    scale = max(abs(b), float(np.abs(y).max()), 1e-300)
    if abs(b) <= 1e-12 * scale:
        return nan
    r = a / b
    if v22 <= (1e-12 * scale) ** 2:
        # The denominator is the same in every replicate (e.g. a fixed staffing change).
        half = t * math.sqrt(max(v11, 0.0)) / abs(b)
        return r, r - half, r + half
    g = t * t * v22 / (b * b)
    if g >= 1.0:
        return nan
    centre = r - g * v12 / v22
    disc = v11 - 2 * r * v12 + r * r * v22 - g * (v11 - v12 * v12 / v22)
    half = t / abs(b) * math.sqrt(max(disc, 0.0))
    return r, (centre - half) / (1 - g), (centre + half) / (1 - g)


def summarize(runs: pd.DataFrame, baseline: str | None = None, level: float = LEVEL) -> pd.DataFrame:
    """Build the comparison table from a runs table.

    One row per scenario and metric: the mean over replicates with its t-based CI, and the
    paired difference from the baseline (replicate k minus baseline replicate k) with its
    CI. Cost-effectiveness rows (``trust_per_1000_hours``, ``trust_per_1000_community_hours``)
    hold the ratio of the paired mean changes in ``mean``/``ci_low``/``ci_high`` (Fieller).
    A scenario with any failed replicate gets NaN figures and its error in ``error``.

    Args:
        runs: The table from :func:`run_replicates`.
        baseline: Baseline scenario name (default: ``runs.attrs['baseline']`` or the first).
        level: Confidence level.

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
    rows = []
    for name in names:
        part = runs[runs["scenario"] == name].set_index("replicate")
        err = status[name]
        is_base = name == baseline
        paired = part.join(base.add_suffix("__base"), how="inner") if base_ok and not err else None
        for m in HEADLINE:
            row = _row(name, files[name], is_base, m, err)
            if not err:
                row["mean"], row["ci_low"], row["ci_high"], row["sd"], row["replicates"] = mean_ci(part[m.name], level)
                if paired is not None:
                    d = paired[m.name] - paired[f"{m.name}__base"]
                    row["diff"], row["diff_ci_low"], row["diff_ci_high"], row["diff_sd"], _ = mean_ci(d, level)
            rows.append(row)
        for m, hours in COST:
            row = _row(name, files[name], is_base, m, err)
            if paired is not None and not is_base:
                d_trust = paired["trust_end"] - paired["trust_end__base"]
                d_hours = (paired[hours] - paired[f"{hours}__base"]) / 1000.0
                row["mean"], row["ci_low"], row["ci_high"] = ratio_ci(d_trust, d_hours, level)
                row["replicates"] = int((~(d_trust.isna() | d_hours.isna())).sum())
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
    return {
        "scenario": name, "file": file, "baseline": is_base, "metric": m.name, "label": m.label, "unit": m.unit,
        "better": m.better, "replicates": 0, "mean": math.nan, "sd": math.nan, "ci_low": math.nan,
        "ci_high": math.nan, "diff": math.nan, "diff_sd": math.nan, "diff_ci_low": math.nan,
        "diff_ci_high": math.nan, "error": error,
    }


def compare(
    scenarios: Sequence[Scenario | str | Path],
    replicates: int = 10,
    days: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> pd.DataFrame:
    """Compare scenarios with replicates, common random numbers and 95% confidence intervals.

    Args:
        scenarios: Scenario objects or scenario files; the first is the baseline.
        replicates: Runs per scenario; replicate k of every scenario uses the same seed.
        days: Days per run (default: the baseline's ``run.days``).
        seed: Base seed of ``SeedSequence(seed).spawn(replicates)`` (default: the baseline's ``run.seed``).
        workers: Local worker processes (default: the number of CPUs; 1 runs in this process).
        overrides: Dotted overrides applied to every scenario.
        executor: An executor to use instead of a local process pool (e.g. Dask's).
        progress: Called as ``progress(done, total, failed)`` after each run.

    Returns:
        The tidy comparison table (see :func:`summarize`). To keep the per-replicate
        figures too, call :func:`run_replicates` and then :func:`summarize`.

    Raises:
        ScenarioError: A scenario or override is invalid (raised before anything runs).

    """
    runs = run_replicates(scenarios, replicates, days, seed, workers, overrides, executor, progress)
    return summarize(runs)

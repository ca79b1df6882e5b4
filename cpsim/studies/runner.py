"""Running a study: every scenario R times with common random numbers, keeping what each run says.

Replicate k of every scenario runs with the same seed (child k of
``numpy.random.SeedSequence(base_seed).spawn(R)``). The model derives one stream per
mechanism from the run seed, keyed by name, so replicate k of two scenarios starts from
the same city (residents, places, social graph) and draws the same crimes, calls and
contacts wherever the scenarios do not differ: differences within a replicate are
paired.

Each run returns, besides its summary figures (the runs table), its breakdown by resident
group and by beat (cpsim/studies/breakdowns.py), its daily trajectory of the headline figures
(cpsim/studies/trajectories.py) and what it cost (cpsim/studies/costs.py), so that a comparison can say
who benefits, how fast and at what cost.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, as_completed
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, Unpack

import numpy as np
import pandas as pd

from cpsim.headline import HEADLINE
from cpsim.metrics import SUMMARY
from cpsim.scenario import Scenario, ScenarioError
from cpsim.scenario.rules import price_problem
from cpsim.simulate import resolve, simulate
from cpsim.studies import provenance
from cpsim.studies.breakdowns import run_breakdown
from cpsim.studies.calibration.posterior_draws import set_overrides
from cpsim.studies.costs import run_calls, run_costs
from cpsim.studies.executors import Pool, open_pool, scheduler_address
from cpsim.studies.seeds import replicate_seeds
from cpsim.studies.trajectories import run_trajectory

ID_COLUMNS = ["scenario", "file", "replicate", "seed", "days", "seconds"]


@dataclass
class Study:
    """Everything the runs of a study returned.

    Attributes:
        runs: One row per scenario and replicate: identifiers, summary figures, costs, ``error``.
            ``attrs``: baseline, replicates, days, seed, overrides, files.
        groups: Breakdown rows: scenario, replicate, level ("group" or "beat"), key and the
            figures of that group or beat (cpsim.studies.breakdowns.FIGURES).
        trajectories: One row per scenario, replicate and day: the daily headline figures
            (cpsim.studies.trajectories.FIGURES) and trust per group.
        scenarios: Scenario name -> the Scenario that ran (baseline first).
        provenance: The provenance record (cpsim/studies/provenance.py).

    """

    runs: pd.DataFrame
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    trajectories: pd.DataFrame = field(default_factory=pd.DataFrame)
    scenarios: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def baseline(self) -> str:
        """The baseline scenario's name."""
        return self.runs.attrs.get("baseline") or str(self.runs["scenario"].iloc[0])


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
            ``seed`` and ``days``; ``detail`` (default True) also returns the breakdown and
            the trajectory.

    Returns:
        The runs-table row: identifiers, figures, costs and ``error`` ("" when the run
        succeeded); with ``detail``, ``_groups`` and ``_trajectory`` DataFrames as well.

    """
    row: dict[str, Any] = {k: task[k] for k in ("replicate", "seed", "days")}
    row.update(scenario=task["name"], file=task["file"])
    start = time.perf_counter()
    try:
        result = simulate(task["scenario"], seed=task["seed"], days=task["days"])
        row.update(run_values(result.summary))
        row.update(run_costs(result))
        row.update(run_calls(result))
        row["error"] = ""
        if task.get("detail", True):
            row["_groups"] = run_breakdown(result)
            row["_trajectory"] = run_trajectory(result)
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
    problem = price_problem([(item[1] or item[0], item[2]) for item in loaded])
    if problem is not None:
        item = loaded[problem[0]]
        raise ScenarioError(f"{item[1] or item[0]}: {problem[1]}")
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


class StudyOptions(TypedDict, total=False):
    """How a study runs its scenarios, by name; a missing option takes :func:`run_study`'s default.

    :func:`run_study`, :func:`run_replicates` and :func:`cpsim.studies.compare.compare` share them:
    ``replicates`` (runs per scenario; replicate k of every scenario uses the same seed, child k of
    ``SeedSequence(seed).spawn(replicates)``), ``days`` (per run), ``seed`` (the base seed),
    ``workers`` (local processes; 1 runs here), ``overrides`` (dotted, for every scenario),
    ``executor`` (used instead of a local pool, e.g. Dask's) and ``progress`` (called as
    ``progress(done, total, failed)`` after each run): as :func:`run_study` documents them.
    """

    replicates: int
    days: int | None
    seed: int | None
    workers: int | None
    overrides: Mapping[str, Any] | Iterable[str] | None
    executor: Executor | None
    progress: Callable[[int, int, int], None] | None


def run_study(
    scenarios: Sequence[Scenario | str | Path],
    replicates: int = 10,
    days: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    detail: bool = True,
    scheduler: str | None = None,
    parameter_sets: Sequence[Mapping[str, float]] | None = None,
    posterior: str = "",
) -> Study:
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
        parameter_sets: Calibrated values for each replicate (drawn from a posterior:
            cpsim.studies.calibration.posterior_draws); replicate k of every scenario runs with set
            k, so intervals cover parameter uncertainty as well as run-to-run chance.
        posterior: Where the sets came from (recorded in the provenance).
        progress: Called as ``progress(done, total, failed)`` after each run.
        detail: Also keep each run's breakdown by group and beat and its daily trajectory.
        scheduler: Dask scheduler address (default: DASK_SCHEDULER_ADDRESS, else local
            processes); ignored when ``executor`` is given. Results are the same on any executor.

    Returns:
        The Study: runs table, breakdowns, trajectories, scenarios and provenance.

    Raises:
        ScenarioError: A scenario or override is invalid (nothing has run).
        ValueError: Fewer than one scenario, fewer than 2 replicates or fewer than 1 worker.
        SchedulerError: A bad or unreachable scheduler (nothing has run).

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
    # checked at the days they run: rules such as a survey's whole periods involve run.days
    at_days = {"run.days": int(days)} if days is not None else {}
    if isinstance(overrides, dict):
        loaded = load_all(scenarios, {**overrides, **at_days})
    else:
        loaded = load_all(scenarios, [*overrides, *(f"{k}={v}" for k, v in at_days.items())])
    base = loaded[0][2]
    days = int(base.run.days if days is None else days)
    seed = int(base.run.seed if seed is None else seed)
    seeds = replicate_seeds(seed, replicates)
    if parameter_sets is not None and len(parameter_sets) < int(replicates):
        n = len(parameter_sets)
        raise ValueError(f"compare: {n} parameter sets for {replicates} replicates; allowed: one a replicate")

    def at(params: Scenario, k: int) -> Scenario:
        if parameter_sets is None:
            return params

        return resolve(params, set_overrides(params, dict(parameter_sets[k])))

    tasks = [
        {"scenario": at(params, k), "name": name, "file": file, "replicate": k, "seed": s, "days": days,
         "detail": detail}
        for k, s in enumerate(seeds)
        for name, file, params in loaded
    ]  # fmt: skip
    rows = _execute(tasks, workers, executor, progress, scheduler)
    names = [name for name, _, _ in loaded]
    groups = _stack(rows, "_groups", names)
    trajectories = _stack(rows, "_trajectory", names)
    runs = _runs_table(rows, names)
    override_texts = [f"{k}={v}" for k, v in overrides.items()] if isinstance(overrides, dict) else list(overrides)
    files = {name: file for name, file, _ in loaded}
    runs.attrs.update(
        baseline=loaded[0][0], replicates=int(replicates), days=days, seed=seed, overrides=override_texts, files=files
    )
    report_failures(runs)
    scenario_map = {name: params for name, _, params in loaded}
    prov = provenance.record(
        scenario_map,
        files,
        seed=seed,
        replicate_seeds=seeds,
        days=days,
        replicates=int(replicates),
        overrides=override_texts,
        study="compare",
        **({"posterior": posterior, "parameter_sets": [dict(p) for p in parameter_sets[: int(replicates)]]}
           if parameter_sets is not None else {}),
    )  # fmt: skip
    return Study(runs, groups, trajectories, scenario_map, prov)


def run_replicates(
    scenarios: Sequence[Scenario | str | Path], *, scheduler: str | None = None, **options: Unpack[StudyOptions]
) -> pd.DataFrame:
    """The runs table of :func:`run_study` (one row per scenario and replicate), without the details.

    Args:
        scenarios: Scenario objects or files; the first is the baseline.
        scheduler: Dask scheduler address (as :func:`run_study`).
        **options: How the scenarios run (StudyOptions).
    """
    return run_study(scenarios, **options, detail=False, scheduler=scheduler).runs


def run_parallel(fn: Callable, jobs: Sequence[tuple], workers: int | None = None, scheduler: str | None = None) -> list:
    """``fn(*job)`` for every job, in order: here, in local worker processes, or on a Dask cluster.

    Each job carries its own seed, so the results do not depend on the executor, the workers
    or their order. A job that raises stops the study (its exception propagates).

    Args:
        fn: A module-level function (workers import it by name).
        jobs: Argument tuples, one per call.
        workers: Local worker processes (default 1: this process).
        scheduler: Dask scheduler address (default: DASK_SCHEDULER_ADDRESS, else local).

    Raises:
        SchedulerError: A bad or unreachable scheduler (before any job runs).

    """
    address = scheduler_address(scheduler)
    workers = min(workers or 1, len(jobs))
    if workers <= 1 and address is None:
        return [fn(*job) for job in jobs]
    with open_pool(workers, address) as pool:
        return list(pool.executor.map(fn, *zip(*jobs, strict=True)))


def _execute(
    tasks: list[dict], workers: int | None, executor: Executor | None, progress, scheduler: str | None = None
) -> list[dict]:
    """Run the tasks in this process, in a local process pool, on a Dask cluster, or on the executor given."""
    done_rows: list[dict] = []
    failed = 0

    def book(row: dict) -> None:
        nonlocal failed
        done_rows.append(row)
        failed += bool(row["error"])
        if progress is not None:
            progress(len(done_rows), len(tasks), failed)

    address = scheduler_address(scheduler) if executor is None else None
    n_workers = (os.cpu_count() or 1) if workers is None else int(workers)
    if executor is None and address is None and (n_workers == 1 or len(tasks) == 1):
        for task in tasks:
            book(run_replicate(task))
        return done_rows
    opened = (
        nullcontext(Pool(executor, 0, "given"))
        if executor is not None
        else open_pool(min(n_workers, len(tasks)), address)
    )
    with opened as pool:
        futures: dict[Future, dict] = {pool.executor.submit(run_replicate, task): task for task in tasks}
        for fut in as_completed(futures):
            try:
                row = fut.result()
            except Exception as err:  # noqa: BLE001  (a worker that died, e.g. out of memory)
                task = futures[fut]
                row = {
                    "scenario": task["name"],
                    "file": task["file"],
                    "replicate": task["replicate"],
                    "seed": task["seed"],
                    "days": task["days"],
                    "seconds": float("nan"),
                    "error": one_line(err),
                }
            book(row)
    return done_rows


def _stack(rows: list[dict], key: str, names: list[str]) -> pd.DataFrame:
    """Concatenate the per-run tables under ``key`` (removed from the rows), tagged with scenario and replicate."""
    parts = []
    for row in rows:
        table = row.pop(key, None)
        if table is not None and len(table):
            parts.append(table.assign(scenario=row["scenario"], replicate=row["replicate"]))
    if not parts:
        return pd.DataFrame(columns=["scenario", "replicate"])
    out = pd.concat(parts, ignore_index=True)
    out = out[["scenario", "replicate", *[c for c in out.columns if c not in ("scenario", "replicate")]]]
    out["scenario"] = pd.Categorical(out["scenario"], categories=names, ordered=True)
    sort = ["scenario", "replicate", *[c for c in ("level", "day") if c in out]]
    out = out.sort_values(sort, kind="stable").reset_index(drop=True)
    out["scenario"] = out["scenario"].astype(str)
    return out


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


__all__ = [
    "ID_COLUMNS",
    "Study",
    "load_all",
    "math",
    "normalize_overrides",
    "one_line",
    "replicate_seeds",
    "report_failures",
    "run_replicate",
    "run_parallel",
    "run_replicates",
    "run_study",
    "run_values",
]

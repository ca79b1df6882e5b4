"""The worker side of a sweep: run a batch of runs and return compact results.

A task is a batch of several runs, so that per-task overhead (pickling, scheduling, one
round trip to the driver) is shared by several simulations. A run that raises is returned
with its error text and the batch goes on. Each batch reports how long it spent inside
``simulate()`` (with the run's breakdown by group and beat, part of what a run produces)
and in total, so the runner's own overhead can be measured, not guessed.
"""

from __future__ import annotations

import math
import os
import socket
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cpsim.simulate import simulate
from cpsim.studies.breakdowns import breakdown_arrays


@dataclass(frozen=True)
class Job:
    """What a worker needs for one batch (identical for every batch of a sweep but the runs).

    Attributes:
        scenarios: Scenario name -> validated Scenario (fixed overrides already applied).
        days: Days per run (None: the scenario's run.days).
        metrics: Summary figures to return, in store column order.
        groups: Scenario group name -> ``trust_end_<group>`` column, for per-group trust.
        timeseries: Daily figures to return (empty: none).

    """

    scenarios: dict[str, Any]
    days: int | None
    metrics: tuple[str, ...]
    groups: tuple[tuple[str, str], ...]
    timeseries: tuple[str, ...]


@dataclass
class Outcome:
    """One finished run: status ok or failed, error text, seconds in simulate(), figures."""

    run_id: int
    status: str
    error: str | None
    duration: float
    values: dict[str, float | int | None]
    timeseries: np.ndarray | None = None
    breakdown: tuple[list[str], list[str], np.ndarray] | None = None


@dataclass
class BatchOutcome:
    """A finished batch and where its time went.

    Attributes:
        outcomes: One per run, in the order given.
        sim_seconds: Seconds spent inside simulate() (the runs themselves).
        worker_seconds: Seconds from the batch's start to its return (sim_seconds + overhead).
        worker: host:pid of the process that ran it.

    """

    outcomes: list[Outcome] = field(default_factory=list)
    sim_seconds: float = 0.0
    worker_seconds: float = 0.0
    worker: str = ""


def run_batch(job: Job, runs: list[tuple[int, str, dict[str, Any], int]]) -> BatchOutcome:
    """Run several runs of a sweep, one after another, in this worker.

    Args:
        job: The sweep's scenarios and what to keep.
        runs: (run_id, scenario name, varied values, seed) of each run.

    Returns:
        The batch's outcomes and timing.

    """
    start = time.perf_counter()
    batch = BatchOutcome(worker=f"{socket.gethostname()}:{os.getpid()}")
    for run_id, scenario, params, seed in runs:
        t0 = time.perf_counter()
        try:
            result = simulate(job.scenarios[scenario], seed=seed, days=job.days, overrides=params)
            parts = breakdown_arrays(result)
        except Exception as err:  # noqa: BLE001  (a failed run is recorded, the sweep goes on)
            duration = time.perf_counter() - t0
            text = f"{type(err).__name__}: {err}".replace("\n", " ") + "\n" + traceback.format_exc()
            batch.outcomes.append(Outcome(run_id, "failed", text, duration, {}))
        else:
            duration = time.perf_counter() - t0
            values, daily = _values(job, result.summary), _daily(job, result)
            batch.outcomes.append(Outcome(run_id, "ok", None, duration, values, daily, parts))
        batch.sim_seconds += duration
    batch.worker_seconds = time.perf_counter() - start
    return batch


def _values(job: Job, summary: dict[str, Any]) -> dict[str, float | int | None]:
    """Pick the kept summary figures; NaN (e.g. a rate with no cases) becomes None (SQL NULL)."""
    out = {m: _clean(summary.get(m)) for m in job.metrics}
    by_group = summary.get("trust_end_by_group", {})
    for group, col in job.groups:
        out[col] = _clean(by_group.get(group))
    return out


def _clean(v: Any) -> float | int | None:
    if v is None or isinstance(v, float) and math.isnan(v):
        return None
    return v.item() if isinstance(v, np.generic) else v


def _daily(job: Job, result) -> np.ndarray | None:
    if not job.timeseries:
        return None
    return result.timeseries[["day", *job.timeseries]].to_numpy(dtype=float)

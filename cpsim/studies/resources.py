"""Memory and run counts, estimated before anything starts.

A scenario can fit every range and still not fit the machine: 5,000,000 residents, an
experiment grid of 10^12 runs, a Sobol design of millions of points. Commands estimate
what they will need from the scenario (residents, ties, beats x days) and the design
(runs counted, not materialised), print the estimate before a large job, and refuse one
that needs more memory than the machine has free unless forced.

The constants are measured by ``python benchmarks/bench_memory.py`` (peak memory of
``simulate()`` above a process's memory after imports, slopes between city sizes).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

from cpsim.scenario import ScenarioError

# Measured on the 2-core machine, 2026-12 (benchmarks/bench_memory.py).
PROCESS_BYTES = 120_000_000  # an interpreter with cpsim imported (a worker process)
BYTES_PER_RESIDENT = 700  # arrays, Mesa agents, local social graph and its build
BYTES_PER_RESIDENT_NETWORKX = 800  # extra when networkx builds or reads the graph
BYTES_PER_BEAT_DAY = 350  # per-beat daily figures kept for the result tables
# Planning a sweep: a run's row (seed, params, store row) in the driver, plus per varied key.
PLAN_BYTES_PER_RUN = 1_300
PLAN_BYTES_PER_RUN_AND_KEY = 350
# Jobs below this are not worth a line of estimate.
LARGE_BYTES = 1_000_000_000
LARGE_RUNS = 10_000


class ResourceError(ScenarioError):
    """A job that would not fit this machine (one line, exit code 2)."""


@dataclass(frozen=True)
class Estimate:
    """What a job needs.

    Attributes:
        runs: Simulations in the job.
        run_bytes: Peak memory of one simulation above its process's own.
        processes: Simulations at once (worker processes).
        plan_bytes: Memory the driver needs to plan and track the runs.
        what: What sizes the runs, in words (``population.residents = 5,000,000``).

    """

    runs: int
    run_bytes: int
    processes: int = 1
    plan_bytes: int = 0
    what: str = ""

    @property
    def total(self) -> int:
        """Bytes needed at once: every worker with its run, plus the driver's plan."""
        return self.processes * (PROCESS_BYTES + self.run_bytes) + self.plan_bytes

    @property
    def large(self) -> bool:
        """Worth telling the user before starting."""
        return self.total >= LARGE_BYTES or self.runs >= LARGE_RUNS

    def line(self) -> str:
        """The estimate in one line."""
        free = available_bytes()
        runs = f"{self.runs:,} run{'s' if self.runs != 1 else ''}"
        parts = [f"estimate: {runs} ({self.what})" if self.what else f"estimate: {runs}"]
        parts.append(f"~{_size(self.run_bytes)} per run")
        if self.processes > 1:
            parts.append(f"{self.processes} at a time")
        if self.plan_bytes >= 10_000_000:
            parts.append(f"{_size(self.plan_bytes)} to plan")
        tail = f"; ~{_size(self.total)} in all" + (f", {_size(free)} free on this machine" if free else "")
        return ", ".join(parts) + tail


def _size(n: float) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n / 1e3:.0f} kB"


def run_bytes(scenario: Any, days: int | None = None) -> int:
    """Estimated peak memory of one simulation of a scenario (above its process's own).

    Args:
        scenario: A validated scenario.
        days: Days it runs (default: its run.days).

    Returns:
        Bytes.

    """
    n = scenario.population.residents
    per = BYTES_PER_RESIDENT + (BYTES_PER_RESIDENT_NETWORKX if scenario.graph.kind != "local" else 0)
    days = scenario.run.days if days is None else days
    keys = scenario.population.beats + len(scenario.population.group_names)
    return int(n * per + keys * days * BYTES_PER_BEAT_DAY)


def run_estimate(scenario: Any, runs: int = 1, processes: int = 1, days: int | None = None) -> Estimate:
    """Estimate a job of ``runs`` simulations of one scenario, ``processes`` at a time."""
    what = f"population.residents = {scenario.population.residents:,}"
    return Estimate(runs, run_bytes(scenario, days), max(1, min(processes, runs)), runs * PLAN_BYTES_PER_RUN, what)


def available_bytes() -> int | None:
    """Memory this machine has free now (MemAvailable), or None when it cannot be told."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_fits(estimate: Estimate, force: bool = False, hint: str = "fewer or smaller runs") -> None:
    """Print the estimate of a large job on stderr; refuse one that does not fit unless forced.

    Args:
        estimate: What the job needs.
        force: Start even when it does not fit.
        hint: What the user can change, for the refusal.

    Raises:
        ResourceError: The job needs more memory than the machine has free and not ``force``.

    """
    free = available_bytes()
    too_big = free is not None and estimate.total > free
    if estimate.large or too_big:
        print(f"cpsim: {estimate.line()}", file=sys.stderr, flush=True)
    if too_big and not force:
        raise ResourceError(
            f"{estimate.what or 'this job'}: needs ~{_size(estimate.total)}, more than the {_size(free)} free; "
            f"allowed: {hint}, or --force to start anyway"
        )

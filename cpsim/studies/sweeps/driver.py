"""The driver of a sweep: plan, submit batches, commit results as they come, show progress.

Only the driver writes the store. It keeps a bounded window of batches in flight (twice
the executor's slots), so a killed sweep loses at most those runs and a huge sweep never
queues everything at once. Results are committed batch by batch in completion order; since
every run's seed is fixed by the run table, the final store does not depend on that order,
on the executor or on interruptions.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from cpsim.studies.executors import Pool, scheduler_address, sweep_pool
from cpsim.studies.interrupts import Interrupted, Interrupts, held
from cpsim.studies.progress import LogLines
from cpsim.studies.resources import PLAN_BYTES_PER_RUN, PLAN_BYTES_PER_RUN_AND_KEY, Estimate, check_fits, run_bytes
from cpsim.studies.sweeps.batch import BatchOutcome, Job, run_batch
from cpsim.studies.sweeps.experiment import Experiment, group_column, group_names, load_experiment
from cpsim.studies.sweeps.results import Store, StoreWriteError
from cpsim.studies.sweeps.sampling import PlannedRun, check_points, count_runs, run_table


class SweepIncomplete(RuntimeError):
    """Workers died (not a run raising: that is recorded): some runs are still pending."""


@dataclass
class SweepReport:
    """How a sweep (or one session of it) went.

    Attributes:
        out: The store.
        total: Runs in the experiment.
        done: Runs done (ok or failed), all sessions.
        failed: Runs that raised, all sessions.
        ran: Runs finished in this session.
        seconds: Wall-clock seconds of this session.
        sim_seconds: Worker seconds inside simulate() in this session.
        worker_seconds: Worker seconds in batches (simulate + the runner's worker-side overhead).
        slots: Parallel workers used.

    """

    out: Path
    total: int
    done: int
    failed: int
    ran: int = 0
    seconds: float = 0.0
    sim_seconds: float = 0.0
    worker_seconds: float = 0.0
    slots: int = 1

    @property
    def rate(self) -> float:
        """Runs per second in this session."""
        return self.ran / self.seconds if self.seconds > 0 else 0.0

    @property
    def in_simulation(self) -> float:
        """Share of worker time spent inside simulate() (NaN when nothing ran)."""
        return self.sim_seconds / self.worker_seconds if self.worker_seconds > 0 else float("nan")


# Adaptive batches: enough runs per task for about this many seconds of simulation, so the
# per-task cost (pickling, scheduling, a commit; ~ms) stays well under 1% of a task.
TARGET_TASK_SECONDS = 2.0
MAX_BATCH = 64


class Batches:
    """The runs still to submit, cut into batches.

    With a fixed size (the experiment's ``batch``) every batch has that many runs. Otherwise
    the first batches hold one run each; once runs have finished, a batch holds enough runs
    for about TARGET_TASK_SECONDS of simulation (at most MAX_BATCH), and never more than a
    share of the remaining runs that keeps every worker busy until the end.
    """

    def __init__(
        self, runs: list[PlannedRun], fixed: int, slots: int, params: Callable[[PlannedRun], dict] | None = None
    ) -> None:
        self.runs, self.fixed, self.slots = runs, fixed, slots
        self.params = params if params is not None else (lambda run: run.params)
        self.next_index = 0
        self.seconds = 0.0
        self.finished = 0

    def observe(self, batch: BatchOutcome) -> None:
        """Learn the runs' typical length from a finished batch."""
        self.seconds += batch.sim_seconds
        self.finished += len(batch.outcomes)

    def size(self) -> int:
        """Runs in the next batch."""
        if self.fixed:
            return self.fixed
        if not self.finished:
            return 1
        per_run = max(self.seconds / self.finished, 1e-6)
        remaining = len(self.runs) - self.next_index
        balance = math.ceil(remaining / (2 * self.slots))
        return max(1, min(math.ceil(TARGET_TASK_SECONDS / per_run), MAX_BATCH, balance))

    def take(self) -> list[tuple] | None:
        """Arguments of the next batch: (run_id, scenario, params, seed) per run; None when done."""
        if self.next_index >= len(self.runs):
            return None
        chunk = self.runs[self.next_index : self.next_index + self.size()]
        self.next_index += len(chunk)
        return [(r.run_id, r.scenario, self.params(r), r.seed) for r in chunk]


def run_params(exp: Experiment) -> Callable[[PlannedRun], dict]:
    """What each run sets: its replicate's drawn parameter set (with a posterior), then its point's values."""
    if not exp.parameter_sets:
        return lambda run: run.params
    from cpsim.studies.calibration.posterior_draws import set_overrides

    drawn: dict[tuple[str, int], dict] = {}  # per scenario and replicate: a set's list elements fit each scenario

    def params(run: PlannedRun) -> dict:
        key = (run.scenario, run.replicate)
        if key not in drawn:
            drawn[key] = set_overrides(exp.scenarios[run.scenario], exp.parameter_sets[run.replicate])
        return {**drawn[key], **run.params}

    return params


def job_of(exp: Experiment) -> Job:
    """Collect what every worker needs to know about the experiment."""
    groups = ()
    if "trust_end" in exp.metrics:
        groups = tuple((g, group_column(g)) for g in group_names(exp))
    return Job(exp.scenarios, exp.days, exp.metrics, groups, exp.timeseries)


def run_sweep(
    experiment: Experiment | str | Path,
    out: str | Path | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    pool: Pool | None = None,
    resume: bool = False,
    progress: bool | None = None,
    verbose: bool = False,
    force: bool = False,
    retry_failed: bool = False,
) -> SweepReport:
    """Run (or resume) an experiment into its DuckDB store.

    Args:
        experiment: An Experiment or the path of an experiment file.
        out: The store (default: out/<experiment name>.duckdb).
        workers: Local worker processes (default: all cores).
        scheduler: Dask scheduler address (default: DASK_SCHEDULER_ADDRESS, else local processes).
        pool: An executor to use instead (anything whose submit() returns a Future).
        resume: Require an existing store (a matching store is always resumed).
        progress: Show a live progress bar (default: when stderr is a terminal).
        verbose: Print a line per committed batch to stderr (for logs and tests).
        force: Start even when the estimated memory exceeds what the machine has free, and
            resume a store written by other model code.
        retry_failed: Run the failed runs of an earlier session again.

    Returns:
        How the sweep went.

    Raises:
        SchedulerError: A bad or unreachable scheduler address (before any run).
        ExperimentError: Bad experiment file, a design or runs too big for this machine, or a
            store of another experiment, of other model code, held by another sweep or damaged
            (all before any run).
        SweepIncomplete: Workers died or the store could not be written; the runs not
            committed are still pending (rerun to resume).

    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    out = Path(out) if out is not None else Path("out") / f"{exp.name}.duckdb"
    address = scheduler_address(scheduler) if pool is None else None
    # counted, not built: a design of 10^12 runs is refused before it exhausts memory while planning
    n_runs = count_runs(exp)
    local = 0 if address or pool is not None else min(workers or os.cpu_count() or 1, n_runs)
    what = f"{exp.path}: {len(exp.scenarios)} scenarios x {n_runs // len(exp.scenarios) // exp.replicates:,} points x "
    what += f"{exp.replicates} replicates"
    per_run = max(run_bytes(sc, exp.days) for sc in exp.scenarios.values())
    plan_bytes = n_runs * (PLAN_BYTES_PER_RUN + PLAN_BYTES_PER_RUN_AND_KEY * len(exp.vary))
    check_fits(Estimate(n_runs, per_run, local, plan_bytes, what), force, "a smaller design")
    plan = run_table(exp)
    check_points(exp, plan)
    console = Console(stderr=True)
    report = SweepReport(out, len(plan), 0, 0)
    # Ctrl-C is a flag from here on: the pool's start and the store's writes are never cut half-way
    with held() as interrupts:
        try:
            # the executor first: an unreachable scheduler fails before a store is created
            with sweep_pool(pool, workers, address) as p:
                interrupts.check()
                store = Store.open(out, exp, plan, must_exist=resume, force=force, retry_failed=retry_failed)
                try:
                    _session(exp, store, plan, p, report, console, progress, verbose, interrupts)
                finally:
                    store.close()
        except (Interrupted, KeyboardInterrupt):
            done = f"{report.done}/{report.total} runs done, {report.failed} failed -> {report.out}"
            raise Interrupted(f"{exp.name}: {done}; run the same command again to resume") from None
    print(_final_line(exp, report, p.where), file=sys.stderr, flush=True)
    return report


def _session(exp, store, plan, pool, report, console, progress, verbose, interrupts: Interrupts) -> None:
    """Run what the store still holds as pending: this session of the sweep."""
    counts = store.counts()
    report.done, report.failed, report.slots = counts["ok"] + counts["failed"], counts["failed"], pool.slots
    if store.retried:
        print(f"{exp.name}: {store.retried} failed runs put back to pending (--retry-failed)", file=sys.stderr)
    pending = set(store.pending())
    todo = [r for r in plan if r.run_id in pending]
    if todo and report.done:
        print(f"{exp.name}: resuming: {report.done} of {report.total} runs done", file=sys.stderr)
    if todo:
        show = console.is_terminal if progress is None else progress
        _drive(exp, store, todo, pool, report, console, show, verbose, interrupts)


def _drive(exp, store, todo, pool, report, console, show, verbose, interrupts: Interrupts) -> None:
    job = job_of(exp)
    batches = Batches(todo, exp.batch, pool.slots, run_params(exp))
    window = 2 * pool.slots
    inflight: dict[Future, int] = {}
    broken: BaseException | None = None
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    start = time.perf_counter()
    # no live bar (stderr is a log): a line at each tenth of the runs and at least once a minute
    log = LogLines(exp.name, already=report.done) if not show and not verbose else None
    with Progress(*columns, console=console, disable=not show, transient=False) as bar:
        task = bar.add_task(exp.name, total=report.total, completed=report.done, failed=report.failed, rate="")

        def fill() -> None:
            nonlocal broken
            while broken is None and len(inflight) < window:
                args = batches.take()
                if args is None:
                    return
                try:
                    inflight[pool.executor.submit(run_batch, job, args)] = len(args)
                except Exception as err:  # noqa: BLE001  (a broken pool refuses work: stop, runs stay pending)
                    broken = interrupts.failed(err)

        try:
            fill()
            while inflight:
                for fut in interrupts.wait(inflight):
                    inflight.pop(fut)
                    try:
                        batch = fut.result()
                    except Exception as err:  # noqa: BLE001  (the executor failed, not a run: runs stay pending)
                        broken = broken or interrupts.failed(err)
                        continue
                    try:
                        store.commit(batch)
                    except StoreWriteError as err:
                        broken = broken or err  # stop submitting; what was committed stays
                        continue
                    batches.observe(batch)
                    failed = sum(o.status == "failed" for o in batch.outcomes)
                    report.ran += len(batch.outcomes)
                    report.done += len(batch.outcomes)
                    report.failed += failed
                    report.sim_seconds += batch.sim_seconds
                    report.worker_seconds += batch.worker_seconds
                    report.seconds = time.perf_counter() - start
                    rate = f"{report.rate:.2f} runs/s"
                    bar.update(task, advance=len(batch.outcomes), failed=report.failed, rate=rate)
                    if verbose:
                        line = f"{exp.name}: {report.done}/{report.total} runs done, {report.failed} failed"
                        print(line, file=sys.stderr, flush=True)
                    elif log is not None:
                        log(report.done, report.total, report.failed)
                fill()
        finally:
            for fut in inflight:
                fut.cancel()
            report.seconds = time.perf_counter() - start
    if isinstance(broken, Interrupted):
        raise broken
    if broken is not None:
        left = report.total - report.done
        if isinstance(broken, StoreWriteError):
            what = str(broken)
        else:
            what = f"workers failed ({type(broken).__name__}: {broken})"
        line = f"{exp.name}: {what}; {left} runs not done; run the same command again to resume"
        raise SweepIncomplete(" ".join(line.split()))


def _final_line(exp: Experiment, r: SweepReport, where: str) -> str:
    line = f"{exp.name}: {r.done}/{r.total} runs done, {r.failed} failed -> {r.out}"
    if exp.posterior:
        line += f"; each replicate's parameters drawn from {exp.posterior}"
    if r.ran:
        line += (
            f"; this session {r.ran} runs in {r.seconds:.1f} s ({r.rate:.2f} runs/s, {where}), "
            f"{100 * r.in_simulation:.1f}% of worker time inside simulate()"
        )
    if r.failed:
        line += f"; see why: cpsim results {r.out} --failed"
    return line

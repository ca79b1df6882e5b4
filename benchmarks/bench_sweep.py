"""Sweep throughput: runs/s with 1 and 2 local workers, and the overhead of Dask per run.

Usage: python benchmarks/bench_sweep.py [--runs 120] [--residents 1000] [--days 30]

For each executor the same experiment (fresh store each time) is run and we report:
- runs/s: finished runs per wall-clock second of the sweep (pool start-up included);
- in simulate: share of the workers' batch time spent inside simulate();
- overhead/run: (slots x wall - seconds inside simulate) / runs, i.e. everything that is
  not simulation (start-up, scheduling, pickling, commits, idle workers), per run.
Dask's extra cost per task comes from tiny runs sent one per task to one worker (so the
driver and scheduler have the other core): its overhead/run minus the local pool's.
Figures are noisy on a shared 2-core machine; the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from cpsim.studies.sweeps import open_results, run_sweep

ROOT = Path(__file__).resolve().parents[1]


def experiment(dirname: Path, runs: int, residents: int, days: int, batch: int) -> Path:
    path = dirname / f"bench_{runs}_{residents}_{days}_{batch}.toml"
    cuts = [0.0, 0.1, 0.2, 0.3]
    path.write_text(
        f'name = "bench"\nscenarios = ["{ROOT / "scenarios" / "baseline.toml"}"]\ndesign = "grid"\n'
        f"replicates = {max(1, runs // len(cuts))}\ndays = {days}\nseed = 1\nbatch = {batch}\n"
        'timeseries = ["trust_mean", "victimizations"]\n'
        f"[vary]\npolicing.budget_cut = {cuts}\n"
        f"[overrides]\npopulation.residents = {residents}\npopulation.beats = 4\n"
    )
    return path


def measure(label: str, exp: Path, store: Path, **kwargs) -> dict:
    start = time.perf_counter()
    report = run_sweep(exp, store, progress=False, **kwargs)
    wall = time.perf_counter() - start
    tasks = open_results(store, timeseries=False).tasks
    sim = tasks["sim_seconds"].sum()
    return {
        "executor": label,
        "runs": report.ran,
        "slots": report.slots,
        "wall_s": wall,
        "runs_per_s": report.ran / wall,
        "sim_s_per_run": sim / report.ran,
        "in_simulate": sim / tasks["worker_seconds"].sum(),
        "overhead_ms_per_run": 1000 * (report.slots * wall - sim) / report.ran,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=120)
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--tiny-runs", type=int, default=200, help="runs of the per-task overhead part")
    args = parser.parse_args()
    rows = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        exp = experiment(tmp, args.runs, args.residents, args.days, batch=0)
        # tiny runs one per task: what is not simulation is per-task cost
        tiny = experiment(tmp, args.tiny_runs, 200, 2, batch=1)
        # warm the forkserver (imports) so each row measures the sweep, not Python start-up
        run_sweep(experiment(tmp, 4, 200, 2, 1), tmp / "warm.duckdb", workers=2, progress=False)
        rows.append(measure("local, 1 worker", exp, tmp / "l1.duckdb", workers=1))
        rows.append(measure("local, 2 workers", exp, tmp / "l2.duckdb", workers=2))
        rows.append(measure("tiny runs, local, 1 worker, batch 1", tiny, tmp / "t1.duckdb", workers=1))
        try:
            from distributed import LocalCluster
        except ImportError:
            print("dask.distributed not installed: no Dask figures")
        else:
            for n in (2, 1):
                with LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
                ) as cluster:
                    address = cluster.scheduler_address
                    run_sweep(experiment(tmp, 4, 200, 2, 1), tmp / f"warm{n}.duckdb", scheduler=address, progress=False)
                    if n == 2:
                        rows.append(measure("Dask LocalCluster, 2 workers", exp, tmp / "d2.duckdb", scheduler=address))
                    else:
                        rows.append(
                            measure("tiny runs, Dask, 1 worker, batch 1", tiny, tmp / "dt.duckdb", scheduler=address)
                        )
    print(
        f"\n{args.runs} runs of {args.residents} residents x {args.days} days (adaptive batches); "
        f"{args.tiny_runs} tiny runs of 200 residents x 2 days, one per task"
    )
    print(f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores")
    print(f"{'executor':38} {'runs/s':>7} {'wall s':>7} {'sim s/run':>9} {'in simulate':>11} {'overhead ms/run':>15}")
    for r in rows:
        print(
            f"{r['executor']:38} {r['runs_per_s']:7.2f} {r['wall_s']:7.1f} {r['sim_s_per_run']:9.3f} "
            f"{r['in_simulate']:11.1%} {r['overhead_ms_per_run']:15.1f}"
        )
    by = {r["executor"]: r for r in rows}
    dask = by.get("tiny runs, Dask, 1 worker, batch 1")
    if dask:
        extra = dask["overhead_ms_per_run"] - by["tiny runs, local, 1 worker, batch 1"]["overhead_ms_per_run"]
        print(f"Dask overhead per task (= per run at batch 1), beyond local processes: {extra:+.1f} ms")


if __name__ == "__main__":
    main()

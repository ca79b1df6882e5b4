"""Per-day cost of small cities, and of making a day's random streams, on one or two checkouts.

Runs the baseline city (one beat per 1,250 residents, seed 1) for ``--days`` days after
a warm-up day, in a fresh process per run, alternating the checkouts so both see the same
machine load; prints the median (and spread) of CPU ms per day over ``--repeats`` runs,
the CPU microseconds a day spends making the streams a baseline day draws from, the
build's CPU ms, and the run process's peak memory (ru_maxrss, after build and days; modules
load from cached bytecode, written by one untimed import per checkout). CPU
time (``time.process_time``) rather than wall time, since the machine is shared. Compare two
commits in one session:

    git archive OLD | tar -x -C /tmp/old
    python benchmarks/bench_day.py --checkout /tmp/old --checkout . --sizes 2000 10000

``--kernels compiled numpy`` runs each checkout on both kernel paths (CPSIM_KERNELS,
cpsim.kernels.path), alternating them too, and prints numpy's time over the compiled one's:

    python benchmarks/bench_day.py --kernels compiled numpy --sizes 2000 10000 100000
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The day streams a baseline day draws from (a program or a survey adds its own).
TOUCHED = ("duty", "crime", "reporting", "response", "quality", "crisis", "enforcement", "patrol", "complaints")


def one(n: int, days: int) -> dict:
    """CPU ms per day of one city, CPU µs per day making the touched day streams, build ms, peak MB."""
    import cpsim

    scenario = cpsim.Scenario().with_overrides({"population.residents": n, "population.beats": max(1, n // 1250)})
    model_class = cpsim.CommunityModel  # the package face imports lazily: import before timing the build
    t0 = time.process_time()
    model = model_class(scenario, seed=1)
    ms_build = 1000 * (time.process_time() - t0)
    model.step()  # warm-up day (first-touch allocations)
    t0 = time.process_time()
    for _ in range(days):
        model.step()
    ms_day = 1000 * (time.process_time() - t0) / days
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    if hasattr(model.streams, "day"):  # the stream bank, as the model's day loop uses it
        make = model.streams.day
        if "reuse" in inspect.signature(make).parameters:  # generators restarted in place

            def make(day: int, bank=model.streams):
                return bank.day(day, reuse=True)

    else:  # before the bank: cpsim.model.day_streams
        from cpsim.model import day_streams

        def make(day: int):
            return day_streams(model.seed, day)

    reps = 2000
    t0 = time.process_time()
    for day in range(reps):
        streams = make(day)
        for name in TOUCHED:
            streams[name]
    us_streams = 1e6 * (time.process_time() - t0) / reps
    return {"ms_day": ms_day, "us_streams": us_streams, "ms_build": ms_build, "peak_mb": peak_mb}


def main() -> None:
    """Alternate the checkouts over the sizes and repeats; print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkout", action="append", type=Path, help="a source tree (repeat to compare)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--kernels", nargs="+", choices=["compiled", "numpy"], help="kernel paths to run (CPSIM_KERNELS)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(a.one, a.days)))
        return
    checkouts = [c.resolve() for c in a.checkout or [ROOT]]
    # Each run loads its modules' cached bytecode, as an installed package does, instead of
    # compiling the sources: compiling model.py alone peaks at 2.6 MB, which the peak memory
    # would otherwise measure. One untimed import per checkout writes the cache first.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for c in checkouts:
        warm = "import cpsim; cpsim.Scenario(); cpsim.CommunityModel"
        subprocess.run([sys.executable, "-c", warm], check=True, env={**env, "PYTHONPATH": str(c)}, cwd=c)
    runs: dict[tuple[int, str], list[dict]] = {}
    paths = a.kernels or [None]
    pairs = [(c, k) for c in checkouts for k in paths]
    for r in range(a.repeats):
        for n in a.sizes:
            for c, k in pairs if r % 2 == 0 else pairs[::-1]:
                kernels = {"CPSIM_KERNELS": k} if k else {}
                out = subprocess.run(
                    [sys.executable, __file__, "--one", str(n), "--days", str(a.days)],
                    capture_output=True,
                    text=True,
                    check=True,
                    env={**env, "PYTHONPATH": str(c), **kernels},
                    cwd=c,
                )
                label = f"{str(c)[-20:]} {k}" if k else str(c)
                runs.setdefault((n, label), []).append(json.loads(out.stdout))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    print(
        f"{'residents':>9} {'checkout':<28} {'CPU ms/day median':>17} {'min–max':>13} {'streams CPU µs/day':>18}"
        f" {'build CPU ms':>12} {'peak MB':>8}"
    )
    for (n, c), rows in runs.items():
        ms = [r["ms_day"] for r in rows]
        us = statistics.median(r["us_streams"] for r in rows)
        build = statistics.median(r.get("ms_build", float("nan")) for r in rows)
        peak = statistics.median(r.get("peak_mb", float("nan")) for r in rows)
        print(
            f"{n:>9} {c[-28:]:<28} {statistics.median(ms):>17.3f} {min(ms):>6.2f}–{max(ms):<6.2f} {us:>18.1f}"
            f" {build:>12.1f} {peak:>8.1f}"
        )
    if a.kernels and set(a.kernels) == {"compiled", "numpy"}:
        for c in checkouts:
            for n in a.sizes:
                med = {k: statistics.median(r["ms_day"] for r in runs[(n, f"{str(c)[-20:]} {k}")]) for k in a.kernels}
                print(
                    f"{n:>9} residents: numpy {med['numpy']:.2f} ms/day, compiled {med['compiled']:.2f}: "
                    f"{med['numpy'] / med['compiled']:.1f}x"
                )


if __name__ == "__main__":
    main()

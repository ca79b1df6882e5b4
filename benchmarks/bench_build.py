"""Model build time and peak memory, two checkouts side by side (paired, one session).

Every build runs in a fresh process (after a small warm-up build, so imports and lazy
loads are not counted), with the checkouts taking turns, so both see the same load.
Prints the median build time of the repeats, and the peak memory of the process during
the build and the memory the built model holds, both above its memory after the warm-up:

    git archive OLD | tar -x -C /tmp/old
    python benchmarks/bench_build.py --checkout before=/tmp/old --checkout after=. \\
        --sizes 2000 10000 100000 1000000 --repeats 5

A checkout is put first on PYTHONPATH, so any commit can be measured.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def one(n: int) -> dict:
    """Build one city of ``n`` residents in this process; its time and memory."""
    import cpsim

    def scenario(size: int) -> cpsim.Scenario:
        return cpsim.Scenario().with_overrides({"population.residents": size, "population.beats": max(1, size // 1250)})

    cpsim.CommunityModel(scenario(500), seed=1)  # warm-up: imports and first calls
    base = _rss_mb()
    t0 = time.perf_counter()
    model = cpsim.CommunityModel(scenario(n), seed=1)
    build = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"build_s": build, "peak_mb": peak - base, "held_mb": _rss_mb() - base, "residents": model.residents.n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkout", action="append", default=[], help="NAME=DIR (repeat; default: this one)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[2_000, 10_000, 100_000])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(a.one)))
        return
    here = str(Path(__file__).resolve().parent.parent)
    checkouts = dict(c.split("=", 1) for c in a.checkout) or {"this": here}
    print(
        f"{'residents':>10} {'checkout':>10} {'build ms (median)':>18} {'min':>8} {'max':>8} "
        f"{'peak MB':>8} {'held MB':>8}"
    )
    for n in a.sizes:
        runs: dict[str, list[dict]] = {name: [] for name in checkouts}
        for r in range(a.repeats):
            order = list(checkouts.items())
            for name, path in order if r % 2 == 0 else order[::-1]:
                env = {**os.environ, "PYTHONPATH": str(Path(path).resolve())}
                out = subprocess.run(
                    [sys.executable, __file__, "--one", str(n)], env=env, capture_output=True, text=True, check=True
                )
                runs[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
        for name, rs in runs.items():
            ms = [1000 * x["build_s"] for x in rs]
            peak, held = (statistics.median(x[k] for x in rs) for k in ("peak_mb", "held_mb"))
            print(
                f"{n:>10,} {name:>10} {statistics.median(ms):>18.1f} {min(ms):>8.1f} {max(ms):>8.1f} "
                f"{peak:>8.0f} {held:>8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()

"""Build time, resident-days per second and peak memory of the full model at scale.

Each size runs in a fresh subprocess so peak memory (ru_maxrss) is that size's own.
Usage: python benchmarks/bench_scale.py [--sizes 10000 100000 1000000] [--days 30]
Targets (DESIGN.md): >= 10M resident-days/s at 100k, >= 5M at 1M; a 1M city built in
<= 20 s with peak memory <= 2 GB. Figures are whole-process and noisy on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def one(n: int, days: int) -> dict:
    import cpsim

    beats = max(1, n // 1250)
    scenario = cpsim.Scenario().with_overrides({"population.residents": n, "population.beats": beats})
    t0 = time.perf_counter()
    model = cpsim.CommunityModel(scenario, seed=1)
    build = time.perf_counter() - t0
    model.step()  # warm-up day (first-touch allocations)
    t0 = time.perf_counter()
    for _ in range(days):
        model.step()
    run = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "residents": n,
        "beats": beats,
        "ties": int(model.social.n_edges),
        "build_s": round(build, 2),
        "ms_per_day": round(1000 * run / days, 1),
        "resident_days_per_s": round(n * days / run / 1e6, 2),
        "peak_mb": round(peak_mb),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.days)))
        return
    print(f"{'residents':>10} {'ties':>10} {'build s':>8} {'ms/day':>8} {'M res-days/s':>13} {'peak MB':>8}")
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--days", str(args.days)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['residents']:>10,} {r['ties']:>10,} {r['build_s']:>8} {r['ms_per_day']:>8} "
            f"{r['resident_days_per_s']:>13} {r['peak_mb']:>8}"
        )


if __name__ == "__main__":
    main()

"""Measure the memory constants cpsim.studies.resources uses to estimate a run before it starts.

Each case runs ``simulate()`` in a fresh subprocess and reports its peak memory above the
process's memory after imports (ru_maxrss minus the resident set after ``import cpsim``).
Slopes are fitted between the cases and printed next to the constants in
cpsim/studies/resources.py; update those when this says they have drifted (e.g. after the model
gains per-resident state).

Usage: python benchmarks/bench_memory.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        import os

        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def one(residents: int, beats: int, days: int, kind: str) -> dict:
    import cpsim
    import cpsim.studies.sweeps.batch  # noqa: F401  (what a sweep worker imports)

    base = rss_bytes()
    overrides = {"population.residents": residents, "population.beats": beats, "graph.kind": kind}
    cpsim.simulate(None, seed=1, days=days, overrides=overrides)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"residents": residents, "beats": beats, "days": days, "kind": kind, "base": base, "peak": peak - base}


KEYS = {
    "policing.budget_cut": (0, 0.5), "trust.half_life_days": (10, 100), "patrol.foot_hours": (0, 3),
    "crime.elasticity_violent": (0.2, 0.5), "safety.initial": (0.2, 0.9), "word_of_mouth.vicarious_weight": (0.1, 0.5),
}  # fmt: skip


def plan(runs: int, keys: int, folder: str) -> dict:
    """Peak memory of planning an LHS sweep of ``runs`` runs varying ``keys`` keys (run table + new store)."""
    from pathlib import Path

    from cpsim.studies.sweeps import load_experiment, run_table
    from cpsim.studies.sweeps.results import Store
    from cpsim.studies.sweeps.sampling import check_points

    path = Path(folder) / f"plan_{runs}_{keys}.toml"
    vary = "\n".join(f"{k} = [{lo}, {hi}]" for k, (lo, hi) in list(KEYS.items())[:keys])
    path.write_text(
        f'name = "plan"\nscenarios = ["{Path(__file__).parents[1] / "scenarios" / "baseline.toml"}"]\n'
        f'design = "lhs"\nsamples = {runs}\n[vary]\n{vary}\n'
    )
    exp = load_experiment(path)
    base = rss_bytes()
    table = run_table(exp)
    check_points(exp, table)
    Store.open(path.with_suffix(".duckdb"), exp, table).close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"runs": runs, "keys": keys, "peak": peak - base}


def run(case: tuple) -> dict:
    cmd = [sys.executable, __file__, "--one", json.dumps(case)]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Smaller cities (less exact slopes).")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        case = json.loads(args.one)
        print(json.dumps(plan(*case[1:]) if case[0] == "plan" else one(*case)))
        return
    small, big = (20_000, 100_000) if args.quick else (50_000, 300_000)
    local = [run((n, 8, 5, "local")) for n in (small, big)]
    nx_graph = [run((n, 8, 5, "watts_strogatz")) for n in (small // 2, big // 3)]
    beats = [run((10_000, b, 300, "local")) for b in (8, 2_000)]
    per_resident = (local[1]["peak"] - local[0]["peak"]) / (big - small)
    per_resident_nx = (nx_graph[1]["peak"] - nx_graph[0]["peak"]) / (big // 3 - small // 2) - per_resident
    per_beat_day = (beats[1]["peak"] - beats[0]["peak"]) / ((2_000 - 8) * 300)
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        n0, n1 = (10_000, 40_000) if args.quick else (20_000, 100_000)
        plans = {k: [run(("plan", n, k, folder)) for n in (n0, n1)] for k in (2, 6)}
    slope = {k: (p[1]["peak"] - p[0]["peak"]) / (n1 - n0) for k, p in plans.items()}
    per_key = (slope[6] - slope[2]) / 4
    from cpsim.studies import resources

    rows = [
        ("PROCESS_BYTES", local[0]["base"], resources.PROCESS_BYTES),
        ("BYTES_PER_RESIDENT", per_resident, resources.BYTES_PER_RESIDENT),
        ("BYTES_PER_RESIDENT_NETWORKX", per_resident_nx, resources.BYTES_PER_RESIDENT_NETWORKX),
        ("BYTES_PER_BEAT_DAY", per_beat_day, resources.BYTES_PER_BEAT_DAY),
        ("PLAN_BYTES_PER_RUN", slope[2] - 2 * per_key, resources.PLAN_BYTES_PER_RUN),
        ("PLAN_BYTES_PER_RUN_AND_KEY", per_key, resources.PLAN_BYTES_PER_RUN_AND_KEY),
    ]
    for case in (*local, *nx_graph, *beats):
        print(
            f"{case['residents']:>9,} residents {case['beats']:>5} beats {case['days']:>4} days {case['kind']:>15}: "
            f"peak {case['peak'] / 2**20:7.1f} MB above {case['base'] / 2**20:.0f} MB after imports"
        )
    for name, measured, used in rows:
        print(f"{name:<28} measured {measured:>14,.0f}   cpsim/studies/resources.py {used:>14,}")


if __name__ == "__main__":
    main()

"""CPU time of a six-year run of Chicago's 77 community areas at 1:100, and where it goes.

Runs scenarios/cities/chicago.toml (a burn-in year and five surveyed years, 2,190 days) in a
fresh process per repeat and prints the median CPU seconds (``time.process_time``: the
machine is shared, so wall time says little) with the build's share; ``--profile`` adds one
profiled run's top functions by own time. Overrides take the calibration's dotted keys, so
a corner of the prior can be timed too:

    python benchmarks/bench_chicago.py --repeats 3
    python benchmarks/bench_chicago.py --profile --set word_of_mouth.vicarious_weight=0.6
    python benchmarks/bench_chicago.py --prior experiments/chicago_fit.toml --points 10

``--prior`` times one run at each of ``--points`` points of a Latin hypercube over a
calibration's priors (its scenario keys; observation keys act on no run), each in a fresh process.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHICAGO = ROOT / "scenarios" / "cities" / "chicago.toml"


def one(overrides: list[str]) -> dict:
    """CPU seconds of building the city and of the whole run."""
    import cpsim

    scenario = cpsim.load_scenario(CHICAGO, overrides)
    model_class = cpsim.CommunityModel  # the package face imports lazily: import before timing the build
    t0 = time.process_time()
    model = model_class(scenario, seed=1)
    build = time.process_time() - t0
    del model
    t0 = time.process_time()
    cpsim.simulate(scenario, seed=1)
    return {"build": build, "run": time.process_time() - t0}


def profile(overrides: list[str], top: int) -> str:
    """The top functions of one profiled run, by own time."""
    import cpsim

    scenario = cpsim.load_scenario(CHICAGO, overrides)
    prof = cProfile.Profile()
    prof.runcall(cpsim.simulate, scenario, seed=1)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def prior_points(calibration: Path, points: int, base: list[str]) -> None:
    """One six-year run at each point of a Latin hypercube over a calibration's priors, in fresh processes."""
    from scipy.stats import qmc

    from cpsim.studies.calibration import emulators, load_calibration
    from cpsim.studies.calibration.overrides import as_overrides

    cal = load_calibration(calibration)
    values = emulators.to_values(cal.priors, qmc.LatinHypercube(len(cal.priors), seed=0).random(points))
    cpu = []
    for row in values:
        point = as_overrides(cal.scenario, dict(zip(cal.keys, map(float, row), strict=True)))
        sets = [*base, *(f"{k}={list(v) if isinstance(v, tuple) else v}" for k, v in point.items())]
        extra = [x for kv in sets for x in ("--set", kv)]
        done = subprocess.run([sys.executable, __file__, "--one", *extra], capture_output=True, text=True,
                              check=True, cwd=ROOT)  # fmt: skip
        cpu.append(json.loads(done.stdout)["run"])
        print(f"{cpu[-1]:.2f} s CPU at " + ", ".join(f"{k} = {v:.3g}" for k, v in zip(cal.keys, row, strict=True)))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    print(
        f"six-year 1:100 Chicago runs across the priors of {calibration}: median {statistics.median(cpu):.2f} s CPU, "
        f"max {max(cpu):.2f} s over {len(cpu)} points"
    )


def main() -> None:
    """Time the repeats in fresh processes; print the median and, if asked, a profile."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a dotted override")
    ap.add_argument("--profile", action="store_true", help="also print one profiled run's top functions")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--prior", type=Path, help="a calibration file: time runs across its priors")
    ap.add_argument("--points", type=int, default=10, help="points of the priors' Latin hypercube (--prior)")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(a.set)))
        return
    if a.prior is not None:
        prior_points(a.prior, a.points, a.set)
        return
    extra = [x for kv in a.set for x in ("--set", kv)]
    runs = [
        json.loads(subprocess.run([sys.executable, __file__, "--one", *extra], capture_output=True, text=True,
                                  check=True, cwd=ROOT).stdout)
        for _ in range(a.repeats)
    ]  # fmt: skip
    cpu = [r["run"] for r in runs]
    print(f"load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores); overrides: {a.set or 'none'}")
    print(
        f"six-year 1:100 Chicago run: median {statistics.median(cpu):.2f} s CPU (min {min(cpu):.2f}, max "
        f"{max(cpu):.2f}) over {len(cpu)} runs; building the city {statistics.median(r['build'] for r in runs):.2f} s"
    )
    if a.profile:
        print(profile(a.set, a.top))


if __name__ == "__main__":
    main()

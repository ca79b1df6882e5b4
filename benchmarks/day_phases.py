"""Time a day by phase of the day's step, in several checkouts or with parameters changed.

bench_day.py times the whole day; day_calls.py counts its calls. This one says which phase of
``CommunityModel.step`` (docs/ODD.md §3) a difference of time sits in, and how much of it a
mechanism costs when its inputs are switched off, e.g. the news of publicized incidents:

    python benchmarks/day_phases.py --run before=/tmp/old --run now=. --run "no news=." \\
        --set "no news" incidents.national_per_year=0 --set "no news" incidents.local_per_100k=0 \\
        --sizes 2000 10000 --days 730 --repeats 9

Each run is a fresh process (its checkout first on PYTHONPATH): the baseline city (one beat per
1,250 residents, seed 1), 30 warm-up days, then ``--days`` timed days, each phase by wall clock
around its call. The runs take turns (every column once, then again), so all see the same load;
the table gives each phase's median over the repeats, in µs a day, and the whole day's median
[min–max]. The rest of the step (the day's streams, the survey, the collector) is "other".
A phase a checkout does not have reads 0.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every phase any checkout since the first dynamics has had, in the order of the step.
PHASES = (
    "_officers",
    "_programs_plan",
    "_crime",
    "_calls",
    "_time_budget",
    "_response",
    "_patrol",
    "_enforcement",
    "_incidents",
    "_programs_act",
    "_experiences",
    "_word_of_mouth",
    "_climate",
    "_safety",
    "_memory",
    "_record",
)
OTHER, TOTAL = "other", "day"


def time_phases(n: int, days: int, overrides: dict) -> dict[str, float]:
    """µs a day by phase, the rest of the step and the whole day, in this process's cpsim."""
    import cpsim

    scenario = cpsim.Scenario().with_overrides(
        {"population.residents": n, "population.beats": max(1, n // 1250), **overrides}
    )
    model = cpsim.CommunityModel(scenario, seed=1)
    for _ in range(30):
        model.step()
    spent = dict.fromkeys(PHASES, 0.0)
    for name in PHASES:
        phase = getattr(model, name, None)
        if phase is None:
            continue

        def timed(d, phase=phase, name=name):
            start = time.perf_counter()
            phase(d)
            spent[name] += time.perf_counter() - start

        setattr(model, name, timed)  # an instance attribute: step() calls it in the method's place
    start = time.perf_counter()
    for _ in range(days):
        model.step()
    whole = time.perf_counter() - start
    out = {name: s / days * 1e6 for name, s in spent.items()}
    out[TOTAL] = whole / days * 1e6
    out[OTHER] = out[TOTAL] - sum(spent.values()) / days * 1e6
    return out


def _settings(runs: list[str], sets: list[list[str]]) -> dict[str, tuple[Path, dict]]:
    columns: dict[str, tuple[Path, dict]] = {}
    for run in runs:
        name, _, path = run.rpartition("=")
        columns[name or path] = (Path(path).resolve(), {})
    for name, assignment in sets:
        if name not in columns:
            raise SystemExit(f"--set {name!r}: no --run of that name (runs: {', '.join(columns)})")
        key, _, value = assignment.partition("=")
        columns[name][1][key] = json.loads(value)
    return columns


def main(argv: list[str] | None = None) -> int:
    """Time every run and print one table per size."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", action="append", default=[], help="NAME=DIR, a column (repeat; default: this checkout)")
    ap.add_argument("--set", action="append", nargs=2, default=[], metavar=("NAME", "KEY=VALUE"),
                    help="a parameter of run NAME (a JSON value; repeat)")  # fmt: skip
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: time in this process (JSON arguments)
    a = ap.parse_args(argv)
    if a.one:
        n, days, overrides = json.loads(a.one)
        print(json.dumps(time_phases(n, days, overrides)))
        return 0
    columns = _settings(a.run or [f"this={ROOT}"], a.set)
    for n in a.sizes:
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in columns}
        for _ in range(a.repeats):
            for name, (path, overrides) in columns.items():
                env = {**os.environ, "PYTHONPATH": str(path)}
                one = json.dumps([n, a.days, overrides])
                cmd = [sys.executable, str(Path(__file__).resolve()), "--one", one]
                done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
                samples[name].append(json.loads(done.stdout))
        print(f"\nµs a day, {n:,} residents ({a.days} days after 30; median of {a.repeats} runs)")
        print(f"{'phase':16s}" + "".join(f"{name[-14:]:>16s}" for name in columns))
        for phase in (*PHASES, OTHER):
            print(f"{phase:16s}" + "".join(f"{statistics.median(s[phase] for s in samples[c]):16.1f}" for c in columns))
        days = {c: [s[TOTAL] for s in samples[c]] for c in columns}
        print(f"{TOTAL:16s}" + "".join(f"{statistics.median(d):16.1f}" for d in days.values()))
        print(f"{'  min–max':16s}" + "".join(f"{f'{min(d):.0f}–{max(d):.0f}':>16s}" for d in days.values()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

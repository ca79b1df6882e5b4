"""Calls a day by phase of the day's step: a small city's per-day overhead, counted, not timed.

A small city's day is bound by how many numpy and Python calls it makes, not by the size of
its arrays (docs/ODD.md §3 lists the phases). Counting the Python-level calls (every Python
function and every built-in function or method, such as ``np.bincount`` or ``ndarray.sum``,
by the phase of ``CommunityModel.step`` that makes it) gives a figure that does not depend
on machine load, so two commits compare exactly. Python's profiler does not see ufuncs
(``np.add(a, b)``, ``a + b``) or indexing (``a[idx]``), so the count is a floor of a day's
numpy operations, not all of them:

    git archive OLD | tar -x -C /tmp/old
    python benchmarks/day_calls.py --checkout /tmp/old --checkout . --sizes 2000 10000

Each checkout runs in its own process (its directory first on PYTHONPATH): the baseline city
(one beat per 1,250 residents, seed 1), five warm-up days, then ``--days`` counted days.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from day_phases import PHASES  # the step's phases, every checkout's (a script's folder is on its path)

ROOT = Path(__file__).resolve().parent.parent
OTHER = "step, streams, collector"


def count(n: int, days: int) -> dict[str, float]:
    """Calls a day by phase (and the rest of the step) in this process's cpsim."""
    import cpsim

    scenario = cpsim.Scenario().with_overrides({"population.residents": n, "population.beats": max(1, n // 1250)})
    model = cpsim.CommunityModel(scenario, seed=1)
    for _ in range(5):
        model.step()
    calls: Counter[str] = Counter()
    stack: list[str] = []

    def is_phase(frame) -> bool:
        return frame.f_code.co_name in PHASES and frame.f_code.co_filename.endswith(os.path.join("cpsim", "model.py"))

    def profile(frame, event, _arg) -> None:
        if event == "call":
            if is_phase(frame):
                stack.append(frame.f_code.co_name)
            calls[stack[-1] if stack else OTHER] += 1
        elif event == "c_call":
            calls[stack[-1] if stack else OTHER] += 1
        elif event == "return" and stack and is_phase(frame) and frame.f_code.co_name == stack[-1]:
            stack.pop()

    sys.setprofile(profile)
    for _ in range(days):
        model.step()
    sys.setprofile(None)
    return {name: calls[name] / days for name in (*PHASES, OTHER)}


def main(argv: list[str] | None = None) -> int:
    """Count in each checkout and print one table per size."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkout", action="append", type=Path, help="checkout to count (repeatable; default: this one)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    ap.add_argument("--days", type=int, default=50)
    ap.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)  # internal: count in this process
    a = ap.parse_args(argv)
    if a.one:
        print(json.dumps(count(*a.one)))
        return 0
    checkouts = a.checkout or [ROOT]
    for n in a.sizes:
        columns = []
        for checkout in checkouts:
            env = {**os.environ, "PYTHONPATH": str(checkout.resolve())}
            cmd = [sys.executable, str(Path(__file__).resolve()), "--one", str(n), str(a.days)]
            columns.append(json.loads(subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout))
        print(f"\ncalls a day, {n:,} residents ({a.days} days after 5 warm-up days)")
        print(f"{'phase':26s}" + "".join(f"{c.resolve().name[-18:]:>20s}" for c in checkouts))
        for name in (*PHASES, OTHER):
            print(f"{name:26s}" + "".join(f"{col[name]:20.1f}" for col in columns))
        print(f"{'total':26s}" + "".join(f"{sum(col.values()):20.1f}" for col in columns))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Where today's flows of experience hold each group: the collective memories' equilibria (M1).

Each group's collective memory (cpsim/mechanisms/norms.py) takes in what its members live in
common, K_g a week per member, and fades toward the diffuse support D; it settles at
``D + K_g / (1 - f)``. This script runs the baseline city for ``--years`` from its start
(memories at the levels history left, F7) over several seeds, measures each group's K per
component, and prints

- each group's equilibrium with the current D, and the drift of its memory at the start
  (how far from the start today's flows pull it, per 10 years);
- the D that puts the first group's equilibrium at its start (the level of diffuse support
  the baseline's first group implies);
- the gap today's flows sustain against the gap history left: ``1 - (K_first - K_last) c / (M_first - M_last)``
  is the share of the starting gap that is history fading rather than sustained.

    python benchmarks/calibrate_flows.py --years 5 --seeds 20
    python benchmarks/calibrate_flows.py --set incidents.linked_fate=2.5 trust.diffuse_support=0.8

Run it again with the printed D (and any flow parameter changed) until the drift is within
noise. D and ``incidents.linked_fate`` are the two calibrated values (docs/ODD.md).
"""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def flows(seed: int, years: float, overrides: dict) -> dict:
    """K per group and component (shared kept changes per member a week), and the memories at the start."""
    from cpsim import CommunityModel, load_scenario
    from cpsim.mechanisms import norms

    model = CommunityModel(load_scenario(ROOT / "scenarios/baseline.toml", overrides), seed=seed)
    start = model.memory.group.copy()
    total = np.zeros_like(start)
    weeks = 0
    real_settle = norms.settle

    def settle(memory, res, t, days):
        nonlocal total, weeks
        total += norms.shared(memory)[0]
        weeks += 1
        real_settle(memory, res, t, days)

    norms.settle = settle
    try:
        for _ in range(int(365 * years)):
            model.step()
    finally:
        norms.settle = real_settle
    t = model.params.trust
    return {"K": (total / max(weeks, 1)).tolist(), "start": start.tolist(), "w": t.legitimacy_weight}


def main(argv: list[str] | None = None) -> None:
    """Measure the flows; print the equilibria, D and the drift."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=float, default=3)
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--set", nargs="*", default=[], help="overrides key=value")
    a = ap.parse_args(argv)
    from cpsim import load_scenario

    overrides = {k: json.loads(v) for k, v in (item.split("=", 1) for item in a.set)}
    t = load_scenario(ROOT / "scenarios/baseline.toml", overrides).trust
    with ProcessPoolExecutor(a.workers) as pool:
        runs = list(pool.map(flows, range(1, a.seeds + 1), [a.years] * a.seeds, [overrides] * a.seeds))
    k = np.mean([r["K"] for r in runs], axis=0)
    start = np.array(runs[0]["start"])
    w = np.array([t.legitimacy_weight, 1 - t.legitimacy_weight])
    c = 1.0 / (1.0 - 0.5 ** (7.0 / t.memory_half_life_days))
    eq = t.diffuse_support + k * c
    per_10y = (eq - start) * (1 - 0.5 ** (3650 / t.memory_half_life_days))
    print(f"K per member a year (legitimacy, effectiveness): {np.round(k * 52, 4).tolist()}")
    print(
        f"memories at the start: {np.round(start @ w, 3).tolist()}   equilibria with D={t.diffuse_support}: "
        f"{np.round(eq @ w, 3).tolist()}   drift in 10 years: {np.round(per_10y @ w, 3).tolist()}"
    )
    d_first = float((start[0] - k[0] * c) @ w)
    print(f"D that holds the first group at its start: {d_first:.3f}")
    gap0 = float((start[0] - start[-1]) @ w)
    sustained = float(((k[0] - k[-1]) * c) @ w)
    print(
        f"gap at the start {gap0:.3f}; sustained by today's flows {sustained:.3f} ({sustained / gap0:.0%}); "
        f"history fading {1 - sustained / gap0:.0%}"
    )


if __name__ == "__main__":
    main()

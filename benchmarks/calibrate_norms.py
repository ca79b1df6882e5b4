"""Calibrate trust.norm_*_by_group so the baseline city stays at its starting trust (pattern M1).

The norms are the collective memory each group's attitudes settle toward before local
experience; the experience a baseline city keeps having then moves each group's
equilibrium away from its norm. This script runs the baseline for ``--years`` with the
current norms over several seeds, estimates each group's equilibrium of legitimacy and
effectiveness (Aitken extrapolation of the mean path at a third, two thirds and all of
the run), and prints the norms that put each equilibrium at the group's starting mean:

    norm_new = norm_old - (equilibrium - start) / GAIN

GAIN is how far an equilibrium moves per unit change of the norm: more than one, because
ties pull together and legitimacy follows effectiveness (measured: ~1.3).

Run it again with the printed values until the change is within noise:

    python benchmarks/calibrate_norms.py --years 12 --seeds 4
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GAIN = 1.3


def path(seed: int, years: int, overrides: dict) -> np.ndarray:
    """Group x component means at the start and at each third of the run, shape (4, groups, 2)."""
    from cpsim import CommunityModel, load_scenario

    model = CommunityModel(load_scenario(ROOT / "scenarios/baseline.toml", overrides), seed=seed)
    res = model.residents
    groups = len(model.group_residents)

    def snap() -> np.ndarray:
        return np.array(
            [[res.legitimacy[res.group == g].mean(), res.effectiveness[res.group == g].mean()] for g in range(groups)]
        )

    out = [snap()]
    days = 365 * years
    for day in range(1, days + 1):
        model.step()
        if day % (days // 3) == 0 and len(out) < 4:
            out.append(snap())
    return np.array(out)


def main(argv: list[str] | None = None) -> None:
    """Run the baseline, print the equilibrium and the calibrated norms."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=12)
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--set", nargs="*", default=[], help="overrides key=value (e.g. current norms)")
    a = ap.parse_args(argv)
    from cpsim import load_scenario

    overrides = dict(kv.split("=", 1) for kv in a.set)
    t = load_scenario(ROOT / "scenarios/baseline.toml", overrides).trust
    jobs = [(1000 + s, a.years, overrides) for s in range(a.seeds)]
    with ProcessPoolExecutor(a.workers) as pool:
        paths = np.mean(list(pool.map(path, *zip(*jobs, strict=True))), axis=0)
    m0, m1, m2, m3 = paths
    denom = m1 + m3 - 2 * m2
    aitken = np.where(np.abs(denom) > 1e-6, (m1 * m3 - m2**2) / np.where(denom == 0, 1, denom), m3)
    # Where the path is still monotone the extrapolation is safe; otherwise trust the last third.
    monotone = np.sign(m2 - m1) == np.sign(m3 - m2)
    eq = np.where(monotone, aitken, m3)
    norms = np.array([t.norm_legitimacy_by_group, t.norm_effectiveness_by_group]).T
    new = norms - (eq - m0) / GAIN
    for name, k in (("legitimacy", 0), ("effectiveness", 1)):
        print(
            f"{name}: start {np.round(m0[:, k], 4)}  end {np.round(m3[:, k], 4)}  equilibrium {np.round(eq[:, k], 4)}"
        )
        print(f"  trust.norm_{name}_by_group = {np.round(new[:, k], 3).tolist()}")


if __name__ == "__main__":
    main()

"""How large would local shocks have to be to move Chicago's areas as the data do? (issue 22, item 3)

Runs the area-movement city (scenarios/cities/chicago.toml, as ``cpsim validate --only areas``
does) with the local shocks scaled up far past the +-30% of ``cpsim robustness``: local
incidents per 100,000, their exposures, and violence waves. Prints, per case and seed, the
surveyed and latent change SD and year-to-year correlation, and the between-area SD the
correlation implies (``sqrt(change variance / (2 (1 - r)))``), to read against the data's
(python benchmarks/area_lags.py: change SD 6.2-7.55, correlation 0.55-0.76, a year-specific
part of SD ~4.9 around stable levels).

    python benchmarks/area_shocks.py [--seeds 11 12] [--workers 2] [--city docs/results/chicago_fit/calibrated.toml]

``--city`` runs the same cases on another city, e.g. the Chicago fit's calibrated scenario (the
posterior median, whose areas are spread as the data's are).
"""

from __future__ import annotations

import argparse
import math
from concurrent.futures import ProcessPoolExecutor

from cpsim.scenario import load_scenario
from cpsim.studies.area_movement import CITY, areas_run


def cases(city: str = str(CITY)) -> dict[str, dict[str, float]]:
    """The scaled shocks, from the city's calibrated values."""
    sc = load_scenario(city)
    lp, le, ws = sc.incidents.local_per_100k, sc.incidents.local_exposures, sc.crime.wave_sd
    return {
        "as calibrated": {},
        "local incidents x5": {"incidents.local_per_100k": lp * 5},
        "local incidents x20": {"incidents.local_per_100k": lp * 20},
        "violence waves' SD x3": {"crime.wave_sd": ws * 3},
        "local x5, exposures x3, waves x3": {
            "incidents.local_per_100k": lp * 5,
            "incidents.local_exposures": le * 3,
            "crime.wave_sd": ws * 3,
        },
    }


def _one(job: tuple[str, dict[str, float], int, str]) -> tuple[str, int, dict[str, float]]:
    name, overrides, seed, city = job
    return name, seed, areas_run(seed, overrides, city)


def main() -> None:
    """Run every case for every seed and print one line each."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[11, 12])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--city", default=str(CITY), help="scenario file (e.g. docs/results/chicago_fit/calibrated.toml)")
    args = ap.parse_args()
    jobs = [(name, ov, seed, args.city) for name, ov in cases(args.city).items() for seed in args.seeds]
    with ProcessPoolExecutor(args.workers) as ex:
        for name, seed, r in ex.map(_one, jobs):
            parts = []
            for kind in ("surveyed", "latent"):
                sd, cor = r[f"{kind}_area_change_sd"], r[f"{kind}_area_trust_persistence"]
                spread = math.sqrt(sd * sd / (2 * (1 - cor))) if cor < 1 else math.inf
                parts.append(f"{kind} change SD {sd:.2f}, r {cor:.2f}, between-area SD {spread:.1f}")
            print(f"{name:34s} seed {seed}: " + " | ".join(parts))


if __name__ == "__main__":
    main()

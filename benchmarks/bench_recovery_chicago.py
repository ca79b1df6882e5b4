"""Parameter recovery for the Chicago fit itself: its 77-area city, its ten targets, its method.

The small-city recovery (benchmarks/bench_recovery.py) checks the machinery on three
parameters. This asks the question a reader of the Chicago fit has: given data the model
made, with the fit's own nine parameters at values the fit finds plausible, does the same
fit (experiments/chicago_fit.toml: history matching on the 2017-2019 statistics) find them
again? Each repetition draws its true values from the committed posterior
(docs/results/chicago_fit/posterior.parquet, by weight), simulates Chicago with them on a
seed the fit never uses, publishes the survey through the observation model with the true
observation error, and fits that survey with the experiment's settings. A parameter is
recovered when its 90% posterior interval covers the truth; the interval's width against the
prior's range says how much the ten targets pin it down.

    .venv/bin/python benchmarks/bench_recovery_chicago.py --repetitions 1 --workers 2 --docs

Each repetition is a whole fit (about 640 Chicago runs; 30-60 minutes on two cores), resumable
as any fit is: a killed repetition goes on from its store when the command is run again, and a
finished one (its coverage.csv) is kept and not fitted again.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from cpsim import simulate
from cpsim.studies.calibration import load_calibration, run_calibration
from cpsim.studies.calibration.docs_table import write_recovery
from cpsim.studies.calibration.observation import observe, split
from cpsim.studies.calibration.overrides import as_overrides
from cpsim.studies.calibration.weighted import weighted_quantile

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = ROOT / "experiments" / "chicago_fit.toml"
POSTERIOR = ROOT / "docs" / "results" / "chicago_fit" / "posterior.parquet"
METHOD = "chicago"


def _calibration_file(seed: int) -> str:
    """The experiment's file with the synthetic survey as its data and paths made absolute."""
    text = EXPERIMENT.read_text()
    text = re.sub(
        r'^scenario = ".*"$',
        f'scenario = "{(ROOT / "scenarios" / "cities" / "chicago.toml").as_posix()}"',
        text,
        flags=re.M,
    )
    text = re.sub(r'^observed = ".*"$', 'observed = "observed.csv"', text, flags=re.M)
    text = re.sub(r"^seed = \d+$", f"seed = {seed}", text, flags=re.M)
    return re.sub(r'^name = ".*"$', f'name = "recovery_chicago_{seed}"', text, flags=re.M)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repetitions", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("out/recovery_chicago"))
    ap.add_argument("--docs", action="store_true", help="Write docs/results/recovery_chicago.csv and its docs table.")
    args = ap.parse_args()
    spec = load_calibration(EXPERIMENT)
    priors = {p.key: (p.lo, p.hi) for p in spec.priors}
    posterior = duckdb.sql(f"SELECT * FROM '{POSTERIOR}'").df()
    rng = np.random.default_rng(2027)
    rows = []
    for r in range(args.repetitions):
        d = args.out / f"rep{r}"
        d.mkdir(parents=True, exist_ok=True)
        pick = rng.choice(len(posterior), p=posterior["weight"] / posterior["weight"].sum())
        truth = {k: float(posterior[k].iloc[pick]) for k in priors}
        if (d / "coverage.csv").exists():  # a finished repetition is kept, not fitted again
            rows += pd.read_csv(d / "coverage.csv").to_dict("records")
            continue
        scenario_values, obs = split(truth)
        seed = 20_000 + r
        if not (d / "observed.csv").exists():  # a resumed repetition keeps the data it was fitting
            survey = simulate(
                spec.scenario, seed=seed, days=spec.days, overrides=as_overrides(spec.scenario, scenario_values)
            ).survey
            observe(survey, obs, seed).to_csv(d / "observed.csv", index=False)
        (d / "calibration.toml").write_text(_calibration_file(r))
        start = time.perf_counter()
        report = run_calibration(d / "calibration.toml", d / "out", workers=args.workers, checks=0, quiet=True)
        fitted = duckdb.sql(f"SELECT * FROM '{d / 'out' / 'posterior.parquet'}'").df()
        for key, value in truth.items():
            lo, mid, hi = weighted_quantile(
                fitted[key].to_numpy(), fitted["weight"].to_numpy(), np.array([0.05, 0.5, 0.95])
            )
            rows.append(
                {
                    "repetition": r,
                    "parameter": key,
                    "true": value,
                    "low": lo,
                    "median": mid,
                    "high": hi,
                    "covered": bool(lo <= value <= hi),
                    "width_share": (hi - lo) / (priors[key][1] - priors[key][0]),
                    "simulations": report.simulations,
                    "seconds": time.perf_counter() - start,
                }
            )
            print(f"repetition {r}: {key} {value:.3g} in [{lo:.3g}, {hi:.3g}] (median {mid:.3g})", flush=True)
        pd.DataFrame([row for row in rows if row["repetition"] == r]).to_csv(d / "coverage.csv", index=False)
    out = pd.DataFrame(rows)
    out.to_csv(args.out / "coverage.csv", index=False)
    if args.docs:
        write_recovery(out, METHOD, " ".join(["benchmarks/bench_recovery_chicago.py", *sys.argv[1:]]))


if __name__ == "__main__":
    main()

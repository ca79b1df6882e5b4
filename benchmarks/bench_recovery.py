"""Parameter recovery: data simulated with known parameters, calibrated back, repeated.

For each repetition r: draw true values from the priors, simulate a small surveyed city
with them (a seed the calibration never uses), calibrate with ABC-SMC against that
survey (ABC-SMC, or history matching with GP emulators: ``--method history_matching``), and
record whether each parameter's 90% posterior interval covers its true value. Coverage near
0.9 over repetitions says the posterior's width is honest.

    .venv/bin/python benchmarks/bench_recovery.py --repetitions 10 --workers 2
    .venv/bin/python benchmarks/bench_recovery.py --method history_matching --repetitions 20 --workers 2

Prints one line per repetition and the coverage per parameter; writes out/recovery/coverage.csv.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from cpsim import simulate
from cpsim.studies.calibration import load_calibration, run_calibration
from cpsim.studies.calibration.weighted import weighted_quantile

ROOT = Path(__file__).resolve().parents[1]
PRIORS = {"safety.initial": (0.4, 0.9), "survey.slope": (0.5, 2.0), "survey.offset": (-0.2, 0.2)}
SCENARIO = f"""extends = "{ROOT / "scenarios" / "baseline.toml"}"
[run]
name = "recovery"
days = 40
[population]
residents = 1000
beats = 6
[survey]
design = "online"
period_days = 20
fieldwork_days = 2
respondents_per_area = 60.0
"""
CALIBRATION = """name = "recovery"
scenario = "scenario.toml"
observed = "observed.csv"
replicates = 1
seed = {seed}
{method}
[parameters]
{parameters}
[statistics]
gap = ["majority", "minority"]
[targets]
area_safety_mean = {{ sd = 2.0 }}
group_gap = {{ sd = 3.0 }}
area_trust_median = {{ sd = 3.0 }}
area_trust_q25 = {{ sd = 3.0 }}
area_trust_q75 = {{ sd = 3.0 }}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repetitions", type=int, default=10)
    ap.add_argument("--particles", type=int, default=30)
    ap.add_argument("--generations", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--method", choices=("abc_smc", "history_matching"), default="abc_smc")
    ap.add_argument("--waves", type=int, default=3, help="History matching's waves.")
    ap.add_argument("--runs", type=int, default=60, help="History matching's runs per wave.")
    ap.add_argument("--docs", action="store_true", help="Write docs/results/recovery_<method>.csv and its docs table.")
    ap.add_argument("--out", type=Path, default=None, help="Default: out/recovery (out/recovery_hm).")
    args = ap.parse_args()
    args.out = args.out or Path("out/recovery" if args.method == "abc_smc" else "out/recovery_hm")
    rng = np.random.default_rng(2026)
    params = "\n".join(f'"{k}" = {{ prior = "uniform", lo = {lo}, hi = {hi} }}' for k, (lo, hi) in PRIORS.items())
    rows = []
    for r in range(args.repetitions):
        d = args.out / f"rep{r}"
        d.mkdir(parents=True, exist_ok=True)
        truth = {k: float(rng.uniform(lo, hi)) for k, (lo, hi) in PRIORS.items()}
        (d / "scenario.toml").write_text(SCENARIO)
        simulate(d / "scenario.toml", seed=10_000 + r, overrides=truth).survey.to_csv(d / "observed.csv", index=False)
        if args.method == "abc_smc":
            method = f"particles = {args.particles}\ngenerations = {args.generations}"
        else:
            method = (
                f'method = "history_matching"\n[history_matching]\nwaves = {args.waves}\nruns = {args.runs}\n'
                "candidates = 8000\nposterior = 1000"
            )
        (d / "calibration.toml").write_text(CALIBRATION.format(seed=r, method=method, parameters=params))
        start = time.perf_counter()
        report = run_calibration(
            load_calibration(d / "calibration.toml"), d / "out", workers=args.workers, checks=0, quiet=True
        )
        p = duckdb.sql(f"SELECT * FROM '{d / 'out' / 'posterior.parquet'}'").df()
        for key, value in truth.items():
            lo, hi = weighted_quantile(p[key].to_numpy(), p["weight"].to_numpy(), np.array([0.05, 0.95]))
            rows.append(
                {
                    "repetition": r,
                    "parameter": key,
                    "true": value,
                    "low": lo,
                    "high": hi,
                    "covered": bool(lo <= value <= hi),
                    "width_share": (hi - lo) / np.subtract(*PRIORS[key][::-1]),
                    "simulations": report.simulations,
                    "seconds": time.perf_counter() - start,
                }
            )
        done = pd.DataFrame(rows)
        line = ", ".join(
            f"{k} {v:.3g} in [{lo:.3g}, {hi:.3g}]"
            for k, v, lo, hi in done[done["repetition"] == r][["parameter", "true", "low", "high"]].itertuples(
                index=False
            )
        )
        print(
            f"repetition {r}: {line} ({report.simulations} simulations, {time.perf_counter() - start:.0f} s)",
            flush=True,
        )
    out = pd.DataFrame(rows)
    out.to_csv(args.out / "coverage.csv", index=False)
    summary = out.groupby("parameter").agg(coverage=("covered", "mean"), width=("width_share", "mean"))
    print(f"90% interval coverage over {args.repetitions} repetitions (width: share of the prior range):")
    print(summary.to_string(float_format=lambda x: f"{x:.2f}"))
    if args.docs:
        from cpsim.studies.calibration import docs_table

        docs_table.write_recovery(out, args.method, " ".join(["benchmarks/bench_recovery.py", *sys.argv[1:]]))


if __name__ == "__main__":
    main()

"""Inside and outside a program's areas: each scenario's change in trust, paired with the baseline (issue 23, item 6).

Reads the per-run breakdown by beat of one or more ``cpsim compare`` outputs (breakdown_runs.csv)
and, for each scenario, prints the change in residents' mean trust at the end against the
baseline, replicate by replicate, inside the areas a confined scenario works in and outside
them, with 95% t-intervals over replicates. The areas are those of the first scenario file
given with ``--areas`` (its programs' ``areas``), e.g. the package in Chicago's 20 areas of lowest
surveyed trust:

    python benchmarks/targeted_package.py out/chicago_np_targets_seeds out/chicago_np_targets_posterior \\
        --areas experiments/chicago_neighbourhood_policing_low_trust.toml

With ``--docs`` it also keeps the table docs/calibration.md shows (the city, inside, outside and
group-gap changes and the officer hours moved, per scenario and compare output) in
docs/results/chicago_np_targets.csv and rewrites that table from it
(cpsim.studies.calibration.docs_table).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from cpsim.model import CommunityModel
from cpsim.scenario import load_scenario
from cpsim.studies.compare import mean_ci


def confined_beats(scenario_file: str) -> np.ndarray:
    """The beats the confined programs of a scenario work in (the union of their areas)."""
    model = CommunityModel(load_scenario(scenario_file), seed=1)
    masks = [p.where for p in model.programs if p.where is not None]
    if not masks:
        raise SystemExit(f"{scenario_file}: no program has areas; allowed: a scenario with an areas key")
    return np.flatnonzero(np.logical_or.reduce(masks))


def inside_outside(folder: Path, beats: np.ndarray) -> pd.DataFrame:
    """Per scenario and part of the city: mean paired change in trust at the end, with its 95% CI."""
    runs = pd.read_csv(folder / "breakdown_runs.csv")
    runs = runs[runs["level"] == "beat"].copy()
    runs["part"] = np.where(runs["key"].astype(int).isin(beats), "inside", "outside")
    runs["weighted"] = runs["trust_end"] * runs["residents"]
    parts = runs.groupby(["scenario", "replicate", "part"])[["weighted", "residents"]].sum()
    trust = (parts["weighted"] / parts["residents"]).unstack("scenario")
    baseline = pd.read_csv(folder / "comparison.csv").query("baseline")["scenario"].iloc[0]
    rows = []
    for scenario in trust.columns.drop(baseline):
        for part in ("inside", "outside"):
            d = (trust[scenario] - trust[baseline]).xs(part, level="part").to_numpy()
            mean, lo, hi, _, _ = mean_ci(d)
            rows.append({"scenario": scenario, "part": part, "mean": mean, "low": lo, "high": hi})
    return pd.DataFrame(rows)


def residents_inside(folder: Path, beats: np.ndarray) -> float:
    """The share of the baseline's residents living in ``beats``, averaged over its replicates."""
    runs = pd.read_csv(folder / "breakdown_runs.csv")
    runs = runs[runs["level"] == "beat"]
    baseline = pd.read_csv(folder / "comparison.csv").query("baseline")["scenario"].iloc[0]
    runs = runs[runs["scenario"] == baseline]
    inside = runs[runs["key"].astype(int).isin(beats)].groupby("replicate")["residents"].sum()
    return float((inside / runs.groupby("replicate")["residents"].sum()).mean())


# comparison.csv metrics the docs' table shows beside inside and outside: (metric, figure)
CITY_METRICS = (("trust_end", "city"), ("trust_gap_end", "gap"), ("hours_redirected", "hours_a_year"))


def docs_rows(folder: Path, beats: np.ndarray) -> tuple[pd.DataFrame, dict]:
    """One compare output's rows of the docs' table, and how it was run (from its provenance).

    Rows: per scenario other than the baseline, the paired change in mean trust citywide
    (``city``), inside and outside ``beats``, in the trust gap between groups (``gap``), and the
    officer hours moved into activities that grew, a year (``hours_a_year``); each a mean with its
    95% interval over replicates.
    """
    provenance = json.loads((folder / "provenance.json").read_text())
    # the runs with --posterior draw a parameter set per replicate; the others vary the seed alone
    intervals = "seeds and parameters" if provenance.get("posterior") else "seeds"
    per_year = 365 / provenance["days"]
    comparison = pd.read_csv(folder / "comparison.csv")
    comparison = comparison[~comparison["baseline"]]
    rows = []
    for metric, figure in CITY_METRICS:
        scale = per_year if figure == "hours_a_year" else 1.0
        for r in comparison[comparison["metric"] == metric].itertuples(index=False):
            rows.append({"figure": figure, "scenario": r.scenario, "mean": r.diff * scale,
                         "low": r.diff_ci_low * scale, "high": r.diff_ci_high * scale})  # fmt: skip
    parts = inside_outside(folder, beats).rename(columns={"part": "figure"})
    out = pd.concat([pd.DataFrame(rows), parts], ignore_index=True)
    out.insert(1, "intervals", intervals)
    run = {"intervals": intervals, "created": provenance["created"], "machine": provenance["machine"],
           "days": provenance["days"], "replicates": provenance["replicates"]}  # fmt: skip
    return out, run


def main() -> None:
    """Print the table for each compare output (and with ``--docs`` keep it and rewrite the docs' table)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="+", type=Path, help="cpsim compare output folders")
    ap.add_argument("--areas", required=True, help="the scenario whose programs' areas are 'inside'")
    ap.add_argument(
        "--docs", action="store_true", help="keep docs/results/chicago_np_targets.csv and rewrite its docs table"
    )
    args = ap.parse_args()
    beats = confined_beats(args.areas)
    for folder in args.folders:
        print(f"{folder} ({beats.size} areas inside):")
        table = inside_outside(folder, beats)
        table["trust change"] = [f"{r.mean:+.4f} [{r.low:+.4f}, {r.high:+.4f}]" for r in table.itertuples()]
        print(table[["scenario", "part", "trust change"]].to_string(index=False))
    if args.docs:
        from cpsim.studies.calibration.docs_table import write_targets

        parts = [docs_rows(folder, beats) for folder in args.folders]
        folders = " ".join(str(f) for f in args.folders)
        meta = {
            "command": f"python benchmarks/targeted_package.py {folders} --areas {args.areas} --docs",
            "areas": int(beats.size),
            "residents_inside": residents_inside(args.folders[0], beats),
            "runs": [run for _, run in parts],
        }
        write_targets(pd.concat([rows for rows, _ in parts], ignore_index=True), meta)


if __name__ == "__main__":
    main()

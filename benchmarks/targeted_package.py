"""Inside and outside a program's areas: each scenario's change in trust, paired with the baseline (issue 23, item 6).

Reads the per-run breakdown by beat of one or more ``cpsim compare`` outputs (breakdown_runs.csv)
and, for each scenario, prints the change in residents' mean trust at the end against the
baseline, replicate by replicate, inside the areas a confined scenario works in and outside
them, with 95% t-intervals over replicates. The areas are those of the first scenario file
given with ``--areas`` (its programs' ``areas``), e.g. the package in Chicago's 20 areas of lowest
surveyed trust:

    python benchmarks/targeted_package.py out/chicago_np_targets_seeds out/chicago_np_targets_posterior \\
        --areas experiments/chicago_neighbourhood_policing_low_trust.toml
"""

from __future__ import annotations

import argparse
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
            rows.append({"scenario": scenario, "part": part, "trust change": f"{mean:+.4f} [{lo:+.4f}, {hi:+.4f}]"})
    return pd.DataFrame(rows)


def main() -> None:
    """Print the table for each compare output."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="+", type=Path, help="cpsim compare output folders")
    ap.add_argument("--areas", required=True, help="the scenario whose programs' areas are 'inside'")
    args = ap.parse_args()
    beats = confined_beats(args.areas)
    for folder in args.folders:
        print(f"{folder} ({beats.size} areas inside):")
        print(inside_outside(folder, beats).to_string(index=False))


if __name__ == "__main__":
    main()

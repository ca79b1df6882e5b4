"""Every program's effect at 1 and 3 years against the baseline, paired by seed.

Runs each scenario in scenarios/ (except the field-trial scenario) for three years over
replicates that share seeds with the baseline (common random numbers) and prints, for the
end of year 1 and year 3, the paired difference from the baseline with its 95% CI:
city trust (also in SD of residents' starting trust), each group's trust, perceived
safety, the year's reporting rate, complaints and true victimisations (relative).

Uses only the public API (``cpsim.simulate``), so the same script measures any commit:

    python benchmarks/program_effects.py --replicates 6 --out out/effects.csv
    PYTHONPATH=/path/to/old/checkout python benchmarks/program_effects.py ...   # before
"""

from __future__ import annotations

import argparse
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"trial_peyton", "chicago"}


def seeds(base: int, n: int) -> list[int]:
    """Replicate seeds shared by every scenario."""
    return [int(s.generate_state(1, np.uint64)[0] >> np.uint64(1)) for s in np.random.SeedSequence(base).spawn(n)]


def one(path: str, seed: int, days: int, residents: int | None) -> dict:
    """One run: year-end figures for each whole year."""
    from cpsim import simulate

    over = {"population.residents": residents} if residents else None
    r = simulate(path, seed=seed, days=days, overrides=over)
    ts, bg = r.timeseries, r.by_group
    out = {"scenario": Path(path).stem, "seed": seed}
    for year in range(1, days // 365 + 1):
        lo, hi = 365 * (year - 1) + 1, 365 * year
        yr = ts[(ts.day >= lo) & (ts.day <= hi)]
        end = ts[ts.day == hi].iloc[0]
        out[f"trust_y{year}"] = end.trust_mean
        out[f"safety_y{year}"] = end.safety_mean
        out[f"reporting_y{year}"] = yr.crimes_reported.sum() / max(yr.victimizations.sum(), 1)
        out[f"complaints_y{year}"] = yr.complaints.sum()
        out[f"crime_y{year}"] = yr.victimizations.sum()
        for g, row in bg[bg.day == hi].set_index("group").iterrows():
            out[f"trust_{g}_y{year}"] = row.trust_mean
    return out


def ci(d: np.ndarray) -> tuple[float, float]:
    """Mean and half-width of the 95% t-interval."""
    from scipy import stats

    d = d[~np.isnan(d)]
    if d.size < 2:
        return float(d.mean()) if d.size else math.nan, math.nan
    return float(d.mean()), float(stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / math.sqrt(d.size))


def table(runs: pd.DataFrame, sd0: float, years: list[int]) -> pd.DataFrame:
    """Paired differences from the baseline per scenario and year."""
    base = runs[runs.scenario == "baseline"].set_index("seed")
    rows = []
    groups = sorted({c.split("_")[1] for c in runs.columns if c.startswith("trust_") and c.count("_") == 2})
    for name, sub in runs[runs.scenario != "baseline"].groupby("scenario"):
        sub = sub.set_index("seed").loc[base.index]
        for y in years:
            row = {"scenario": name, "year": y}
            for key, rel in (
                ("trust", False),
                ("safety", False),
                ("reporting", False),
                ("complaints", True),
                ("crime", True),
                *((f"trust_{g}", False) for g in groups),
            ):
                col = f"{key}_y{y}"
                d = sub[col].to_numpy(float) - base[col].to_numpy(float)
                if rel:
                    d = d / np.maximum(base[col].to_numpy(float), 1)
                row[key], row[f"{key}_ci"] = ci(d)
            row["trust_sd"] = row["trust"] / sd0
            rows.append(row)
    return pd.DataFrame(rows)


def markdown(t: pd.DataFrame) -> str:
    """The table as markdown: mean ± CI half-width."""
    groups = [c for c in t.columns if c.startswith("trust_") and not c.endswith(("_ci", "_sd"))]
    cols = ["trust", "trust_sd", *groups, "safety", "reporting", "complaints", "crime"]
    head = "| scenario | year | trust | SD | " + " | ".join(g.removeprefix("trust_") for g in groups)
    head += " | safety | reporting | complaints | true crime |"
    lines = [head, "|" + "---|" * (len(cols) + 2)]
    for _, r in t.iterrows():
        cells = []
        for c in cols:
            if c == "trust_sd":
                cells.append(f"{r[c]:+.3f}")
            elif c in ("complaints", "crime"):
                cells.append(f"{r[c]:+.1%} ± {r[c + '_ci']:.1%}")
            else:
                cells.append(f"{r[c]:+.4f} ± {r[c + '_ci']:.4f}")
        lines.append(f"| {r.scenario} | {r.year} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run the study and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicates", type=int, default=6)
    ap.add_argument("--days", type=int, default=1095)
    ap.add_argument("--residents", type=int, default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", nargs="*", default=None, help="scenario names (baseline always runs)")
    ap.add_argument("--out", type=Path, default=None, help="CSV of every run")
    a = ap.parse_args(argv)
    from cpsim import CommunityModel, load_scenario

    paths = sorted(p for p in (ROOT / "scenarios").glob("*.toml") if p.stem not in SKIP)
    if a.only:
        paths = [p for p in paths if p.stem in {"baseline", *a.only}]
    over = {"population.residents": a.residents} if a.residents else None
    sd0 = float(CommunityModel(load_scenario(ROOT / "scenarios/baseline.toml", over), seed=1).residents.trust.std())
    jobs = [(str(p), s, a.days, a.residents) for p in paths for s in seeds(2026, a.replicates)]
    with ProcessPoolExecutor(a.workers) as pool:
        runs = pd.DataFrame(list(pool.map(one, *zip(*jobs, strict=True))))
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        runs.to_csv(a.out, index=False)
    years = [y for y in (1, 3) if y * 365 <= a.days] or [a.days // 365]
    print(f"SD of residents' starting trust: {sd0:.3f}; {a.replicates} paired replicates", file=sys.stderr)
    print(markdown(table(runs, sd0, years)))


if __name__ == "__main__":
    main()

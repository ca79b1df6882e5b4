"""Hashes of every scenario's results, to check that a refactor changes nothing at all.

Runs each scenario in scenarios/ (2,000 residents, 120 days, seed 7; the field-trial
scenario at its own length) and hashes its summary, each of its tables (timeseries, by
group, by neighbourhood, and every program's table with its attrs) and the residents' final
state arrays. Store the hashes of one commit, then compare another against them; any
difference in any bit is reported:

    python benchmarks/run_hashes.py --out out/before.json                # on the old commit
    python benchmarks/run_hashes.py --compare out/before.json            # on the new one

Uses only the public API (``cpsim.simulate``), so it measures any commit (put that
checkout first on PYTHONPATH).
"""

from __future__ import annotations

import os

# Before numpy loads: its AVX-512 exp and log differ from its AVX2 code in the last bits, and the
# stored hashes are of the AVX2 arithmetic, which every x86-64 machine of the last decade runs.
os.environ.setdefault("NPY_DISABLE_CPU_FEATURES", "X86_V4 AVX512_ICL AVX512_SPR")

import argparse  # noqa: E402
import hashlib
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OWN_LENGTH = {"trial_peyton"}  # run for the scenario's own run.days


def _digest(obj) -> str:
    return hashlib.sha256(repr(obj).encode()).hexdigest()[:16]


def table_hash(df: pd.DataFrame) -> str:
    """Hash of a table's values, index, columns and attrs (exact to the bit)."""
    values = pd.util.hash_pandas_object(df, index=True).to_numpy() if len(df) else np.empty(0)
    attrs = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in df.attrs.items()}
    return _digest((values.tobytes(), tuple(df.columns), tuple(map(str, df.dtypes)), sorted(attrs.items())))


def run_one(path: str, residents: int, days: int, seed: int) -> dict[str, str]:
    """Hashes of one scenario's results."""
    from cpsim import simulate

    name = Path(path).stem
    r = simulate(
        path, seed=seed, days=None if name in OWN_LENGTH else days, overrides={"population.residents": residents}
    )
    summary = {k: v for k, v in r.summary.items() if k != "seconds"}
    out = {
        "summary": _digest(sorted(summary.items())),
        "timeseries": table_hash(r.timeseries),
        "by_group": table_hash(r.by_group),
        "by_neighborhood": table_hash(r.by_neighborhood),
    }
    out.update({f"extra.{k}": table_hash(v) for k, v in sorted(r.extra.items())})
    # Every resident's end state, to the bit (a mean can hide compensating changes).
    out["final"] = _digest([(k, np.ascontiguousarray(v).tobytes()) for k, v in sorted(r.final.items())])
    return out


def main(argv: list[str] | None = None) -> int:
    """Compute the hashes; store them or compare them with stored ones."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--residents", type=int, default=2000)
    ap.add_argument("--days", type=int, default=120)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, help="write the hashes here (JSON)")
    ap.add_argument("--compare", type=Path, help="compare with hashes stored by --out")
    a = ap.parse_args(argv)
    paths = sorted(str(p) for p in (ROOT / "scenarios").glob("*.toml"))
    with ProcessPoolExecutor(a.workers) as pool:
        runs = list(pool.map(run_one, paths, *zip(*[(a.residents, a.days, a.seed)] * len(paths), strict=True)))
    hashes = {Path(p).stem: h for p, h in zip(paths, runs, strict=True)}
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(hashes, indent=1, sort_keys=True))
    if a.compare is None:
        print(f"{len(hashes)} scenarios hashed")
        return 0
    stored = json.loads(a.compare.read_text())
    bad = [
        (s, k)
        for s in sorted(set(stored) | set(hashes))
        for k in sorted(set(stored.get(s, {})) | set(hashes.get(s, {})))
        if stored.get(s, {}).get(k) != hashes.get(s, {}).get(k)
    ]
    for s, k in bad:
        print(f"DIFFERS {s}: {k}")
    n = sum(len(h) for h in hashes.values())
    print(f"{len(hashes)} scenarios, {n} hashes: {'all identical' if not bad else f'{len(bad)} differ'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

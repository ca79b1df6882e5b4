"""Every scenario's results stay bit-identical to the stored run unless behaviour was meant to change.

The stored hashes (tests/data/run_hashes.json) cover each scenario's summary, every table and the final state
(2,000 residents, 120 days, seed 7). A refactor or a speed-up must leave them alone; a change
that is meant to change behaviour regenerates them, and its commit says why:

    python benchmarks/run_hashes.py --out tests/data/run_hashes.json

The hashes are of numpy's AVX2 arithmetic: `make test` and benchmarks/run_hashes.py switch
numpy's AVX-512 math off (its exp and log differ in the last bits), so they hold on any machine.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORED = json.loads((ROOT / "tests" / "data" / "run_hashes.json").read_text())
_spec = importlib.util.spec_from_file_location("run_hashes", ROOT / "benchmarks" / "run_hashes.py")
run_hashes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_hashes)


def test_every_scenario_is_stored():
    assert sorted(STORED) == sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("name", sorted(STORED))
def test_results_match_the_stored_run(name, portable_numerics):
    hashes = run_hashes.run_one(str(ROOT / "scenarios" / f"{name}.toml"), 2000, 120, 7)
    differ = sorted(k for k in set(hashes) | set(STORED[name]) if hashes.get(k) != STORED[name].get(k))
    assert not differ, f"{name}: {', '.join(differ)} changed; if meant, regenerate (see the module docstring)"

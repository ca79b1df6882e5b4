"""Every scenario's results stay bit-identical to the stored run unless behaviour was meant to change.

The stored hashes (tests/data/run_hashes.json) cover each scenario's summary, every table and the final state
(2,000 residents, 120 days, seed 7). A refactor or a speed-up must leave them alone; a change
that is meant to change behaviour regenerates them, and its commit says why:

    python benchmarks/run_hashes.py --out tests/data/run_hashes.json

The hashes are of numpy's AVX2 arithmetic: `make test` and benchmarks/run_hashes.py switch
numpy's AVX-512 math off (its exp and log differ in the last bits), so they hold on any machine.

The same hashes hold on the numpy path (cpsim.kernels.path, CPSIM_KERNELS=numpy): every scenario
is run there too, in one child process (the path is chosen once, at import).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
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


# Every scenario on the numpy path, in one child process: a JSON of the hashes on stdout.
ON_NUMPY = """
import json, sys
sys.path.insert(0, sys.argv[1])
import run_hashes
from cpsim.kernels import path
assert not path.COMPILED, "CPSIM_KERNELS=numpy did not take the numpy path"
print(json.dumps({n: run_hashes.run_one(f"{sys.argv[2]}/{n}.toml", 2000, 120, 7) for n in sys.argv[3:]}))
"""


@pytest.fixture(scope="module")
def numpy_path_hashes() -> dict[str, dict[str, str]]:
    """Every stored scenario's hashes, run on the numpy kernels (about 10 s)."""
    env = {**os.environ, "CPSIM_KERNELS": "numpy", "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-c", ON_NUMPY, str(ROOT / "benchmarks"), str(ROOT / "scenarios"), *sorted(STORED)]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr.count("cpsim: the day kernels run as numpy (CPSIM_KERNELS=numpy)") == 1, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", sorted(STORED))
def test_numpy_path_matches_the_stored_run(name, portable_numerics, numpy_path_hashes):
    hashes = numpy_path_hashes[name]
    differ = sorted(k for k in set(hashes) | set(STORED[name]) if hashes.get(k) != STORED[name].get(k))
    assert not differ, f"{name} on the numpy kernels: {', '.join(differ)} differ from the stored (compiled) run"

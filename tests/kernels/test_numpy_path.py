"""The numpy path (cpsim.kernels.numpy_path) does what the compiled kernels do, call for call, in real runs.

tests/kernels/replay.py records the first calls of every kernel while every scenario runs on the
compiled kernels (2,000 residents, 90 days), then replays each call on the numpy path with the
same arguments: the results, everything changed in place and every random stream's state must be
the same to the bit. (tests/test_stored_run.py checks whole runs on both paths against the stored
hashes; the other tests here check kernels and the numpy path on edge cases.)
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cpsim.kernels import path

ROOT = Path(__file__).resolve().parents[2]
PARTS = sorted(p.stem for p in (ROOT / "cpsim" / "kernels").glob("*.pxi"))
# Kernels no mechanism calls directly (the compiled victims and anchors call them inside);
# test_draws.py and test_attitudes.py compare them.
INSIDE_OTHERS = {"draws.poisson_from_uniform", "attitudes.tie_mean"}


@pytest.fixture(scope="module")
def replayed() -> dict:
    if not path.COMPILED:
        pytest.skip(f"the compiled kernels are not in use ({path.WHY_NUMPY}): nothing to compare the numpy path with")
    scenarios = sorted(str(p) for p in (ROOT / "scenarios").glob("*.toml"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, str(ROOT / "tests" / "kernels" / "replay.py"), "2000", "90", *scenarios]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_every_kernel_call_replayed_on_numpy_gives_the_same_bits(replayed):
    assert replayed["differ"] == []


def test_every_kernel_was_replayed(replayed):
    kernels = {
        f"{part}.{name}"
        for part in PARTS
        for name, f in vars(importlib.import_module(f"cpsim.kernels.numpy_path.{part}")).items()
        if name in importlib.import_module(f"cpsim.kernels.{part}").__all__ and callable(f) and not isinstance(f, type)
    }
    assert kernels - set(replayed["compared"]) == INSIDE_OTHERS

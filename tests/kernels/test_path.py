"""Which path the kernels take (cpsim.kernels.path): chosen once at import, said once, forced by CPSIM_KERNELS."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cpsim.kernels import path

ROOT = Path(__file__).resolve().parents[2]
LINE = "cpsim: the day kernels run as numpy ("


def child(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter (the path is chosen once per process), with these variables set."""
    variables = {k: v for k, v in os.environ.items() if k != "CPSIM_KERNELS"}
    variables.update(env, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=variables, cwd=ROOT)


def test_forced_numpy_takes_every_name_from_the_numpy_path_and_says_so_once():
    done = child(
        "import cpsim.kernels.draws as d, cpsim.kernels.moves as m, cpsim.model\n"
        "print(d.victims.__module__, m.move.__module__)",
        CPSIM_KERNELS="numpy",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["cpsim.kernels.numpy_path.draws", "cpsim.kernels.numpy_path.moves"]
    assert done.stderr.count(LINE) == 1 and "(CPSIM_KERNELS=numpy)" in done.stderr
    assert "slower at 2,000 residents" in done.stderr


def test_an_unknown_choice_is_refused_in_one_line():
    done = child("import cpsim.kernels.draws", CPSIM_KERNELS="fast")
    assert done.returncode != 0
    assert "CPSIM_KERNELS must be 'numpy', 'compiled' or unset, not 'fast'" in done.stderr.splitlines()[-1]


@pytest.mark.skipif(not path.COMPILED, reason=f"the compiled kernels are not in use ({path.WHY_NUMPY})")
def test_compiled_kernels_built_against_another_numpy_give_way_to_the_numpy_path():
    done = child(
        "import cpsim.kernels.compiled as c\nc.NUMPY_BUILT = '1.0'\n"
        "import cpsim.kernels.path as p, cpsim.kernels.draws as d\nprint(p.COMPILED, d.victims.__module__)"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "cpsim.kernels.numpy_path.draws"]
    assert "the compiled kernels were built against numpy 1.0, this is numpy" in done.stderr
    forced = child(
        "import cpsim.kernels.compiled as c\nc.NUMPY_BUILT = '1.0'\nimport cpsim.kernels.path", CPSIM_KERNELS="compiled"
    )
    assert forced.returncode != 0 and "CPSIM_KERNELS=compiled, but the compiled kernels were built" in forced.stderr


@pytest.mark.skipif(not path.COMPILED, reason=f"the compiled kernels are not in use ({path.WHY_NUMPY})")
def test_the_compiled_path_says_nothing():
    done = child("import cpsim.kernels.path as p, cpsim.model\nprint(p.COMPILED)", CPSIM_KERNELS="compiled")
    assert done.returncode == 0 and done.stdout.split() == ["True"] and LINE not in done.stderr

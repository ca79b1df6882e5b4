"""Which path the day kernels take: the compiled module, or the same equations in numpy.

The compiled module (cpsim/kernels/compiled.pyx) is built when cpsim is installed with a C
compiler; without one the install still succeeds and every kernel runs as numpy
(cpsim/kernels/numpy_path), with the same results to the bit, only slower. Each part module
(cpsim/kernels/draws.py, ...) takes its names from the path chosen here, once, at import:

- ``CPSIM_KERNELS=numpy``: numpy, even when the compiled module is built;
- ``CPSIM_KERNELS=compiled``: the compiled module, or an ImportError saying why not;
- unset: the compiled module when it is built and was built against this numpy's major.minor
  version, else numpy. The kernels call numpy's C random distributions, linked from the numpy
  they were built against; numpy promises no stream compatibility across versions, so a
  module built against another numpy could draw other numbers than this numpy's Generator
  does. numpy then gives this numpy's draws, which is what a run without cpsim's kernels
  would give: slower, not wrong, and a reinstall brings the compiled path back.

When numpy is used, one line on stderr says so, why, and how much slower a day runs.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from types import ModuleType

import numpy as np

# CPU time of a day on the numpy path over the compiled one: `python benchmarks/bench_day.py
# --kernels compiled numpy --sizes 2000 10000 100000 --days 120 --repeats 3` (baseline city, one
# beat per 1,250 residents), 2026-12-07, two sessions on a shared 2-core machine (load 5.5-5.7):
# medians 1.19 and 1.26 against 0.27 and 0.28 ms at 2,000 residents, 1.86 and 1.82 against 0.50
# and 0.55 ms at 10,000, 6.68 and 6.85 against 2.74 and 2.69 ms at 100,000.
SLOWER = "a day 4.3-4.5x slower at 2,000 residents, 3.3-3.8x at 10,000, 2.4-2.5x at 100,000"


def _numpy_version(version: str) -> str:
    """A numpy version's major.minor."""
    return ".".join(version.split(".")[:2])


def _choose() -> tuple[bool, str]:
    """(compiled?, why numpy) for this process."""
    wanted = os.environ.get("CPSIM_KERNELS", "")
    if wanted not in ("", "numpy", "compiled"):
        raise ImportError(f"CPSIM_KERNELS must be 'numpy', 'compiled' or unset, not {wanted!r}")
    if wanted == "numpy":
        return False, "CPSIM_KERNELS=numpy"
    try:
        from cpsim.kernels import compiled
    except ImportError as e:  # not built (no compiler at install), or built but not loadable here
        built = importlib.util.find_spec("cpsim.kernels.compiled") is not None
        why = f"the compiled kernels do not load: {e}" if built else "the compiled kernels are not built"
    else:
        built = getattr(compiled, "NUMPY_BUILT", "an unrecorded version")
        if built == _numpy_version(np.__version__):
            return True, ""
        why = f"the compiled kernels were built against numpy {built}, this is numpy {np.__version__}"
    if wanted == "compiled":
        raise ImportError(f"CPSIM_KERNELS=compiled, but {why}: reinstall cpsim (pip install -e .) with a C compiler")
    return False, why


COMPILED, WHY_NUMPY = _choose()
NAME = "compiled" if COMPILED else "numpy"
if not COMPILED:
    print(
        f"cpsim: the day kernels run as numpy ({WHY_NUMPY}): the same results, {SLOWER}; "
        "install a C compiler and reinstall cpsim (pip install -e .) for the compiled kernels",
        file=sys.stderr,
    )


def chosen(part: str) -> ModuleType:
    """Where a part's kernels come from on this path: the compiled module, or the part's numpy module."""
    if COMPILED:
        from cpsim.kernels import compiled

        return compiled
    return importlib.import_module(f"cpsim.kernels.numpy_path.{part}")

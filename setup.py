"""Build cpsim's compiled day kernels (cpsim/kernels/compiled.pyx and its parts); the rest is in pyproject.toml."""

from pathlib import Path

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

# No FMA contraction: a kernel's a * b + c then rounds twice, as numpy's two ufuncs do, so the
# kernels give numpy's results to the bit (tests/kernels check each against the numpy code).
FLAGS = ["-O2", "-ffp-contract=off"]
# Kernels that draw random numbers call numpy's own C distributions (libnpyrandom), so they
# draw what a Generator's methods draw.
NUMPY_RANDOM = {
    "include_dirs": [np.get_include()],
    "library_dirs": [str(Path(np.__file__).parent / "random" / "lib")],
    "libraries": ["npyrandom"],
    "define_macros": [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
}
# The kernels were once built as one extension module each; one left in the tree would load in
# place of its part's module (cpsim/kernels/draws.py, ...), since Python prefers extensions.
for stale in Path("cpsim/kernels").glob("*.*.so"):
    if not stale.name.startswith("compiled."):
        stale.unlink()
DIRECTIVES = {"language_level": 3, "boundscheck": False, "wraparound": False, "cdivision": True}

setup(
    ext_modules=cythonize(
        [Extension("cpsim.kernels.compiled", ["cpsim/kernels/compiled.pyx"], extra_compile_args=FLAGS, **NUMPY_RANDOM)],
        compiler_directives=DIRECTIVES,
    )
)

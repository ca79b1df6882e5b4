"""Build cpsim's compiled day kernels (cpsim/kernels/compiled.pyx and its parts); the rest is in pyproject.toml.

The extension is optional: without a C compiler (or Python's headers, or numpy's random
library) the build warns, the install succeeds, and cpsim runs the same equations in numpy
(cpsim/kernels/path.py says which path a run takes, and why).
"""

from pathlib import Path

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# No FMA contraction: a kernel's a * b + c then rounds twice, as numpy's two ufuncs do, so the
# kernels give numpy's results to the bit (tests/kernels check each against the numpy path).
# GCC and clang contract by default (-ffp-contract=fast outside ISO C mode), so it is turned off.
# MSVC: /fp:precise keeps each operation's rounding; it contracts under /fp:precise only before
# Visual Studio 2022 17.0, which compiled.pyx's `#pragma fp_contract (off)` covers (/fp:contract
# would turn contraction on, and /fp:fast allows it).
FLAGS = {"msvc": ["/O2", "/fp:precise"]}
GCC_CLANG = ["-O2", "-ffp-contract=off"]
# Kernels that draw random numbers call numpy's own C distributions (libnpyrandom), so they
# draw what a Generator's methods draw. That library is linked from the numpy built against,
# and numpy promises no stream compatibility across versions: its major.minor version is
# recorded in the module (NUMPY_BUILT), and cpsim.kernels.path takes the numpy path when the
# running numpy's differs.
MAJOR, MINOR = np.__version__.split(".")[:2]
NUMPY_RANDOM = {
    "include_dirs": [np.get_include()],
    "library_dirs": [str(Path(np.__file__).parent / "random" / "lib")],
    "libraries": ["npyrandom"],
    "define_macros": [
        ("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
        ("CPSIM_NUMPY_MAJOR", MAJOR),
        ("CPSIM_NUMPY_MINOR", "".join(c for c in MINOR if c.isdigit())),
    ],
}
# The kernels were once built as one extension module each; one left in the tree would load in
# place of its part's module (cpsim/kernels/draws.py, ...), since Python prefers extensions.
for stale in Path("cpsim/kernels").glob("*.*.so"):
    if not stale.name.startswith("compiled."):
        stale.unlink()
DIRECTIVES = {"language_level": 3, "boundscheck": False, "wraparound": False, "cdivision": True}


class BuildKernels(build_ext):
    """build_ext with the floating-point flags of the compiler it finds."""

    def build_extensions(self) -> None:
        """Build each extension with the flags of this compiler (MSVC or GCC/clang)."""
        flags = FLAGS.get(self.compiler.compiler_type, GCC_CLANG)
        for ext in self.extensions:
            ext.extra_compile_args = [*flags, *ext.extra_compile_args]
        super().build_extensions()


KERNELS = cythonize(
    [Extension("cpsim.kernels.compiled", ["cpsim/kernels/compiled.pyx"], **NUMPY_RANDOM)],
    compiler_directives=DIRECTIVES,
)
for ext in KERNELS:
    # Optional: a failed compile or link warns and the install goes on (setuptools' build_ext).
    # Set after cythonize, which makes new Extension objects without it (Cython 3.1-3.3).
    ext.optional = True

setup(ext_modules=KERNELS, cmdclass={"build_ext": BuildKernels})

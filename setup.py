"""Build cpsim's compiled day kernels (cpsim/kernels/*.pyx); everything else is in pyproject.toml."""

from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup

# No FMA contraction: a kernel's a * b + c then rounds twice, as numpy's two ufuncs do, so the
# kernels give numpy's results to the bit (tests/kernels check each against the numpy code).
FLAGS = ["-O2", "-ffp-contract=off"]
DIRECTIVES = {"language_level": 3, "boundscheck": False, "wraparound": False, "cdivision": True}

setup(
    ext_modules=cythonize(
        [
            Extension(f"cpsim.kernels.{pyx.stem}", [str(pyx)], extra_compile_args=FLAGS)
            for pyx in sorted(Path("cpsim/kernels").glob("*.pyx"))
        ],
        compiler_directives=DIRECTIVES,
    )
)

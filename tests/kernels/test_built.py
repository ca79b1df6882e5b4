"""The kernels are compiled, not older than any source they are built from (a stale build tests old code);
each part gives its names from the path cpsim.kernels.path chose, and the numpy path has every one."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from cpsim.kernels import compiled, path

KERNELS = Path(__file__).resolve().parents[2] / "cpsim" / "kernels"
PARTS = sorted(KERNELS.glob("*.pxi"))


def test_one_compiled_module_includes_every_part():
    built = Path(compiled.__file__)
    assert built.suffix in (".so", ".pyd"), f"{built} is not a compiled module"
    included = re.findall(r'^include "(\w+\.pxi)"$', (KERNELS / "compiled.pyx").read_text(), re.MULTILINE)
    assert included == [p.name for p in PARTS]


@pytest.mark.parametrize(
    "source", [KERNELS / "compiled.pyx", *PARTS, *sorted(KERNELS.glob("*.pxd"))], ids=lambda p: p.name
)
def test_compiled_module_is_not_older_than(source):
    built = Path(compiled.__file__)
    assert built.stat().st_mtime >= source.stat().st_mtime, (
        f"{built.name} is older than {source.name}: run `make install` (or pip install -e .) to recompile"
    )


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.stem)
def test_each_part_has_a_module_giving_its_names(part):
    # A part's public names reach the mechanisms through the module of the same name.
    module = importlib.import_module(f"cpsim.kernels.{part.stem}")
    assert module.__file__.endswith(".py"), f"{module.__file__} is left from an older build: run `make install`"
    defined = re.findall(r"^(?:def|cdef class) ([A-Za-z]\w*)", part.read_text(), re.MULTILINE)
    assert defined, part.name
    assert set(defined) <= set(module.__all__)
    chosen = compiled if path.COMPILED else importlib.import_module(f"cpsim.kernels.numpy_path.{part.stem}")
    for name in module.__all__:
        assert getattr(module, name) is getattr(chosen, name)


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.stem)
def test_the_numpy_path_has_every_kernel_with_its_arguments(part):
    module = importlib.import_module(f"cpsim.kernels.{part.stem}")
    numpy_part = importlib.import_module(f"cpsim.kernels.numpy_path.{part.stem}")
    for name in module.__all__:
        kernel, equation = getattr(compiled, name), getattr(numpy_part, name)
        if callable(kernel) and not isinstance(kernel, type):  # (keywords reach both by the same names)
            assert list(inspect.signature(equation).parameters) == list(inspect.signature(kernel).parameters), name
            assert equation.__doc__, f"cpsim.kernels.numpy_path.{part.stem}.{name} has no docstring"


def test_the_compiled_module_records_the_numpy_it_was_built_against():
    import numpy as np

    assert compiled.NUMPY_BUILT == ".".join(np.__version__.split(".")[:2])

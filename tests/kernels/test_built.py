"""The kernels are compiled, not older than any source they are built from (a stale build tests old code)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from cpsim.kernels import compiled

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
    for name in module.__all__:
        assert getattr(module, name) is getattr(compiled, name)

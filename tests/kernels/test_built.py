"""Every kernel is compiled, and not older than its source or what it cimports (a stale build tests old code)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

KERNELS = Path(__file__).resolve().parents[2] / "cpsim" / "kernels"


@pytest.mark.parametrize("source", sorted(KERNELS.glob("*.pyx")), ids=lambda p: p.stem)
def test_kernel_is_built_from_its_current_source(source):
    module = importlib.import_module(f"cpsim.kernels.{source.stem}")
    built = Path(module.__file__)
    assert built.suffix in (".so", ".pyd"), f"{built} is not a compiled module"
    shared = re.findall(r"^from cpsim\.kernels\.(\w+) cimport", source.read_text(encoding="utf-8"), re.MULTILINE)
    for needed in (source, *(KERNELS / f"{name}.pxd" for name in shared)):
        assert built.stat().st_mtime >= needed.stat().st_mtime, (
            f"{built.name} is older than {needed.name}: run `make install` (or pip install -e .) to recompile"
        )

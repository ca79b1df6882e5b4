"""The kernel tests compare the compiled kernels with the numpy path: without the compiled ones they skip, saying why
(all but test_path.py, which checks how the path is chosen).

(On the numpy path every kernel name is its numpy function, which these tests would compare with
itself, and the compiled kernels' refusals of bad input would not be there to test.
tests/test_stored_run.py checks the numpy path on every scenario either way.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cpsim.kernels import path

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items) -> None:
    """Skip this folder's tests when the compiled kernels are not in use."""
    if path.COMPILED:
        return
    skip = pytest.mark.skip(reason=f"the compiled kernels are not in use ({path.WHY_NUMPY})")
    for item in items:
        where = Path(str(item.fspath)).resolve()
        if HERE in where.parents and where.name != "test_path.py":
            item.add_marker(skip)

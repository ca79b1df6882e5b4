"""The small town's baseline runs, shared by every program test (run once per session)."""

from __future__ import annotations

import pytest
from small_town import SHORT, run


@pytest.fixture(scope="session")
def baseline():
    """The small town without programs, DAYS days."""
    return run()


@pytest.fixture(scope="session")
def short_baseline():
    """The small town without programs, SHORT days."""
    return run(days=SHORT)

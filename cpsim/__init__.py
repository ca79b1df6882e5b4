"""cpsim: an agent-based simulation of community-police interaction.

The names below are imported on first use (PEP 562), not when ``cpsim`` is imported:
Mesa, pandas, scipy and matplotlib take seconds to load, and ``cpsim --help``,
``cpsim check`` or a worker that only reads a scenario need none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "CommunityModel": "cpsim.model",
    "Officer": "cpsim.agents",
    "Resident": "cpsim.agents",
    "Result": "cpsim.simulate",
    "simulate": "cpsim.simulate",
    "Scenario": "cpsim.scenario",
    "ScenarioError": "cpsim.scenario",
    "load_scenario": "cpsim.scenario",
    "compare": "cpsim.studies.compare",
}

__all__ = [
    "CommunityModel",
    "Officer",
    "Resident",
    "Result",
    "Scenario",
    "ScenarioError",
    "compare",
    "load_scenario",
    "simulate",
]

if TYPE_CHECKING:  # pragma: no cover  (for type checkers and IDEs only)
    from cpsim.agents import Officer, Resident
    from cpsim.model import CommunityModel
    from cpsim.scenario import Scenario, ScenarioError, load_scenario
    from cpsim.simulate import Result, simulate
    from cpsim.studies.compare import compare


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use and cache the name in this module."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cpsim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

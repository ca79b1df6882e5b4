"""Community programs and strategies that schedule or modify mechanisms."""

from __future__ import annotations

from cpsim.programs.base import Program
from cpsim.programs.events import EVENTS
from cpsim.programs.trial import FieldTrial

REGISTRY: list[type[Program]] = [*EVENTS]
REGISTRY.append(FieldTrial)  # last: a trial measures what every other program did


def build_programs(params) -> list[Program]:
    """Instantiate the programs a scenario switches on, in registry order."""
    out = []
    for cls in REGISTRY:
        prog = cls.from_scenario(params) if hasattr(cls, "from_scenario") else None
        if prog is not None:
            out.append(prog)
    return out


__all__ = ["REGISTRY", "Program", "build_programs"]

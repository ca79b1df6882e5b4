"""Community programs and strategies that schedule or modify mechanisms."""

from __future__ import annotations

from cpsim.programs.co_responder import CoResponder
from cpsim.programs.events import EVENTS
from cpsim.programs.field_trial import FieldTrial
from cpsim.programs.focused_deterrence import FocusedDeterrence
from cpsim.programs.hotspots import HotSpots
from cpsim.programs.incident import Incident
from cpsim.programs.liaison import Liaison
from cpsim.programs.mentorship import Mentorship
from cpsim.programs.neighbourhood import Neighbourhood
from cpsim.programs.program import Program
from cpsim.programs.training import Orientation, Training
from cpsim.programs.transparency import Transparency
from cpsim.programs.watch import Watch

# Each program draws from its own stream, so the order only decides who acts first in a day.
REGISTRY: list[type[Program]] = [
    *EVENTS,
    Mentorship,
    Liaison,
    Watch,
    Neighbourhood,
    HotSpots,
    CoResponder,
    Training,
    Orientation,
    FocusedDeterrence,
    Transparency,
    Incident,
]
REGISTRY.append(FieldTrial)  # last: a trial measures what every other program did


def program_names() -> list[str]:
    """Names of the registered programs: the program streams a run declares (cpsim.streams)."""
    return [cls.name for cls in REGISTRY]


def build_programs(params) -> list[Program]:
    """Instantiate the programs a scenario switches on, in registry order."""
    out = []
    for cls in REGISTRY:
        prog = cls.from_scenario(params) if hasattr(cls, "from_scenario") else None
        if prog is not None:
            out.append(prog)
    return out


__all__ = ["REGISTRY", "Program", "build_programs", "program_names"]

"""The interface every community program or strategy implements.

A program never sets an outcome. It acts through what it delivers: officer hours it
requests (``plan``), contacts, events attended, calls handled or guardians added
(``act``), all recorded through the same mechanisms as everything else.
"""

from __future__ import annotations


class Program:
    """Base class: override the hooks a program needs.

    A program is built from its scenario section (``params.<name>``) and is off — returns
    None, so the run is exactly the baseline — when the section is disabled, its fidelity
    is zero or any of its ``doses`` (staff, hours, reach) is zero.
    """

    name = "program"
    doses: tuple[str, ...] = ()

    def __init__(self, sec) -> None:
        """Keep the section."""
        self.sec = sec
        self.pending = False  # a scheduled session waiting for hours
        self.log: list[tuple] = []

    @classmethod
    def from_scenario(cls, params):
        """The program, or None when it is off."""
        sec = getattr(params, cls.name)
        if not sec.enabled or getattr(sec, "fidelity", 1.0) <= 0 or any(getattr(sec, d) <= 0 for d in cls.doses):
            return None
        return cls(sec)

    def attach(self, model) -> None:
        """Called once when the model is built (schedule recurring events here)."""

    def plan(self, model) -> None:
        """Called each day before officer hours are split (request hours, mark places)."""

    def act(self, model, hours: dict) -> None:
        """Called each day after hours are split, with the hours each activity got per beat."""

"""The interface every community program or strategy implements.

A program never sets an outcome. It acts through what it delivers: officer hours it
requests (``plan``), contacts, events attended, calls handled or guardians added
(``act``), all recorded through the same mechanisms as everything else.
"""

from __future__ import annotations


class Program:
    """Base class: override the hooks a program needs."""

    name = "program"

    def attach(self, model) -> None:
        """Called once when the model is built (schedule recurring events here)."""

    def plan(self, model) -> None:
        """Called each day before officer hours are split (request hours, mark places)."""

    def act(self, model, hours: dict) -> None:
        """Called each day after hours are split, with the hours each activity got per beat."""

"""Scenario sections of the community programs and strategies (cpsim.programs).

Each program section is declared like the core sections, with :func:`param` fields.
"""

from __future__ import annotations

PROGRAM_SECTIONS: dict[str, type] = {}

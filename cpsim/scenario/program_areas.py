"""Programs confined to some areas: the ``areas`` key of every program section (and ``[trial]``).

A program runs city-wide unless its section says where:

- ``areas = ["Austin", "Englewood"]``: the areas of the areas file (``[areas]`` path) by name;
- ``areas = { lowest_trust = 20 }``: the 20 areas (beats) with the lowest mean resident trust
  when the run starts (the city as built, before day 1), so every program of a scenario given
  the same rule works in the same areas whatever its own ``start_day``;
- ``areas = []`` (the default): city-wide.

The value's shape is checked with every other value (``check_areas``); names against the areas
file and the count against the city's beats with the rules across keys (``areas_problem``).
Two programs have no area of their own and refuse the key (``NOT_CONFINED``). What a program
does in its areas and nowhere else is said in each program's module (cpsim/programs/).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from typing import Any

from cpsim.scenario.params import param

KIND = "areas"
RULE = "lowest_trust"
ALLOWED = (
    'a list of area names of the areas file (areas = ["Austin", "Englewood"]), { lowest_trust = N } (the N areas '
    "with the lowest mean trust when the run starts), or [] (city-wide)"
)
# Programs with no area of their own, and why: the key is refused for them, not ignored.
NOT_CONFINED = {
    "transparency": "its releases publish the city's own figures to whoever looks, wherever they live",
    "incident": "it happens in one beat (incident.beat) and its news travels city-wide by design",
}


def areas_param(what: str) -> Any:
    """The ``areas`` field of a program section: where ``what`` runs (default: city-wide)."""
    return param(
        (),
        "areas",
        None,
        None,
        f"Areas {what} runs in: a list of area names of the areas file, or {{ lowest_trust = N }}, the N areas "
        "with the lowest mean trust when the run starts; [] city-wide",
        "a scenario's choice (docs/programs.md, 'Programs in some areas')",
        kind=KIND,
    )


class AreasValueError(ValueError):
    """An ``areas`` value of the wrong shape; the message is the problem, without 'allowed'."""


def check_areas(value: Any) -> tuple[str, ...] | dict[str, int]:
    """The stored form of an ``areas`` value: a tuple of names, or ``{"lowest_trust": N}``.

    Raises:
        AreasValueError: Not a list of names, nor a table with ``lowest_trust`` alone.
    """
    if isinstance(value, (list, tuple)):
        bad = next((v for v in value if not isinstance(v, str) or not v.strip()), None)
        if bad is not None:
            raise AreasValueError(f"{bad!r} is not an area name")
        twice = next((v for v in value if list(value).count(v) > 1), None)
        if twice is not None:
            raise AreasValueError(f"{twice!r} is listed twice")
        return tuple(value)
    if isinstance(value, Mapping):
        extra = [k for k in value if k != RULE]
        if extra or RULE not in value:
            raise AreasValueError(f"a table with {', '.join(map(repr, value)) or 'no keys'}")
        n = value[RULE]
        if isinstance(n, bool) or not isinstance(n, int) and not (isinstance(n, float) and n.is_integer()):
            raise AreasValueError(f"lowest_trust = {n!r} is not a whole number")
        if n < 1:
            raise AreasValueError(f"lowest_trust = {n!r} is below 1")
        return {RULE: int(n)}
    raise AreasValueError(f"expected a list or a table, got {value!r}")


def confined(value: Any) -> bool:
    """Whether an ``areas`` value confines its program (anything but city-wide)."""
    return bool(value)


def areas_problem(scenario: Any, sections: Mapping[str, type], names: tuple[str, ...] | None) -> tuple[str, str] | None:
    """The first ``areas`` value the city cannot honour, as (dotted key, "problem; allowed: ..."), or None.

    Args:
        scenario: The scenario, its areas file resolved.
        sections: The sections that may hold ``areas`` (the programs' and the trial's), by name.
        names: The areas file's names, in beat order; None when the city's areas are drawn at random.
    """
    beats = scenario.population.beats
    for sec in sections:
        value = getattr(getattr(scenario, sec), KIND, ())
        if not confined(value):
            continue
        key = f"{sec}.{KIND}"
        if isinstance(value, Mapping):
            if value[RULE] > beats:
                return key, (f"lowest_trust = {value[RULE]} of {beats} areas; allowed: 1 to {beats} (population.beats)")
            continue
        if names is None:
            return key, (
                "names areas, but the city's areas are drawn at random (no areas.path); allowed: { lowest_trust = N } "
                "or an areas file whose names these are"
            )
        known = set(names)
        unknown = [n for n in value if n not in known]
        if unknown:
            near = {n.casefold(): n for n in names}.get(unknown[0].casefold())
            near = near or next(iter(difflib.get_close_matches(unknown[0], names, n=1, cutoff=0.6)), None)
            hint = f" (did you mean {near!r}?)" if near else ""
            shown = ", ".join(repr(n) for n in names[:3])
            path = os.path.normpath(scenario.areas.path)
            return key, (
                f"{unknown[0]!r} is not an area of {path!r}{hint}; allowed: names from its name column "
                f"({len(names)} areas: {shown}, ...)"
            )
    return None

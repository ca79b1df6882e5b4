"""The ``[areas]`` section: a city built from a table of real areas instead of drawn at random.

With ``path`` set, each row of the areas file (cpsim/scenario/areas_file.py) becomes one
police beat with its own residents (the area's population at the stated scale), its own
group mix (the row's counts or shares for ``population.group_names``) and its own crime
risk (the area's crime rate relative to the city's, not a random draw). The table then
decides ``population.beats``, ``population.group_shares`` and, when ``scale`` > 0,
``population.residents``; ``population.beat_size_sigma``, ``segregation``, ``disadvantage``
and ``beat_risk_sigma`` are not used. An adjacency file of bordering pairs sends a share of
the long social ties that leave an area to the areas bordering it, so neighbouring areas
share stories (word of mouth travels along ties).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpsim.scenario.areas_file import AreasFileError, area_residents, city_residents, group_counts, read_areas
from cpsim.scenario.params import param, spec_of

ASSUME = "assumption"
COMPOSITIONS = ("counts", "shares")


@dataclass(frozen=True)
class Areas:
    """A city from a table of areas (off unless ``path`` names an areas file)."""

    path: str = param(
        "",
        "",
        None,
        None,
        "Areas file (CSV, one row per area: area, name, population, one column per group, violent_per_1000, "
        "property_per_1000, optional land_area_km2), relative to the scenario file; empty: areas drawn at random",
        "a researcher's own city; Chicago's 77 community areas in data/chicago/areas.csv (data/README.md)",
    )
    adjacency: str = param(
        "",
        "",
        None,
        None,
        "Adjacency file (CSV with columns area_a, area_b: one row per pair of areas that border each other); "
        "empty: no borders",
        "Chicago: data/chicago/community_area_adjacency.csv, pairs sharing boundary vertices (data/README.md)",
    )
    scale: float = param(
        0.0,
        "persons per resident",
        0,
        1_000_000,
        "Real residents one simulated resident stands for (100: a 1:100 city); 0: population.residents sets the "
        "city's size and areas get residents in proportion to their populations",
        "assumption: 1:100 is the coarsest scale at which every Chicago area keeps a patrol officer "
        "(scenarios/cities/chicago.toml)",
    )
    composition: str = param(
        "counts",
        "",
        None,
        None,
        "How the group columns are given: counts of residents (any base; each row's counts are turned into "
        "shares) or shares summing to 1 in each row",
        ASSUME,
        choices=COMPOSITIONS,
    )
    violent_weight: float = param(
        1.0,
        "1",
        0,
        1,
        "Weight of the violent rate in an area's crime risk (the rest: property): risk = w V_a / V + (1 - w) "
        "P_a / P, relative to the city's per-resident rates",
        "assumption (range 0.5-1): recorded violent crime tracks residents' own risk; property crime piles up "
        "where shops and visitors are (Chicago's Loop: 4.6x the city's property rate per resident, 1.4x violent)",
    )
    border_share: float = param(
        0.4,
        "1",
        0,
        1,
        "Share of the long ties that leave a resident's area going to the areas bordering it (needs adjacency); "
        "the rest go anywhere in the city",
        "Liben-Nowell et al. 2005, PNAS 102(33): friendship probability ~ 1/rank of distance; over Chicago's "
        "areas (~36,000 people, ~4.6 neighbours each) that puts ~40% of ties leaving an area next door "
        "(assumption on the transfer; range 0.2-0.6)",
    )


AREAS_SECTIONS: dict[str, type] = {"areas": Areas}


def _bounds(section: Any, key: str) -> tuple[float, float]:
    spec = spec_of(next(f for f in dataclasses.fields(type(section)) if f.name == key))
    return spec.lo, spec.hi


def _beside(path: str, origin: str | None) -> Path:
    """A file named in a scenario, relative to the scenario file that names it."""
    out = Path(path)
    if not out.is_absolute() and origin is not None and Path(origin).is_file():
        out = Path(origin).parent / out
    return out


def resolve_areas(scenario: Any, origin: Callable[[str], str | None]) -> Any:
    """Read the areas file of a scenario and set what it decides (the loader's rule for ``[areas]``).

    With ``areas.path`` set, ``population.beats`` becomes the number of areas,
    ``population.group_shares`` the table's shares at the built scale and, when
    ``areas.scale`` > 0, ``population.residents`` the city's population at that scale; the
    file paths are made relative to the scenario file naming them. A value of those keys
    given on the command line (``--set``, a flag) that the table contradicts is refused
    rather than silently replaced.

    Args:
        scenario: A Scenario whose values each passed their own range check.
        origin: Dotted key -> the file (or flag) that set it, None for a default.

    Returns:
        The scenario with the table's values.

    Raises:
        AreasFileError: A bad file or setting; ``key`` names the dotted key to blame.

    """
    a, pop = scenario.areas, scenario.population
    if not a.path:
        if a.adjacency:
            raise AreasFileError(
                "areas.adjacency", "set without areas.path; allowed: an adjacency file of an areas file"
            )
        return scenario
    path = _beside(a.path, origin("areas.path"))
    adjacency = _beside(a.adjacency, origin("areas.adjacency")) if a.adjacency else ""
    table = read_areas(path, pop.group_names, a.composition, adjacency)
    most_beats = int(_bounds(pop, "beats")[1])
    if table.n > most_beats:
        raise AreasFileError("areas.path", f"{str(path)!r} has {table.n:,} areas; allowed: at most {most_beats:,}")
    residents = pop.residents
    if a.scale > 0:
        residents = city_residents(table, a.scale)
        lo, hi = _bounds(pop, "residents")
        if not lo <= residents <= hi:
            raise AreasFileError(
                "areas.scale",
                f"{a.scale:g} makes {residents:,} residents of {table.population.sum():,.0f}; allowed: a scale "
                f"giving {lo:,.0f} to {hi:,.0f} residents",
            )
    per_area = area_residents(table, residents)
    if per_area.min() < 1:
        small = int(per_area.argmin())
        key = "areas.scale" if a.scale > 0 else "population.residents"
        raise AreasFileError(
            key,
            f"{residents:,} residents leave area {table.names[small]!r} ({table.population[small]:,.0f} people) with "
            f"no resident; allowed: at least one simulated resident in every area of {str(path)!r}",
        )
    shares = tuple(float(x) for x in group_counts(table, per_area).sum(0) / residents)
    table_values = {"population.residents": residents, "population.beats": table.n, "population.group_shares": shares}
    for key, value in table_values.items():
        given, where = scenario.get(key), origin(key)
        if where is not None and where.startswith("--") and not _same(given, value):
            raise AreasFileError(
                key,
                f"{given!r} contradicts the areas file {str(path)!r}, which gives {value!r}; allowed: the table's "
                "value (the city's size follows areas.scale, or population.residents when areas.scale = 0)",
            )
    return dataclasses.replace(
        scenario,
        population=dataclasses.replace(pop, residents=residents, beats=table.n, group_shares=shares),
        areas=dataclasses.replace(a, path=str(path), adjacency=str(adjacency)),
    )


def _same(given: Any, value: Any) -> bool:
    if isinstance(value, tuple):
        return len(given) == len(value) and all(abs(x - y) < 1e-6 for x, y in zip(given, value, strict=True))
    return given == value

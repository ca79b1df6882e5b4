"""Chicago's 77 community areas as an areas file: four groups from race-alone counts and Hispanic origin.

``python -m cpsim.world.chicago_areas`` writes data/chicago/areas.csv (the areas file of
scenarios/cities/chicago.toml) from data/chicago/community_areas.csv (2010-2014 ACS and
CPD 2014 crime counts by community area; data/README.md); a test checks the shipped file
is what this derivation gives.

The census counts race (``white_alone``, ``black_alone``, ``asian_alone``, ``other_races``)
and Hispanic origin (``hispanic_any_race``) separately, so a Hispanic White resident is in
two columns. The four groups of the scenario (White, Asian, Hispanic, Black) are mutually
exclusive, by this rule, area by area:

1. **Hispanic first**: every Hispanic resident is in the Hispanic group.
2. Hispanic residents are taken out of the White-alone and other-race counts, in
   proportion to those two counts (floored at 0): the census puts nearly all Hispanic
   residents there (2010: 53% White alone, 37% some other race, 6% two or more races;
   2.5% Black alone and 0.4% Asian alone, which the rule ignores — Census Brief
   C2010BR-04).
3. The non-Hispanic remainder (population − Hispanic) is split between White, Black and
   **Asian or other** (Asian alone plus the other races left after step 2, two or more
   races included) in proportion to what is left of their counts.
4. The four counts are rounded to whole residents summing to the population (largest
   remainder).

City-wide this gives White 29.1%, Black 32.0%, Hispanic 28.9%, Asian or other 10.0%
(ACS 2010-2014 for Chicago, non-Hispanic: White ~32%, Black ~32%, Asian ~6%; Hispanic
~29%); scaling the race counts to the remainder without step 2 would take Hispanic residents
out of the Black count too and give Black 28.1%. Crime rates are the 2014 counts per 1,000
residents of the 2010-2014 population.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

from cpsim.scenario.areas_file import largest_remainder

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "data" / "chicago" / "community_areas.csv"
TARGET = ROOT / "data" / "chicago" / "areas.csv"
GROUPS = ("White", "Asian", "Hispanic", "Black")  # the order of scenarios/cities/chicago.toml
COLUMNS = ("area", "name", "population", *GROUPS, "violent_per_1000", "property_per_1000", "land_area_km2")


def four_groups(
    population: float, white: float, black: float, asian: float, other: float, hispanic: float
) -> dict[str, float]:
    """Residents of one area in the four groups (not yet rounded), by the rule in the module docstring.

    Args:
        population: Residents of the area.
        white: White alone (any ethnicity).
        black: Black alone (any ethnicity).
        asian: Asian alone (any ethnicity).
        other: Every other race, and two or more races (any ethnicity).
        hispanic: Hispanic residents of any race.

    Returns:
        Residents by group (White, Asian, Hispanic, Black), summing to the population.

    Raises:
        ValueError: Hispanic residents outnumber the population, or non-Hispanic residents
            are left with no race count to share them out.

    """
    if not 0 <= hispanic <= population:
        raise ValueError(f"{hispanic:g} Hispanic residents of {population:g}")
    either = white + other
    white_left = max(white - hispanic * white / either, 0.0) if either > 0 else 0.0
    other_left = max(other - hispanic * other / either, 0.0) if either > 0 else 0.0
    rest = {"White": white_left, "Asian": asian + other_left, "Black": black}
    remainder, total = population - hispanic, sum(rest.values())
    if remainder > 0 and total <= 0:
        raise ValueError(f"{remainder:g} non-Hispanic residents and no race count left to share them out")
    out = {g: (remainder * v / total if total > 0 else 0.0) for g, v in rest.items()}
    out["Hispanic"] = hispanic
    return {g: out[g] for g in GROUPS}


def derive(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The areas file's rows from the rows of data/chicago/community_areas.csv."""
    out = []
    for r in rows:
        pop = int(r["population_2014"])
        exact = four_groups(
            pop,
            *(float(r[k]) for k in ("white_alone", "black_alone", "asian_alone", "other_races", "hispanic_any_race")),
        )
        counts = largest_remainder(pop, np.array(list(exact.values())))
        out.append(
            {
                "area": r["area_number"],
                "name": r["name"],
                "population": str(pop),
                **{g: str(int(c)) for g, c in zip(GROUPS, counts, strict=True)},
                "violent_per_1000": f"{1000 * int(r['violent_crimes_2014']) / pop:.3f}",
                "property_per_1000": f"{1000 * int(r['property_crimes_2014']) / pop:.3f}",
                "land_area_km2": r["land_area_km2"],
            }
        )
    return out


def areas_csv(source: Path = SOURCE) -> str:
    """The text of data/chicago/areas.csv, derived from the community-area table."""
    with source.open(encoding="utf-8", newline="") as fh:
        rows = derive(list(csv.DictReader(fh)))
    lines = [",".join(COLUMNS)]
    for row in rows:
        lines.append(",".join(f'"{v}"' if "," in v else v for v in (row[c] for c in COLUMNS)))
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write data/chicago/areas.csv."""
    TARGET.write_text(areas_csv(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Areas files named by ``areas.path`` (and ``areas.adjacency``): read, checked, apportioned.

An areas file is a CSV with a header row and one row per area::

    area,name,population,White,Asian,Hispanic,Black,violent_per_1000,property_per_1000,land_area_km2
    1,Rogers Park,55053,20870,5330,13530,15323,18.56,20.05,4.762

- ``area``: the area's id (any text, unique; adjacency files and maps refer to it);
  ``name``: its name.
- ``population``: residents (a whole number, at least 1).
- one column per group of ``population.group_names`` (matched without regard to case):
  counts (``areas.composition = "counts"``: non-negative, any base, turned into the row's
  shares) or shares (``"shares"``: each in 0-1, summing to 1 ± 0.01 in each row).
- ``violent_per_1000``, ``property_per_1000``: recorded crimes a year per 1,000 residents
  (non-negative); only their ratio to the city's rate is used (the area's crime risk).
- ``land_area_km2`` (optional): land area, positive.

An adjacency file is a CSV with columns ``area_a`` and ``area_b``: one row per pair of
areas that border each other (ids from the areas file; order and repeats do not matter).
Other columns are ignored in both files. Every problem raises :class:`AreasFileError`
with the key (``areas.path`` or ``areas.adjacency``) and a message naming the file, the line or column
and what is allowed; the loader turns it into one line and exit code 2. Tables are cached
by path, size and modification time, as graph files are.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

REQUIRED = ("area", "name", "population")
CRIME = ("violent_per_1000", "property_per_1000")
LAND = "land_area_km2"
PAIR = ("area_a", "area_b")
# Largest areas file read: a table of areas, not a dump of records.
MAX_BYTES = 64 * 2**20
# Shares of a row may be rounded as published: they must sum to 1 within this.
SHARE_TOLERANCE = 0.01


class AreasFileError(ValueError):
    """An areas or adjacency file that cannot be used: the dotted ``key`` to blame and a one-line message."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class AreaTable:
    """A validated areas file (arrays in the file's row order).

    Attributes:
        ids: Area ids as written.
        names: Area names.
        population: Residents of each area.
        shares: Group shares of each area, one column per group (rows sum to 1).
        violent: Recorded violent crimes a year per 1,000 residents.
        property: Recorded property crimes a year per 1,000 residents.
        land_area: Land area in km² (NaN where the file has no such column).
        borders: Bordering pairs as row indices, shape (pairs, 2), each pair once (a < b).

    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    population: np.ndarray
    shares: np.ndarray
    violent: np.ndarray
    property: np.ndarray
    land_area: np.ndarray
    borders: np.ndarray

    @property
    def n(self) -> int:
        """Number of areas."""
        return len(self.ids)


def read_areas(
    path: str | Path, groups: tuple[str, ...], composition: str = "counts", adjacency: str | Path = ""
) -> AreaTable:
    """Read and check an areas file (and its adjacency file).

    Args:
        path: The areas CSV.
        groups: The scenario's group names, in order (one column each).
        composition: "counts" or "shares" (how the group columns are given).
        adjacency: The adjacency CSV, or "" for none.

    Returns:
        The table.

    Raises:
        AreasFileError: The first problem found, in one line.

    """
    key = (
        _stamp(path, "areas.path"),
        tuple(groups),
        composition,
        _stamp(adjacency, "areas.adjacency") if adjacency else None,
    )
    return _read(*key)


def _stamp(path: str | Path, key: str) -> tuple[str, int, int]:
    path = Path(path)
    try:
        st = path.stat()
    except (OSError, ValueError) as err:  # ValueError: a name with a NUL byte
        raise AreasFileError(key, f"{str(path)!r}: cannot read it ({getattr(err, 'strerror', None) or err})") from None
    if not path.is_file():
        raise AreasFileError(key, f"{str(path)!r} is not a file")
    return str(path), st.st_size, st.st_mtime_ns


@lru_cache(maxsize=16)
def _read(
    stamp: tuple[str, int, int], groups: tuple[str, ...], composition: str, adjacency: tuple[str, int, int] | None
) -> AreaTable:
    path = stamp[0]
    header, rows = _rows(path, "areas.path")
    allowed = (
        f"a CSV with columns {', '.join((*REQUIRED, *groups, *CRIME))} ({LAND} optional), one row per area "
        "(docs/scenarios.md#areas)"
    )
    col = _columns(path, header, (*REQUIRED, *CRIME), groups, allowed)
    if not rows:
        raise AreasFileError("areas.path", f"{path!r}: no areas (only a header); allowed: {allowed}")
    ids, names, seen = [], [], {}
    for line, cells in rows:
        area = cells[col["area"]]
        if not area:
            raise AreasFileError(
                "areas.path", f"{path!r} line {line}: column 'area' is empty; allowed: an id for each area"
            )
        if area in seen:
            raise AreasFileError(
                "areas.path",
                f"{path!r} line {line}: area {area!r} again (first on line {seen[area]}); allowed: unique ids",
            )
        seen[area] = line
        ids.append(area)
        names.append(cells[col["name"]] or area)

    def numbers(column: str, what: str, ok) -> np.ndarray:
        out = np.empty(len(rows))
        for i, (line, cells) in enumerate(rows):
            text = cells[col[column]]
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value) or not ok(value):
                shown = repr(text) if text else "an empty cell"
                raise AreasFileError(
                    "areas.path", f"{path!r} line {line} (area {ids[i]!r}), column {column!r}: {shown}; allowed: {what}"
                )
            out[i] = value
        return out

    population = numbers("population", "a whole number of residents, at least 1", lambda v: v >= 1 and v.is_integer())
    if composition == "shares":
        parts = [numbers(g, "a share from 0 to 1", lambda v: 0 <= v <= 1) for g in groups]
    else:
        parts = [numbers(g, "a count of residents, 0 or more", lambda v: v >= 0) for g in groups]
    table = np.column_stack(parts)
    total = table.sum(1)
    for i, (line, _) in enumerate(rows):
        where = f"{path!r} line {line} (area {ids[i]!r}), columns {', '.join(map(repr, groups))}"
        if composition == "counts" and total[i] <= 0:
            raise AreasFileError("areas.path", f"{where}: all 0; allowed: counts with at least one resident")
        if composition == "shares" and abs(total[i] - 1.0) > SHARE_TOLERANCE:
            raise AreasFileError(
                "areas.path", f"{where}: shares sum to {total[i]:g}; allowed: a sum of 1 (within {SHARE_TOLERANCE:g})"
            )
    shares = table / total[:, None]
    rate = "recorded crimes a year per 1,000 residents, 0 or more"
    violent = numbers("violent_per_1000", rate, lambda v: v >= 0)
    prop = numbers("property_per_1000", rate, lambda v: v >= 0)
    land = numbers(LAND, "an area in km², above 0", lambda v: v > 0) if LAND in col else np.full(len(rows), np.nan)
    borders = _borders(adjacency[0], {a: i for i, a in enumerate(ids)}, path) if adjacency else np.empty((0, 2), int)
    out = AreaTable(tuple(ids), tuple(names), population, shares, violent, prop, land, borders)
    for arr in (population, shares, violent, prop, land, borders):
        arr.flags.writeable = False  # cached and shared by every world built from the file
    return out


def _columns(
    path: str, header: list[str], required: tuple[str, ...], groups: tuple[str, ...], allowed: str
) -> dict[str, int]:
    """Column name -> position; each group's name -> its column, matched without regard to case."""
    col: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in col:
            raise AreasFileError("areas.path", f"{path!r}: column {name!r} twice in the header; allowed: {allowed}")
        col[name] = i
    lower = {name.lower(): i for name, i in col.items()}
    for name in required:
        if name not in col:
            raise AreasFileError("areas.path", f"{path!r}: no column {name!r}; allowed: {allowed}")
    for g in groups:
        if g not in col and g.lower() not in lower:
            raise AreasFileError(
                "areas.path",
                f"{path!r}: no column for group {g!r} (population.group_names); allowed: {allowed}",
            )
        col.setdefault(g, lower[g.lower()])
    return col


def _rows(path: str, key: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank rows (with their line numbers) of a CSV, cells stripped."""
    allowed = "a UTF-8 CSV file with a header row"
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise AreasFileError(key, f"{path!r}: {size:,} bytes; allowed: {allowed} under {MAX_BYTES // 2**20} MB")
        raw = Path(path).read_bytes()
    except OSError as err:
        raise AreasFileError(key, f"{path!r}: cannot read it ({err.strerror or err}); allowed: {allowed}") from None
    if b"\x00" in raw:
        raise AreasFileError(key, f"{path!r}: binary data (byte 0 at offset {raw.index(b'\x00')}); allowed: {allowed}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise AreasFileError(
            key, f"{path!r}: not UTF-8 text (byte 0x{raw[err.start]:02x} on line {line}); allowed: {allowed}"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        parsed = [(reader.line_num, [c.strip() for c in row]) for row in reader]
    except csv.Error as err:
        raise AreasFileError(key, f"{path!r} line {reader.line_num}: not CSV ({err}); allowed: {allowed}") from None
    parsed = [(line, cells) for line, cells in parsed if any(cells)]
    if not parsed:
        raise AreasFileError(key, f"{path!r}: empty; allowed: {allowed}")
    (_, header), body = parsed[0], parsed[1:]
    for line, cells in body:
        if len(cells) != len(header):
            raise AreasFileError(
                key, f"{path!r} line {line}: {len(cells)} cells; allowed: one per column of the header ({len(header)})"
            )
    return header, body


def _borders(path: str, index: dict[str, int], areas_path: str) -> np.ndarray:
    header, rows = _rows(path, "areas.adjacency")
    allowed = f"a CSV with columns {PAIR[0]}, {PAIR[1]}: one row per pair of bordering areas of {areas_path!r}"
    for name in PAIR:
        if name not in header:
            raise AreasFileError("areas.adjacency", f"{path!r}: no column {name!r}; allowed: {allowed}")
    a, b = header.index(PAIR[0]), header.index(PAIR[1])
    pairs = set()
    for line, cells in rows:
        ends = []
        for pos in (a, b):
            if cells[pos] not in index:
                raise AreasFileError(
                    "areas.adjacency",
                    f"{path!r} line {line}, column {header[pos]!r}: {cells[pos]!r} is not an area of the areas file; "
                    f"allowed: ids from the 'area' column of {areas_path!r}",
                )
            ends.append(index[cells[pos]])
        if ends[0] == ends[1]:
            raise AreasFileError(
                "areas.adjacency",
                f"{path!r} line {line}: area {cells[a]!r} borders itself; allowed: two different areas",
            )
        pairs.add((min(ends), max(ends)))
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers summing to ``total`` in proportion to ``weights`` (Hamilton's method).

    Each gets the floor of its quota, and the units left go to the largest remainders
    (ties to the first), so every count is within 1 of its exact share.

    Args:
        total: The whole to share out (>= 0).
        weights: Non-negative weights, not all 0.

    Returns:
        int64 counts summing to ``total``.

    """
    quota = total * np.asarray(weights, float) / float(np.sum(weights))
    counts = np.floor(quota).astype(np.int64)
    short = int(total - counts.sum())
    if short > 0:
        counts[np.argsort(-(quota - counts), kind="stable")[:short]] += 1
    return counts


def city_residents(table: AreaTable, scale: float) -> int:
    """Simulated residents of the whole city at a scale (real residents per simulated one)."""
    return int(round(float(table.population.sum()) / scale))


def area_residents(table: AreaTable, residents: int) -> np.ndarray:
    """Simulated residents of each area: ``residents`` shared out in proportion to population."""
    return largest_remainder(residents, table.population)


def group_counts(table: AreaTable, per_area: np.ndarray) -> np.ndarray:
    """Simulated residents of each group in each area (areas x groups), each row by largest remainder."""
    return np.stack([largest_remainder(int(n), s) for n, s in zip(per_area, table.shares, strict=True)])


def area_risk(table: AreaTable, per_area: np.ndarray, violent_weight: float) -> np.ndarray:
    """Each area's crime risk relative to the city's, with a resident-weighted mean of 1.

    risk_a = w V_a / V + (1 - w) P_a / P, where V and P are the city's violent and property
    rates per resident (weighted by the simulated residents, so the built city's mean risk is
    exactly 1); a type no area records counts as equal risk everywhere.

    Args:
        table: The areas.
        per_area: Simulated residents of each area.
        violent_weight: Weight w of the violent rate.

    Returns:
        Risk multiplier per area.

    """
    n = per_area.astype(float)

    def relative(rate: np.ndarray) -> np.ndarray:
        city = float(np.sum(n * rate) / n.sum())
        return rate / city if city > 0 else np.ones_like(rate)

    return violent_weight * relative(table.violent) + (1 - violent_weight) * relative(table.property)

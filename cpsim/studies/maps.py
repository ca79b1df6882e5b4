"""Maps of figures by area, drawn from GeoJSON boundaries with matplotlib alone (no GIS library).

A GeoJSON FeatureCollection of Polygon or MultiPolygon features, each with an id property
(``area_number`` for Chicago's community areas, data/chicago/community_areas.geojson), is
read as plain JSON; each area's rings become one matplotlib path (holes included), drawn
in longitude and latitude with the aspect of the city's mean latitude. Areas the table does
not give are drawn grey ("no data"); an id the boundaries do not have is refused with one
line (:class:`MapError`), since a map that silently drops an area misleads.

    trust_maps(table, "out/maps/trust_2019.png")   # observed, simulated and residual, one PNG each
    area_map(table, "out/safety.png", "safety")    # any one column
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHICAGO_AREAS = ROOT / "data" / "chicago" / "community_areas.geojson"
NO_DATA = "#d9d9d9"


class MapError(ValueError):
    """A table or boundary file that cannot be mapped; the message is one line."""


@lru_cache(maxsize=8)
def boundaries(path: str | Path = CHICAGO_AREAS, id_property: str = "area_number") -> dict[str, MplPath]:
    """Each area's outline as one matplotlib path (its polygons and their holes), by id.

    Args:
        path: A GeoJSON FeatureCollection of Polygon or MultiPolygon features.
        id_property: The feature property holding the area's id.

    Returns:
        Area id (as text) -> path in longitude and latitude.

    Raises:
        MapError: The file cannot be read or is not such a collection.

    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        features = doc["features"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise MapError(f"{path}: not a readable GeoJSON FeatureCollection ({type(err).__name__})") from None
    out: dict[str, MplPath] = {}
    for i, feature in enumerate(features):
        try:
            geometry = feature["geometry"]
            area = str(feature["properties"][id_property])
            polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        except (KeyError, TypeError):
            raise MapError(
                f"{path}: feature {i} lacks a geometry or the property {id_property!r}; allowed: Polygon or "
                f"MultiPolygon features with an {id_property!r} property"
            ) from None
        vertices, codes = [], []
        for polygon in polygons:
            for ring in polygon:  # the outline, then its holes: drawn with the even-odd rule
                ring = np.asarray(ring, float)[:, :2]
                vertices.append(ring)
                codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY])
        out[area] = MplPath(np.concatenate(vertices), np.concatenate(codes))
    return out


def _values(table: pd.DataFrame, column: str, id_column: str, known: dict[str, MplPath], where: str) -> pd.Series:
    """The column's values by area id (text), checked against the boundaries."""
    for name in (id_column, column):
        if name not in table.columns:
            raise MapError(f"{where}: no column {name!r}; allowed: a table with {id_column!r} and {column!r}")
    ids = table[id_column].map(_id_text)
    unknown = sorted(set(ids) - set(known), key=str)
    if unknown:
        raise MapError(
            f"{where}: {id_column} {unknown[0]!r} is not an area of the map ({len(unknown)} unknown); allowed: "
            f"the {len(known)} area ids of the boundary file"
        )
    if ids.duplicated().any():
        raise MapError(f"{where}: {id_column} {ids[ids.duplicated()].iloc[0]!r} twice; allowed: one row per area")
    values = pd.to_numeric(table[column], errors="coerce")
    bad = values.isna() & table[column].notna()
    if bad.any():
        raise MapError(f"{where}: column {column!r} has {table[column][bad].iloc[0]!r}; allowed: numbers (or empty)")
    return pd.Series(values.to_numpy(float), index=ids.to_numpy())


def _id_text(value: object) -> str:
    # 7 and 7.0 (a column read with gaps) both name area "7"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _draw(ax, shapes: dict[str, MplPath], values: pd.Series, cmap, norm, label: str) -> None:
    patches, colours = [], []
    scalar = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    for area, shape in shapes.items():
        patches.append(PathPatch(shape))
        v = values.get(area, np.nan)
        colours.append(NO_DATA if not np.isfinite(v) else scalar.to_rgba(v))
    ax.add_collection(PatchCollection(patches, facecolors=colours, edgecolors="white", linewidths=0.4))
    box = np.concatenate([s.vertices for s in shapes.values()])
    (x0, y0), (x1, y1) = box.min(0), box.max(0)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))  # degrees of longitude shrink with latitude
    ax.set_axis_off()
    plt.colorbar(scalar, ax=ax, shrink=0.7, label=label)
    if values.reindex(list(shapes)).isna().any():
        ax.text(0.02, 0.02, "grey: no data", transform=ax.transAxes, fontsize=8, color="#555555")


def area_map(
    table: pd.DataFrame,
    path: str | Path,
    column: str,
    *,
    id_column: str = "area_number",
    geojson: str | Path = CHICAGO_AREAS,
    title: str = "",
    label: str = "",
    limits: Sequence[float] | None = None,
    diverging: bool = False,
) -> Path:
    """Write a PNG map of one column of a per-area table.

    Args:
        table: One row per area: ``id_column`` and ``column``; areas missing are grey.
        path: PNG file to write.
        column: The figure to map.
        id_column: The column of area ids (matched as text to the boundary file's ids).
        geojson: The boundary file.
        title: Title above the map.
        label: Colour bar label (defaults to the column's name).
        limits: Colour scale (low, high); defaults to the values' range.
        diverging: A red-blue scale centred on 0 (residuals) instead of a sequential one.

    Returns:
        The path written.

    Raises:
        MapError: An unknown area id, a missing column or a value that is not a number.

    """
    shapes = boundaries(str(geojson))
    values = _values(table, column, id_column, shapes, f"map of {column!r}")
    fig, ax = plt.subplots(figsize=(5.2, 6.4), constrained_layout=True)
    _draw(ax, shapes, values, *_scale(values, limits, diverging), label or column)
    ax.set_title(textwrap.fill(title or column, 44), fontsize=11)  # a long title would run off the figure
    return _save(fig, path)


def trust_maps(
    table: pd.DataFrame,
    folder: str | Path,
    *,
    observed: str = "observed",
    simulated: str = "simulated",
    id_column: str = "area_number",
    geojson: str | Path = CHICAGO_AREAS,
    what: str = "trust (0-100)",
    when: str = "",
) -> list[Path]:
    """Observed, simulated and residual (simulated − observed) maps of a figure by area, one PNG each.

    Observed and simulated share one colour scale, so their colours compare; the residual
    map is centred on 0 (red: the model above the data, blue: below).

    Args:
        table: One row per area with ``id_column``, ``observed`` and ``simulated``.
        folder: Where to write observed.png, simulated.png and residual.png.
        observed: Column of the data's figure.
        simulated: Column of the model's figure.
        id_column: Column of area ids.
        geojson: The boundary file.
        what: What the figure is, for titles and colour bars.
        when: When (a year, a run), added to the titles.

    Returns:
        The three paths written.

    Raises:
        MapError: As :func:`area_map`.

    """
    shapes = boundaries(str(geojson))
    obs = _values(table, observed, id_column, shapes, f"map of {observed!r}")
    sim = _values(table, simulated, id_column, shapes, f"map of {simulated!r}")
    both = pd.concat([obs, sim])
    both = both[np.isfinite(both)]
    limits = (float(both.min()), float(both.max())) if len(both) else None
    resid = table.assign(residual=sim.to_numpy() - obs.to_numpy())
    folder = Path(folder)
    suffix = f", {when}" if when else ""
    return [
        area_map(table, folder / "observed.png", observed, id_column=id_column, geojson=geojson,
                 title=f"Observed {what}{suffix}", label=what, limits=limits),
        area_map(table, folder / "simulated.png", simulated, id_column=id_column, geojson=geojson,
                 title=f"Simulated {what}{suffix}", label=what, limits=limits),
        area_map(resid, folder / "residual.png", "residual", id_column=id_column, geojson=geojson,
                 title=f"Simulated − observed {what}{suffix}", label="points", diverging=True),
    ]  # fmt: skip


def _scale(values: pd.Series, limits: Sequence[float] | None, diverging: bool):
    finite = values[np.isfinite(values)]
    if diverging:
        reach = float(np.abs(finite).max()) if len(finite) else 1.0
        return plt.get_cmap("RdBu_r"), matplotlib.colors.Normalize(-reach or -1.0, reach or 1.0)
    lo, hi = limits if limits is not None else (finite.min(), finite.max()) if len(finite) else (0.0, 1.0)
    return plt.get_cmap("viridis"), matplotlib.colors.Normalize(float(lo), float(hi) if hi > lo else float(lo) + 1)


def _save(fig, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

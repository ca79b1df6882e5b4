"""Maps by area from the GeoJSON boundaries: a valid PNG for Chicago's 77 areas, one-line refusals."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cpsim.studies.maps import CHICAGO_AREAS, MapError, area_map, boundaries, trust_maps

ROOT = Path(__file__).resolve().parents[2]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, after checking its signature and header chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    return struct.unpack(">II", head[16:24])


@pytest.fixture(scope="module")
def areas() -> pd.DataFrame:
    table = pd.read_csv(ROOT / "data" / "chicago" / "areas.csv")
    rng = np.random.default_rng(5)
    observed = 60 - 20 * table["Black"] / table["population"] + rng.normal(0, 3, len(table))
    return pd.DataFrame(
        {"area_number": table["area"], "observed": observed, "simulated": observed + rng.normal(0, 4, 77)}
    )


def test_the_boundaries_are_chicagos_77_areas():
    shapes = boundaries(CHICAGO_AREAS)
    assert sorted(map(int, shapes)) == list(range(1, 78))
    loop = shapes["32"].vertices
    assert -87.64 < loop[:, 0].mean() < -87.61 and 41.87 < loop[:, 1].mean() < 41.89  # the Loop is downtown


def test_three_maps_of_77_areas_are_written_as_images(areas, tmp_path):
    paths = trust_maps(areas, tmp_path / "maps", when="2019")
    assert [p.name for p in paths] == ["observed.png", "simulated.png", "residual.png"]
    for p in paths:
        w, h = png_size(p)
        assert w > 400 and h > 500  # portrait: Chicago is taller than wide
    image = __import__("matplotlib.image", fromlist=["imread"]).imread(paths[0])
    assert len(np.unique(image.reshape(-1, image.shape[-1]), axis=0)) > 50  # areas in many colours, not a blank


def test_missing_areas_are_grey_not_refused(areas, tmp_path):
    path = area_map(areas.iloc[:40], tmp_path / "part.png", "observed")
    assert png_size(path)[0] > 400


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (
            lambda t: t.assign(area_number=t["area_number"].replace(77, 99)),
            "area_number '99' is not an area of the map",
        ),
        (lambda t: t.drop(columns="observed"), "no column 'observed'"),
        (lambda t: t.assign(observed=t["observed"].astype(object).where(t.index != 3, "high")), "has 'high'"),
        (lambda t: pd.concat([t, t.iloc[:1]]), "area_number '1' twice"),
    ],
)
def test_a_bad_table_is_refused_in_one_line(areas, tmp_path, change, fragment):
    with pytest.raises(MapError) as err:
        trust_maps(change(areas), tmp_path)
    assert fragment in str(err.value) and "\n" not in str(err.value)
    assert not any(tmp_path.iterdir())  # nothing written

"""A city from a table of areas: Chicago's 77 community areas at 1:100, and the graph's ties next door."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from cpsim import CommunityModel, load_scenario
from cpsim.scenario.areas_file import largest_remainder
from cpsim.world.chicago_areas import GROUPS, areas_csv, four_groups

ROOT = Path(__file__).resolve().parents[2]
CHICAGO = ROOT / "scenarios" / "cities" / "chicago.toml"
AREAS = ROOT / "data" / "chicago" / "areas.csv"


def table() -> list[dict[str, str]]:
    with AREAS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def chicago():
    return CommunityModel(load_scenario(CHICAGO), seed=3)


def column(rows: list[dict[str, str]], key: str) -> np.ndarray:
    return np.array([float(r[key]) for r in rows])


def test_each_area_has_its_population_at_the_scale(chicago):
    rows = table()
    pop = column(rows, "population")
    sizes = np.bincount(chicago.residents.beat, minlength=chicago.n_beats)
    assert chicago.n_beats == len(rows) == 77
    assert sizes.sum() == round(pop.sum() / 100) == chicago.params.population.residents
    assert np.abs(sizes - pop / 100).max() < 1  # each within one resident of its share at 1:100
    assert sizes[rows.index(next(r for r in rows if r["name"] == "Austin"))] == 997  # 99,711 people


def test_each_area_has_its_group_mix(chicago):
    rows = table()
    res = chicago.residents
    sizes = np.bincount(res.beat, minlength=77)
    cells = np.bincount(res.beat.astype(np.int64) * 4 + res.group, minlength=77 * 4).reshape(77, 4)
    counts = np.column_stack([column(rows, g) for g in GROUPS])
    expected = sizes[:, None] * counts / counts.sum(1, keepdims=True)
    assert list(chicago.params.population.group_names) == list(GROUPS)
    assert np.abs(cells - expected).max() < 1  # every cell within one resident of the table's share
    burnside = next(i for i, r in enumerate(rows) if r["name"] == "Burnside")
    assert cells[burnside, GROUPS.index("Black")] == sizes[burnside]  # an all-Black area stays all Black


def test_crime_risk_is_the_areas_violent_rate_relative_to_the_citys(chicago):
    rows = table()
    violent = column(rows, "violent_per_1000")
    sizes = np.bincount(chicago.residents.beat, minlength=77)
    risk = chicago.beat_risk
    assert np.average(risk, weights=sizes) == pytest.approx(1.0, abs=1e-12)
    assert risk == pytest.approx(violent / np.average(violent, weights=sizes), rel=1e-12)
    pl = chicago.places
    mean_at_places = np.bincount(pl.beat, pl.risk * pl.residents, 77) / np.bincount(pl.beat, pl.residents, 77)
    assert mean_at_places == pytest.approx(risk, rel=1e-9)  # places spread around their area's own risk
    assert pl.risk.std() > 0.5  # ... with the street-segment spread kept


def test_property_weight_moves_risk_toward_property_crime():
    sc = load_scenario(CHICAGO, {"areas.violent_weight": 0.0})
    rows = table()
    loop = next(i for i, r in enumerate(rows) if r["name"] == "Loop")
    risk = CommunityModel(sc, seed=3).beat_risk
    assert risk[loop] > 4  # the Loop's property rate is ~4.6 times the city's; its violent rate ~1.4


def border_pairs(model) -> tuple[np.ndarray, np.ndarray]:
    """(Beat of each end of every tie between two beats, as pairs) and whether the beats border each other."""
    rows = list(csv.DictReader((ROOT / "data" / "chicago" / "community_area_adjacency.csv").open(encoding="utf-8")))
    ids = [r["area"] for r in table()]
    adjacent = np.zeros((77, 77), bool)
    for r in rows:
        a, b = ids.index(r["area_a"]), ids.index(r["area_b"])
        adjacent[a, b] = adjacent[b, a] = True
    g, beat = model.social, model.residents.beat
    src = np.repeat(np.arange(g.n), g.degree())
    a, b = beat[src], beat[g.indices]
    cross = a != b
    return adjacent[a[cross], b[cross]], adjacent


def test_a_stated_share_of_ties_leaving_an_area_goes_next_door(chicago):
    next_door, adjacent = border_pairs(chicago)
    sizes = np.bincount(chicago.residents.beat, minlength=77)
    # By chance alone a tie leaving an area lands next door as often as bordering areas hold people.
    chance = float(np.average((adjacent @ sizes) / (sizes.sum() - sizes), weights=sizes))
    share = chicago.params.areas.border_share
    assert next_door.mean() == pytest.approx(share + (1 - share) * chance, abs=0.04)
    none = CommunityModel(load_scenario(CHICAGO, {"areas.border_share": 0.0}), seed=3)
    assert border_pairs(none)[0].mean() == pytest.approx(chance, abs=0.03)
    assert none.social.n_edges == pytest.approx(chicago.social.n_edges, rel=0.02)  # ties move, none are lost


def test_ties_next_door_keep_the_group_homophily(chicago):
    g, res = chicago.social, chicago.residents
    src = np.repeat(np.arange(g.n), g.degree())
    cross = res.beat[src] != res.beat[g.indices]
    same = (res.group[src] == res.group[g.indices])[cross].mean()
    assert same > 0.6  # graph.homophily_group = 0.6 of ties are forced within the group, others match by chance


def test_shipped_areas_file_is_the_stated_derivation():
    assert AREAS.read_text(encoding="utf-8") == areas_csv()


def test_group_rule_hispanic_first_then_race_counts_scaled_to_the_rest():
    # 100 residents: 30 Hispanic, who come out of White alone (60) and other races (20) in proportion.
    got = four_groups(100, white=60, black=15, asian=5, other=20, hispanic=30)
    assert got["Hispanic"] == 30
    left = {"White": 60 - 30 * 60 / 80, "Black": 15, "Asian": 5 + 20 - 30 * 20 / 80}
    for g, v in left.items():
        assert got[g] == pytest.approx(70 * v / sum(left.values()))
    assert sum(got.values()) == pytest.approx(100)
    with pytest.raises(ValueError):
        four_groups(10, white=5, black=5, asian=0, other=0, hispanic=11)


def test_largest_remainder_sums_exactly_and_stays_within_one():
    w = np.array([0.5, 1 / 3, 1 / 6, 1e-9])
    for total in (0, 1, 7, 1000):
        got = largest_remainder(total, w)
        assert got.sum() == total and np.all(np.abs(got - total * w / w.sum()) < 1)

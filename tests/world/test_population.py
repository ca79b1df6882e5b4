"""World building for a segregated city: unequal area sizes, dissimilarity, an officer in every area."""

from __future__ import annotations

import numpy as np
import pytest
from resident_arrays import built_world

from cpsim import CommunityModel, load_scenario
from cpsim.model import make_streams
from cpsim.world import build_world
from cpsim.world.layout import stable_order
from cpsim.world.population import build_residents_and_places, dissimilarity


@pytest.fixture(scope="module")
def chicago():
    return CommunityModel(load_scenario("scenarios/cities/chicago.toml"), seed=1)


def test_chicago_is_as_segregated_as_chicago(chicago):
    res, names = chicago.residents, chicago.params.population.group_names
    d = dissimilarity(res.beat, res.group, names.index("Black"), names.index("White"), chicago.n_beats)
    assert 0.7 <= d <= 0.8  # Black-White dissimilarity of Chicago, data/README.md
    shares = np.bincount(res.group) / res.n
    assert shares == pytest.approx(chicago.params.population.group_shares, abs=0.01)


def test_areas_are_unequal_and_each_keeps_a_patrol_officer(chicago):
    sizes = np.bincount(chicago.residents.beat, minlength=chicago.n_beats)
    assert chicago.n_beats == 77 and sizes.max() / sizes.min() > 5
    teams = np.bincount(chicago.officers.beat[chicago.officers.beat >= 0], minlength=chicago.n_beats)
    assert teams.min() >= 1
    assert 1000 * chicago.officers.n / chicago.residents.n == pytest.approx(4.5, abs=0.05)


def test_equal_sizes_and_segregation_without_the_new_keys():
    sc = load_scenario("scenarios/baseline.toml", {"population.beats": 40, "population.residents": 8000})
    m = CommunityModel(sc, seed=2)
    sizes = np.bincount(m.residents.beat, minlength=40)
    assert sizes.max() / sizes.min() < 3
    d = dissimilarity(m.residents.beat, m.residents.group, 1, 0, 40)
    assert d == pytest.approx(sc.population.segregation, abs=0.08)  # D is the sorted share for two groups


@pytest.mark.parametrize(
    ("dtype", "lo", "hi", "n"),
    [
        (np.int32, 0, 12, 5000),  # beats: 16-bit radix
        (np.int64, 0, 70_000, 5000),  # households of a large city: packed key
        (np.int8, 0, 3, 10),
        (np.int64, -1, 40, 300),  # officers off a beat (-1): numpy's own
        (np.int64, 0, 2**62, 50),  # too wide to pack: numpy's own
        (np.int64, 0, 1, 0),
    ],
)
def test_stable_order_is_numpys_stable_argsort(dtype, lo, hi, n):
    keys = np.random.default_rng(3).integers(lo, hi, n).astype(dtype)
    expected = np.argsort(keys, kind="stable")
    got = stable_order(keys)
    assert got.dtype == expected.dtype and np.array_equal(got, expected)


def _residents(**overrides):
    sc = load_scenario("scenarios/baseline.toml", {"population.residents": 20000, **overrides})
    return build_residents_and_places(sc, np.random.default_rng(5))[0]


@pytest.mark.parametrize("r", [0.0, 0.64, 0.9])
def test_starting_components_correlate_as_declared(r):
    res = _residents(**{"trust.component_correlation": r})
    within = res.group == 0  # one group: the group means would add correlation of their own
    got = np.corrcoef(res.legitimacy[within], res.effectiveness[within])[0, 1]
    assert got == pytest.approx(r, abs=0.03)


def test_youth_spend_the_declared_multiple_of_adults_time_on_the_street():
    for ratio in (1.0, 3.0):
        res = _residents(**{"population.youth_street_ratio": ratio})
        log_ratio = np.log(res.street_time[res.youth]).mean() - np.log(res.street_time[~res.youth]).mean()
        assert log_ratio == pytest.approx(np.log(ratio), abs=0.06)


def test_population_groups_start_at_their_gallup_trust():
    s, w = built_world(20000)
    res = w.residents
    for g, target in enumerate(s.trust.initial_by_group):
        assert res.trust[res.group == g].mean() == pytest.approx(target, abs=0.02)
    assert res.group.mean() == pytest.approx(s.population.group_shares[1], abs=0.02)
    # crime risk is concentrated: the riskiest 5% of places hold a large share of it
    risk = np.sort(w.places.risk * w.places.residents)[::-1]
    assert risk[: max(1, len(risk) // 20)].sum() / risk.sum() > 0.25


def test_every_group_gets_beats_of_its_own_even_with_few_beats():
    s, w = built_world(2000, **{"population.beats": 3, "population.segregation": 1.0})
    res = w.residents
    minority_share = np.bincount(res.beat, weights=res.group == 1, minlength=3) / np.bincount(res.beat, minlength=3)
    assert minority_share.max() > 0.9 and minority_share.min() < 0.1


def test_staffing_changes_each_beat_team_in_proportion():
    s, w = built_world(10_000)
    s2 = s.with_overrides({"policing.officers_per_1000": 1.1})
    w2 = build_world(s2, make_streams(3))
    full = np.bincount(w.officers.beat[w.officers.beat >= 0], minlength=w.n_beats)
    half = np.bincount(w2.officers.beat[w2.officers.beat >= 0], minlength=w.n_beats)
    assert (half <= full).all() and np.abs(half - full / 2).max() <= 1

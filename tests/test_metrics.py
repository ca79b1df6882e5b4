"""Daily figures computed in cpsim/metrics.py: the group and beat tables, and the collector."""

from __future__ import annotations

from types import SimpleNamespace

import mesa
import numpy as np

from cpsim import CommunityModel, Scenario
from cpsim.metrics import BY_KEY, DAILY, DailyCollector, GroupTables, model_reporters


def residents(n: int, n_beats: int, n_groups: int, seed: int = 0) -> SimpleNamespace:
    rng = np.random.default_rng(seed)
    return SimpleNamespace(
        beat=rng.integers(0, n_beats, n).astype(np.int32),  # the population's dtypes
        group=rng.integers(0, n_groups, n).astype(np.int8),
        **{name: rng.random(n) for name in ("trust", "legitimacy", "effectiveness", "safety")},
    )


def reference_table(res, events, key: np.ndarray, n_keys: int) -> np.ndarray:
    """The BY_KEY table the slow, obvious way: one mask per group or beat."""
    rows = []
    for k in range(n_keys):
        mine = key == k
        count = {e: np.count_nonzero(mine[idx]) for e, idx in events.items()}
        n = max(mine.sum(), 1)
        row = {
            "residents": mine.sum(),
            **{
                f"{f}_mean": getattr(res, f)[mine].sum() / n for f in ("trust", "legitimacy", "effectiveness", "safety")
            },
            "victimizations": count["victims"],
            "crimes_reported": count["reporters"],
            "reporting_rate": count["reporters"] / count["victims"] if count["victims"] else np.nan,
            "contacts": count["contacts"],
            "stops": count["stops"],
            "complaints": count["complainants"],
        }
        rows.append([row[name] for name in BY_KEY])
    return np.array(rows, float)


def test_group_and_beat_tables_match_their_definitions():
    res = residents(500, 5, 3)
    rng = np.random.default_rng(1)
    victims = rng.integers(0, 500, 40)  # repeated victims count twice
    events = {
        "victims": victims,
        "reporters": victims[:15],
        "contacts": rng.integers(0, 500, 60),
        "stops": rng.integers(0, 500, 8),
        "complainants": np.array([3, 3], np.int64),
    }
    tables = GroupTables(res.beat, res.group, 5, 3)
    tables.add(res, events)
    tables.add(res, {name: idx[:0] for name, idx in events.items()})  # a second day, with no events
    assert tables.days == 2 and tables.table("group").shape == (2, 3, len(BY_KEY))
    by_group, by_beat = tables.table("group")[0], tables.table("beat")[0]
    quiet = tables.table("group")[1]
    assert (quiet[:, 1:5] == by_group[:, 1:5]).all() and not quiet[:, [5, 6, 8, 9, 10]].any()
    for got, key, n_keys in ((by_group, res.group, 3), (by_beat, res.beat, 5)):
        want = reference_table(res, events, key, n_keys)
        assert got.shape == (n_keys, len(BY_KEY))
        assert np.allclose(got, want, equal_nan=True, rtol=1e-12)
        counts = [list(BY_KEY).index(c) for c in ("residents", "victimizations", "contacts", "complaints")]
        assert (got[:, counts] == want[:, counts]).all()  # counts are exact


def test_a_group_without_victims_has_no_reporting_rate_and_empty_cells_count_zero():
    res = residents(50, 2, 4)
    res.group[:] = np.where(res.group == 3, 0, res.group)  # group 3 has nobody
    empty = np.empty(0, np.int64)
    events = {"victims": np.array([0]), "reporters": np.array([0])} | dict.fromkeys(
        ("contacts", "stops", "complainants"), empty
    )
    tables = GroupTables(res.beat, res.group, 2, 4)
    tables.add(res, events)
    by_group = tables.table("group")[0]
    rate, n = list(BY_KEY).index("reporting_rate"), list(BY_KEY).index("residents")
    assert by_group[res.group[0], rate] == 1.0
    assert np.isnan(by_group[3, rate]) and by_group[3, n] == 0 and by_group[3, 1] == 0.0


def test_daily_collector_keeps_what_mesas_collector_keeps():
    model = CommunityModel(Scenario().with_overrides({"population.residents": 1500, "population.beats": 2}), seed=3)
    mesa_dc = mesa.DataCollector(model_reporters=model_reporters())
    for _ in range(4):
        model.step()
        mesa_dc.collect(model)
    assert isinstance(model.datacollector, DailyCollector) and isinstance(model.datacollector, mesa.DataCollector)
    ours, theirs = model.datacollector.get_model_vars_dataframe(), mesa_dc.get_model_vars_dataframe()
    assert list(ours.columns) == list(DAILY) and len(ours) == 4
    assert ours.equals(theirs)
    assert [type(v) for v in ours.iloc[-1]] == [type(v) for v in theirs.iloc[-1]]
    last = {name: ours[name].iloc[-1] for name in DAILY}
    assert np.allclose(list(last.values()), [model.today[name] for name in DAILY], rtol=0, atol=0, equal_nan=True)

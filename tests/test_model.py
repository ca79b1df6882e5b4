"""The whole model: Mesa idioms, reproducibility, and the direction and size of effects."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

import cpsim
from cpsim import CommunityModel, Officer, Resident, Scenario, simulate
from cpsim.metrics import BY_KEY, DAILY, SUMMARY

SMALL = {"population.residents": 3000, "population.beats": 4}


def small(**over) -> Scenario:
    return Scenario().with_overrides({**SMALL, **over})


@pytest.fixture(scope="module")
def base_run():
    return simulate(small(), seed=11, days=120)


def test_result_tables_have_the_documented_columns(base_run):
    ts = base_run.timeseries
    required = (
        "day trust_mean legitimacy_mean effectiveness_mean safety_mean victimizations crimes_reported "
        "crimes_recorded reporting_rate clearance_rate contacts_positive contacts_negative stops complaints "
        "hours_response hours_patrol hours_community"
    ).split()
    assert set(required) <= set(ts.columns)
    assert list(ts.columns) == ["day", *DAILY]
    assert ts["day"].tolist() == list(range(1, 121))
    assert list(base_run.by_group.columns) == ["day", "group", *BY_KEY]
    assert set(base_run.by_group["group"]) == {"majority", "minority"}
    assert len(base_run.by_neighborhood) == 120 * 4
    assert set(SUMMARY) <= set(base_run.summary)


def test_true_reported_recorded_crime_stay_apart(base_run):
    ts = base_run.timeseries
    assert (ts["victimizations"] >= ts["crimes_reported"]).all()
    assert (ts["crimes_reported"] >= ts["crimes_recorded"]).all()
    assert (ts["crimes_recorded"] >= ts["crimes_cleared"]).all()
    assert ts["victimizations"].sum() > ts["crimes_reported"].sum() > ts["crimes_recorded"].sum() > 0


def test_by_group_and_by_beat_add_up_to_the_city(base_run):
    ts, bg, bn = base_run.timeseries, base_run.by_group, base_run.by_neighborhood
    for table in (bg, bn):
        per_day = table.groupby("day")[["victimizations", "crimes_reported", "stops"]].sum()
        assert (per_day["victimizations"].to_numpy() == ts["victimizations"].to_numpy()).all()
        assert (per_day["stops"].to_numpy() == ts["stops"].to_numpy()).all()
        w = table.groupby("day").apply(
            lambda d: np.average(d["trust_mean"], weights=d["residents"]), include_groups=False
        )
        assert np.allclose(w.to_numpy(), ts["trust_mean"].to_numpy())


def test_agents_are_views_and_work_the_mesa_way():
    m = CommunityModel(small(), seed=2)
    for _ in range(5):
        m.step()
    residents = m.agents_by_type[Resident]
    assert len(residents) == 3000 and len(m.agents_by_type[Officer]) == m.officers.n
    assert residents.agg("trust", np.mean) == pytest.approx(m.today["trust_mean"], abs=1e-12)
    minority = residents.select(lambda a: a.group == "minority")
    assert len(minority) == int((m.residents.group == 1).sum())
    by_group = residents.groupby("group").agg("trust", np.mean)
    assert by_group["majority"] > by_group["minority"]
    a = residents.to_list()[7]
    a.legitimacy = 0.9
    assert m.residents.legitimacy[a.index] == 0.9
    assert set(a.neighbors) == set(m.social.neighbors(a.index).tolist())
    assert m.graph.number_of_edges() == m.social.n_edges


def test_agent_views_are_created_on_first_use_all_at_once_in_row_order():
    m = CommunityModel(small(), seed=2)
    m.step()
    assert m.agent_id_counter == 1  # building and running created no agent
    n, k = m.residents.n, m.officers.n
    everyone = m.agents.to_list()
    assert len(everyone) == n + k and m.agent_types == [Resident, Officer]
    assert [a.unique_id for a in everyone] == list(range(1, n + k + 1))
    residents, officers = m.agents_by_type[Resident].to_list(), m.agents_by_type[Officer].to_list()
    assert [a.index for a in residents] == list(range(n)) and [a.index for a in officers] == list(range(k))
    assert np.array_equal([a.trust for a in residents], m.residents.trust)
    assert np.array_equal([a.beat for a in officers], m.officers.beat)
    assert len(m.agents) == n + k  # asking again creates none


def test_another_agent_is_registered_after_the_views_and_removal_is_final():
    m = CommunityModel(small(), seed=2)
    other = mesa.Agent(m)  # registering any agent first creates the views, so ids keep row order
    n, k = m.residents.n, m.officers.n
    assert other.unique_id == n + k + 1 and len(m.agents_by_type[Resident]) == n
    m.remove_all_agents()
    assert len(m.agents) == 0 and m.agent_types == [Resident, Officer, mesa.Agent]
    fresh = CommunityModel(small(), seed=2)
    fresh.remove_all_agents()  # before any view exists: none are created afterwards
    assert len(fresh.agents) == 0 and fresh.agent_id_counter == 1


def test_same_seed_same_results_different_seed_different():
    a = simulate(small(), seed=5, days=60)
    b = simulate(small(), seed=5, days=60)
    c = simulate(small(), seed=6, days=60)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.by_group, b.by_group)
    assert not a.timeseries["trust_mean"].equals(c.timeseries["trust_mean"])


def test_scenarios_share_random_streams_where_they_do_not_differ():
    a = CommunityModel(small(), seed=9)
    b = CommunityModel(small(**{"patrol.foot_hours": 3.0, "policing.budget_cut": 0.2}), seed=9)
    assert np.array_equal(a.residents.trust, b.residents.trust)
    assert np.array_equal(a.social.indices, b.social.indices)
    assert np.array_equal(a.officers.skill, b.officers.skill)


def test_reporting_rises_with_trust_as_a_modest_modifier():
    low = simulate(small(**{"trust.initial_by_group": [0.2, 0.1]}), seed=3, days=200).summary
    high = simulate(small(**{"trust.initial_by_group": [0.8, 0.7]}), seed=3, days=200).summary
    assert high["reporting_rate"] > low["reporting_rate"] + 0.05
    assert high["clearance_rate"] > low["clearance_rate"]


def test_seriousness_moves_reporting_more_than_legitimacy_does():
    """Victims call first because of what happened (seriousness, need); legitimacy modifies it (F3, F5)."""
    from cpsim.mechanisms import reporting

    rep = Scenario().reporting
    c = reporting.intercepts(rep)
    z = np.array([-1.0, 1.0])
    serious = 1 / (1 + np.exp(-(c[0] + rep.seriousness_log_odds * z)))
    trusting = reporting.report_probability(np.array([0.25, 0.56]), rep.violent_share, rep)  # F7's two groups
    assert serious[1] - serious[0] > 3 * (trusting[1] - trusting[0]) > 0
    # over seriousness, a victim at the reference legitimacy reports the published share (F5)
    assert reporting.report_probability(np.array([rep.reference_legitimacy]), rep.violent_share, rep)[0] == (
        pytest.approx(rep.violent_share, abs=1e-9)
    )


def test_foot_patrol_raises_trust_in_the_patrolled_beats_and_perceived_safety():
    off = simulate(small(**{"patrol.foot_hours": 0.0}), seed=4, days=150)
    on = simulate(small(**{"patrol.foot_hours": 3.0}), seed=4, days=150)
    end_off = off.by_neighborhood.query("day == 150").set_index("beat")
    end_on = on.by_neighborhood.query("day == 150").set_index("beat")
    assert (end_on["trust_mean"] > end_off["trust_mean"]).all()
    assert on.summary["trust_end"] - off.summary["trust_end"] > 0.003
    assert on.summary["safety_end"] > off.summary["safety_end"]
    assert on.timeseries["hours_foot"].sum() > 5 * off.timeseries["hours_foot"].sum() + 1


def test_word_of_mouth_reaches_residents_with_no_contact():
    quiet = CommunityModel(small(**{"word_of_mouth.tell_probability": 0.0}), seed=8)
    talk = CommunityModel(small(), seed=8)
    for _ in range(60):
        quiet.step()
        talk.step()
    assert quiet.today["heard_stories"] == 0 and talk.today["heard_stories"] > 0
    untouched = ~(
        quiet.residents.contacted | quiet.residents.victimized | talk.residents.contacted | talk.residents.victimized
    )
    diff = np.abs(talk.residents.trust - quiet.residents.trust)[untouched]
    assert untouched.sum() > 1000
    assert (diff > 1e-6).mean() > 0.2  # many residents with no contact of their own were moved


def test_fewer_officers_fewer_contacts():
    full = simulate(small(), seed=12, days=120).summary
    half = simulate(small(**{"policing.officers_per_1000": 1.1}), seed=12, days=120).summary
    assert half["officers"] < full["officers"]
    assert half["contacts"] < 0.75 * full["contacts"]
    assert half["stops"] < 0.75 * full["stops"]
    assert half["hours_total"] < 0.75 * full["hours_total"]


def test_a_budget_cut_removes_hours_and_raises_true_crime():
    base = simulate(small(**{"population.residents": 6000}), seed=13, days=365).summary
    cut = simulate(small(**{"population.residents": 6000, "policing.budget_cut": 0.3}), seed=13, days=365).summary
    assert cut["hours_total"] == pytest.approx(0.7 * base["hours_total"], rel=0.02)
    assert cut["hours_community"] == 0
    assert cut["victimizations"] > base["victimizations"]


def test_negative_contacts_outweigh_positive_ones_in_effectiveness():
    """F1 measured from simulated contacts: mean effect of bad vs good contacts."""
    m = CommunityModel(small(**{"trust.prior_bias": 0.0}), seed=21)
    res = m.residents
    idx = np.arange(2000)
    res.effectiveness[idx] = 0.5
    before = res.effectiveness[idx].copy()
    m.contacts.add("test", idx[:1000], np.nan, 0.8)
    m.contacts.add("test", idx[1000:], np.nan, -0.8)
    from cpsim.mechanisms.contacts import apply_experiences

    apply_experiences(res, m.contacts.take(), m.params.trust, m.params.patrol)
    gain = (res.effectiveness[idx[:1000]] - before[:1000]).mean()
    loss = (before[1000:] - res.effectiveness[idx[1000:]]).mean()
    assert loss / gain == pytest.approx(m.params.trust.negativity_ratio_effectiveness, rel=1e-6)


def test_victimisation_lowers_perceived_safety():
    m = CommunityModel(small(), seed=30)
    for _ in range(90):
        m.step()
    res = m.residents
    assert res.safety[res.victimized].mean() < res.safety[~res.victimized].mean() - 0.02


def test_supplied_networkx_graph_and_files(tmp_path):
    import networkx as nx

    g = nx.watts_strogatz_graph(3000, 6, 0.1, seed=1)
    m = CommunityModel(small(), seed=1, graph=g)
    assert m.social.n_edges == g.number_of_edges()
    nx.write_graphml(g, tmp_path / "g.graphml")
    nx.write_edgelist(g, tmp_path / "g.edges", data=False)
    for f in ("g.graphml", "g.edges"):
        m = CommunityModel(small(**{"graph.kind": "file", "graph.path": str(tmp_path / f)}), seed=1)
        assert m.social.n_edges == g.number_of_edges()
    with pytest.raises(
        cpsim.ScenarioError,
        match=r"graph.path: .* has 3000 people \(nodes\); allowed: a graph with one node per resident",
    ):
        CommunityModel(
            small(**{"population.residents": 2000, "graph.kind": "file", "graph.path": str(tmp_path / "g.edges")})
        )
    for kind in ("watts_strogatz", "powerlaw_cluster"):
        m = CommunityModel(small(**{"graph.kind": kind}), seed=1)
        assert m.social.degree().mean() > 3

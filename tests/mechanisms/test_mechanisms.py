"""Each mechanism in isolation: direction and size of its effect."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpsim.mechanisms import complaints, crime, enforcement, policing, reporting
from cpsim.mechanisms.contacts import Contacts, apply_experiences
from cpsim.mechanisms.trust import experience_delta, read_valence
from cpsim.model import make_streams
from cpsim.scenario import Scenario
from cpsim.world import build_world
from cpsim.world.graph import from_edges, from_networkx

S = Scenario()


@pytest.mark.parametrize("ratio", [1.0, 4.0, 6.0, 14.0])
def test_bad_contact_moves_trust_ratio_times_a_good_one(ratio):
    x = np.array([0.5, 0.5])
    d = experience_delta(x, np.array([1.0, -1.0]), 0.05, ratio)
    assert d[0] > 0 > d[1]
    assert abs(d[1]) / d[0] == pytest.approx(ratio)


@given(x=st.floats(0, 1), v=st.floats(-1, 1), step=st.floats(0, 0.5), ratio=st.floats(1, 20))
def test_experience_keeps_trust_in_unit_interval(x, v, step, ratio):
    d = experience_delta(np.array([x]), np.array([v]), step, ratio)
    assert -1e-12 <= x + d[0] <= 1 + 1e-12


def test_prior_trust_colours_how_an_experience_is_read():
    v = read_valence(np.array([0.2, 0.2, -0.2, -0.2]), np.array([0.1, 0.9, 0.1, 0.9]), 0.3)
    assert v[0] < 0.2 < v[1]  # a good experience weighs more for the trusting (confirmation)
    assert v[2] < -0.2 < v[3]  # a bad one weighs more for the distrustful
    assert read_valence(np.array([0.2]), np.array([0.1]), 0.0)[0] == pytest.approx(0.2)


def test_a_neutral_experience_is_not_read_as_a_bad_one():
    # M6: the old additive reading turned a neutral contact negative for anyone below 0.5
    v = read_valence(np.zeros(3), np.array([0.05, 0.5, 0.95]), 1.0)
    assert (v == 0).all()
    # an experience against the prior is read weaker, never with the opposite sign
    assert (np.sign(read_valence(np.array([0.3, -0.3]), np.array([0.0, 1.0]), 0.9)) == [1, -1]).all()
    assert (read_valence(np.array([0.3, -0.3]), np.array([0.0, 1.0]), 1.0) == 0).all()


def test_reporting_rises_with_legitimacy_and_matches_share_at_reference():
    rep = S.reporting
    p = reporting.report_probability(np.array([0.2, rep.reference_legitimacy, 0.8]), rep.violent_share, rep)
    assert p[0] < p[1] < p[2]
    assert p[1] == pytest.approx(rep.violent_share)


def test_deterrence_more_presence_less_crime():
    f = crime.deterrence(np.array([2.0, 5.67, 10.0]), 5.67, 0.4)
    assert f[0] > 1.0 > f[2] and f[1] == pytest.approx(1.0)
    # a 10% cut of presence raises crime by ~ elasticity x 10% (F8)
    assert crime.deterrence(np.array([0.9]), 1.0, 0.4)[0] == pytest.approx(0.9**-0.4)


def test_calls_take_hours_first_and_a_cut_goes_in_priority_order():
    pol = S.policing
    on = np.array([2.0, 2.0])
    hours, admin, share = policing.allocate_hours(on, 10.0, np.array([1.0, 1.0]), pol, S.patrol, S.enforcement)
    assert share == 1.0 and hours["response"].sum() == pytest.approx(10.0)
    assert hours["community"].tolist() == [1.0, 1.0]
    # calls beyond capacity: everything goes to response, nothing left for the rest
    hours, _, share = policing.allocate_hours(on, 1000.0, np.array([1.0, 1.0]), pol, S.patrol, S.enforcement)
    assert share < 0.05 and hours["foot"].sum() == 0 and hours["car"].sum() == 0
    cut = S.with_overrides({"policing.budget_cut": 0.1}).policing
    hours, admin_cut, _ = policing.allocate_hours(on, 10.0, np.array([1.0, 1.0]), cut, S.patrol, S.enforcement)
    assert hours["community"].sum() == 0  # community work goes first
    assert hours["response"].sum() == pytest.approx(10.0)  # response last
    assert admin_cut.sum() == pytest.approx(0.9 * admin.sum())


def test_fair_stop_raises_legitimacy_even_with_an_unfavourable_outcome():
    v_leg, v_eff = enforcement.enforcement_valences(
        np.array([0.9, 0.1]), -0.7, S.enforcement.intrusion, S.enforcement.procedural_tint
    )
    assert v_leg[0] > 0 > v_leg[1]
    assert v_eff[0] < 0 and v_eff[1] < v_eff[0]
    # being stopped at all costs legitimacy: an average stop (q = skill mean) is below neutral
    average, _ = enforcement.enforcement_valences(
        np.array([S.policing.skill_mean]), -0.3, S.enforcement.intrusion, S.enforcement.procedural_tint
    )
    assert average[0] < 2 * S.policing.skill_mean - 1


def test_complaints_only_follow_poor_contacts_and_rise_as_quality_falls():
    rng = np.random.default_rng(0)
    comp = S.with_overrides({"complaints.poor_contact_rate": 0.5}).complaints
    n = 20000
    rates = [
        complaints.draw_complaints(complaints.complaint_probability(np.full(n, q), np.full(n, 0.5), comp), rng).mean()
        for q in (0.8, 0.4, 0.0)
    ]
    assert rates[0] == 0 and 0 < rates[1] < rates[2]
    assert rates[2] == pytest.approx(0.5 * (1 - 0.5 * 0.5), abs=0.02)


def _world(n=2000, **over):
    s = Scenario().with_overrides({"population.residents": n, **over})
    return s, build_world(s, make_streams(3))


def test_familiarity_counts_once_in_what_a_contact_leaves():
    """A familiar contact moves trust as much as an unfamiliar one today; more of it lasts, by the kept share only.

    (Familiarity once multiplied the step too, so a fully familiar contact left 12x the lasting change.)
    """
    s, w = _world()
    res = w.residents
    res.familiarity[:2] = [0.0, 1.0]
    res.legitimacy[:2] = res.effectiveness[:2] = res.trust[:2] = 0.5
    res.attitude_legitimacy[:2] = res.attitude_effectiveness[:2] = 0.5
    c = Contacts()
    c.add("patrol_foot", np.array([0, 1]), 0.5, 0.2, 0.8, familiar=True)
    before = res.legitimacy[:2].copy()
    got = apply_experiences(res, c.take(), s.trust, s.patrol)
    today = res.legitimacy[:2] - before
    lasting = res.attitude_legitimacy[:2] - 0.5
    assert today[1] == pytest.approx(today[0])
    strength = max(abs(got["v_leg"][0]), abs(got["v_eff"][0]))
    t = s.trust
    unfamiliar = t.consolidation + t.salience_consolidation * strength**2
    assert lasting[1] / lasting[0] == pytest.approx((unfamiliar + t.familiar_consolidation) / unfamiliar)
    assert lasting[1] / lasting[0] < 7
    assert res.familiarity[0] == pytest.approx(s.patrol.familiarity_step)


def test_population_groups_start_at_their_gallup_trust():
    s, w = _world(20000)
    res = w.residents
    for g, target in enumerate(s.trust.initial_by_group):
        assert res.trust[res.group == g].mean() == pytest.approx(target, abs=0.02)
    assert res.group.mean() == pytest.approx(s.population.group_shares[1], abs=0.02)
    # crime risk is concentrated: the riskiest 5% of places hold a large share of it
    risk = np.sort(w.places.risk * w.places.residents)[::-1]
    assert risk[: max(1, len(risk) // 20)].sum() / risk.sum() > 0.25


def test_local_graph_is_clustered_and_homophilous():
    s, w = _world(5000)
    g, res = w.graph, w.residents
    src = np.repeat(np.arange(g.n), g.degree())
    same_beat = (res.beat[src] == res.beat[g.indices]).mean()
    chance = np.sum((np.bincount(res.beat) / res.n) ** 2)
    assert same_beat > chance + 0.3
    same_group = (res.group[src] == res.group[g.indices]).mean()
    assert same_group > np.sum((np.bincount(res.group) / res.n) ** 2) + 0.1
    assert 5 < g.degree().mean() < 12
    assert nx.average_clustering(g.to_networkx()) > 0.1


def test_spread_is_the_sparse_matrix_product():
    rng = np.random.default_rng(1)
    nxg = nx.gnm_random_graph(200, 800, seed=2)
    g = from_networkx(nxg)
    v = rng.standard_normal(200)
    a = nx.to_numpy_array(nxg, nodelist=range(200))
    speakers = np.arange(200)
    assert np.allclose(g.spread(speakers, v), a @ v)
    assert g.to_networkx().number_of_edges() == 800


def test_from_edges_drops_self_ties_and_duplicates():
    g = from_edges(np.array([0, 0, 1, 2, 2]), np.array([1, 1, 0, 2, 0]), 3)
    assert g.n_edges == 2 and sorted(g.neighbors(0).tolist()) == [1, 2]


def test_coupled_poisson_counts_have_the_right_law_and_rise_with_lambda():
    rng = np.random.default_rng(5)
    u = rng.random(200_000)
    for lam in (0.05, 1.0, 7.5):
        k = crime.poisson_from_uniform(u, np.full(u.size, lam))
        assert k.mean() == pytest.approx(lam, rel=0.03) and k.var() == pytest.approx(lam, rel=0.05)
    lo = crime.poisson_from_uniform(u, np.full(u.size, 0.5))
    hi = crime.poisson_from_uniform(u, np.full(u.size, 0.55))
    assert (hi >= lo).all() and (hi > lo).mean() < 0.08  # same uniforms: only a few places change


def test_scenarios_stay_coupled_day_by_day():
    from cpsim import simulate

    base = Scenario().with_overrides({"population.residents": 3000, "population.beats": 4})
    a = simulate(base, seed=7, days=60).timeseries
    b = simulate(base.with_overrides({"enforcement.stops_per_hour": 0.5}), seed=7, days=60).timeseries
    # different stop counts, but victimisation days still mostly identical (coupled streams)
    assert (a["stops"] != b["stops"]).any()
    assert (a["victimizations"] == b["victimizations"]).mean() > 0.8


def test_every_group_gets_beats_of_its_own_even_with_few_beats():
    s, w = _world(2000, **{"population.beats": 3, "population.segregation": 1.0})
    res = w.residents
    minority_share = np.bincount(res.beat, weights=res.group == 1, minlength=3) / np.bincount(res.beat, minlength=3)
    assert minority_share.max() > 0.9 and minority_share.min() < 0.1


def test_poor_casual_contacts_complain_less_than_poor_stops():
    rng = np.random.default_rng(2)
    n = 50_000
    q, legit = np.zeros(n), np.full(n, 1.0)
    stops = complaints.draw_complaints(complaints.complaint_probability(q, legit, S.complaints, True), rng).mean()
    casual = complaints.draw_complaints(complaints.complaint_probability(q, legit, S.complaints, False), rng).mean()
    assert stops == pytest.approx(S.complaints.poor_contact_rate, rel=0.1)
    assert casual == pytest.approx(S.complaints.casual_factor * stops, rel=0.2)


def test_staffing_changes_each_beat_team_in_proportion():
    s, w = _world(10_000)
    s2 = s.with_overrides({"policing.officers_per_1000": 1.1})
    w2 = build_world(s2, make_streams(3))
    full = np.bincount(w.officers.beat[w.officers.beat >= 0], minlength=w.n_beats)
    half = np.bincount(w2.officers.beat[w2.officers.beat >= 0], minlength=w.n_beats)
    assert (half <= full).all() and np.abs(half - full / 2).max() <= 1


def test_clearance_is_capped_however_cooperative_the_neighbours():
    from cpsim.mechanisms import response

    resp = S.with_overrides({"response.clearance_violent": 0.9, "response.clearance_cap": 0.8}).response
    p = response.clearance_probability(np.array([True, True]), np.array([0.2, 1.0]), resp, 0.47)
    assert p[0] < 0.8 and p[1] == 0.8


def test_a_story_is_met_binomially_often_on_days_spread_over_its_news_days():
    from cpsim.mechanisms.incidents import News

    inc = S.incidents
    news = News()
    viewers = np.arange(20_000, dtype=np.int64) * 3
    same = viewers % 2 == 0
    news.publish(10, viewers, same, 1.0, 6.0, inc, np.random.default_rng(4))
    per_viewer = np.zeros(viewers.max() + 1)
    daily = []
    for day in range(0, 10 + inc.news_days + 5):
        met = news.today(day, inc)
        assert day >= 10 or not met  # nothing before it breaks
        count = 0
        for who, weight, _, _ in met:
            assert np.allclose(weight, np.where(who % 2 == 0, inc.news_weight * (1 + inc.linked_fate), inc.news_weight))
            np.add.at(per_viewer, who, 1)
            count += who.size
        daily.append(count)
    chance = 6.0 / inc.news_days
    # Each viewer meets it Binomial(news_days, chance) times: mean 6, variance 6 (1 - chance).
    met = per_viewer[viewers]
    assert met.mean() == pytest.approx(6.0, abs=0.05)
    assert met.var() == pytest.approx(6.0 * (1 - chance), rel=0.05)
    # Spread evenly over the news days, and gone after them.
    news_days = np.array(daily[10 : 10 + inc.news_days])
    assert np.all(np.abs(news_days - viewers.size * chance) < 5 * np.sqrt(viewers.size * chance))
    assert sum(daily[10 + inc.news_days :]) == 0 and not news.stories

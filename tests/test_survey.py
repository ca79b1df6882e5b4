"""The simulated survey: sampling error as designed, self-selection bias in its direction, no effect on the run."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from cpsim import simulate
from cpsim.scenario import ScenarioError, load_scenario
from cpsim.scenario.survey_section import Survey
from cpsim.survey import SurveyLayer, answer_items, expected_answer

BASE = "scenarios/baseline.toml"
GROUPS = ("majority", "minority")


def city(n_per_area: int = 4000, areas: int = 2, seed: int = 0):
    """Residents with fixed latent states: the minority trusts less and, in area 1, is most of the area."""
    rng = np.random.default_rng(seed)
    n = n_per_area * areas
    beat = np.repeat(np.arange(areas), n_per_area)
    group = (rng.random(n) < np.where(beat == 1, 0.7, 0.2)).astype(np.int8)
    legit = np.clip(rng.beta(6, 4, n) - 0.25 * group, 0.01, 0.99)
    return SimpleNamespace(
        beat=beat,
        group=group,
        engagement=rng.beta(1.2, 2.8, n),
        legitimacy=legit,
        trust=legit,
        effectiveness=legit,
        safety=np.clip(rng.beta(6, 3, n), 0, 1),
    )


def waves(res, params, reps: int, seed: int = 1):
    """Run `reps` one-day waves of the survey on a fixed city; return the survey table."""
    layer = SurveyLayer(params, res, int(res.beat.max()) + 1, GROUPS)
    rngs = np.random.default_rng(seed).spawn(reps)
    for day, rng in enumerate(rngs, start=1):
        layer.observe(day, res, rng)
    return layer.table()


def true_score(res, params, mask) -> float:
    """The survey's trust score (0-100) that a census of `mask` would give in expectation."""
    x = res.legitimacy[mask]
    e = expected_answer(x, "listen", params) + expected_answer(x, "respect", params)
    return float(5 * e.mean())


def one_day(**kw) -> Survey:
    return dataclasses.replace(Survey(), period_days=1, fieldwork_days=1, **kw)


def test_random_sample_is_unbiased_with_the_standard_error_of_its_design():
    res = city()
    p = one_day(design="random", respondents_per_area=100.0, weighting="none")
    t = waves(res, p, reps=400)
    area = t[(t["beat"] == 0) & (t["group"] == "all")]
    assert (area["n"] == 100).all()
    truth = true_score(res, p, res.beat == 0)
    est, sd = area["trust"].mean(), area["trust"].std()
    assert abs(est - truth) < 4 * sd / np.sqrt(len(area))  # unbiased
    # the design's SE: s / sqrt(n), with s the spread of scores in the area (fpc 100/4000 ignored)
    assert sd == pytest.approx(area["trust_se"].mean(), rel=0.12)
    answers = answer_items(
        {k: res.legitimacy[res.beat == 0] for k in ("legitimacy", "safety", "trust", "effectiveness")},
        p,
        np.random.default_rng(5),
    )
    s = np.std(5 * (answers[:, 0] + answers[:, 1]), ddof=1)
    assert sd == pytest.approx(s / 10, rel=0.12)


def test_measurement_model_maps_latent_to_the_scale_not_identity():
    p = Survey()
    x = np.array([0.0, 0.3, 0.5, 0.8, 1.0])
    e = expected_answer(x, "listen", p)
    assert np.all(np.diff(e) > 0) and e[2] == pytest.approx(5.0, abs=1e-9)  # symmetric at the midpoint
    assert e[0] > 0 and e[-1] < 10  # noise and censoring pull the ends inwards
    shifted = expected_answer(x, "listen", dataclasses.replace(p, item_offsets=(0.1, 0, 0, 0, 0)))
    assert np.all(shifted > e)
    yes = expected_answer(x, "good_job", p)
    assert 0 < yes[0] < 0.01 and yes[2] == pytest.approx(0.5) and yes[-1] > 0.99


@pytest.mark.parametrize("attitude, direction", [(3.0, 1), (-3.0, -1)])
def test_self_selection_on_attitudes_shifts_the_estimate_its_way(attitude, direction):
    res = city()
    p = one_day(design="online", respondents_per_area=150.0, attitude_log_odds=attitude, engagement_log_odds=0.0)
    t = waves(res, p, reps=60)
    est = t[(t["beat"] == -1) & (t["group"] == "all")]
    bias = est["trust"].mean() - true_score(res, p, np.ones(res.beat.size, bool))
    assert direction * bias > 5 * est["trust_se"].mean() / np.sqrt(len(est))
    assert direction * bias > 1.0  # points of 100: a visible bias, not noise


def test_weighting_by_group_corrects_unequal_response_by_group():
    res = city()
    common = dict(
        design="online",
        respondents_per_area=200.0,
        attitude_log_odds=0.0,
        engagement_log_odds=0.0,
        group_response=(3.0, 1.0),
    )
    truth = true_score(res, one_day(**common), res.beat == 1)
    out = {}
    for weighting in ("none", "group"):
        t = waves(res, one_day(weighting=weighting, **common), reps=60)
        out[weighting] = t[(t["beat"] == 1) & (t["group"] == "all")]["trust"].mean()
    assert out["none"] - truth > 3.0  # the trusting majority over-responds
    assert abs(out["group"] - truth) < 1.0


def test_a_survey_never_changes_the_simulation():
    kw = dict(seed=4, days=60, overrides={"population.residents": 1500})
    plain = simulate(BASE, **kw)
    surveyed = simulate(
        BASE,
        **{
            **kw,
            "overrides": {
                **kw["overrides"],
                "survey.design": "online",
                "survey.period_days": 30,
                "survey.fieldwork_days": 3,
            },
        },
    )
    assert plain.survey is None and surveyed.survey is not None
    assert plain.timeseries.equals(surveyed.timeseries)
    assert plain.by_neighborhood.equals(surveyed.by_neighborhood)
    t = surveyed.survey
    assert sorted(t["wave"].unique()) == [0, 1] and set(t["day"]) == {30, 60}
    city_rows = t[(t["beat"] == -1) & (t["group"] == "all")]
    assert city_rows["n"].sum() == surveyed.summary["survey_respondents"] > 0
    assert surveyed.summary["survey_trust"] == pytest.approx(city_rows["trust"].iloc[-1])


def test_bad_survey_sections_name_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[survey]\ndesign = "online"\ngroup_response = [1.0]\n')
    with pytest.raises(ScenarioError, match=r"bad.toml: survey.group_response: has 1 values; allowed: one per group"):
        load_scenario(bad)
    bad.write_text('[survey]\ndesign = "phone"\n')
    with pytest.raises(ScenarioError, match=r"survey.design: 'phone' is not a choice"):
        load_scenario(bad)


def test_compare_reports_as_surveyed_figures_beside_the_latent_ones():
    from cpsim.studies.compare import compare

    survey = {
        "population.residents": 600,
        "survey.design": "random",
        "survey.period_days": 20,
        "survey.fieldwork_days": 1,
        "survey.respondents_per_area": 40.0,
    }
    table = compare([BASE, "scenarios/budget_cut.toml"], replicates=2, days=20, workers=1, overrides=survey)
    rows = table[table["metric"] == "survey_trust"]
    assert len(rows) == 2 and rows["mean"].between(0, 100).all() and rows["diff"].notna().iloc[1]
    plain = compare([BASE], replicates=2, days=5, workers=1, overrides={"population.residents": 300})
    assert "survey_trust" not in set(plain["metric"]) and "trust_end" in set(plain["metric"])

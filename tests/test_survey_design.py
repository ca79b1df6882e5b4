"""The survey collected like the real one: city-wide answers, raking, per-item terms, the item change, small cells.

The design test draws many surveys of one fixed population whose truth is known (the
census's expected score) from a self-selected online sample that over-represents youth
and one group, and checks that the raked estimate is unbiased and its standard error
covers the truth at the nominal rate, where weighting by group alone stays biased.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from cpsim.scenario.survey_section import Survey
from cpsim.survey import MONTH_DAYS, SurveyLayer, expected_answer, rake

GROUPS = ("a", "b")
DRAWS = 500
PER_WAVE = 600


def city(n_per_area: int = 4000, seed: int = 0) -> SimpleNamespace:
    """Three areas of fixed residents: group b and youth trust less; group shares differ by area."""
    rng = np.random.default_rng(seed)
    beat = np.repeat(np.arange(3), n_per_area)
    group = (rng.random(beat.size) < np.array([0.2, 0.5, 0.8])[beat]).astype(np.int8)
    youth = rng.random(beat.size) < 0.25
    legit = np.clip(rng.beta(6, 4, beat.size) - 0.2 * group - 0.15 * youth, 0.01, 0.99)
    return SimpleNamespace(
        beat=beat,
        group=group,
        youth=youth,
        engagement=rng.beta(1.2, 2.8, beat.size),
        legitimacy=legit,
        trust=legit,
        effectiveness=legit,
        safety=np.clip(rng.beta(6, 3, beat.size), 0, 1),
    )


def online(**kw) -> Survey:
    """One-day waves of the online design selecting on group and age only (what raking can undo)."""
    base = dict(
        design="online",
        period_days=1,
        fieldwork_days=1,
        responses_per_month=PER_WAVE * MONTH_DAYS,
        engagement_log_odds=0.0,
        attitude_log_odds=0.0,
        group_response=(1.0, 0.4),
        youth_response=2.5,
        weighting="rake",
    )
    return dataclasses.replace(Survey(), **{**base, **kw})


def surveys(res, params, draws: int = DRAWS, seed: int = 11):
    layer = SurveyLayer(params, res, 3, GROUPS)
    for day, rng in enumerate(np.random.default_rng(seed).spawn(draws), start=1):
        layer.observe(day, res, rng)
    return layer.table()


def truth(res, params, mask: np.ndarray) -> float:
    x = res.legitimacy[mask]
    return float(5 * (expected_answer(x, "listen", params) + expected_answer(x, "respect", params)).mean())


@pytest.fixture(scope="module")
def population():
    return city()


def errors(res, params, table):
    """(estimate - truth, reported SE) per draw for each area and the city."""
    out = {}
    for beat in (0, 1, 2, -1):
        rows = table[(table["beat"] == beat) & (table["group"] == "all")]
        mask = res.beat == beat if beat >= 0 else np.ones(res.beat.size, bool)
        out[beat] = (rows["trust"].to_numpy() - truth(res, params, mask), rows["trust_se"].to_numpy())
    return out


def test_raked_online_estimate_is_unbiased_and_its_standard_error_covers_at_the_nominal_rate(population):
    p = online()
    found = errors(population, p, surveys(population, p))
    covered = []
    for beat, (err, se) in found.items():
        mc = err.std() / np.sqrt(len(err))
        assert abs(err.mean()) < 3 * mc, (beat, err.mean(), mc)  # bias ~ 0 within Monte Carlo error
        assert se.mean() == pytest.approx(err.std(), rel=0.1), beat  # the formula is the spread over surveys
        covered.append(np.abs(err) <= 1.96 * se)
    coverage = np.concatenate(covered).mean()
    assert 0.93 <= coverage <= 0.97, coverage  # nominal 95% over 2,000 intervals (binomial SD 0.005)


def test_weighting_by_group_alone_leaves_the_age_selection_in(population):
    p = online(weighting="group")
    for beat, (err, _) in errors(population, p, surveys(population, p, draws=200)).items():
        assert err.mean() < -2, beat  # youth answer 2.5x as often and trust less: ~3 points too low


def test_rake_matches_every_margin():
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 4, 500), rng.integers(0, 3, 500)
    ta, tb = np.array([10.0, 20, 30, 40]), np.array([50.0, 30, 20])
    w = rake((a, b), (ta, tb))
    assert np.bincount(a, w) == pytest.approx(ta, rel=1e-8)
    assert np.bincount(b, w) == pytest.approx(tb, rel=1e-8)


def test_answers_a_month_city_wide_go_to_areas_by_where_respondents_live():
    res = city()
    res.beat = np.where(np.arange(res.beat.size) < 6000, 0, np.where(np.arange(res.beat.size) < 9000, 1, 2))
    p = dataclasses.replace(Survey(), design="random", period_days=365, fieldwork_days=12, responses_per_month=1750)
    layer = SurveyLayer(p, res, 3, GROUPS)
    for day in range(1, 366):
        layer.observe(day, res, np.random.default_rng(day))
    t = layer.table()
    areas = t[(t["beat"] >= 0) & (t["group"] == "all")]["n"].to_numpy()
    assert areas.sum() == round(1750 * 12 * 365 / 365.25)  # the year's answers, city-wide
    assert areas / areas.sum() == pytest.approx([0.5, 0.25, 0.25], abs=0.01)  # as the residents live


def test_trust_and_safety_items_have_their_own_offset_and_slope():
    p = Survey()
    x = np.linspace(0.2, 0.8, 7)
    moved = dataclasses.replace(p, trust_offset=1.0, trust_slope=1.5, safety_offset=-2.0)
    for item in ("listen", "respect"):
        assert expected_answer(x, item, moved) == pytest.approx(
            expected_answer(0.5 + 1.5 * (x - 0.5), item, dataclasses.replace(p, offset=0.1)), abs=1e-12
        )
    assert expected_answer(x, "safe", moved) == pytest.approx(
        expected_answer(x, "safe", dataclasses.replace(p, offset=-0.2)), abs=1e-12
    )
    assert expected_answer(x, "confidence", moved) == pytest.approx(expected_answer(x, "confidence", p))


def test_the_item_change_shifts_the_trust_items_from_its_wave_on():
    p = dataclasses.replace(Survey(), item_change_wave=3, item_change_shift=0.6)
    x = np.array([0.3, 0.6])
    same = expected_answer(x, "listen", p, wave=2)
    assert same == pytest.approx(expected_answer(x, "listen", Survey()))
    assert expected_answer(x, "listen", p, wave=3) == pytest.approx(
        expected_answer(x, "listen", dataclasses.replace(Survey(), trust_offset=0.6))
    )
    assert expected_answer(x, "safe", p, wave=4) == pytest.approx(expected_answer(x, "safe", Survey()))


def test_cells_with_too_few_answers_are_left_empty(population):
    p = online(responses_per_month=60 * MONTH_DAYS, min_cell_n=10)
    t = surveys(population, p, draws=20)
    small = t[t["n"] < 10]
    assert len(small) and small["trust"].isna().all() and small["trust_se"].isna().all()
    assert t[t["n"] >= 10]["trust"].notna().all()


def test_a_calibration_can_fit_each_items_offset_and_slope_and_the_item_change(tmp_path):
    from cpsim.studies.calibration import load_calibration

    root = Path(__file__).resolve().parents[1]
    text = (root / "experiments" / "chicago_calibration.toml").read_text(encoding="utf-8")
    text = text.replace('"../', f'"{root}/')
    own = "\n".join(
        f'"survey.{key}" = {{ prior = "uniform", lo = {lo}, hi = {hi} }}'
        for key, lo, hi in [
            ("trust_offset", -3, 3),
            ("trust_slope", 0.5, 2.5),
            ("safety_offset", -3, 3),
            ("safety_slope", 0.5, 2.5),
            ("item_change_shift", -2, 2),
        ]
    )
    (tmp_path / "cal.toml").write_text(text.replace("[parameters]\n", f"[parameters]\n{own}\n"), encoding="utf-8")
    cal = load_calibration(tmp_path / "cal.toml")
    assert {f"survey.{k}" for k in ("trust_offset", "trust_slope", "safety_offset", "item_change_shift")} <= set(
        cal.keys
    )
    assert cal.scenario.survey.item_change_wave == 3  # 2020, when wave 0 is 2017


def report() -> None:
    """Print each design's bias, standard error and coverage (the figures in docs/calibration.md)."""
    res = city()
    for weighting in ("rake", "group"):
        p = online(weighting=weighting)
        covered = []
        for beat, (err, se) in errors(res, p, surveys(res, p)).items():
            covered.append(np.abs(err) <= 1.96 * se)
            print(
                f"{weighting} {'city' if beat < 0 else f'area {beat}'}: bias {err.mean():+.3f} "
                f"(Monte Carlo SE {err.std() / np.sqrt(len(err)):.3f}), mean SE {se.mean():.3f}, "
                f"spread {err.std():.3f}, coverage {covered[-1].mean():.3f}"
            )
        print(f"{weighting}: 95% intervals cover the truth {np.concatenate(covered).mean():.3f} of the time")


if __name__ == "__main__":
    report()

"""Virtual field trials: random assignment, delivery through contacts, ITT/TOT, subgroups, spillover."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cpsim.model import CommunityModel
from cpsim.programs.field_trial import FieldTrial
from cpsim.scenario import ScenarioError, load_scenario
from cpsim.simulate import simulate
from cpsim.studies.trials import pool, run_trial, trial_days

ROOT = Path(__file__).resolve().parents[2]
PEYTON = ROOT / "scenarios" / "trial_peyton.toml"
# A small city whose officers can deliver the visits (3 beats, 21 days to knock on doors).
SMALL = {
    "population.residents": 6000,
    "population.beats": 2,  # 4+ patrol officers a beat: a visit is rarely short of hours
    "trial.start_day": 20,
    "trial.delivery_days": 21,
    "trial.assigned_share": 0.2,
    "run.days": 61,
}


def small(**extra):
    return load_scenario(PEYTON, {**SMALL, **extra})


def run_model(params, seed=3):
    model = CommunityModel(params, seed=seed)
    for _ in range(trial_days(params)):
        model.step()
    trial = next(p for p in model.programs if isinstance(p, FieldTrial))
    return model, trial


def row(table, part, outcome, day=3, subgroup="all", level=""):
    t = table[
        (table.part == part)
        & (table.outcome == outcome)
        & (table.day == day)
        & (table.subgroup == subgroup)
        & (table.level == level)
    ]
    assert len(t) == 1, (part, outcome, day, subgroup, level)
    return t.iloc[0]


@pytest.fixture(scope="module")
def peyton_small():
    return simulate(small(), seed=3)


def test_assignment_and_reach_follow_the_design():
    model, trial = run_model(small())
    n = model.residents.n
    assert abs(trial.assigned.mean() - 0.2) < 3 * np.sqrt(0.2 * 0.8 / n)
    reached_share = trial.reached.size / trial.assigned.sum()
    assert abs(reached_share - 0.41) < 3 * np.sqrt(0.41 * 0.59 / trial.assigned.sum())
    # Only the reached get contacts; nearly all of them get their one visit (officers come back).
    assert trial.received[~trial.assigned].sum() == 0
    assert set(np.unique(trial.received[trial.reached])) <= {0, 1}
    assert (trial.received[trial.reached] == 1).mean() > 0.9
    # Every eligible resident (both arms) has a date inside the delivery window.
    assert trial.sched.min() >= 20 and trial.sched.max() <= 40


def test_visit_raises_legitimacy_itt_and_tot(peyton_small):
    t = peyton_small.trial
    assert list(t.columns) == ["day", "part", "subgroup", "level", "outcome", "n", "estimate", "se", "effect_sd"]
    itt3, itt21 = row(t, "itt", "legitimacy"), row(t, "itt", "legitimacy", day=21)
    assert itt3.estimate > 4 * itt3.se
    assert 0 < itt21.estimate < itt3.estimate  # fades with memory, still there at 21 days
    tot = row(t, "tot", "legitimacy")
    compliance = itt3.estimate / tot.estimate
    assert 0.35 < compliance < 0.45  # ~41% reached (F2)
    assert tot.se == pytest.approx(itt3.se / compliance)
    assert 0.05 < tot.effect_sd < 0.4
    # Arm means differ in the direction of the effect.
    treated, control = (row(t, "arm", "legitimacy", level=arm).estimate for arm in ("treatment", "control"))
    assert treated > control
    # Willingness to report follows legitimacy (F3).
    assert row(t, "itt", "reports_violent").estimate > 0


def test_subgroups_and_spillover(peyton_small):
    t = peyton_small.trial
    low = row(t, "itt", "legitimacy", subgroup="prior_trust=low").estimate
    high = row(t, "itt", "legitimacy", subgroup="prior_trust=high").estimate
    assert low > high > 0
    groups = t[(t.part == "itt") & (t.outcome == "trust") & (t.day == 3) & t.subgroup.str.startswith("group=")]
    assert set(groups.subgroup) == {"group=majority", "group=minority"}
    assert groups.n.sum() == row(t, "itt", "trust").n
    # Word of mouth carries the visit to controls' ties (F4): more treated ties, more spillover.
    spill = t[(t.part == "spillover_effect") & (t.outcome == "legitimacy") & (t.day == 3)].set_index("level")
    assert list(spill.index) == ["1", "2", "3+"]
    assert spill.estimate["1"] > 3 * spill.se["1"]
    assert spill.estimate["2"] > spill.estimate["1"]
    assert spill.estimate["3+"] > 0


def test_no_contact_no_effect_and_outcomes_untouched():
    """With nobody reached the trial changes nothing: it only acts through contacts."""
    params = small(**{"trial.contact_rate": 0.0})
    plain = load_scenario(PEYTON, {**SMALL, "trial.enabled": False})
    with_trial = simulate(params, seed=5, days=40)
    without = simulate(plain, seed=5, days=40)
    pd.testing.assert_frame_equal(with_trial.timeseries, without.timeseries)
    t = with_trial.trial
    assert (t.part == "tot").sum() == 0
    itt = row(t, "itt", "trust")
    assert abs(itt.estimate) < 4 * itt.se


def test_same_seed_same_table_other_seed_other_assignment():
    a, b = simulate(small(), seed=11).trial, simulate(small(), seed=11).trial
    pd.testing.assert_frame_equal(a, b)
    _, t1 = run_model(small(), seed=11)
    _, t2 = run_model(small(), seed=12)
    assert (t1.assigned != t2.assigned).any()


@pytest.mark.parametrize(
    ("over", "check"),
    [
        ({"trial.eligibility": "group", "trial.group": "minority"}, lambda m, e: (m.residents.group[e] == 1).all()),
        ({"trial.eligibility": "beat", "trial.beat": 1}, lambda m, e: (m.residents.beat[e] == 1).all()),
        ({"trial.eligibility": "youth"}, lambda m, e: m.residents.youth[e].all()),
    ],
)
def test_eligibility(over, check):
    model, trial = run_model(small(**over))
    assert trial.eligible.sum() > 0 and check(model, trial.eligible)
    assert not trial.assigned[~trial.eligible].any()


def test_trust_band_is_read_on_the_start_day():
    params = small(**{"trial.eligibility": "trust_band", "trial.trust_low": 0.0, "trial.trust_high": 0.4})
    model = CommunityModel(params, seed=2)
    for _ in range(19):
        model.step()
    before = model.residents.trust.copy()
    model.step()
    trial = next(p for p in model.programs if isinstance(p, FieldTrial))
    np.testing.assert_array_equal(trial.eligible, before <= 0.4)


def test_meeting_invitation_reaches_the_engaged_and_mentorship_repeats():
    model, trial = run_model(small(**{"trial.treatment": "meeting_invitation"}))
    eng = model.residents.engagement
    assert eng[trial.reached].mean() > 1.2 * eng[trial.assigned].mean()
    params = small(
        **{"trial.treatment": "mentorship", "trial.sessions": 3, "trial.session_interval_days": 7, "run.days": 70}
    )
    model, trial = run_model(params)
    assert np.median(trial.received[trial.reached]) == 3


def test_liaison_followup_speaks_to_effectiveness():
    visit = simulate(small(), seed=4).trial
    liaison = simulate(small(**{"trial.treatment": "liaison_followup"}), seed=4).trial
    assert row(liaison, "itt", "effectiveness").estimate > 1.5 * row(visit, "itt", "effectiveness").estimate


def test_bad_trial_input_is_one_line():
    with pytest.raises(ScenarioError, match=r"trial\.group: 'x' is not a group; allowed: one of 'majority', 'minorit"):
        load_scenario(PEYTON, {"trial.eligibility": "group", "trial.group": "x"})
    with pytest.raises(ScenarioError, match=r"trial\.beat: 99 is not a beat"):
        load_scenario(PEYTON, {"trial.eligibility": "beat", "trial.beat": 99})
    with pytest.raises(ScenarioError, match=r"trial\.treatment: 'hug' is not a choice"):
        load_scenario(PEYTON, {"trial.treatment": "hug"})


def test_pooling_over_replicates():
    result = run_trial(small(), replicates=2, seed=9)
    assert set(result.replicates.seed.unique()).__len__() == 2
    t = result.table
    r = t[(t.part == "itt") & (t.outcome == "trust") & (t.day == 3) & (t.subgroup == "all")].iloc[0]
    reps = result.replicates
    one = reps[(reps.part == "itt") & (reps.outcome == "trust") & (reps.day == 3) & (reps.subgroup == "all")]
    assert r.replicates == 2
    assert r.estimate == pytest.approx(one.estimate.mean())
    assert r.se == pytest.approx(np.sqrt((one.se**2).sum()) / 2)
    assert len(pool(reps)) == len(t)


def test_cli_trial_writes_the_table_and_rejects_a_scenario_without_trial(tmp_path):
    cmd = [sys.executable, "-m", "cpsim.cli", "trial", str(PEYTON), "--out", str(tmp_path), "--workers", "1"]
    for key, value in SMALL.items():
        cmd += ["--set", f"{key}={value}"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "ITT" in done.stdout and "TOT" in done.stdout
    assert "The standard errors and 95% intervals cover only run-to-run chance" in " ".join(done.stdout.split())
    table = pd.read_csv(tmp_path / "trial.csv")
    assert {"itt", "tot", "arm", "spillover", "spillover_effect"} <= set(table.part)
    # who benefits, where: effects by beat too, a figure, and the provenance of the numbers
    beats = table[(table.part == "itt") & table.subgroup.str.startswith("beat=")]
    assert beats.subgroup.nunique() >= 2 and "ITT on trust by beat" in done.stdout
    assert (tmp_path / "trial.png").read_bytes()[:4] == b"\x89PNG"
    prov = json.loads((tmp_path / "provenance.json").read_text())
    assert prov["study"] == "trial" and prov["scenarios"]["trial_peyton"]["sha256"]
    bad = subprocess.run(
        [sys.executable, "-m", "cpsim.cli", "trial", str(ROOT / "scenarios" / "baseline.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0
    assert "trial.enabled" in bad.stderr and "Traceback" not in bad.stderr

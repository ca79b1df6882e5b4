"""cpsim compare --posterior: replicate k runs with parameter set k drawn from a calibration's posterior."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cpsim.cli import main
from cpsim.studies.calibration.posterior_draws import draw_sets
from cpsim.studies.runner import run_study

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.toml"
FOOT = ROOT / "scenarios" / "foot_patrol.toml"
SMALL = {"population.residents": 600}


@pytest.fixture
def posterior(tmp_path) -> Path:
    """Two particles far apart (safety.initial 0.3 and 0.9), and an observation key runs must ignore."""
    df = pd.DataFrame(
        {
            "particle": [0, 1],
            "weight": [0.5, 0.5],
            "safety.initial": [0.3, 0.9],
            "trust.initial_by_group[1]": [0.2, 0.2],
            "observation.area_sd": [4.0, 4.0],
        }
    )
    df.to_parquet(tmp_path / "posterior.parquet")
    return tmp_path


def test_draws_follow_the_weights_and_leave_observation_keys_out(posterior):
    sets = draw_sets(posterior, 400, seed=1)
    assert all(set(s) == {"safety.initial", "trust.initial_by_group[1]"} for s in sets)
    share = sum(s["safety.initial"] == 0.9 for s in sets) / len(sets)
    assert 0.4 < share < 0.6
    assert draw_sets(posterior, 5, seed=1) == sets[:5]  # reproducible from the seed


def test_replicate_k_runs_exactly_as_a_run_with_set_k():
    sets = [{"safety.initial": 0.3, "trust.initial_by_group[1]": 0.2}, {"safety.initial": 0.9}]
    drawn = run_study([BASELINE], replicates=2, days=20, seed=4, workers=1, overrides=SMALL, parameter_sets=sets,
                      detail=False, posterior="test").runs  # fmt: skip
    for k, values in enumerate(sets):
        fixed = {**SMALL, "safety.initial": values["safety.initial"]}
        if "trust.initial_by_group[1]" in values:
            fixed["trust.initial_by_group"] = (0.56, 0.2)
        plain = run_study([BASELINE], replicates=2, days=20, seed=4, workers=1, overrides=fixed, detail=False).runs
        a = drawn[drawn["replicate"] == k].drop(columns=["seconds"], errors="ignore").reset_index(drop=True)
        b = plain[plain["replicate"] == k].drop(columns=["seconds"], errors="ignore").reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)


def test_cli_says_its_intervals_cover_parameters_and_refuses_a_bad_posterior(posterior, tmp_path, capsys):
    out = tmp_path / "out"
    args = [str(BASELINE), str(FOOT), "--replicates", "2", "--days", "20", "--workers", "1", "--set",
            "population.residents=600", "--out", str(out)]  # fmt: skip
    with pytest.raises(SystemExit) as ended:
        main(["compare", *args, "--posterior", str(posterior)])
    assert ended.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    # parameter uncertainty is covered, not named among what is left out
    assert "and uncertainty in the model's parameters; they do not cover whether the model is right" in text
    html = (out / "report.html").read_text()
    assert "each with parameters drawn from the posterior" in html
    with pytest.raises(SystemExit) as ended:
        main(["compare", *args, "--posterior", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert ended.value.code == 2 and "nowhere" in err and "allowed:" in err and len(err.strip().splitlines()) == 1


PEYTON = ROOT / "scenarios" / "trial_peyton.toml"
TRIAL_SMALL = {"population.residents": 1500}


def test_trial_replicate_k_runs_with_set_k_and_says_what_its_intervals_cover(posterior, tmp_path, capsys):
    from cpsim.scenario import load_scenario
    from cpsim.studies.trials import replicate_seeds, run_trial

    params = load_scenario(PEYTON, TRIAL_SMALL)
    sets = [{"safety.initial": 0.3}, {"safety.initial": 0.9}]
    drawn = run_trial(params, replicates=2, seed=5, parameter_sets=sets).replicates
    for k, values in enumerate(sets):
        plain = run_trial(load_scenario(PEYTON, {**TRIAL_SMALL, **values}), replicates=2, seed=5).replicates
        seed = replicate_seeds(5, 2)[k]
        a = drawn[drawn["seed"] == seed].reset_index(drop=True)
        b = plain[plain["seed"] == seed].reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
    args = ["trial", str(PEYTON), "--replicates", "2", "--workers", "1", "--out", str(tmp_path / "t")]
    args += [f"--set=population.residents={TRIAL_SMALL['population.residents']}", "--posterior", str(posterior)]
    with pytest.raises(SystemExit) as ended:
        main(args)
    text = " ".join(capsys.readouterr().out.split())
    assert ended.value.code in (0, None)
    assert "and uncertainty in the model's parameters; they do not cover whether the model is right" in text


def test_the_package_in_the_calibrated_chicago_is_flagged_as_a_design_target():
    from cpsim.studies.claims import design_target_note

    note = design_target_note([("chicago_neighbourhood_policing", "experiments/chicago_neighbourhood_policing.toml")])
    assert "design target, not a finding" in note and "M4" in note


def test_a_posterior_of_another_city_is_refused_in_one_line_before_anything_runs(tmp_path, capsys):
    # a posterior of a four-group city (Chicago's) names list elements a two-group scenario lacks
    pd.DataFrame({"weight": [1.0], "trust.initial_by_group[3]": [0.4]}).to_parquet(tmp_path / "posterior.parquet")
    out = tmp_path / "out"
    for command, files in (("compare", [BASELINE, FOOT]), ("trial", [PEYTON])):
        with pytest.raises(SystemExit) as ended:
            main([command, *map(str, files), "--replicates", "2", "--posterior", str(tmp_path), "--out", str(out)])
        err = capsys.readouterr().err
        assert ended.value.code == 2, command
        assert len(err.strip().splitlines()) == 1 and "trust.initial_by_group[3]" in err and "allowed:" in err
        assert not (out / "report.html").exists()

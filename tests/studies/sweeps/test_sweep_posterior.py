"""cpsim sweep --posterior: replicate k of every point runs with parameter set k drawn from a posterior."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_bad_input import cli  # (tests/ is on the path: one way to run the command line in tests)

from cpsim import simulate
from cpsim.studies.calibration.posterior_draws import draw_sets
from cpsim.studies.sweeps import load_experiment, open_results, run_sweep
from cpsim.studies.sweeps.sensitivity import analyze

ROOT = Path(__file__).resolve().parents[3]
BASELINE = ROOT / "scenarios" / "baseline.toml"
FOOT = ROOT / "scenarios" / "foot_patrol.toml"
TOWN = {"population.residents": 300, "population.beats": 2}


def experiment(tmp_path: Path, vary: str = "policing.budget_cut = [0.0, 0.3]") -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(
        f'name = "post"\nscenarios = ["{BASELINE}", "{FOOT}"]\nreplicates = 3\ndays = 4\nseed = 9\n'
        f"[vary]\n{vary}\n[overrides]\npopulation.residents = 300\npopulation.beats = 2\n"
    )
    return path


def posterior(folder: Path, safety: tuple[float, float] = (0.3, 0.9)) -> Path:
    """Two particles far apart in safety.initial, a list element, and an observation key runs must ignore."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        {
            "particle": [0, 1],
            "weight": [0.5, 0.5],
            "safety.initial": list(safety),
            "trust.initial_by_group[1]": [0.2, 0.25],
            "observation.area_sd": [4.0, 4.0],
        }
    ).to_parquet(folder / "posterior.parquet")
    return folder


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """The experiment swept once with a posterior: (experiment file, posterior folder, store)."""
    tmp = tmp_path_factory.mktemp("post")
    exp, post = experiment(tmp), posterior(tmp / "fit")
    store = tmp / "post.duckdb"
    run_sweep(load_experiment(exp, posterior=post), store, workers=1)
    return exp, post, store


def test_replicate_k_of_every_point_runs_exactly_as_a_run_with_set_k(swept):
    exp, post, store = swept
    sets = draw_sets(post, 3, seed=9)  # the experiment's replicates and seed
    res = open_results(store)
    assert (res.runs["status"] == "ok").all() and len(res.runs) == 2 * 2 * 3
    assert res.experiment["spec"]["parameter_sets"] == sets and res.experiment["spec"]["posterior"] == str(post)
    assert res.provenance["posterior"] == str(post) and res.provenance["parameter_sets"] == sets
    for row in res.runs.itertuples():
        drawn = sets[row.replicate]
        over = {
            **TOWN,
            "safety.initial": drawn["safety.initial"],
            "trust.initial_by_group": (0.56, drawn["trust.initial_by_group[1]"]),
            "policing.budget_cut": json.loads(row.params)["policing.budget_cut"],
        }
        direct = simulate(FOOT if row.scenario == "foot_patrol" else BASELINE, seed=row.seed, days=4, overrides=over)
        for metric in ("trust_end", "safety_end", "hours_total"):
            assert getattr(row, metric) == direct.summary[metric], (row.run_id, metric)
    # the draws reach the runs: a replicate started at safety 0.9 ends far above one started at 0.3
    start = res.runs["replicate"].map(lambda r: sets[r]["safety.initial"])
    ends = res.runs.groupby(start)["safety_end"].mean()
    assert len(ends) == 2 and ends[0.9] > ends[0.3] + 0.2


def test_the_outputs_say_their_intervals_cover_parameters_and_seeds(swept, tmp_path, capsys):
    _, post, store = swept
    html = " ".join(analyze(store, tmp_path / "rep").read_text().split())
    assert "each with parameters drawn from the posterior" in html
    assert "and uncertainty in the model&#x27;s parameters; they do not cover whether the model is right" in html
    code, out, _ = cli("results", str(store), capsys=capsys)
    assert code in (0, None) and "drawn from the posterior" in " ".join(out.split())


def test_a_sweep_without_a_posterior_says_its_intervals_cover_seeds_only(tmp_path):
    from cpsim.studies.sweeps.sensitivity import covers

    text = covers({"replicates": 3})
    assert "only run-to-run chance" in text and "they do not cover uncertainty in the model's parameters" in text


def test_resumes_with_the_same_posterior_and_refuses_another_or_none(swept, tmp_path, capsys):
    exp, post, store = swept
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(Path(store).read_bytes())
    con = duckdb.connect(str(copy))
    con.execute("UPDATE runs SET status = 'pending', trust_end = NULL WHERE run_id >= 8")
    con.close()
    report = run_sweep(load_experiment(exp, posterior=post), copy, workers=1)
    assert report.ran == 4 and report.done == 12
    a, b = open_results(copy).runs, open_results(store).runs
    pd.testing.assert_frame_equal(a.drop(columns=["duration"]), b.drop(columns=["duration"]))
    other = posterior(tmp_path / "other", safety=(0.5, 0.6))
    for extra in (["--posterior", str(other)], []):
        code, _, err = cli("sweep", str(exp), "--out", str(copy), "--workers", "1", *extra, capsys=capsys)
        assert code == 2 and "holds results of a different experiment" in err and err.count("\n") == 1


def test_bad_posteriors_are_refused_in_one_line_before_anything_runs(tmp_path, capsys):
    exp = experiment(tmp_path)
    out = tmp_path / "x.duckdb"
    chicago = tmp_path / "chicago"
    chicago.mkdir()
    pd.DataFrame({"weight": [1.0], "trust.initial_by_group[3]": [0.4]}).to_parquet(chicago / "posterior.parquet")
    (tmp_path / "v").mkdir()
    varied = experiment(tmp_path / "v", vary="safety.initial = [0.4, 0.6]")
    for path, post, message in (
        (exp, tmp_path / "nowhere", "no such posterior file"),
        (exp, chicago, "trust.initial_by_group[3]"),
        (varied, posterior(tmp_path / "fit"), "safety.initial is calibrated by the posterior and set in [vary]"),
    ):
        code, _, err = cli("sweep", str(path), "--out", str(out), "--posterior", str(post), capsys=capsys)
        assert code == 2 and err.count("\n") == 1 and message in err and "allowed:" in err, err
    assert not out.exists()

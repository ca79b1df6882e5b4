"""`cpsim calibrate`: recovery on a tiny city, kill -9 and resume, failures, bad files, the Chicago targets."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyabc")

from tiny_calibration import PARAMETERS_AND_TARGETS, ROOT, SCENARIO, TRUE, inline, parquet  # noqa: E402

from cpsim import load_scenario, simulate  # noqa: E402
from cpsim.cli import main  # noqa: E402
from cpsim.studies.calibration import load_calibration, read_observed, run_calibration  # noqa: E402
from cpsim.studies.calibration.stats import statistic  # noqa: E402
from cpsim.studies.calibration.weighted import weighted_quantile  # noqa: E402

CALIBRATION = (
    """name = "tiny"
scenario = "tiny.toml"
observed = "observed.csv"
replicates = 1
seed = 5
particles = 8
generations = 2
"""
    + PARAMETERS_AND_TARGETS
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny city, data simulated at TRUE with a seed the calibration never uses, and its calibration."""
    d = tmp_path_factory.mktemp("cal")
    (d / "tiny.toml").write_text(SCENARIO)
    simulate(d / "tiny.toml", seed=999, overrides=TRUE).survey.to_csv(d / "observed.csv", index=False)
    (d / "tiny_calibration.toml").write_text(CALIBRATION)
    report = run_calibration(d / "tiny_calibration.toml", d / "out", pool=inline(), checks=4, quiet=True)
    return d, report


def test_parameters_are_recovered_from_data_simulated_with_them(tiny):
    d, report = tiny
    post = parquet(d / "out" / "posterior.parquet")
    assert len(post) == 8 and post["weight"].sum() == pytest.approx(1.0)
    for key, (lo, hi) in {"safety.initial": (0.4, 0.9), "survey.offset": (-0.2, 0.2)}.items():
        q05, q50, q95 = weighted_quantile(post[key].to_numpy(), post["weight"].to_numpy(), np.array([0.05, 0.5, 0.95]))
        # Near the truth, and the data narrowed the prior. (Whether 90% intervals cover the truth 90% of the
        # time needs many repetitions: benchmarks/bench_recovery.py.)
        assert abs(q50 - TRUE[key]) < 0.2 * (hi - lo), key
        assert q95 - q05 < 0.8 * (hi - lo), key
    assert report.estimates["safety.initial"] == pytest.approx(0.8, abs=0.1)
    assert set(report.checks["target"]) == {"area_safety_mean", "group_gap", "area_trust_median"}


def test_outputs_calibrated_scenario_store_and_report(tiny):
    d, report = tiny
    out = d / "out"
    sc = load_scenario(out / "calibrated.toml")
    assert sc.safety.initial == pytest.approx(report.estimates["safety.initial"])
    assert sc.survey.offset == pytest.approx(report.estimates["survey.offset"]) and sc.run.days == 10
    props = parquet(out / "proposals.parquet")
    assert set(props["generation"]) == {-1, 0, 1} and props["error"].isna().all()
    assert (props.groupby("generation")["accepted"].sum().loc[[0, 1]] == 8).all()
    page = (out / "report.html").read_text()
    assert "Posterior-predictive checks" in page and "area_safety_mean" in page
    # predictive runs at posterior draws, with their own seeds: both sources, said in the same words as elsewhere
    assert "90% intervals cover run-to-run chance" in page and "and uncertainty in the model&#x27;s parameters" in page
    assert all((out / f).exists() for f in ("posterior.png", "checks.png", "distances.png", "checks.csv"))


def test_kill_9_then_resume_gives_the_uninterrupted_posterior(tiny, capsys):
    """Two worker processes, killed mid-run, resumed: the same posterior as the in-process run."""
    d, _ = tiny
    out = d / "killed"
    cmd = [
        sys.executable,
        "-m",
        "cpsim.cli",
        "calibrate",
        str(d / "tiny_calibration.toml"),
        "--out",
        str(out),
        "--workers",
        "2",
        "--checks",
        "0",
    ]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, start_new_session=True, cwd=ROOT)
    try:
        for line in proc.stderr:
            if "generation 1:" in line:  # generation 0 is in the history, generation 1 in flight
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait(timeout=60)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "posterior.parquet").exists()
    capsys.readouterr()
    with pytest.raises(SystemExit) as code:
        main(cmd[3:])
    assert code.value.code == 0
    assert "resuming: 1 of 2 generations done" in capsys.readouterr().err
    a = parquet(out / "posterior.parquet").sort_values("particle").reset_index(drop=True)
    b = parquet(d / "out" / "posterior.parquet").sort_values("particle").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_a_raising_run_is_recorded_and_the_calibration_goes_on(tiny, monkeypatch):
    d, _ = tiny
    module = sys.modules["cpsim.studies.calibration.abc_smc"]  # where the model wrapper reads `simulate`
    real = module.simulate

    def fragile(scenario, *args, overrides=None, **kw):
        if overrides["safety.initial"] > 0.8:
            raise RuntimeError("simulated failure above 0.8")
        return real(scenario, *args, overrides=overrides, **kw)

    monkeypatch.setattr(module, "simulate", fragile)
    cal = load_calibration(d / "tiny_calibration.toml", generations=1)
    report = run_calibration(cal, d / "fragile", pool=inline(), checks=0, quiet=True)
    props = parquet(d / "fragile" / "proposals.parquet")
    failed = props[props["error"].notna()]
    assert len(failed) == report.failed > 0 and (failed["safety.initial"] > 0.8).all()
    assert failed["error"].str.contains("simulated failure above 0.8").all()
    assert failed["error"].str.contains("Traceback").all() and not failed["accepted"].any()
    assert (parquet(d / "fragile" / "posterior.parquet")["safety.initial"] <= 0.8).all()


TOP = {
    "name": '"tiny"',
    "scenario": '"tiny.toml"',
    "observed": '"observed.csv"',
    "replicates": "1",
    "seed": "5",
    "particles": "8",
    "generations": "3",
}
SECTIONS = {
    "parameters": '"safety.initial" = { prior = "uniform", lo = 0.4, hi = 0.9 }',
    "statistics": 'gap = ["majority", "minority"]',
    "targets": "group_gap = { sd = 3.0 }",
}
BAD = [
    ({"particles": "1"}, {}, "particles: got 1; allowed: a whole number in [2, 1000000]"),
    ({"partcles": "10"}, {}, "partcles: unknown key (did you mean 'particles'?); allowed: name,"),
    ({"observed": '"missing.csv"'}, {}, "observed: file"),
    ({}, {"parameters": '"trust.halflife" = { lo = 1, hi = 2 }'}, "parameters.trust.halflife: unknown parameter"),
    (
        {},
        {"parameters": '"policing.budget_cut" = { lo = 0.1, hi = 1.5 }'},
        "parameters.policing.budget_cut: 1.5 in scenario '': policing.budget_cut: 1.5 is out of range; "
        "allowed: a value in [0, 0.9]",
    ),
    (
        {},
        {"parameters": '"survey.slope" = { prior = "beta", lo = 0.1, hi = 1 }'},
        "parameters.survey.slope.prior: got 'beta'; allowed: one of uniform, loguniform, normal",
    ),
    ({}, {"parameters": '"run.name" = { lo = 0, hi = 1 }'}, "parameters.run.name: not a number parameter"),
    ({}, {"targets": "wibble = {}"}, "targets.wibble: unknown statistic; allowed: area_trust_q25,"),
    ({}, {"targets": "area_change_sd = { sd = 1 }"}, "targets.area_change_sd: needs two survey waves, the run has 1"),
    ({}, {"targets": "group_gap = { sd = -1 }"}, "targets.group_gap.sd: got -1; allowed: a number > 0"),
    ({}, {"statistics": 'gap = ["White", "Black"]'}, "statistics.gap: got ['White', 'Black']; allowed: two different"),
]


@pytest.mark.parametrize(("top", "sections", "message"), BAD)
def test_bad_calibration_files_fail_with_one_line_naming_file_and_key(tiny, capsys, top, sections, message):
    d, _ = tiny
    lines = [f"{k} = {v}" for k, v in {**TOP, **top}.items()]
    for name, body in {**SECTIONS, **sections}.items():
        lines += [f"[{name}]", body]
    path = d / "bad.toml"
    path.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    with pytest.raises(SystemExit) as code:
        main(["calibrate", str(path)])
    err = capsys.readouterr().err
    assert code.value.code == 2 and len(err.strip().splitlines()) == 1, err
    assert f"{path}: " in err and message in err, err


def test_chicago_targets_are_computed_from_the_shipped_data():
    """The calibration file's targets are the data's own statistics (the README's figures)."""
    cal = load_calibration(ROOT / "experiments" / "chicago_calibration.toml")
    data = read_observed(ROOT / "data" / "chicago" / "police_sentiment_by_community_area.csv")
    assert sorted(data["year"].unique()) == [2017, 2018, 2019, 2020, 2021]
    for t in cal.targets:
        assert t.value == pytest.approx(statistic(data, t.name, cal.options)), t.name
    got = {t.name: t.value for t in cal.targets}
    assert got["group_gap"] == pytest.approx(11.4, abs=0.1)  # White minus Black respondents, 2017-2021
    assert got["trust_safety_corr"] == pytest.approx(0.75, abs=0.01)
    assert got["area_change_sd"] == pytest.approx(6.9, abs=0.1)  # README: 6.2-7.5 a year

"""History matching with GP emulators on a tiny city: recovery, outputs, resume, an empty region, bad settings."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest
from tiny_calibration import PARAMETERS_AND_TARGETS, SCENARIO, TRUE, inline, parquet

from cpsim import load_scenario, simulate
from cpsim.cli import main
from cpsim.studies.calibration import load_calibration, run_calibration
from cpsim.studies.calibration.fit import CalibrationIncomplete, NoRegion

CALIBRATION = (
    """name = "tiny"
scenario = "tiny.toml"
observed = "observed.csv"
replicates = 1
seed = 5
method = "history_matching"
[history_matching]
waves = 2
runs = 24
candidates = 4000
posterior = 200
"""
    + PARAMETERS_AND_TARGETS
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny city, data simulated at TRUE with a seed the fit never uses, and a history-matching fit of it."""
    d = tmp_path_factory.mktemp("hm")
    (d / "tiny.toml").write_text(SCENARIO)
    simulate(d / "tiny.toml", seed=999, overrides=TRUE).survey.to_csv(d / "observed.csv", index=False)
    (d / "hm.toml").write_text(CALIBRATION)
    report = run_calibration(d / "hm.toml", d / "out", pool=inline(), checks=4, quiet=True)
    return d, report


def test_the_region_shrinks_and_the_posterior_holds_the_truth(tiny):
    d, report = tiny
    waves = parquet(d / "out" / "waves.parquet").sort_values("wave")
    assert list(waves["wave"]) == [0, 1] and (waves["region_share"] < 0.5).all()  # the data ruled most out
    post = parquet(d / "out" / "posterior.parquet")
    assert len(post) == 200 and post["weight"].sum() == pytest.approx(1.0)
    for key, (lo, hi) in {"safety.initial": (0.4, 0.9), "survey.offset": (-0.2, 0.2)}.items():
        q05, q50, q95 = np.quantile(post[key], [0.05, 0.5, 0.95])
        assert q05 <= TRUE[key] <= q95, key
        assert abs(q50 - TRUE[key]) < 0.2 * (hi - lo), key
        assert q95 - q05 < 0.6 * (hi - lo), key  # the data narrowed the prior
    assert report.estimates["safety.initial"] == pytest.approx(0.8, abs=0.1)


def test_outputs_emulator_accuracy_checks_and_calibrated_scenario(tiny):
    d, report = tiny
    out = d / "out"
    runs = parquet(out / "runs.parquet")
    assert (runs["wave"] == -1).sum() == 4 and (runs["wave"] >= 0).sum() == 48 and runs["error"].isna().all()
    # wave 1's points come from the region wave 0 left: nearer the truth than wave 0's Latin hypercube
    spread = runs[runs["wave"] >= 0].groupby("wave")["safety.initial"].apply(lambda s: (s - 0.8).abs().mean())
    assert spread.loc[1] < spread.loc[0]
    accuracy = pd.DataFrame(json.loads(parquet(out / "waves.parquet")["accuracy"].iloc[0]))
    assert set(accuracy["statistic"]) == {"area_safety_mean", "group_gap", "area_trust_median"}
    assert accuracy.set_index("statistic").loc["area_safety_mean", "r2_gp"] > 0.8  # safety.initial drives it
    sc = load_scenario(out / "calibrated.toml")
    assert sc.safety.initial == pytest.approx(report.estimates["safety.initial"])
    assert list(report.checks["runs"]) == [4, 4, 4]
    page = (out / "report.html").read_text()
    assert "plausible region" in page and "Emulators on held-out runs" in page and "region.png" in page
    assert all((out / f).exists() for f in ("region.png", "posterior.png", "checks.png", "checks.csv"))


def test_a_broken_pool_loses_nothing_and_the_rerun_gives_the_same_posterior(tiny, tmp_path):
    d, _ = tiny
    with pytest.raises(CalibrationIncomplete, match="run the same command again to resume"):
        run_calibration(d / "hm.toml", tmp_path / "out", pool=inline(fail_after=30), checks=4, quiet=True)
    con = duckdb.connect(str(tmp_path / "out" / "calibration.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 30  # wave 0 and the 6 of wave 1 that ran
    con.close()
    run_calibration(d / "hm.toml", tmp_path / "out", pool=inline(), checks=4, quiet=True)
    con = duckdb.connect(str(tmp_path / "out" / "calibration.duckdb"), read_only=True)
    sessions = con.execute("SELECT runs, seconds FROM sessions ORDER BY ended").fetchall()
    con.close()
    assert [r for r, _ in sessions] == [30, 22] and all(s > 0 for _, s in sessions)  # the fit's wall time sums them
    a = parquet(tmp_path / "out" / "posterior.parquet")
    b = parquet(d / "out" / "posterior.parquet")
    pd.testing.assert_frame_equal(a, b)


def test_an_unreachable_target_empties_the_region_and_is_named(tiny, tmp_path):
    d, _ = tiny
    cal = tmp_path / "cal.toml"
    text = CALIBRATION.replace('scenario = "tiny.toml"', f'scenario = "{d / "tiny.toml"}"')
    text = text.replace('observed = "observed.csv"', f'observed = "{d / "observed.csv"}"')
    cal.write_text(text.replace("area_safety_mean = { sd = 2.0 }", "area_safety_mean = { value = 5.0, sd = 1.0 }"))
    with pytest.raises(NoRegion, match=r"targets\.area_safety_mean: no point of the prior space") as err:
        run_calibration(load_calibration(cal), tmp_path / "out", pool=inline(), checks=0, quiet=True)
    assert "group_gap" not in str(err.value).partition("(")[0]
    assert "out of reach" in (tmp_path / "out" / "report.html").read_text()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("runs = 24", "runs = 2"), "history_matching.runs: got 2; allowed: a whole number in [8, 100000]"),
        (("waves = 2", "wavs = 2"), "history_matching.wavs: unknown key (did you mean 'waves'?)"),
        (('method = "history_matching"', 'method = "mcmc"'), "method: got 'mcmc'; allowed: one of abc_smc,"),
        (("seed = 5", "seed = 5\nparticles = 8"), "particles: an ABC-SMC setting; allowed: history matching's"),
    ],
)
def test_bad_settings_get_one_line_and_exit_2(tiny, tmp_path, capsys, edit, message):
    d, _ = tiny
    cal = d / f"bad_{abs(hash(edit))}.toml"
    cal.write_text(CALIBRATION.replace(*edit))
    with pytest.raises(SystemExit) as code:
        main(["calibrate", str(cal), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code.value.code == 2 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1

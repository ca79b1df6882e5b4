"""cpsim compare: confidence intervals, common random numbers, outputs, failures, bad input."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import cpsim
from cpsim.cli import main
from cpsim.headline import CHANGES
from cpsim.scenario import ScenarioError, load_scenario
from cpsim.studies.compare import COLUMNS, COST, HEADLINE, mean_ci, ratio_ci, replicate_seeds, run_replicates, summarize

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.toml"
FOOT = ROOT / "scenarios" / "foot_patrol.toml"
SMALL = {"population.residents": 2000}
REPS = 8


def broken_scenario(tmp: Path, residents: int = SMALL["population.residents"]) -> Path:
    """A scenario that passes its checks and fails when it runs.

    Its social graph file is damaged after the check, as if edited while a study runs: same
    size and modification time (the check's cached count still holds), no longer GraphML.
    """
    graph = tmp / "garbage.graphml"
    nx.write_graphml(nx.path_graph(residents), graph)
    path = tmp / "broken.toml"
    path.write_text(
        f'extends = "{BASELINE.as_posix()}"\n[run]\nname = "broken"\n'
        f'[graph]\nkind = "file"\npath = "{graph.as_posix()}"\n'
    )
    load_scenario(path, {"population.residents": residents})  # checked: its node count is now known
    st = graph.stat()
    graph.write_bytes(b"this is not graphml\n".ljust(st.st_size, b" "))
    os.utime(graph, ns=(st.st_atime_ns, st.st_mtime_ns))
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> pd.DataFrame:
    tmp = tmp_path_factory.mktemp("compare")
    return run_replicates(
        [BASELINE, FOOT, broken_scenario(tmp)], replicates=REPS, days=120, seed=11, workers=2, overrides=SMALL
    )


# --- confidence intervals -----------------------------------------------------------------


def test_mean_ci_known_data():
    mean, low, high, sd, n = mean_ci([1, 2, 3, 4, 5])
    # t(0.975, 4) = 2.776445; sd = sqrt(2.5); half-width = t * sd / sqrt(5)
    assert (mean, n) == (3.0, 5)
    assert sd == pytest.approx(math.sqrt(2.5))
    assert high - mean == pytest.approx(2.776445 * math.sqrt(2.5) / math.sqrt(5), rel=1e-6)
    assert mean - low == pytest.approx(high - mean)
    # NaN values are left out; one value has no interval
    assert mean_ci([2.0, np.nan, 4.0])[4] == 2
    one = mean_ci([7.0])
    assert one[0] == 7.0 and math.isnan(one[1]) and math.isnan(one[2])


def test_mean_ci_coverage_is_95_percent_with_few_replicates():
    # With 5 replicates a normal-quantile interval covers only ~88%; the t interval 95%.
    rng = np.random.default_rng(7)
    samples = rng.normal(10.0, 2.0, size=(4000, 5))
    covered = [low <= 10.0 <= high for low, high in (mean_ci(s)[1:3] for s in samples)]
    assert 0.935 <= np.mean(covered) <= 0.965


def test_ratio_ci_fixed_denominator_and_coverage():
    num = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    r, low, high = ratio_ci(num, np.full(5, -2.0))
    m, mlow, mhigh, _, _ = mean_ci(num)
    assert r == pytest.approx(-1.5)
    assert (low, high) == pytest.approx(sorted([mlow / -2.0, mhigh / -2.0]))
    # a denominator indistinguishable from zero has no ratio
    assert all(math.isnan(v) for v in ratio_ci(num, np.array([1.0, -1.0, 0.5, -0.5, 0.1])))
    # Fieller's interval covers the true ratio ~95% of the time with a noisy denominator
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(1500):
        den = rng.normal(4.0, 1.0, 10)
        num = 0.5 * den + rng.normal(0.0, 0.3, 10)
        _, low, high = ratio_ci(num, den)
        hits += low <= 0.5 <= high
    assert 0.93 <= hits / 1500 <= 0.97


def test_summarize_pairs_replicates_and_costs_hours():
    base = pd.DataFrame(
        {"replicate": range(4), "trust_end": [0.40, 0.50, 0.45, 0.55], "hours_total": [1000.0, 1100.0, 1050.0, 1000.0]}
    )
    other = base.assign(
        trust_end=base["trust_end"] + [0.010, 0.012, 0.008, 0.010], hours_total=base["hours_total"] - 500.0
    )
    rows = []
    for name, part in (("base", base), ("cut", other)):
        part = part.assign(
            scenario=name,
            file=f"{name}.toml",
            seed=part["replicate"] + 100,
            days=30,
            seconds=0.1,
            error="",
            hours_community=0.0,
        )
        for m in HEADLINE:
            if m.name not in part:
                part[m.name] = 1.0
        rows.append(part)
    table = summarize(pd.concat(rows, ignore_index=True))
    assert list(table.columns) == COLUMNS
    t = table.set_index(["scenario", "metric"])
    diff = t.loc[("cut", "trust_end")]
    assert diff["diff"] == pytest.approx(0.010)
    _, low, high, sd, _ = mean_ci([0.010, 0.012, 0.008, 0.010])
    assert (diff["diff_ci_low"], diff["diff_ci_high"], diff["diff_sd"]) == pytest.approx((low, high, sd))
    # the unpaired CI of the mean is far wider than the paired CI of the difference
    assert diff["ci_high"] - diff["ci_low"] > 20 * (high - low)
    assert t.loc[("base", "trust_end"), "diff"] == 0.0
    # 500 fewer hours and +0.010 trust: -0.02 trust per 1,000 hours; hours fixed so the CI is the trust CI / -0.5
    cost = t.loc[("cut", "trust_per_1000_hours")]
    assert cost["mean"] == pytest.approx(-0.02)
    assert (cost["ci_low"], cost["ci_high"]) == pytest.approx((high / -0.5, low / -0.5))
    # a cut moves no hours into any activity: nothing redirected, no ratio per hour redirected
    assert math.isnan(t.loc[("cut", "trust_per_1000_hours_redirected"), "mean"])


def test_replicate_seeds_follow_seedsequence_spawn():
    seeds = replicate_seeds(5, 4)
    children = np.random.SeedSequence(5).spawn(4)
    assert seeds == [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]
    assert len(set(seeds)) == 4 and all(0 <= s < 2**63 for s in seeds)
    assert replicate_seeds(6, 4) != seeds


# --- runs with common random numbers ---------------------------------------------------------


def test_replicate_k_of_every_scenario_uses_one_seed(runs):
    seeds = runs.pivot(index="replicate", columns="scenario", values="seed")
    assert (seeds.nunique(axis=1) == 1).all()
    assert list(seeds["baseline"]) == replicate_seeds(11, REPS)


def test_paired_difference_has_much_smaller_variance_than_unpaired(runs):
    wide = runs.pivot(index="replicate", columns="scenario", values="trust_end")
    paired = wide["foot_patrol"] - wide["baseline"]
    unpaired = wide["foot_patrol"].to_numpy() - np.roll(wide["baseline"].to_numpy(), 1)
    assert paired.var(ddof=1) < unpaired.var(ddof=1) / 20
    table = summarize(runs).set_index(["scenario", "metric"])
    row = table.loc[("foot_patrol", "trust_end")]
    assert row["diff_ci_high"] - row["diff_ci_low"] < (row["ci_high"] - row["ci_low"]) / 5


def test_pool_results_are_exactly_reproducible(runs):
    row = runs[(runs["scenario"] == "foot_patrol") & (runs["replicate"] == 3)].iloc[0]
    again = cpsim.simulate(FOOT, seed=int(row["seed"]), days=120, overrides=SMALL)
    assert again.summary["trust_end"] == row["trust_end"]
    assert again.summary["complaints"] == row["complaints"]


def test_failing_scenario_is_reported_and_others_complete(runs):
    table = summarize(runs)
    broken = table[table["scenario"] == "broken"]
    assert broken["error"].str.contains(f"{REPS} of {REPS} replicates failed").all()
    assert broken["error"].str.contains("ParseError").all()
    assert broken["mean"].isna().all() and (broken["replicates"] == 0).all()
    fine = table[(table["scenario"] != "broken") & table["metric"].isin([m.name for m in HEADLINE])]
    assert (fine["error"] == "").all() and (fine["replicates"] == REPS).all() and fine["mean"].notna().all()


def test_failure_is_printed_on_stderr(tmp_path, capfd):
    table = cpsim.compare(
        [BASELINE, broken_scenario(tmp_path, 300)],
        replicates=2,
        days=10,
        workers=1,
        overrides={"population.residents": 300},
    )
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'broken'" in err[0] and "2 of 2 replicates failed" in err[0]
    assert table.loc[table["scenario"] == "baseline", "mean"].notna().sum() == len(HEADLINE)


def test_api_checks_input_before_running(tmp_path):
    with pytest.raises(ScenarioError, match="nope.toml"):
        cpsim.compare([BASELINE, tmp_path / "nope.toml"], replicates=2, days=5)
    with pytest.raises(ValueError, match="replicates=1"):
        cpsim.compare([BASELINE, FOOT], replicates=1)


def test_in_process_and_pool_agree():
    kw = {"replicates": 2, "days": 20, "overrides": {"population.residents": 500}}
    a = cpsim.compare([BASELINE, FOOT], workers=1, **kw)
    b = cpsim.compare([BASELINE, FOOT], workers=2, **kw)
    pd.testing.assert_frame_equal(a, b)


# --- the command ---------------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cpsim.cli", "compare", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_cli_writes_table_figures_and_report(tmp_path):
    out = tmp_path / "out"
    done = cli(
        str(BASELINE),
        str(FOOT),
        "--replicates",
        "3",
        "--days",
        "60",
        "--workers",
        "2",
        "--set",
        "population.residents=2000",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "foot_patrol" in done.stdout and "trust in police at end" in done.stdout
    table = pd.read_csv(out / "comparison.csv")
    assert list(table.columns) == COLUMNS
    assert len(table) == 2 * (len(HEADLINE) + len(CHANGES) + len(COST))
    assert set(table["scenario"]) == {"baseline", "foot_patrol"}
    assert (table.loc[table["metric"] == "trust_end", "replicates"] == 3).all()
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 6 and runs.groupby("replicate")["seed"].nunique().eq(1).all()
    # runs.csv read back gives the same comparison (empty errors come back as NaN)
    again = summarize(runs)
    assert (again["error"] == "").all()
    np.testing.assert_allclose(again["diff"], table["diff"], rtol=1e-12)
    for m in HEADLINE:
        assert (out / f"{m.name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (out / "report.html").read_text()
    pngs = sorted(out.glob("*.png"))
    assert {p.stem for p in pngs} >= {"where_gains_go", "trajectories", "trajectories_by_group"}
    assert html.count("data:image/png;base64,") == len(pngs)
    assert "foot_patrol" in html and "src='http" not in html and "src='" + pngs[0].name not in html


def run_main(capsys, *args: str) -> tuple[int, str]:
    """Run `cpsim compare ...` in this process (as the console script does): exit code and stderr."""
    with pytest.raises(SystemExit) as ended:
        main(["compare", *args])
    return ended.value.code, capsys.readouterr().err


def test_cli_bad_files_exit_2_with_one_line_before_running(tmp_path, capsys):
    out = tmp_path / "out"
    code, err = run_main(capsys, str(BASELINE), str(tmp_path / "missing.toml"), "--out", str(out))
    assert code == 2
    assert err.strip().count("\n") == 0 and err.startswith("cpsim: error:") and "missing.toml" in err
    bad = tmp_path / "bad.toml"
    bad.write_text(f'extends = "{BASELINE.as_posix()}"\n[patrol]\nfoot_hours = 99\n')
    code, err = run_main(capsys, str(BASELINE), str(bad), str(FOOT), "--out", str(out))
    line = err.strip()
    assert code == 2
    assert "\n" not in line and "bad.toml" in line and "patrol.foot_hours" in line and "allowed" in line
    code, err = run_main(capsys, str(BASELINE), str(FOOT), "--set", "patrol.foot_hours=-1", "--out", str(out))
    assert code == 2 and "\n" not in err.strip() and "patrol.foot_hours" in err
    assert not out.exists()

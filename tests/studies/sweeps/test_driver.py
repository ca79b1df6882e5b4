"""Experiments at scale: run tables, seeds, executors, the resumable store, failures, overhead."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import Future
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from SALib.sample import sobol as sobol_sample

from cpsim import simulate
from cpsim.cli import main
from cpsim.studies.executors import Pool
from cpsim.studies.sweeps import PlannedRun, load_experiment, open_results, run_sweep, run_table
from cpsim.studies.sweeps import batch as sweep_run
from cpsim.studies.sweeps.batch import BatchOutcome, Outcome
from cpsim.studies.sweeps.driver import Batches
from cpsim.studies.sweeps.sensitivity import analyze, point_means, sensitivity, warnings

ROOT = Path(__file__).resolve().parents[3]
BASELINE = ROOT / "scenarios" / "baseline.toml"
FOOT = ROOT / "scenarios" / "foot_patrol.toml"
# Tiny runs: ~300 residents in 2 beats for a few days (a few hundredths of a second each).
TINY = "[overrides]\npopulation.residents = 300\npopulation.beats = 2\n"


def write(tmp_path: Path, body: str, name: str = "exp.toml", tiny: bool = True) -> Path:
    path = tmp_path / name
    path.write_text(body + ("\n" + TINY if tiny else ""))
    return path


def grid(tmp_path: Path, replicates: int = 2, days: int = 4, extra: str = "", name: str = "grid") -> Path:
    return write(
        tmp_path,
        f'name = "{name}"\nscenarios = ["{BASELINE}", "{FOOT}"]\ndesign = "grid"\nreplicates = {replicates}\n'
        f'days = {days}\nseed = 11\ntimeseries = ["trust_mean", "victimizations", "hours_foot"]\n{extra}\n'
        "[vary]\npolicing.budget_cut = [0.0, 0.2, 0.4]\nwatch.enabled = [false, true]\n",
        name=f"{name}.toml",
    )


def cli(*args: str, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def runs_without_timing(path: Path) -> pd.DataFrame:
    return open_results(path).runs.drop(columns=["duration"])


# --- run tables ---------------------------------------------------------------------------


def test_grid_run_table_crosses_scenarios_values_and_replicates(tmp_path):
    exp = load_experiment(grid(tmp_path, replicates=3))
    table = run_table(exp)
    assert len(table) == 2 * 3 * 2 * 3
    assert [r.run_id for r in table] == list(range(len(table)))
    combos = {(r.scenario, r.params["policing.budget_cut"], r.params["watch.enabled"]) for r in table}
    assert len(combos) == 12
    # every point has its replicates 0..2, and a point has the same values in every scenario
    for point in range(6):
        rows = [r for r in table if r.point == point]
        assert sorted(r.replicate for r in rows) == [0, 0, 1, 1, 2, 2]
        assert len({tuple(r.params.items()) for r in rows}) == 1


def test_seeds_are_distinct_and_come_from_spawned_seed_sequences(tmp_path):
    table = run_table(load_experiment(grid(tmp_path, replicates=5)))
    seeds = [r.seed for r in table]
    assert len(set(seeds)) == len(seeds)
    children = np.random.SeedSequence(11).spawn(len(seeds))
    assert seeds == [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]
    assert all(0 <= s < 2**63 for s in seeds)


def test_common_random_numbers_share_one_seed_per_replicate_across_points_and_scenarios(tmp_path):
    path = grid(tmp_path, replicates=3, extra="common_random_numbers = true")
    table = run_table(load_experiment(path))
    children = np.random.SeedSequence(11).spawn(3)
    per_replicate = [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]
    assert [r.seed for r in table] == [per_replicate[r.replicate] for r in table]
    assert len({r.seed for r in table}) == 3


def test_lhs_run_table_is_a_latin_hypercube_within_bounds(tmp_path):
    path = write(
        tmp_path,
        f'scenarios = ["{BASELINE}"]\ndesign = "lhs"\nsamples = 20\nreplicates = 1\nseed = 3\n'
        "[vary]\ntrust.half_life_days = [20.0, 90.0]\nword_of_mouth.vicarious_weight = [0.1, 0.6]\n"
        "graph.ws_k = [2, 12]\n",
    )
    table = run_table(load_experiment(path))
    assert len(table) == 20
    for key, (lo, hi) in {"trust.half_life_days": (20, 90), "word_of_mouth.vicarious_weight": (0.1, 0.6)}.items():
        x = np.array([r.params[key] for r in table])
        assert ((x >= lo) & (x <= hi)).all()
        # one point in each of the 20 equal strata: the defining property of a Latin hypercube
        strata = np.floor((x - lo) / (hi - lo) * 20).astype(int)
        assert sorted(strata) == list(range(20))
    ties = [r.params["graph.ws_k"] for r in table]
    assert all(isinstance(k, int) and 2 <= k <= 12 for k in ties) and len(set(ties)) >= 8


def test_sobol_run_table_follows_salib_saltelli_order(tmp_path):
    body = (
        f'scenarios = ["{BASELINE}"]\ndesign = "sobol"\nsamples = 8\nreplicates = 2\nseed = 5\n'
        "[vary]\ntrust.half_life_days = [20.0, 90.0]\nword_of_mouth.vicarious_weight = [0.1, 0.6]\n"
        "crime.elasticity_violent = [0.3, 0.5]\n"
    )
    table = run_table(load_experiment(write(tmp_path, body)))
    assert len(table) == 8 * (3 + 2) * 2
    problem = {
        "num_vars": 3,
        "names": ["trust.half_life_days", "word_of_mouth.vicarious_weight", "crime.elasticity_violent"],
        "bounds": [[20.0, 90.0], [0.1, 0.6], [0.3, 0.5]],
    }
    expected = sobol_sample.sample(problem, 8, calc_second_order=False, seed=5)
    got = np.array([[r.params[k] for k in problem["names"]] for r in table if r.replicate == 0])
    np.testing.assert_array_equal(got, expected)
    second = write(tmp_path, body.replace("replicates = 2", "replicates = 1\nsecond_order = true"), "s2.toml")
    assert len(run_table(load_experiment(second))) == 8 * (2 * 3 + 2)


# --- running, the store, executors ----------------------------------------------------------


@pytest.fixture(scope="module")
def grid_store(tmp_path_factory):
    """The grid experiment run once with 2 workers: (experiment file, store, report)."""
    tmp = tmp_path_factory.mktemp("grid")
    exp_path = grid(tmp)
    report = run_sweep(exp_path, tmp / "g.duckdb", workers=2)
    return exp_path, tmp / "g.duckdb", report


def test_store_records_seed_params_and_the_same_summary_as_a_direct_run(grid_store):
    exp_path, store, report = grid_store
    assert (report.total, report.done, report.failed) == (24, 24, 0)
    res = open_results(store)
    table = run_table(load_experiment(exp_path))
    assert res.runs["seed"].tolist() == [r.seed for r in table]
    assert (res.runs["status"] == "ok").all() and res.runs["error"].isna().all()
    row = res.runs.iloc[23]
    params = {"policing.budget_cut": row["policing.budget_cut"], "watch.enabled": bool(row["watch.enabled"])}
    assert row["params"] == '{"policing.budget_cut": 0.4, "watch.enabled": true}'
    direct = simulate(
        FOOT if row["scenario"] == "foot_patrol" else BASELINE,
        seed=int(row["seed"]),
        days=4,
        overrides={"population.residents": 300, "population.beats": 2, **params},
    )
    for metric in ("trust_end", "contacts", "hours_total", "safety_end"):
        assert row[metric] == pytest.approx(direct.summary[metric], rel=0, abs=0)
    ts = res.timeseries[res.timeseries["run_id"] == row["run_id"]]
    np.testing.assert_array_equal(ts["trust_mean"].to_numpy(), direct.timeseries["trust_mean"].to_numpy())
    assert len(res.timeseries) == 24 * 4
    # the budget cut reaches the runs: fewer officer hours at a 40% cut than at none
    hours = res.runs.groupby("policing.budget_cut")["hours_total"].mean()
    assert hours[0.4] < 0.75 * hours[0.0]
    # foot patrol hours only in the foot_patrol scenario
    foot = res.timeseries.merge(res.runs[["run_id", "scenario"]]).groupby("scenario")["hours_foot"].sum()
    assert foot["foot_patrol"] > foot["baseline"]


@pytest.mark.slow
def test_same_results_with_one_worker_two_workers_and_a_dask_cluster(tmp_path, capsys, monkeypatch):
    distributed = pytest.importorskip("distributed")
    exp_path = grid(tmp_path, replicates=1, extra="batch = 2")
    run_sweep(exp_path, tmp_path / "w1.duckdb", workers=1)
    run_sweep(exp_path, tmp_path / "w2.duckdb", workers=2)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        # the CLI with DASK_SCHEDULER_ADDRESS set (the same path as --scheduler ADDRESS)
        monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster.scheduler_address)
        code, _, err = cli("sweep", str(exp_path), "--out", str(tmp_path / "dask.duckdb"), capsys=capsys)
    assert code == 0 and "12/12 runs done" in err
    assert f"Dask at {cluster.scheduler_address} (2 worker threads)" in err
    one = runs_without_timing(tmp_path / "w1.duckdb")
    pd.testing.assert_frame_equal(one, runs_without_timing(tmp_path / "w2.duckdb"))
    pd.testing.assert_frame_equal(one, runs_without_timing(tmp_path / "dask.duckdb"))
    pd.testing.assert_frame_equal(
        open_results(tmp_path / "w1.duckdb").timeseries, open_results(tmp_path / "dask.duckdb").timeseries
    )
    # the Dask runs really ran on the cluster's worker processes, not in this process
    workers = set(open_results(tmp_path / "dask.duckdb").tasks["worker"])
    assert not any(w.endswith(f":{os.getpid()}") for w in workers) and len(workers) >= 1


# kill -9, Ctrl-C, a killed worker, a failing write, two drivers: tests/test_faults.py


class InlineExecutor:
    """Runs each task at once in this process (so a test can make chosen runs raise)."""

    def submit(self, fn, *args):
        future = Future()
        future.set_result(fn(*args))
        return future


def test_a_run_that_raises_is_recorded_and_the_rest_complete(tmp_path, capsys, monkeypatch):
    real = sweep_run.simulate

    def fails_with_watch(scenario, seed=None, days=None, overrides=None):
        if overrides.get("watch.enabled"):
            raise ValueError("simulated failure of a run with a neighbourhood watch")
        return real(scenario, seed=seed, days=days, overrides=overrides)

    monkeypatch.setattr("cpsim.studies.sweeps.batch.simulate", fails_with_watch)
    exp_path = write(
        tmp_path,
        f'name = "faulty"\nscenarios = ["{BASELINE}"]\ndesign = "grid"\nreplicates = 3\ndays = 3\nseed = 1\n'
        "[vary]\nwatch.enabled = [false, true]\n",
    )
    store = tmp_path / "faulty.duckdb"
    report = run_sweep(exp_path, store, pool=Pool(InlineExecutor(), 1, "this process"))
    assert (report.done, report.failed) == (6, 3)
    assert f"cpsim results {store} --failed" in capsys.readouterr().err
    runs = open_results(store).runs
    failed = runs[runs["status"] == "failed"]
    assert set(failed["watch.enabled"]) == {True} and len(failed) == 3
    assert failed["error"].str.split("\n").str[0].str.startswith("ValueError: simulated failure").all()
    assert failed["error"].str.contains("Traceback").all() and failed["trust_end"].isna().all()
    assert (runs.loc[runs["status"] == "ok", "watch.enabled"] == False).all()  # noqa: E712
    assert runs.loc[runs["status"] == "ok", "trust_end"].notna().all()
    code, out, _ = cli("results", str(store), "--failed", capsys=capsys)
    assert code == 0 and "3 failed runs" in out and out.count("simulated failure") == 3


BAD = [
    ("replicate = 3\n", "replicate: unknown key (did you mean 'replicates'?); allowed: name,"),
    ('design = "grd"\n', "design: got 'grd'; allowed: one of grid, lhs, sobol, morris"),
    ("replicates = 0\n", "replicates: got 0; allowed: a whole number in [1, 100000]"),
    ('metrics = ["trust_ending"]\n', "metrics: unknown figure 'trust_ending' (did you mean 'trust_end'?)"),
    (
        "[vary]\npolicing.budget_cutt = [0.1]\n",
        "vary.policing.budget_cutt: unknown parameter (did you mean 'budget_cut'?); allowed: a key of [policing]",
    ),
    (
        "[vary]\npolicing.budget_cut = [0.1, 1.5]\n",
        "vary.policing.budget_cut: 1.5 in scenario 'baseline': 1.5 is out of range; allowed: a value in [0, 0.9]",
    ),
    ("[vary]\npolicing.budget_cut = 0.1\n", "vary.policing.budget_cut: got 0.1; allowed: a non-empty list of values"),
    ("[vary]\n", "vary: nothing to vary"),
    (
        "[vary]\npolicing.budget_cut = [0.1]\n[overrides]\npopulation.residents = -5\n",
        "overrides.population.residents: -5 is out of range",
    ),
]


@pytest.mark.parametrize(("body", "message"), BAD)
def test_bad_experiment_files_fail_before_anything_runs_with_one_line(tmp_path, capsys, body, message):
    tables = body if body.startswith("[") else "[vary]\npolicing.budget_cut = [0.1]\n"
    top = "" if body.startswith("[") else body
    text = f'scenarios = ["{BASELINE}"]\n{top}{tables}'
    path = tmp_path / "bad.toml"
    path.write_text(text)
    store = tmp_path / "bad.duckdb"
    code, out, err = cli("sweep", str(path), "--out", str(store), capsys=capsys)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"cpsim: error: {path}: ") and message in err
    assert not store.exists()


def test_bad_sampled_designs_missing_files_and_foreign_stores(tmp_path, capsys):
    cases = [
        (
            f'scenarios = ["{BASELINE}"]\ndesign = "lhs"\n[vary]\ntrust.half_life_days = [20.0, 90.0]\n',
            "samples: missing; allowed: a whole number of samples for design = 'lhs'",
        ),
        (
            f'scenarios = ["{BASELINE}"]\ndesign = "lhs"\nsamples = 4\n[vary]\ntrust.half_life_days = [90.0, 20.0]\n',
            "vary.trust.half_life_days: got [90.0, 20.0]; allowed: [lo, hi] with lo < hi",
        ),
        (
            f'scenarios = ["{BASELINE}"]\ndesign = "sobol"\nsamples = 4\n'
            "[vary]\ntrust.half_life_days = [20.0, 9000.0]\n"
            "trust.prior_bias = [0.1, 0.5]\n",
            "vary.trust.half_life_days: [20, 9000] is out of range; allowed: a value in [1, 3650]",
        ),
        (
            f'scenarios = ["{BASELINE}"]\ndesign = "morris"\nsamples = 4\n'
            "[vary]\ntrust.half_life_days = [20.0, 90.0]\n",
            "vary: 1 parameter; allowed: at least 2 parameters for design = 'morris'",
        ),
        ('scenarios = ["nowhere.toml"]\n[vary]\npolicing.budget_cut = [0.1]\n', "scenarios: file"),
        ("scenarios = [\n", "not valid TOML"),
    ]
    for text, message in cases:
        path = tmp_path / "bad.toml"
        path.write_text(text)
        code, _, err = cli("sweep", str(path), "--out", str(tmp_path / "x.duckdb"), capsys=capsys)
        assert code == 2 and err.count("\n") == 1 and message in err, err
    # a store of another experiment is refused, not mixed
    store = tmp_path / "g.duckdb"
    run_sweep(grid(tmp_path, replicates=1, days=2), store, workers=1)
    other = grid(tmp_path, replicates=2, days=2, name="other")
    code, _, err = cli("sweep", str(other), "--out", str(store), capsys=capsys)
    assert code == 2 and "holds results of a different experiment" in err and err.count("\n") == 1
    code, _, err = cli("sweep", str(other), "--out", str(tmp_path / "new.duckdb"), "--resume", capsys=capsys)
    assert code == 2 and "--resume: no such store" in err


def test_runner_overhead_is_small_next_to_the_simulations(tmp_path):
    # many short runs (a few hundredths of a second each), several per task; 8 days, since the
    # compiled day made 3-day runs so short that a loaded machine's noise alone broke the 95%
    exp_path = write(
        tmp_path,
        f'name = "short"\nscenarios = ["{BASELINE}"]\ndesign = "grid"\nreplicates = 30\ndays = 8\nseed = 9\n'
        'batch = 6\ntimeseries = ["trust_mean", "contacts"]\n[vary]\npolicing.budget_cut = [0.0, 0.2]\n',
    )
    store = tmp_path / "short.duckdb"
    report = run_sweep(exp_path, store, workers=2)
    res = open_results(store)
    sim, work = res.tasks["sim_seconds"].sum(), res.tasks["worker_seconds"].sum()
    # the mechanism: per batch, seconds inside simulate() and seconds from the batch's start to its return
    assert len(res.tasks) == 10 and (res.tasks["runs"] == 6).all()
    assert sim == pytest.approx(res.runs["duration"].sum()) and work >= sim
    assert report.in_simulation == pytest.approx(sim / work)
    assert res.runs["duration"].median() < 0.5  # they are short runs, where overhead would show
    assert sim / work >= 0.95, f"only {sim / work:.1%} of worker time inside simulate()"


def test_adaptive_batches_hold_about_two_seconds_of_runs_and_keep_workers_busy():
    runs = [PlannedRun(i, "baseline", i, 0, {}, i) for i in range(1000)]
    batches = Batches(runs, fixed=0, slots=2)
    first = [batches.take() for _ in range(4)]
    assert [len(b) for b in first] == [1, 1, 1, 1] and [b[0][0] for b in first] == [0, 1, 2, 3]
    short = [Outcome(i, "ok", None, 0.05, {}) for i in range(4)]
    batches.observe(BatchOutcome(outcomes=short, sim_seconds=0.2, worker_seconds=0.2))
    assert batches.size() == 40  # 2 s / 0.05 s
    assert [r[0] for r in batches.take()] == list(range(4, 44))
    batches.observe(BatchOutcome(outcomes=[Outcome(0, "ok", None, 30.0, {})] * 4, sim_seconds=120))
    assert batches.size() == 1  # long runs go one per task
    batches.next_index, batches.seconds = 990, 0.001  # very short runs, 10 left for 2 workers
    assert batches.size() == 3
    fixed = Batches(runs, fixed=5, slots=2)
    assert len(fixed.take()) == 5 and fixed.size() == 5


# --- reading and analysing results ---------------------------------------------------------


def test_results_status_sql_and_export(tmp_path, capsys, grid_store):
    store = grid_store[1]
    code, out, _ = cli("results", str(store), capsys=capsys)
    assert code == 0 and "24/24 done (24 ok, 0 failed, 0 pending)" in out and "foot_patrol" in out
    code, out, _ = cli(
        "results",
        str(store),
        "--csv",
        "--sql",
        'SELECT "policing.budget_cut" AS cut, count(*) AS n FROM runs GROUP BY 1 ORDER BY 1',
        capsys=capsys,
    )
    assert code == 0 and out.splitlines() == ["cut,n", "0.0,8", "0.2,8", "0.4,8"]
    code, _, err = cli("results", str(store), "--sql", "SELECT nope FROM runs", capsys=capsys)
    assert code == 2 and err.startswith("cpsim: error: --sql: ") and err.count("\n") == 1
    export = tmp_path / "export"
    code, _, _ = cli("results", str(store), "--export", str(export), capsys=capsys)
    assert code == 0
    con = duckdb.connect()
    parquet = con.execute(f"SELECT * FROM '{export / 'runs.parquet'}' ORDER BY run_id").fetchdf()
    csv = pd.read_csv(export / "runs.csv")
    assert len(parquet) == len(csv) == 24
    np.testing.assert_allclose(parquet["trust_end"], csv["trust_end"])
    assert con.execute(f"SELECT count(*) FROM '{export / 'timeseries.parquet'}'").fetchone()[0] == 96
    # pandas reads every export with the project's own dependencies (fastparquet)
    for name in ("runs", "timeseries", "points", "breakdown", "provenance"):
        frame = pd.read_parquet(export / f"{name}.parquet")
        assert len(frame) == len(pd.read_csv(export / f"{name}.csv")) > 0
    np.testing.assert_allclose(pd.read_parquet(export / "runs.parquet")["trust_end"], csv["trust_end"])


def test_results_sql_reaches_the_store_and_with_files_its_folder_only(tmp_path, capsys, grid_store):
    store = Path(shutil.copy(grid_store[1], tmp_path / "store.duckdb"))
    (tmp_path / "notes.csv").write_text("a\n1\n")
    outside = tmp_path.parent / f"{tmp_path.name}_outside.csv"
    outside.write_text("secret\n1\n")
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    refused = [
        f"SELECT * FROM read_csv('{outside}')",  # any file
        f"SELECT * FROM read_csv('{tmp_path / 'notes.csv'}')",  # even beside the store, without --files
        f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'",
        f"ATTACH '{other}' AS other",
        "INSTALL httpfs",  # would download an extension
        "LOAD httpfs",
        "SELECT * FROM read_csv('https://example.com/x.csv')",
        "SET enable_external_access = true",  # the query cannot lift the confinement
        "CREATE TABLE mine AS SELECT 1",  # the store is read-only
    ]
    for query in refused:
        code, _, err = cli("results", str(store), "--sql", query, capsys=capsys)
        assert code == 2 and err.startswith("cpsim: error: --sql: ") and err.count("\n") == 1, (query, err)
    assert (
        not (tmp_path / "x.csv").exists()
        and "allowed: the store's tables (with --files"
        in cli("results", str(store), "--sql", refused[0], capsys=capsys)[2]
    )
    # --files: files under the store's folder, and still nothing else
    target = tmp_path / "runs.csv"
    for query in (
        f"SELECT * FROM read_csv('{tmp_path / 'notes.csv'}')",
        f"COPY (SELECT run_id FROM runs) TO '{target}'",
    ):
        code, _, err = cli("results", str(store), "--sql", query, "--files", capsys=capsys)
        assert code == 0, err
    assert len(pd.read_csv(target)) == 24
    for query in (refused[0], f"COPY (SELECT 1) TO '{tmp_path.parent / 'y.csv'}'", "INSTALL httpfs"):
        code, _, err = cli("results", str(store), "--sql", query, "--files", capsys=capsys)
        assert code == 2 and "--sql: " in err, (query, err)
    assert not (tmp_path.parent / "y.csv").exists()


def test_analyze_writes_effect_figures_and_report(tmp_path, capsys, grid_store):
    store = grid_store[1]
    code, out, _ = cli("analyze", str(store), "--out", str(tmp_path / "rep"), capsys=capsys)
    assert code == 0
    html = (tmp_path / "rep" / "report.html").read_text()
    for name in ("effect_policing_budget_cut", "effect_watch_enabled", "groups_policing_budget_cut"):
        assert (tmp_path / "rep" / f"{name}.png").stat().st_size > 10_000 and f"alt='{name}'" in html
    # figures are embedded: the report stays whole when moved
    assert "src='data:image/png;base64," in html and ".png'" not in html
    assert "<footer class='prov'>" in html and "sha256" in html
    summary = pd.read_csv(tmp_path / "rep" / "summary.csv")
    assert len(summary) == 12 and (summary["runs"] == 2).all()
    code, _, err = cli("analyze", str(store), "--metric", "nope", capsys=capsys)
    assert code == 2 and "--metric nope: not kept in this store" in err


@pytest.mark.parametrize("design", ["sobol", "morris"])
def test_sensitivity_indices_find_the_parameter_that_drives_the_figure(tmp_path, design):
    # Starting perceived safety sets end-of-run safety after a few days; the weight of heard
    # stories barely moves it. The indices must say so, with intervals.
    path = write(
        tmp_path,
        f'name = "{design}"\nscenarios = ["{BASELINE}"]\ndesign = "{design}"\n'
        f"samples = {16 if design == 'sobol' else 10}\n"
        'replicates = 2\ndays = 3\nseed = 4\nmetrics = ["safety_end", "trust_end"]\n'
        "[vary]\nsafety.initial = [0.3, 0.9]\nword_of_mouth.vicarious_weight = [0.1, 0.6]\n",
    )
    store = tmp_path / f"{design}.duckdb"
    run_sweep(path, store, workers=2)
    res = open_results(store)
    # replicates are averaged per point before the analysis
    y = point_means(res, "baseline", "safety_end")
    assert len(y) == len(res.points)
    assert y[0] == pytest.approx(res.runs.loc[res.runs["point"] == 0, "safety_end"].mean())
    table = sensitivity(res, "safety_end").set_index("parameter")
    if design == "sobol":
        assert table.loc["safety.initial", "ST"] > 0.8 and table.loc["safety.initial", "S1"] > 0.8
        assert table.loc["word_of_mouth.vicarious_weight", "ST"] < 0.05
        assert (table["ST_conf"] > 0).all()
    else:
        assert table.loc["safety.initial", "mu_star"] > 20 * table.loc["word_of_mouth.vicarious_weight", "mu_star"]
        assert (table["mu_star_conf"] > 0).all()
    report = analyze(store, tmp_path / "rep").read_text()
    assert (tmp_path / "rep" / f"{design}_safety_end.png").exists() and f"alt='{design}_safety_end'" in report
    # a sample below the documented minimum is flagged, in the report and in the CSV of indices
    if design == "sobol":
        assert "Warning: only 16 base samples" in report and "N &gt;= 256" in report
        assert "N >= 256" in pd.read_csv(tmp_path / "rep" / "sobol_safety_end.csv")["warning"].iloc[0]
    else:  # 10 trajectories meet the minimum; 4 would not
        assert "Warning: only" not in report
        assert any("r >= 10" in w for w in warnings(sensitivity(res, "safety_end"), "morris", 4))


def test_a_rerun_submits_only_the_pending_runs(tmp_path, grid_store):
    exp_path = grid_store[0]
    store = Path(shutil.copy(grid_store[1], tmp_path / "g.duckdb"))
    con = duckdb.connect(str(store))
    con.execute("UPDATE runs SET status = 'pending', trust_end = NULL WHERE run_id >= 20")
    con.close()
    report = run_sweep(exp_path, store, workers=1)
    assert report.ran == 4 and report.done == 24
    assert open_results(store).runs["trust_end"].notna().all()


@pytest.mark.slow
def test_sweep_keeps_breakdowns_and_provenance_and_pairs_under_crn(tmp_path):
    from cpsim.studies.breakdowns import city_of
    from cpsim.studies.sweeps.sensitivity import paired_table

    path = grid(tmp_path, replicates=3, days=5, extra="common_random_numbers = true", name="crn")
    store = tmp_path / "crn.duckdb"
    run_sweep(path, store, workers=1)
    res = open_results(store)
    # every run's breakdown by group and beat adds up to its city figures
    runs = res.runs.set_index("run_id")
    for (run_id, _level), parts in res.breakdown.groupby(["run_id", "level"]):
        assert city_of(parts, "trust_end") == pytest.approx(runs.loc[run_id, "trust_end"], rel=1e-9)
        assert parts["residents"].sum() == 300
    assert set(res.breakdown["level"]) == {"group", "beat"}
    prov = res.provenance
    assert prov["study"] == "sweep" and prov["experiment"]["runs"] == 36 and prov["cpsim"]
    assert set(prov["differing_parameters"]) == {"patrol.foot_hours"}
    # paired differences: replicate by replicate, against the first value of the parameter
    table = paired_table(res.runs[res.runs["status"] == "ok"], res.varied, "policing.budget_cut", "trust_end")
    ok = res.runs[(res.runs["status"] == "ok") & (res.runs["scenario"] == "baseline")]
    wide = ok.groupby(["replicate", "policing.budget_cut"])["trust_end"].mean().unstack()
    d = (wide[0.4] - wide[0.0]).to_numpy()
    row = table[(table["scenario"] == "baseline") & (table["x"] == 0.4)].iloc[0]
    assert row["diff"] == pytest.approx(d.mean()) and row["n"] == 3
    half = 4.302653 * d.std(ddof=1) / np.sqrt(3)  # t(0.975, 2)
    assert (row["ci_lo"], row["ci_hi"]) == pytest.approx((d.mean() - half, d.mean() + half), rel=1e-5)
    assert table.loc[table["x"] == 0.0, "diff"].abs().max() == 0
    html = analyze(store, tmp_path / "rep").read_text()
    for name in ("paired_policing_budget_cut", "paired_scenarios", "groups_paired_policing_budget_cut"):
        assert f"alt='{name}'" in html


# --- what a sweep runs is what the store records ----------------------------------------------


def test_set_applies_to_every_run_is_recorded_and_a_changed_value_does_not_resume(tmp_path, capsys):
    exp = grid(tmp_path, replicates=1, days=2)
    store = tmp_path / "set.duckdb"
    code, _, err = cli("sweep", str(exp), "--out", str(store), "--set", "population.residents=200", capsys=capsys)
    assert code == 0, err
    res = open_results(store)
    assert (res.runs["residents"] == 200).all()  # every point of the design, every scenario
    assert res.experiment["spec"]["sets"] == {"population.residents": 200}
    assert "population.residents=200" in res.provenance["overrides"]
    # the same command resumes; other --set values are another experiment
    code, _, err = cli("sweep", str(exp), "--out", str(store), "--set", "population.residents=200", capsys=capsys)
    assert code == 0 and "this session" not in err
    code, _, err = cli("sweep", str(exp), "--out", str(store), "--set", "population.residents=250", capsys=capsys)
    assert code == 2 and "or of other --set values" in err
    # a varied key cannot be set; a bad value is named by its flag
    for value, message in (
        ("policing.budget_cut=0.1", "--set policing.budget_cut: varied by the experiment"),
        ("population.residents=5", "--set population.residents: 5 is out of range"),
        ("run.seed=4", "--set run.seed: the run table sets every run's seed"),
    ):
        code, _, err = cli("sweep", str(exp), "--out", str(tmp_path / "x.duckdb"), "--set", value, capsys=capsys)
        assert code == 2 and err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "x.duckdb").exists()


def test_a_list_valued_key_varies_and_each_group_gets_its_column(tmp_path):
    exp = write(
        tmp_path,
        f'scenarios = ["{BASELINE}"]\ndays = 2\n[vary]\npopulation.group_names = [["a", "b"], ["x", "y"]]\n'
        "trust.initial_by_group = [[0.6, 0.2], [0.4, 0.4]]\n",
    )
    store = tmp_path / "lists.duckdb"
    run_sweep(exp, store, workers=1)
    runs = open_results(store).runs.set_index("population.group_names")
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    for names, present, absent in (
        ('["a", "b"]', "trust_end_a", "trust_end_x"),
        ('["x", "y"]', "trust_end_y", "trust_end_b"),
    ):
        assert runs.loc[names, present].notna().all() and runs.loc[names, absent].isna().all()
    direct = simulate(BASELINE, seed=int(runs.loc['["x", "y"]', "seed"].iloc[0]), days=2, overrides={
        "population.residents": 300, "population.beats": 2, "population.group_names": ["x", "y"],
        "trust.initial_by_group": [0.6, 0.2]})  # fmt: skip
    row = runs.loc['["x", "y"]'].iloc[0]
    assert row["trust.initial_by_group"] == "[0.6, 0.2]"
    assert row["trust_end_x"] == direct.summary["trust_end_by_group"]["x"]


def test_varied_run_days_are_the_days_each_run_lasts(tmp_path):
    exp = write(tmp_path, f'scenarios = ["{BASELINE}"]\n[vary]\nrun.days = [2, 5]\n')
    store = tmp_path / "days.duckdb"
    run_sweep(exp, store, workers=1)
    runs = open_results(store).runs
    assert runs["run.days"].tolist() == runs["days"].tolist() == [2, 5]


def test_paths_in_an_experiment_are_relative_to_it(tmp_path, monkeypatch):
    graph = ROOT / "tests" / "corpus" / "graphs" / "ring_300.edges"
    (tmp_path / "sub").mkdir()
    shutil.copy(graph, tmp_path / "sub" / "ring.edges")
    exp = write(
        tmp_path / "sub",
        f'scenarios = ["{BASELINE}"]\ndays = 1\n[vary]\npolicing.budget_cut = [0.0]\n[overrides]\n'
        'population.residents = 300\ngraph.kind = "file"\ngraph.path = "ring.edges"\n',
        tiny=False,
    )
    monkeypatch.chdir(tmp_path)  # not the experiment's folder
    assert load_experiment(exp).scenarios["baseline"].graph.path == str(tmp_path / "sub" / "ring.edges")

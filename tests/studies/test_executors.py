"""Where studies run: a Dask cluster gives the same results as local processes (per-run seeds)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cpsim.studies.runner import replicate_seeds, run_parallel, run_study
from cpsim.studies.trials import run_trial

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.toml"
FOOT = ROOT / "scenarios" / "foot_patrol.toml"
TINY = {"population.residents": 300, "population.beats": 2}


@pytest.fixture(scope="module")
def cluster():
    # worker processes, as in the sweeps' test: what a cluster gets is pickled, nothing is shared
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as running:
        yield running.scheduler_address


def executed(address: str) -> int:
    """Tasks the cluster's workers have run so far (to tell that runs really went there)."""
    with distributed.Client(address) as client:
        return sum(client.run(lambda dask_worker: dask_worker.state.executed_count).values())


def without_timing(runs: pd.DataFrame) -> pd.DataFrame:
    return runs.drop(columns=["seconds", "wall_seconds"], errors="ignore")


def test_a_compare_on_dask_equals_the_process_pool_one(cluster):
    kw = {"replicates": 2, "days": 5, "seed": 3, "overrides": TINY}
    local = run_study([BASELINE, FOOT], workers=2, **kw)
    before = executed(cluster)
    dask = run_study([BASELINE, FOOT], scheduler=cluster, **kw)
    assert executed(cluster) - before == 4  # every run went to the cluster
    assert (local.runs["error"] == "").all() and len(local.runs) == 4
    pd.testing.assert_frame_equal(without_timing(local.runs), without_timing(dask.runs))
    pd.testing.assert_frame_equal(local.groups, dask.groups)
    pd.testing.assert_frame_equal(local.trajectories, dask.trajectories)


def test_run_parallel_and_a_trial_on_dask_equal_the_local_runs(cluster, monkeypatch):
    jobs = [(base, 3) for base in (1, 2, 3)]
    # the address from the environment, as `--scheduler` falls back to DASK_SCHEDULER_ADDRESS
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster)
    before = executed(cluster)
    assert run_parallel(replicate_seeds, jobs, workers=1) == [replicate_seeds(*job) for job in jobs]
    assert executed(cluster) - before == 3
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS")
    trial = ROOT / "scenarios" / "trial_peyton.toml"
    small = {**TINY, "population.residents": 600}
    here = run_trial(trial, replicates=2, overrides=small, workers=1)
    before = executed(cluster)
    there = run_trial(trial, replicates=2, overrides=small, scheduler=cluster)
    assert executed(cluster) - before == 2
    pd.testing.assert_frame_equal(here.replicates, there.replicates)
    pd.testing.assert_frame_equal(here.table, there.table)

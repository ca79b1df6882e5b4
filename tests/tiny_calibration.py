"""The tiny surveyed city both calibration methods' tests fit, and running their tasks in this process."""

from __future__ import annotations

from concurrent.futures import BrokenExecutor, Executor, Future
from pathlib import Path

import duckdb
import pandas as pd

from cpsim.studies.executors import Pool

ROOT = Path(__file__).resolve().parents[1]
TRUE = {"safety.initial": 0.8, "survey.offset": 0.12}  # away from the priors' midpoints
SCENARIO = f"""extends = "{ROOT / "scenarios" / "baseline.toml"}"
[run]
name = "tiny"
days = 10
[population]
residents = 500
beats = 5
[survey]
design = "random"
period_days = 10
fieldwork_days = 1
respondents_per_area = 90.0
"""
# The calibrated parameters and the targets, the same for every method (a calibration file's tail).
PARAMETERS_AND_TARGETS = """[parameters]
"safety.initial" = { prior = "uniform", lo = 0.4, hi = 0.9 }
survey.offset = { prior = "uniform", lo = -0.2, hi = 0.2 }
[statistics]
gap = ["majority", "minority"]
[targets]
area_safety_mean = { sd = 2.0 }
group_gap = { sd = 3.0 }
area_trust_median = { sd = 3.0 }
"""


def parquet(path: Path) -> pd.DataFrame:
    """A Parquet file as a DataFrame."""
    return duckdb.sql(f"SELECT * FROM '{path}'").df()


class Inline(Executor):
    """Runs each task at once in this process; with ``fail_after``, the pool breaks after that many tasks."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.left = fail_after

    def submit(self, fn, /, *args, **kwargs):
        fut: Future = Future()
        if self.left is not None:
            if self.left == 0:
                fut.set_exception(BrokenExecutor("a worker died"))
                return fut
            self.left -= 1
        fut.set_result(fn(*args, **kwargs))
        return fut


def inline(fail_after: int | None = None) -> Pool:
    """A pool that runs each task in this process (no worker start-up in tests)."""
    return Pool(Inline(fail_after), 1, "this process")

"""Experiments at scale: experiment files, run tables, executors, the results store, analysis.

Names are imported on first use, so a worker process that only needs
``cpsim.studies.sweeps.batch`` does not pay for DuckDB, SALib and rich at start-up.
"""

from importlib import import_module
from typing import Any

_WHERE = {
    "Experiment": "experiment",
    "ExperimentError": "experiment",
    "load_experiment": "experiment",
    "PlannedRun": "sampling",
    "run_table": "sampling",
    "SweepIncomplete": "driver",
    "SweepReport": "driver",
    "run_sweep": "driver",
    "SweepResults": "results",
    "open_results": "results",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'cpsim.studies.sweeps' has no attribute {name!r}")
    return getattr(import_module(f"cpsim.studies.sweeps.{_WHERE[name]}"), name)

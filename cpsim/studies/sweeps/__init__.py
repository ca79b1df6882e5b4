"""Experiments at scale: experiment files, run tables, executors, the results store, analysis.

Names are imported on first use, so a worker process that only needs
``cpsim.sweep.run`` does not pay for DuckDB, SALib and rich at start-up.
"""

from importlib import import_module
from typing import Any

_WHERE = {
    "Experiment": "spec",
    "ExperimentError": "spec",
    "load_experiment": "spec",
    "Run": "sampling",
    "run_table": "sampling",
    "SweepIncomplete": "runner",
    "SweepReport": "runner",
    "run_sweep": "runner",
    "SweepResults": "store",
    "open_results": "store",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'cpsim.sweep' has no attribute {name!r}")
    return getattr(import_module(f"cpsim.sweep.{_WHERE[name]}"), name)

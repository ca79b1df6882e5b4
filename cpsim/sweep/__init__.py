"""Experiments at scale: experiment files, run tables, executors, the results store, analysis."""

from cpsim.sweep.runner import SweepIncomplete, SweepReport, run_sweep
from cpsim.sweep.sampling import Run, run_table
from cpsim.sweep.spec import Experiment, ExperimentError, load_experiment
from cpsim.sweep.store import SweepResults, open_results

__all__ = [
    "Experiment",
    "ExperimentError",
    "Run",
    "SweepIncomplete",
    "SweepReport",
    "SweepResults",
    "load_experiment",
    "open_results",
    "run_sweep",
    "run_table",
]

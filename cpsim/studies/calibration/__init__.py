"""Calibration against survey data: statistics, calibration files, ABC-SMC (pyabc), store and report.

Names are imported on first use, so a worker that only needs the model wrapper does not
pay for DuckDB or matplotlib, and ``import cpsim`` never imports pyabc.
"""

from importlib import import_module
from typing import Any

_WHERE = {
    "Calibration": "spec",
    "CalibrationError": "spec",
    "load_calibration": "spec",
    "run_calibration": "fit",
    "CalibrationReport": "fit",
    "read_observed": "observed",
    "statistics": "stats",
    "STATISTICS": "stats",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'cpsim.studies.calibration' has no attribute {name!r}")
    return getattr(import_module(f"cpsim.studies.calibration.{_WHERE[name]}"), name)

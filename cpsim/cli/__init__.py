"""The `cpsim` command. Each command lives in a module of its own and registers on `app`.

Command modules import only typer at module level and load the simulation, pandas,
matplotlib or DuckDB inside the command that needs them, so `cpsim --help`, `cpsim
--version` and `cpsim check` start without loading them.
"""

# ruff: noqa: I001  -- importing a command module registers its commands, in --help order.
from cpsim.cli import run_command  # noqa: F401  (run, check)
from cpsim.cli import compare_command, sweep_command, trial_command, validate_command  # noqa: F401
from cpsim.cli import robustness_command  # noqa: F401
from cpsim.cli import calibrate_command  # noqa: F401
from cpsim.cli import app_command  # noqa: F401  (app: the classroom page)
from cpsim.cli.typer_app import InputError, app, main

__all__ = ["InputError", "app", "main"]

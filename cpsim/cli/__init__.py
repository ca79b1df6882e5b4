"""The `cpsim` command. Each command lives in a module of its own and registers on `app`.

Command modules import only typer at module level and load the simulation, pandas,
matplotlib or DuckDB inside the command that needs them, so `cpsim --help`, `cpsim
--version` and `cpsim check` start without loading them.
"""

# ruff: noqa: I001  -- importing a command module registers its commands, in --help order.
from cpsim.cli import run  # noqa: F401  (run, check)
from cpsim.cli import compare, sweep, trial, validate  # noqa: F401
from cpsim.cli import calibrate  # noqa: F401
from cpsim.cli import app as _app  # noqa: F401  (app: the classroom page)
from cpsim.cli.base import InputError, app, main

__all__ = ["InputError", "app", "main"]

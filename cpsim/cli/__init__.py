"""The `cpsim` command. Each command lives in a module of its own and registers on `app`."""

# Importing a command module registers its commands on `app`, in this order in --help.
from cpsim.cli import run  # noqa: F401  (run, check)
from cpsim.cli import compare, sweep, trial, validate  # noqa: F401, I001
from cpsim.cli import app as _app  # noqa: F401, I001  (app: the classroom page)
from cpsim.cli.base import InputError, app, main

__all__ = ["InputError", "app", "main"]

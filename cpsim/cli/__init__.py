"""The `cpsim` command. Each command lives in a module of its own and registers on `app`."""

import cpsim.cli.compare  # noqa: F401  (registers compare)
from cpsim.cli import app as _app  # noqa: F401  (registers app: the classroom page)
from cpsim.cli import run  # noqa: F401  (registers run, check)
from cpsim.cli import sweep  # noqa: F401  (registers sweep, results, analyze)
from cpsim.cli import trial  # noqa: F401  (registers trial)
from cpsim.cli import validate  # noqa: F401  (registers validate)
from cpsim.cli.base import InputError, app, main

__all__ = ["InputError", "app", "main"]

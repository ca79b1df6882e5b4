"""`cpsim app`: start the classroom page (a Solara server) on this machine."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cpsim.cli.base import InputError, app
from cpsim.scenario import load_scenario

PAGE = "cpsim.app.page"


@app.command(name="app")
def classroom(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="Scenario to open (default: scenarios/baseline.toml); its folder fills the picker."),
    ] = None,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8765,
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
) -> None:
    """Start the classroom page: change levers and watch a neighbourhood's trust in police respond."""
    from cpsim.app.classroom import SCENARIO_ENV, default_scenario_file
    from cpsim.app.levers import scenario_files

    missing = [m for m in ("solara", "altair") if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(f"the classroom page needs {', '.join(missing)}; install it with: pip install 'cpsim[app]'")

    path = (scenario or default_scenario_file()).resolve()
    load_scenario(path)  # a bad file fails here, with one line, before the server starts
    scenario_files(path.parent)
    env = {**os.environ, SCENARIO_ENV: str(path)}
    # Reacton's fast renderer re-renders only what changed: measured ~3x faster per day.
    env.setdefault("REACTON_FAST", "1")
    typer.echo(f"cpsim classroom page: http://{host}:{port}  (scenario {path.name}; Ctrl-C stops it)", err=True)
    cmd = [sys.executable, "-m", "solara", "run", PAGE, "--host", host, "--port", str(port)]
    cmd += ["--production", "--no-open"]
    sys.stdout.flush()
    sys.stderr.flush()
    # Become the server (no child left behind when the class's terminal is closed).
    os.execve(sys.executable, cmd, env)

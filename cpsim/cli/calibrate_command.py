"""`cpsim calibrate`: fit scenario parameters to survey data (history matching with GP emulators, or ABC-SMC)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cpsim.cli.typer_app import InputError, SchedulerOpt, app, out_dir


@app.command()
def calibrate(
    calibration: Annotated[Path, typer.Argument(help="Calibration TOML file (experiments/*_calibration.toml).")],
    out: Annotated[Path | None, typer.Option(help="Output directory (default: out/<name>).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Local worker processes (default: all cores).")] = None,
    scheduler: SchedulerOpt = None,
    particles: Annotated[int | None, typer.Option(min=2, help="Replace the file's particles.")] = None,
    generations: Annotated[int | None, typer.Option(min=1, help="Replace the file's generations.")] = None,
    replicates: Annotated[int | None, typer.Option(min=1, help="Replace the file's replicates.")] = None,
    checks: Annotated[int, typer.Option(min=0, help="Posterior draws run afresh for the predictive checks.")] = 20,
    docs: Annotated[
        bool,
        typer.Option(
            "--docs",
            help="Then rewrite docs/ from this fit: the Chicago tables of docs/calibration.md, docs/results/chicago_*, "
            "the maps (cpsim/studies/calibration/docs_table.py).",
        ),
    ] = False,
) -> None:
    """Calibrate a scenario against survey data; rerun the same command to resume after an interruption."""
    from cpsim.studies.calibration import load_calibration, run_calibration
    from cpsim.studies.calibration.fit import CalibrationIncomplete, NoRegion
    from cpsim.studies.executors import scheduler_address

    cal = load_calibration(calibration, particles=particles, generations=generations, replicates=replicates)
    needs = "pyabc" if cal.method == "abc_smc" else "sklearn"
    try:
        __import__(needs)
    except ImportError:
        raise InputError(
            f"{calibration}: method {cal.method} needs {needs}, not installed; allowed: pip install 'cpsim[calibrate]'"
        ) from None
    scheduler_address(scheduler)  # a bad address (flag or environment) fails before anything is made
    target = out_dir(out if out is not None else Path("out") / cal.name)  # a file or a read-only folder: one line
    try:
        report = run_calibration(cal, target, workers=workers, scheduler=scheduler, checks=checks)
    except (CalibrationIncomplete, NoRegion) as err:  # not bad input: a fault, or the model's own answer
        print(f"cpsim: error: {err}", file=sys.stderr)
        raise typer.Exit(1) from None
    table = Table(title=f"{cal.name}: posterior-predictive checks (90% intervals), stopped: {report.reason}")
    for col in ("target", "data", "model", "90% interval", ""):
        table.add_column(col)
    for _, r in report.checks.iterrows():
        table.add_row(
            r["target"],
            f"{r['observed']:.3g}",
            f"{r['predicted']:.3g}",
            f"{r['low']:.3g} – {r['high']:.3g}",
            "inside" if r["inside"] else "outside",
        )
    console = Console()
    console.print(table)
    console.print("calibrated: " + ", ".join(f"{k} = {v:.4g}" for k, v in report.estimates.items()))
    if docs:
        from cpsim.studies.calibration import docs_table

        flags = f" --checks {checks}" + (f" --workers {workers}" if workers else "")
        command = f"cpsim calibrate {docs_table._relative(calibration)}{flags} --docs"
        where = f"{workers} worker processes" if workers else "every core"
        docs_table.write(target, command, where)
        print(f"{cal.name}: docs rewritten from {target} (docs/calibration.md, docs/results/)", file=sys.stderr)

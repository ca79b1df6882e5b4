"""`cpsim validate`: replay published findings in the model and report PASS/FAIL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpsim.cli.typer_app import MAX_WORKERS, InputError, SchedulerOpt, app, out_file, writing

# The study names, for --help and errors: cpsim.studies.validation (the simulation) loads only when it runs.
STUDIES = (
    "baseline",
    "trial",
    "staffing",
    "hotspots",
    "meetings",
)  # == tuple(cpsim.studies.validation.STUDIES), tested
PATTERNS = ("stationarity", "recovery", "shock", "memory", "package")  # == cpsim.studies.validation.PATTERNS, tested


@app.command()
def validate(
    quick: Annotated[bool, typer.Option("--quick", help="Fewer replicates (what the tests run).")] = False,
    only: Annotated[
        list[str] | None,
        typer.Option(help="Run only this study (repeatable): " + ", ".join([*STUDIES, *PATTERNS])),
    ] = None,
    patterns: Annotated[
        bool, typer.Option("--patterns/--no-patterns", help="Also run the macro patterns (years of whole cities).")
    ] = True,
    workers: Annotated[int, typer.Option(min=1, max=MAX_WORKERS, help="Worker processes.")] = 2,
    scheduler: SchedulerOpt = None,
    out: Annotated[Path, typer.Option(help="Markdown report to write.")] = Path("docs/validation.md"),
) -> int:
    """Run virtual replications of published findings; print and write PASS/FAIL for each."""
    from rich.console import Console
    from rich.table import Table

    from cpsim.studies.claims import intervals_cover
    from cpsim.studies.executors import scheduler_address
    from cpsim.studies.validation import markdown, run_validation

    unknown = [name for name in only or [] if name not in STUDIES and name not in PATTERNS]
    if unknown:
        raise InputError(f"--only {unknown[0]}: unknown study; allowed: " + ", ".join([*STUDIES, *PATTERNS]))
    address = scheduler_address(scheduler)  # a bad address (flag or environment) fails before anything is made
    out_file(out)
    findings, info = run_validation(quick=quick, workers=workers, only=only, patterns=patterns, scheduler=address)
    table = Table(title="cpsim validate" + (" --quick" if quick else ""))
    for col in ("fact", "finding", "published", "range", "model [95% CI]", "rule", "result"):
        table.add_column(col, justify="right" if col in ("range", "model [95% CI]") else "left")
    for f in findings:
        table.add_row(
            f.fact,
            f.title,
            f.published,
            f.band(),
            f.figure(),
            "CI" if f.strict else "mean",
            "[green]PASS[/]" if f.passed else "[red]FAIL[/]",
        )
    console = Console(width=None if Console().is_terminal else 160)
    console.print(table)
    console.print(intervals_cover(what="The model's 95% intervals"), style="italic")
    with writing(out):
        out.write_text(markdown(findings, info), encoding="utf-8")
    failed = sum(not f.passed for f in findings)
    console.print(f"{len(findings) - failed} of {len(findings)} findings reproduced; wrote {out}")
    return 1 if failed else 0

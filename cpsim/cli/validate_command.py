"""`cpsim validate`: replay published findings and macro patterns in the model; PASS/FAIL for each.

The report goes to out/validation.md unless ``--out`` says otherwise: run from a checkout, the
command leaves the committed docs/validation.md alone; ``--out docs/validation.md`` regenerates
it (its figures under docs/figures/).
"""

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
PATTERNS = (
    "stationarity",
    "recovery",
    "shock",
    "memory",
    "package",
    "saturation",
    "dispersion",
    "gaps",
    "areas",
)  # == cpsim.studies.validation.PATTERNS, tested
OUT = Path("out/validation.md")
COLOURS = {"PASS": "[green]PASS[/]", "FAIL": "[red]FAIL[/]", "INCONCLUSIVE": "[yellow]inconclusive[/]"}


def figure_path(out: Path, name: str) -> Path:
    """Where a study's figure goes: ``figures/<report stem>_<study>.png`` beside the report."""
    return out.parent / "figures" / f"{out.stem}_{name}.png"


@app.command()
def validate(
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="Fewer replicates: a finding whose 95% CI straddles an edge of its range is inconclusive.",
        ),
    ] = False,
    only: Annotated[
        list[str] | None,
        typer.Option(help="Run only this study (repeatable): " + ", ".join([*STUDIES, *PATTERNS])),
    ] = None,
    patterns: Annotated[
        bool, typer.Option("--patterns/--no-patterns", help="Also run the macro patterns (years of whole cities).")
    ] = True,
    workers: Annotated[int, typer.Option(min=1, max=MAX_WORKERS, help="Worker processes.")] = 2,
    scheduler: SchedulerOpt = None,
    out: Annotated[
        Path, typer.Option(help="Markdown report to write (docs/validation.md regenerates the docs).")
    ] = OUT,
) -> int:
    """Run virtual replications of published findings and macro patterns; print and write a verdict for each."""
    from rich.console import Console
    from rich.table import Table

    from cpsim.studies.claims import intervals_cover
    from cpsim.studies.executors import scheduler_address
    from cpsim.studies.findings import FAIL, tally
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
        rule = "-" if f.reported else ("CI" if f.strict else "mean")
        table.add_row(f.fact, f.title, f.published, f.band(), f.figure(), rule, COLOURS.get(f.verdict, "reported"))
    console = Console(width=None if Console().is_terminal else 160)
    console.print(table)
    console.print(intervals_cover(what="The model's 95% intervals"), style="italic")
    figures = {}
    with writing(out):
        from cpsim.reports.validation_figures import FIGURES

        for name, shown in info["shown"].items():
            if name in FIGURES and shown.figure_data() is not None:
                path = FIGURES[name](shown.figure_data(), figure_path(out, name))
                figures[name] = path.relative_to(out.parent).as_posix()
        out.write_text(markdown(findings, info, figures), encoding="utf-8")
    console.print(f"{tally(findings)}; wrote {out}" + "".join(f", {out.parent / p}" for p in figures.values()))
    return 1 if any(f.verdict == FAIL for f in findings) else 0

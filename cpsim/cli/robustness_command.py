"""`cpsim robustness`: each macro pattern's key figure with its parameters at x0.7 and x1.3, at two sizes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from cpsim.cli.typer_app import MAX_REPLICATES, MAX_WORKERS, InputError, SchedulerOpt, app, key_range, out_file, writing

# The pattern names, for --help and errors: cpsim.studies.robustness loads only when it runs.
NAMES = (
    "M1",
    "gap",
    "M4",
    "saturation",
    "dispersion",
    "areas_change",
    "areas_persistence",
    "areas_carried",
)  # == robustness.NAMES
SIZES = (10_000, 30_000)  # == robustness.SIZES


@app.command()
def robustness(
    replicates: Annotated[
        int, typer.Option(min=2, max=MAX_REPLICATES, help="Replicates per cell (paired by seed).")
    ] = 3,
    size: Annotated[
        list[int] | None,
        typer.Option(help="City size in residents (repeatable; default: 10000 and 30000)."),
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option(help="Run only this pattern (repeatable): " + ", ".join(NAMES))
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=MAX_WORKERS, help="Worker processes.")] = 2,
    scheduler: SchedulerOpt = None,
    out: Annotated[Path, typer.Option(help="Markdown report to write (the table as CSV beside it).")] = Path(
        "out/robustness.md"
    ),
) -> int:
    """Rerun each macro pattern's key figure with each parameter it rests on at x0.7 and x1.3, at two city sizes.

    Exit code 0 when the study ran, whatever its verdicts: finding where a pattern breaks is its purpose.
    """
    from rich.console import Console

    from cpsim.studies.executors import scheduler_address
    from cpsim.studies.robustness import markdown, run_robustness, verdict_counts

    unknown = [name for name in only or [] if name not in NAMES]
    if unknown:
        raise InputError(f"--only {unknown[0]}: unknown pattern; allowed: " + ", ".join(NAMES))
    bounds = key_range("population.residents")
    sizes = tuple(size or SIZES)
    for s in sizes:
        if not bounds["min"] <= s <= bounds["max"]:
            raise InputError(f"--size {s}: allowed: {bounds['min']:,} to {bounds['max']:,} residents")
    address = scheduler_address(scheduler)
    out_file(out)
    start = time.perf_counter()
    table = run_robustness(replicates=replicates, sizes=sizes, only=only, workers=workers, scheduler=address)
    text = markdown(table, time.perf_counter() - start)
    with writing(out):
        out.write_text(text, encoding="utf-8")
        table.to_csv(out.with_suffix(".csv"), index=False)
    console = Console(width=None if Console().is_terminal else 160)
    console.print(text)
    counts = ", ".join(f"{n} {v.lower()}" for v, n in verdict_counts(table).items())
    console.print(f"{len(table)} cells: {counts}; wrote {out} and {out.with_suffix('.csv')}")
    return 0

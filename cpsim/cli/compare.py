"""`cpsim compare`: scenarios side by side, with replicates, breakdowns, trajectories and costs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpsim.cli.base import InputError, app
from cpsim.cli.run import SetOpt

# Wide enough for every table of a comparison when the output is a file or a log.
LOG_WIDTH = 220


@app.command()
def compare(
    baseline: Annotated[Path, typer.Argument(help="Baseline scenario TOML file.")],
    others: Annotated[list[Path], typer.Argument(help="Scenario files to compare with the baseline.")],
    replicates: Annotated[int, typer.Option(min=2, help="Runs per scenario (replicate k of each uses one seed).")] = 10,
    days: Annotated[int | None, typer.Option(min=1, help="Days per run (default: the baseline's run.days).")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Base seed (default: the baseline's run.seed).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes (default: all CPUs).")] = None,
    out: Annotated[Path, typer.Option(help="Directory for the CSV files, PNG figures and report.html.")] = Path(
        "out/compare"
    ),
    set_: SetOpt = None,
) -> int:
    """Run scenarios with common random numbers: who benefits, how fast, how big, at what cost."""
    from rich.console import Console

    from cpsim.brief import Brief
    from cpsim.cli.render import print_brief
    from cpsim.progress import progress
    from cpsim.report import html_report, write_figures
    from cpsim.study import load_all, normalize_overrides, run_study

    files = [baseline, *others]
    overrides = normalize_overrides(set_ or [])
    load_all(files, overrides)  # every file and override is checked before anything runs
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: is a file; allowed: a directory (created if missing)")
    with progress("cpsim compare", replicates * len(files)) as report:
        study = run_study(
            files, replicates=replicates, days=days, seed=seed, workers=workers, overrides=overrides, progress=report
        )
    brief = Brief.from_study(study)
    written = brief.write(out)
    figures = write_figures(brief, out)
    html_report(brief, out / "report.html", figures)
    console = Console()
    if not console.is_terminal:  # piped or redirected: nothing squeezed, nothing cut
        console.width = LOG_WIDTH
    print_brief(brief, console)
    console.print(f"wrote {len(written)} CSV/JSON files, {len(figures)} PNG figures and report.html to {out}")
    failed = brief.comparison.loc[brief.comparison["error"] != "", "scenario"].unique()
    if len(failed):
        Console(stderr=True).print(
            f"cpsim: {len(failed)} scenario(s) failed: {', '.join(failed)} (see above and comparison.csv)"
        )
        return 1
    return 0

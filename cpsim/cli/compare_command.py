"""`cpsim compare`: scenarios side by side, with replicates, breakdowns, trajectories and costs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cpsim.cli.run_command import ForceOpt, SetOpt, with_flags
from cpsim.cli.typer_app import MAX_REPLICATES, MAX_WORKERS, SchedulerOpt, app, key_range, out_dir, writing
from cpsim.studies.resources import Estimate, check_fits, run_bytes

# Wide enough for every table of a comparison when the output is a file or a log.
LOG_WIDTH = 220


@app.command()
def compare(
    baseline: Annotated[Path, typer.Argument(help="Baseline scenario TOML file.")],
    others: Annotated[list[Path], typer.Argument(help="Scenario files to compare with the baseline.")],
    replicates: Annotated[
        int, typer.Option(min=2, max=MAX_REPLICATES, help="Runs per scenario (replicate k of each uses one seed).")
    ] = 10,
    days: Annotated[
        int | None, typer.Option(**key_range("run.days"), help="Days per run (default: the baseline's run.days).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(**key_range("run.seed"), help="Base seed (default: the baseline's run.seed).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, max=MAX_WORKERS, help="Worker processes (default: all CPUs).")
    ] = None,
    scheduler: SchedulerOpt = None,
    out: Annotated[Path, typer.Option(help="Directory for the CSV files, PNG figures and report.html.")] = Path(
        "out/compare"
    ),
    set_: SetOpt = None,
    force: ForceOpt = False,
    posterior: Annotated[
        Path | None,
        typer.Option(
            help="A calibration's output folder (or its posterior.parquet): replicate k of every scenario runs with "
            "parameter set k drawn from it, so intervals cover parameter uncertainty as well as run-to-run chance."
        ),
    ] = None,
) -> int:
    """Run scenarios with common random numbers: who benefits, how fast, how big, at what cost."""
    from rich.console import Console

    from cpsim.cli.render import print_brief
    from cpsim.reports.brief import Brief
    from cpsim.reports.html_report import html_report, write_figures
    from cpsim.studies.executors import scheduler_address
    from cpsim.studies.progress import progress
    from cpsim.studies.runner import load_all, normalize_overrides, run_study

    files = [baseline, *others]
    overrides = normalize_overrides(set_ or [])
    # --days is checked as every scenario's run.days (with the rules that involve it, e.g. incident.day)
    loaded = load_all(files, with_flags(set_, days=days))  # every file and override is checked before anything runs
    address = scheduler_address(scheduler)  # a bad address (flag or environment) fails before anything is made
    sets = None
    if posterior is not None:
        from cpsim.cli.typer_app import InputError
        from cpsim.studies.calibration.posterior_draws import PosteriorError, check_sets, draw_sets

        try:
            # drawn and applied before anything runs: a set a scenario refuses stops it with one line
            sets = draw_sets(posterior, replicates, seed if seed is not None else loaded[0][2].run.seed)
            check_sets(sets, [(str(file), params) for _, file, params in loaded])
        except PosteriorError as err:
            raise InputError(str(err)) from None
    runs_total = replicates * len(files)
    biggest = max(run_bytes(params) for _, _, params in loaded)
    processes = 0 if address else min(workers or os.cpu_count() or 1, runs_total)  # on Dask none run here
    what = f"{len(files)} scenarios x {replicates} replicates"
    check_fits(Estimate(runs_total, biggest, processes, what=what), force, "fewer replicates or --workers")
    out_dir(out)
    with progress("cpsim compare", runs_total) as report:
        study = run_study(
            files,
            replicates=replicates,
            days=days,
            seed=seed,
            workers=workers,
            overrides=overrides,
            progress=report,
            scheduler=address,
            parameter_sets=sets,
            posterior=str(posterior) if posterior is not None else "",
        )
    brief = Brief.from_study(study)
    with writing(out):
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

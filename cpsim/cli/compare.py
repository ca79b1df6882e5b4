"""`cpsim compare`: scenarios side by side, with replicates and confidence intervals."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from cpsim.analysis import COST, HEADLINE, load_all, run_replicates, summarize
from cpsim.cli.base import MAX_REPLICATES, MAX_WORKERS, app, key_range, out_dir, writing
from cpsim.cli.run import ForceOpt, SetOpt, with_flags
from cpsim.report import baseline_label, html_report, interval, verdict, write_figures
from cpsim.resources import Estimate, check_fits, run_bytes

STYLE = {"better": "bold green", "worse": "bold red", "clear": "bold", "": "dim"}


def comparison_table(table: pd.DataFrame) -> Table:
    """Build a rich table: one row per figure, one column per scenario, the paired difference under each mean."""
    a = table.attrs
    names = list(dict.fromkeys(table["scenario"]))
    out = Table(
        title=f"{a.get('replicates', '?')} replicates x {a.get('days', '?')} days, base seed {a.get('seed', '?')}: "
        "mean [95% CI]; Δ paired difference from baseline [95% CI]",
        show_lines=True,
    )
    out.add_column("figure", min_width=24)
    for name in names:
        base = table.loc[table["scenario"] == name, "baseline"].iloc[0]
        out.add_column(baseline_label(name) if base else name, justify="right", no_wrap=True)
    for m in HEADLINE:
        cells = []
        for name in names:
            r = table[(table["scenario"] == name) & (table["metric"] == m.name)].iloc[0]
            if r["error"]:
                cells.append(Text("failed", style="bold red"))
                continue
            cell = Text(interval(r))
            if not r["baseline"]:
                cell.append("\nΔ " + interval(r, "diff"), style=STYLE[verdict(r)])
            cells.append(cell)
        better = f"\n({m.better} is better)" if m.better else ""
        out.add_row(Text(m.label) + Text(better, style="dim"), *cells)
    for m, _ in COST:
        cells = []
        for name in names:
            r = table[(table["scenario"] == name) & (table["metric"] == m.name)].iloc[0]
            cells.append(Text("" if r["baseline"] else ("failed" if r["error"] else interval(r))))
        out.add_row(m.label, *cells)
    return out


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
    out: Annotated[Path, typer.Option(help="Directory for comparison.csv, runs.csv, PNGs and report.html.")] = Path(
        "out/compare"
    ),
    set_: SetOpt = None,
    force: ForceOpt = False,
) -> int:
    """Run scenarios with common random numbers; print and write means, paired differences and CIs."""
    files = [baseline, *others]
    # --days is checked as every scenario's run.days (with the rules that involve it, e.g. incident.day)
    overrides = with_flags(set_, days=days)
    loaded = load_all(files, overrides)  # every file and override is checked before anything runs
    runs_total = replicates * len(files)
    biggest = max(run_bytes(params) for _, _, params in loaded)
    processes = min(workers or os.cpu_count() or 1, runs_total)
    what = f"{len(files)} scenarios x {replicates} replicates"
    check_fits(Estimate(runs_total, biggest, processes, what=what), force, "fewer replicates or --workers")
    out_dir(out)
    err = Console(stderr=True)
    with Progress(
        TextColumn("running"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failed]} failed"),
        TimeRemainingColumn(), console=err, transient=True,
    ) as bar:
        task = bar.add_task("runs", total=replicates * len(files), failed=0)
        runs = run_replicates(
            files, replicates=replicates, seed=seed, workers=workers, overrides=overrides,
            progress=lambda done, total, failed: bar.update(task, completed=done, failed=failed),
        )
    table = summarize(runs)
    with writing(out):
        table.to_csv(out / "comparison.csv", index=False)
        runs.to_csv(out / "runs.csv", index=False)
        figures = write_figures(table, out)
        html_report(table, out / "report.html", figures)
    console = Console()
    if not console.is_terminal:  # piped or redirected: don't squeeze the table into 80 columns
        console.width = max(console.width, 40 + 28 * len(files))
    console.print(comparison_table(table))
    console.print(f"wrote {out}/comparison.csv, runs.csv, report.html and {len(figures)} PNG figures")
    failed = table.loc[table["error"] != "", "scenario"].unique()
    if len(failed):
        err.print(f"cpsim: {len(failed)} scenario(s) failed: {', '.join(failed)} (see above and comparison.csv)")
        return 1
    return 0

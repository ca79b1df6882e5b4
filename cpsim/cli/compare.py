"""`cpsim compare`: scenarios side by side, with replicates and confidence intervals."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from cpsim.analysis import COST, HEADLINE, SURVEYED, load_all, normalize_overrides, run_replicates, summarize
from cpsim.cli.base import InputError, app
from cpsim.cli.run import SetOpt
from cpsim.report import baseline_label, html_report, interval, verdict, write_figures

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
    shown = set(table["metric"])
    for m in (m for m in (*HEADLINE, *SURVEYED) if m.name in shown):
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
    replicates: Annotated[int, typer.Option(min=2, help="Runs per scenario (replicate k of each uses one seed).")] = 10,
    days: Annotated[int | None, typer.Option(min=1, help="Days per run (default: the baseline's run.days).")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Base seed (default: the baseline's run.seed).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes (default: all CPUs).")] = None,
    out: Annotated[Path, typer.Option(help="Directory for comparison.csv, runs.csv, PNGs and report.html.")] = Path(
        "out/compare"
    ),
    set_: SetOpt = None,
) -> int:
    """Run scenarios with common random numbers; print and write means, paired differences and CIs."""
    files = [baseline, *others]
    overrides = normalize_overrides(set_ or [])
    load_all(files, overrides)  # every file and override is checked before anything runs
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: is a file; allowed: a directory (created if missing)")
    err = Console(stderr=True)
    with Progress(
        TextColumn("running"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("runs", total=replicates * len(files), failed=0)
        runs = run_replicates(
            files,
            replicates=replicates,
            days=days,
            seed=seed,
            workers=workers,
            overrides=overrides,
            progress=lambda done, total, failed: bar.update(task, completed=done, failed=failed),
        )
    table = summarize(runs)
    out.mkdir(parents=True, exist_ok=True)
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

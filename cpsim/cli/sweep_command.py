"""`cpsim sweep`, `cpsim results` and `cpsim analyze`: experiments at scale."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cpsim.cli.typer_app import MAX_WORKERS, InputError, OutputError, SchedulerOpt, app, out_dir, out_file, writing

if TYPE_CHECKING:
    import duckdb
    from rich.console import Console
    from rich.table import Table

# Figures in the `cpsim results` summary table, when the store keeps them.
SHOWN = ("trust_end", "trust_gap_end", "violent_per_1000_year", "reporting_rate", "contact_prevalence")
TABLES = ("experiment", "runs", "timeseries", "points", "tasks", "breakdown", "provenance")


@app.command()
def sweep(
    experiment: Annotated[Path, typer.Argument(help="Experiment TOML file (experiments/*.toml).")],
    workers: Annotated[
        int | None, typer.Option(min=1, max=MAX_WORKERS, help="Local worker processes (default: all cores).")
    ] = None,
    scheduler: SchedulerOpt = None,
    out: Annotated[Path | None, typer.Option(help="DuckDB results store (default: out/<name>.duckdb).")] = None,
    resume: Annotated[bool, typer.Option(help="Require an existing store (a rerun resumes anyway).")] = False,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Run the runs that failed in an earlier session again.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Start although the estimated memory exceeds what this machine has free, or resume a store "
            "written by other model code (its results then mix two model versions).",
        ),
    ] = False,
    verbose: Annotated[bool, typer.Option(help="Print a line per committed batch to stderr.")] = False,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override a parameter in every run: section.key=value (repeatable; not a varied key). "
            "Recorded in the store; a rerun resumes only with the same values.",
        ),
    ] = None,
    posterior: Annotated[
        Path | None,
        typer.Option(
            help="A calibration's output folder (or its posterior.parquet): replicate k of every point and scenario "
            "runs with parameter set k drawn from it, so intervals cover parameter uncertainty as well as run-to-run "
            "chance. Recorded in the store; a rerun resumes only with the same posterior.",
        ),
    ] = None,
) -> None:
    """Run every run of an experiment into a DuckDB store; rerun to resume after an interruption."""
    from cpsim.studies.executors import scheduler_address
    from cpsim.studies.sweeps import SweepIncomplete, load_experiment, run_sweep

    exp = load_experiment(experiment, set_, posterior)
    scheduler_address(scheduler)  # a bad address (flag or environment) fails before anything is made
    store = out if out is not None else Path("out") / f"{exp.name}.duckdb"
    out_file(store)
    try:
        run_sweep(
            exp,
            store,
            workers=workers,
            scheduler=scheduler,
            resume=resume,
            verbose=verbose,
            force=force,
            retry_failed=retry_failed,
        )
    except SweepIncomplete as err:
        print(f"cpsim: error: {err}", file=sys.stderr)
        raise typer.Exit(1) from None


@app.command()
def results(
    store: Annotated[Path, typer.Argument(help="DuckDB results store written by `cpsim sweep`.")],
    sql: Annotated[
        str | None,
        typer.Option(
            help="Run a DuckDB query on the store's tables (" + ", ".join(TABLES) + "), read-only. It reaches "
            "nothing else: no file, URL, other database or extension (see --files)."
        ),
    ] = None,
    files: Annotated[
        bool,
        typer.Option(
            "--files",
            help="With --sql: the query may also read and write files in the store's folder (COPY, read_csv), "
            "and nowhere else.",
        ),
    ] = False,
    csv: Annotated[bool, typer.Option(help="With --sql: print CSV instead of a table.")] = False,
    export: Annotated[Path | None, typer.Option(help="Write every table to DIR as Parquet and CSV.")] = None,
    failed: Annotated[bool, typer.Option(help="List the failed runs and their errors.")] = False,
) -> None:
    """Show an experiment's status and summary, run a query, list failures or export the tables."""
    import duckdb
    from rich.console import Console

    from cpsim.studies.sweeps.results import connect_read, reading

    if files and sql is None:
        raise InputError("--files: only with --sql; allowed: --sql QUERY --files")
    con = connect_read(store, query=sql is not None, files=files)
    console = Console(width=200 if not sys.stdout.isatty() else None)
    try:
        if sql is not None:
            try:
                rel = con.sql(sql)
                df = rel.fetchdf() if rel is not None else None
            except duckdb.Error as err:
                first = str(err).strip().splitlines()[0]
                if isinstance(err, duckdb.PermissionException):
                    also = "and files in its folder (--files)" if files else "(with --files, also files in its folder)"
                    first += f"; allowed: the store's tables {also}"
                raise InputError(f"--sql: {first}") from None
            if df is not None:
                if csv:
                    df.to_csv(sys.stdout, index=False)
                else:
                    console.print(_table(df, sql))
            return
        if export is not None:
            out_dir(export, "--export")
            present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            names = [name for name in TABLES if name in present]  # older stores lack breakdown and provenance
            for name in names:
                order = {
                    "runs": "run_id",
                    "timeseries": "run_id, day",
                    "points": "point",
                    "breakdown": "run_id, level, key",
                }.get(name)
                query = f"SELECT * FROM {name}" + (f" ORDER BY {order}" if order else "")
                for fmt, ext in (("PARQUET", "parquet"), ("CSV, HEADER", "csv")):
                    target = str(export / f"{name}.{ext}").replace("'", "''")
                    try:
                        con.execute(f"COPY ({query}) TO '{target}' (FORMAT {fmt})")
                    except duckdb.Error as err:
                        first = str(err).strip().splitlines()[0]
                        raise OutputError(f"--export {export}: writing {name}.{ext} failed ({first})") from None
            console.print(
                f"wrote {', '.join(names)} as .parquet and .csv to {export} "
                "(pandas.read_parquet reads them with fastparquet, a cpsim dependency)"
            )
            return
        if failed:
            with reading(store):
                df = con.execute(
                    "SELECT run_id, scenario, params, seed, split_part(error, chr(10), 1) AS error "
                    "FROM runs WHERE status = 'failed' ORDER BY run_id"
                ).fetchdf()
            console.print(_table(df, f"{len(df)} failed runs"))
            if len(df):
                query = "SELECT run_id, error FROM runs WHERE status = 'failed'"
                console.print(f'full tracebacks: cpsim results {store} --sql "{query}"')
            return
        with reading(store):
            _status(con, console, store)
    finally:
        con.close()


@app.command()
def analyze(
    store: Annotated[Path, typer.Argument(help="DuckDB results store written by `cpsim sweep`.")],
    out: Annotated[Path | None, typer.Option(help="Report directory (default: <store>_report).")] = None,
    metric: Annotated[
        list[str] | None, typer.Option(help="Summary figure to analyse (repeatable; default: the key figures).")
    ] = None,
) -> None:
    """Write figures (effects with replicate bands; Sobol/Morris indices) and an HTML report."""
    from cpsim.studies.sweeps.results import connect_read, reading
    from cpsim.studies.sweeps.sensitivity import analyze as write_report
    from cpsim.studies.sweeps.sensitivity import default_report_dir

    connect_read(store).close()  # a missing, busy or damaged store fails before any folder is made
    target = out_dir(out if out is not None else default_report_dir(store))
    with reading(store), writing(target):
        report = write_report(store, target, metric or None)
    typer.echo(f"wrote {report} and its figures in {report.parent}")


def _status(con: duckdb.DuckDBPyConnection, console: Console, store: Path) -> None:
    from cpsim.studies.sweeps.results import quote

    name, design, varied, metrics, n_runs, file, spec = con.execute(
        "SELECT name, design, varied, metrics, n_runs, file, spec FROM experiment"
    ).fetchone()
    posterior = json.loads(spec or "{}").get("posterior")
    counts = dict(con.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall())
    sim, work, n_tasks = con.execute("SELECT sum(sim_seconds), sum(worker_seconds), count(*) FROM tasks").fetchone()
    varied, metrics = json.loads(varied), json.loads(metrics)
    done = counts.get("ok", 0) + counts.get("failed", 0)
    console.print(
        f"[bold]{name}[/bold] ({file}): design {design}, varied {', '.join(varied)}\n"
        f"runs: {done}/{n_runs} done ({counts.get('ok', 0)} ok, {counts.get('failed', 0)} failed, "
        f"{counts.get('pending', 0)} pending)"
        + (f"; {work:.0f} worker-seconds in {n_tasks} tasks, {100 * sim / work:.1f}% inside simulate()" if work else "")
    )
    if posterior:  # the replicates of a point differ in their parameters as well as their seeds
        console.print(f"parameters: each replicate's drawn from the posterior {posterior}")
    shown = [m for m in SHOWN if m in metrics] or metrics[:5]
    n_points = con.execute("SELECT count(*) FROM points").fetchone()[0]
    keys = ["scenario"] + ([quote(k) for k in varied] if design == "grid" and n_points <= 40 else [])
    aggs = ", ".join(f"avg({quote(m)}) AS {quote(m)}" for m in shown)
    group = ", ".join(keys)
    df = con.execute(
        f"SELECT {group}, count(*) AS runs, {aggs} FROM runs WHERE status = 'ok' GROUP BY {group} ORDER BY {group}"
    ).fetchdf()
    console.print(_table(df, "means over finished runs"))
    if counts.get("failed"):
        console.print(f"see why runs failed: cpsim results {store} --failed")


def _table(df, title: str) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for col in df.columns:
        table.add_column(str(col), justify="right" if df[col].dtype.kind in "iuf" else "left")
    for row in df.itertuples(index=False):
        table.add_row(*[_fmt(v) for v in row])
    return table


def _fmt(v) -> str:
    if v is None or isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)

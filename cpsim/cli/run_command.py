"""`cpsim run` and `cpsim check`."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cpsim.cli.typer_app import app, key_range, out_dir, writing
from cpsim.scenario import Flag, load_scenario, resolved_toml
from cpsim.studies.resources import check_fits, run_estimate

if TYPE_CHECKING:
    from rich.table import Table

# The figures `cpsim run` shows, in order; labels and formats come from cpsim.headline.
SHOWN = (
    "trust_start",
    "trust_end",
    "trust_gap_end",
    "safety_end",
    "violent_per_1000_year",
    "property_per_1000_year",
    "recorded_per_1000_year",
    "reporting_rate",
    "clearance_rate",
    "contact_prevalence",
    "stops",
    "complaints",
    "hours_total",
)

SetOpt = Annotated[
    list[str] | None, typer.Option("--set", help="Override a parameter: section.key=value (repeatable).")
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Run even when the estimated memory exceeds what this machine has free.")
]


def with_flags(overrides: list[str] | None, **flags: int | None) -> dict:
    """--set overrides plus flags that set scenario keys (``days`` -> run.days), named in errors."""
    from cpsim.simulate import as_mapping

    out = as_mapping(overrides)
    for name, value in flags.items():
        if value is not None:
            out[f"run.{name}"] = Flag(value, f"--{name}")
    return out


def summary_table(summaries: dict[str, dict], title: str = "summary") -> Table:
    """A rich table with one column per run."""
    from rich.table import Table

    from cpsim.headline import METRICS, figure  # brings pandas (via metrics): not for `cpsim --help`

    table = Table(title=title)
    table.add_column("figure")
    for name in summaries:
        table.add_column(name, justify="right")
    for key in SHOWN:
        table.add_row(METRICS[key].label, *(figure(s.get(key, math.nan), key) for s in summaries.values()))
    return table


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    days: Annotated[
        int | None,
        typer.Option(**key_range("run.days"), help="Days to simulate (default: the scenario's run.days)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(**key_range("run.seed"), help="Run seed (default: the scenario's run.seed).")
    ] = None,
    set_: SetOpt = None,
    out: Annotated[
        Path, typer.Option(help="Directory for timeseries.csv, by_group.csv, summary.json, run.png.")
    ] = Path("out/run"),
    force: ForceOpt = False,
) -> None:
    """Run one scenario; write CSV, JSON and a PNG figure; print a summary table."""
    from rich.console import Console

    from cpsim.reports.plots import run_figure
    from cpsim.simulate import simulate
    from cpsim.studies import provenance

    params = load_scenario(scenario, with_flags(set_, days=days, seed=seed))
    check_fits(run_estimate(params), force)
    out_dir(out)
    result = simulate(params)
    prov = provenance.record(
        {params.run.name: params},
        {params.run.name: str(scenario)},
        seed=result.seed,
        replicate_seeds=[result.seed],
        days=len(result.timeseries),
        replicates=1,
        overrides=set_ or [],
        study="run",
    )
    with writing(out):
        result.timeseries.to_csv(out / "timeseries.csv", index=False)
        result.by_group.to_csv(out / "by_group.csv", index=False)
        result.by_neighborhood.to_csv(out / "by_neighborhood.csv", index=False)
        summary = {"scenario": params.run.name, "seed": result.seed, **result.summary, "provenance": prov}
        (out / "summary.json").write_text(json.dumps(summary, indent=2, default=float) + "\n")
        provenance.write_sidecar(prov, out / "provenance.json")
        run_figure(result, out / "run.png")
    console = Console()
    console.print(summary_table({params.run.name: result.summary}, f"{params.run.name} (seed {result.seed})"))
    console.print(
        f"wrote {out}/timeseries.csv, by_group.csv, by_neighborhood.csv, summary.json, provenance.json, run.png"
    )


@app.command()
def check(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    set_: SetOpt = None,
) -> None:
    """Validate a scenario file and print every resolved parameter (also those read from ``extends`` files)."""
    params = load_scenario(scenario, set_ or None)
    typer.echo(f"# {scenario}: valid")
    typer.echo(f"# {run_estimate(params).line()}")
    typer.echo(resolved_toml(params))

"""`cpsim trial`: run a virtual randomised field trial and print its effects."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from cpsim.cli.base import MAX_REPLICATES, MAX_WORKERS, InputError, app, key_range, out_dir, writing
from cpsim.cli.run import ForceOpt, SetOpt
from cpsim.resources import check_fits, run_estimate
from cpsim.scenario import load_scenario
from cpsim.trials import run_trial, trial_days

SHOWN_OUTCOMES = ("trust", "legitimacy", "effectiveness", "reports_violent")


def _fmt(x: float, digits: int = 4) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def effects_table(table: pd.DataFrame, day: int) -> Table:
    """ITT and TOT by subgroup, and spillover, for one follow-up day (the key outcomes)."""
    out = Table(title=f"follow-up: {day} days after the scheduled visit")
    for col in ("figure", "subgroup", "outcome", "n", "estimate", "se", "95% CI", "in SD"):
        out.add_column(col, justify="left" if col in ("figure", "subgroup", "outcome") else "right")
    rows = table[(table["day"] == day) & table["outcome"].isin(SHOWN_OUTCOMES)]
    for part in ("arm", "itt", "tot", "spillover_effect"):
        for _, r in rows[rows["part"] == part].iterrows():
            label = {"arm": f"mean, {r['level']}", "itt": "ITT", "tot": "TOT",
                     "spillover_effect": f"spillover, {r['level']} treated ties"}[part]
            out.add_row(
                label, r["subgroup"], r["outcome"], f"{r['n']:,.0f}", _fmt(r["estimate"]), _fmt(r["se"]),
                f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]", _fmt(r["effect_sd"], 3),
            )
        out.add_section()
    return out


@app.command()
def trial(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file with an enabled trial section.")],
    replicates: Annotated[
        int, typer.Option(min=1, max=MAX_REPLICATES, help="Independent simulated cities (seeds).")
    ] = 1,
    seed: Annotated[
        int | None, typer.Option(**key_range("run.seed"), help="Base seed of the replicates (default: run.seed).")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=MAX_WORKERS, help="Worker processes.")] = 2,
    set_: SetOpt = None,
    out: Annotated[Path, typer.Option(help="Directory for trial.csv and trial_replicates.csv.")] = Path("out/trial"),
    force: ForceOpt = False,
) -> None:
    """Run a virtual field trial: ITT and TOT effects by subgroup, and spillover, per follow-up."""
    params = load_scenario(scenario, set_ or None)
    if not params.trial.enabled:
        raise InputError(
            f"{scenario}: trial.enabled: the scenario runs no trial; allowed: a scenario with "
            "[trial] enabled = true (e.g. scenarios/trial_peyton.toml)"
        )
    check_fits(run_estimate(params, replicates, workers, trial_days(params)), force, "fewer --replicates or --workers")
    out_dir(out)
    result = run_trial(params, replicates=replicates, seed=seed, workers=workers)
    with writing(out):
        result.table.to_csv(out / "trial.csv", index=False)
        result.replicates.to_csv(out / "trial_replicates.csv", index=False)
    console = Console(width=None if Console().is_terminal else 140)
    t = params.trial
    console.print(
        f"{params.run.name}: {t.treatment}, eligibility {t.eligibility}, {t.assigned_share:.0%} assigned, "
        f"contact rate {t.contact_rate:.0%}; {replicates} replicate(s) of {result.days} days"
    )
    for day in sorted(result.table["day"].unique()):
        console.print(effects_table(result.table, int(day)))
    console.print(f"wrote {out}/trial.csv (all outcomes and subgroups) and {out}/trial_replicates.csv")

"""`cpsim trial`: run a virtual randomised field trial and print its effects."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cpsim.cli.run_command import ForceOpt, SetOpt
from cpsim.cli.typer_app import MAX_REPLICATES, MAX_WORKERS, InputError, SchedulerOpt, app, key_range, out_dir, writing
from cpsim.scenario import load_scenario
from cpsim.studies.resources import check_fits, run_estimate

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

SHOWN_OUTCOMES = ("trust", "legitimacy", "effectiveness", "reports_violent")


def _fmt(x: float, digits: int = 4) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def effects_table(table: pd.DataFrame, day: int) -> Table:
    """ITT and TOT by subgroup, and spillover, for one follow-up day (the key outcomes)."""
    from rich.table import Table

    out = Table(title=f"follow-up: {day} days after the scheduled visit")
    for col in ("figure", "subgroup", "outcome", "n", "estimate", "se", "95% CI", "in SD"):
        out.add_column(col, justify="left" if col in ("figure", "subgroup", "outcome") else "right")
    shown = table["outcome"].isin(SHOWN_OUTCOMES) & ~table["subgroup"].str.startswith("beat=")  # beats: own table
    rows = table[(table["day"] == day) & shown]
    for part in ("arm", "itt", "tot", "spillover_effect"):
        for _, r in rows[rows["part"] == part].iterrows():
            label = {
                "arm": f"mean, {r['level']}",
                "itt": "ITT",
                "tot": "TOT",
                "spillover_effect": f"spillover, {r['level']} treated ties",
            }[part]
            out.add_row(
                label,
                r["subgroup"],
                r["outcome"],
                f"{r['n']:,.0f}",
                _fmt(r["estimate"]),
                _fmt(r["se"]),
                f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]",
                _fmt(r["effect_sd"], 3),
            )
        out.add_section()
    return out


def beats_table(table: pd.DataFrame, day: int, outcome: str = "trust") -> Table:
    """ITT by beat for one outcome and follow-up day (who benefits, where)."""
    from rich.table import Table

    out = Table(title=f"ITT on {outcome} by beat, {day} days after the scheduled visit")
    for col in ("beat", "n", "ITT", "95% CI", "in SD"):
        out.add_column(col, justify="left" if col == "beat" else "right")
    rows = table[
        (table["day"] == day)
        & (table["part"] == "itt")
        & (table["outcome"] == outcome)
        & table["subgroup"].str.startswith("beat=")
    ]
    for _, r in rows.iterrows():
        out.add_row(
            r["subgroup"].removeprefix("beat="),
            f"{r['n']:,.0f}",
            _fmt(r["estimate"]),
            f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]",
            _fmt(r["effect_sd"], 3),
        )
    return out


def trial_figure(table: pd.DataFrame, path: Path, outcome: str = "trust") -> Path:
    """ITT with 95% CIs by subgroup (groups, prior-trust terciles, beats), one panel per follow-up day."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.parse_math"] = False  # group names are plain text, never formulas
    import matplotlib.pyplot as plt

    days = sorted(table["day"].unique())
    fig, axes = plt.subplots(
        1, len(days), figsize=(5.5 * len(days), 5), squeeze=False, sharey=True, constrained_layout=True
    )
    for ax, day in zip(axes[0], days, strict=True):
        rows = table[(table["day"] == day) & (table["part"] == "itt") & (table["outcome"] == outcome)]
        rows = rows.reset_index(drop=True)
        y = range(len(rows))[::-1]
        ax.errorbar(
            rows["estimate"],
            list(y),
            xerr=[rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]],
            fmt="o",
            capsize=3,
        )
        ax.axvline(0, color="#444444", ls="--", lw=1)
        ax.set_yticks(list(y), rows["subgroup"], fontsize=8)
        ax.set(title=f"{day} days after the date", xlabel=f"ITT on {outcome} (95% CI)")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"Who benefits from the treatment: ITT on {outcome} by subgroup", fontsize=11)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


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
    scheduler: SchedulerOpt = None,
    set_: SetOpt = None,
    out: Annotated[Path, typer.Option(help="Directory for trial.csv and trial_replicates.csv.")] = Path("out/trial"),
    force: ForceOpt = False,
    posterior: Annotated[
        Path | None,
        typer.Option(
            help="A calibration's output folder (or its posterior.parquet): replicate k runs with parameter set k "
            "drawn from it, so intervals cover parameter uncertainty as well as run-to-run chance."
        ),
    ] = None,
) -> None:
    """Run a virtual field trial: ITT and TOT effects by subgroup, and spillover, per follow-up."""
    from rich.console import Console

    from cpsim.studies.executors import scheduler_address
    from cpsim.studies.trials import run_trial

    params = load_scenario(scenario, set_ or None)
    address = scheduler_address(scheduler)  # a bad address (flag or environment) fails before anything is made
    if not params.trial.enabled:
        raise InputError(
            f"{scenario}: trial.enabled: the scenario runs no trial; allowed: a scenario with "
            "[trial] enabled = true (e.g. scenarios/trial_peyton.toml)"
        )
    from cpsim.studies import provenance
    from cpsim.studies.claims import intervals_cover
    from cpsim.studies.trials import replicate_seeds, trial_days

    if address is None:  # on a Dask cluster no run takes this machine's memory
        estimate = run_estimate(params, replicates, workers, trial_days(params))
        check_fits(estimate, force, "fewer --replicates or --workers")
    out_dir(out)
    base_seed = params.run.seed if seed is None else seed
    sets = None
    if posterior is not None:
        from cpsim.studies.calibration.posterior_draws import PosteriorError, check_sets, draw_sets

        try:
            sets = draw_sets(posterior, replicates, base_seed)
            check_sets(sets, [(str(scenario), params)])
        except PosteriorError as err:
            raise InputError(str(err)) from None
    result = run_trial(
        params, replicates=replicates, seed=seed, workers=workers, scheduler=address, parameter_sets=sets
    )
    prov = provenance.record(
        {params.run.name: params},
        {params.run.name: str(scenario)},
        seed=base_seed,
        replicate_seeds=replicate_seeds(base_seed, replicates),
        days=result.days,
        replicates=replicates,
        overrides=set_ or [],
        study="trial",
        **({"posterior": str(posterior), "parameter_sets": sets} if sets is not None else {}),
    )
    with writing(out):
        result.table.to_csv(out / "trial.csv", index=False)
        result.replicates.to_csv(out / "trial_replicates.csv", index=False)
        provenance.write_sidecar(prov, out / "provenance.json")
        trial_figure(result.table, out / "trial.png")
    console = Console(width=None if Console().is_terminal else 140)
    t = params.trial
    console.print(
        f"{params.run.name}: {t.treatment}, eligibility {t.eligibility}, {t.assigned_share:.0%} assigned, "
        f"contact rate {t.contact_rate:.0%}; {replicates} replicate(s) of {result.days} days"
    )
    for day in sorted(result.table["day"].unique()):
        console.print(effects_table(result.table, int(day)))
        console.print(beats_table(result.table, int(day)))
    if sets is not None:
        what = f"The standard errors and 95% intervals (each replicate with parameters drawn from {posterior})"
        console.print(intervals_cover(("seed", "parameters"), what=what), style="italic")
    else:
        console.print(intervals_cover(what="The standard errors and 95% intervals"), style="italic")
    console.print(
        f"wrote {out}/trial.csv (all outcomes and subgroups, beats included), trial_replicates.csv, "
        "trial.png and provenance.json"
    )

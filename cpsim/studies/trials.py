"""Virtual field trials over replicates: run a trial scenario several times and pool the tables.

Each replicate is an independent city (its own seed, from ``SeedSequence(run.seed)``) with
its own randomisation. Pooled estimates are the mean over replicates; their standard error
is ``sqrt(sum se_r^2) / R`` (independent replicates), and ``replicate_sd`` shows how much
the estimate moves from city to city.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cpsim.scenario import Scenario
from cpsim.simulate import resolve, simulate
from cpsim.studies.calibration.posterior_draws import set_overrides
from cpsim.studies.runner import replicate_seeds, run_parallel

KEYS = ["day", "part", "subgroup", "level", "outcome"]


def trial_days(scenario: Any) -> int:
    """Days a trial scenario must run so every resident's last follow-up is measured."""
    t = scenario.trial
    needed = t.start_day + t.delivery_days - 1 + max(t.followup_days)
    return max(scenario.run.days, needed)


def _one(scenario: Any, seed: int, days: int) -> pd.DataFrame:
    table = simulate(scenario, seed=seed, days=days).trial
    return table.assign(seed=seed)


@dataclass
class TrialResult:
    """A trial run over replicates.

    Attributes:
        table: Pooled table: KEYS, n, estimate, se, ci_low, ci_high, effect_sd, replicate_sd, replicates.
        replicates: Every replicate's own table (with its ``seed``).
        days: Days each replicate ran.

    """

    table: pd.DataFrame
    replicates: pd.DataFrame
    days: int


def pool(tables: pd.DataFrame) -> pd.DataFrame:
    """Pool replicate tables (rows with the same KEYS) into one estimate per row."""
    g = tables.groupby(KEYS, sort=False, dropna=False)
    out = g.agg(
        n=("n", "mean"),
        estimate=("estimate", "mean"),
        effect_sd=("effect_sd", "mean"),
        replicate_sd=("estimate", "std"),
        replicates=("estimate", "size"),
    ).reset_index()
    out["se"] = g["se"].apply(lambda s: float(np.sqrt(np.nansum(s**2))) / len(s)).to_numpy()
    out["ci_low"] = out["estimate"] - 1.96 * out["se"]
    out["ci_high"] = out["estimate"] + 1.96 * out["se"]
    cols = [*KEYS, "n", "estimate", "se", "ci_low", "ci_high", "effect_sd", "replicate_sd", "replicates"]
    return out[cols]


def run_trial(
    scenario: Scenario | str | Path,
    replicates: int = 1,
    seed: int | None = None,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    parameter_sets: Sequence[Mapping[str, float]] | None = None,
) -> TrialResult:
    """Run a trial scenario over replicates and pool the trial tables.

    Args:
        scenario: A Scenario or scenario file whose ``[trial]`` is enabled.
        replicates: Independent cities (seeds) to run.
        seed: Base seed for the replicate seeds (default: the scenario's run.seed).
        overrides: Dotted overrides.
        workers: Worker processes (default 1).
        scheduler: Dask scheduler address (default: DASK_SCHEDULER_ADDRESS, else local processes).
        parameter_sets: Calibrated values for each replicate (drawn from a posterior:
            cpsim.studies.calibration.posterior_draws); replicate k runs with set k.

    Returns:
        The pooled and per-replicate tables.

    Raises:
        ValueError: When the scenario has no enabled trial.

    """
    params = resolve(scenario, overrides)
    if not params.trial.enabled:
        raise ValueError("trial.enabled is false; allowed: a scenario with [trial] enabled = true")
    days = trial_days(params)
    seeds = replicate_seeds(params.run.seed if seed is None else seed, replicates)
    if parameter_sets is not None and len(parameter_sets) < replicates:
        raise ValueError(f"{len(parameter_sets)} parameter sets for {replicates} replicates; allowed: one a replicate")
    runs = [params] * replicates
    if parameter_sets is not None:
        runs = [resolve(params, set_overrides(params, dict(parameter_sets[k]))) for k in range(replicates)]
    tables = run_parallel(_one, [(p, s, days) for p, s in zip(runs, seeds, strict=True)], workers, scheduler)
    reps = pd.concat(tables, ignore_index=True)
    return TrialResult(pool(reps), reps, days)

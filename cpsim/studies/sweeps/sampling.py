"""Run tables: sample points of the varied parameters, times scenarios, times replicates.

Grid designs take every combination of the listed values; Latin hypercube designs use
scipy.stats.qmc; Sobol and Morris designs use SALib's samplers, whose point order the
matching analysers expect. Every run gets its own seed from
``SeedSequence(experiment.seed).spawn(n_runs)`` (or one per replicate, shared across points
and scenarios, with ``common_random_numbers``), so the table (and therefore every result)
is fixed by the experiment file alone, whichever executor runs it and in whatever order.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from scipy.stats import qmc

from cpsim.scenario import SECTIONS
from cpsim.scenario.rules import RULE_KEYS, RuleError, check_rules
from cpsim.studies.seeds import replicate_seeds
from cpsim.studies.sweeps.experiment import Experiment, ExperimentError


@dataclass(frozen=True)
class PlannedRun:
    """One planned run.

    Attributes:
        run_id: Position in the run table (scenario-major, then point, then replicate).
        scenario: Scenario name (run.name).
        point: Index of the sample point (the same values across scenarios).
        replicate: Replicate number at this point, from 0.
        params: Varied key -> value of this run.
        seed: The run seed.

    """

    run_id: int
    scenario: str
    point: int
    replicate: int
    params: dict[str, Any]
    seed: int


def problem(exp: Experiment) -> dict[str, Any]:
    """Return the SALib problem of a sampled experiment."""
    return {
        "num_vars": len(exp.vary),
        "names": exp.varied,
        "bounds": [list(exp.vary[k]) for k in exp.varied],
    }


def count_points(exp: Experiment) -> int:
    """Sample points of a design, counted without drawing them (a huge design is refused first)."""
    d = len(exp.vary)
    if exp.design == "grid":
        return math.prod(len(values) for values in exp.vary.values())
    if exp.design == "lhs":
        return exp.samples
    if exp.design == "sobol":  # Saltelli: N (D + 2), or N (2D + 2) with second-order indices
        return exp.samples * ((2 * d + 2) if exp.second_order else (d + 2))
    return exp.samples * (d + 1)  # Morris: N trajectories of D + 1 points


def count_runs(exp: Experiment) -> int:
    """Runs in an experiment: scenarios x points x replicates, counted without building the table."""
    return len(exp.scenarios) * count_points(exp) * exp.replicates


def sample_matrix(exp: Experiment) -> np.ndarray:
    """Sample the design of a sampled experiment (points x parameters), before rounding."""
    prob = problem(exp)
    if exp.design == "lhs":
        unit = qmc.LatinHypercube(d=prob["num_vars"], rng=exp.seed).random(exp.samples)
        lo, hi = np.array(prob["bounds"]).T
        return qmc.scale(unit, lo, hi)
    if exp.design == "sobol":
        return sobol_sample.sample(prob, exp.samples, calc_second_order=exp.second_order, seed=exp.seed)
    if exp.design == "morris":
        return morris_sample.sample(prob, exp.samples, num_levels=exp.levels, seed=exp.seed)
    raise ValueError(f"not a sampled design: {exp.design}")


def points(exp: Experiment) -> list[dict[str, Any]]:
    """List the sample points: one dict of varied key -> value per point."""
    keys = exp.varied
    if exp.design == "grid":
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(exp.vary[k] for k in keys))]
    whole = [_is_whole(k) for k in keys]
    return [
        {k: int(round(v)) if w else float(v) for k, v, w in zip(keys, row, whole, strict=True)}
        for row in sample_matrix(exp)
    ]


def _is_whole(key: str) -> bool:
    """Whether a parameter takes whole numbers (sampled values are then rounded)."""
    sec, _, name = key.partition(".")
    default = {f.name: f.default for f in dataclasses.fields(SECTIONS[sec])}[name]
    return isinstance(default, int) and not isinstance(default, bool)


def run_table(exp: Experiment) -> list[PlannedRun]:
    """List every run of the experiment: scenarios x points x replicates, with seeds.

    Seeds come from ``SeedSequence(exp.seed).spawn``: one per run, or, with
    ``common_random_numbers``, one per replicate shared by every point and scenario (the
    model draws each mechanism from its own named stream, so paired runs differ only
    where the varied parameters make them differ).
    """
    pts = points(exp)
    combos = [(sc, p, r) for sc in exp.scenarios for p in range(len(pts)) for r in range(exp.replicates)]
    if exp.common_random_numbers:
        per_replicate = replicate_seeds(exp.seed, exp.replicates)
        run_seeds = [per_replicate[r] for _, _, r in combos]
    else:
        run_seeds = replicate_seeds(exp.seed, len(combos))
    return [
        PlannedRun(run_id=i, scenario=sc, point=p, replicate=r, params=pts[p], seed=s)
        for i, ((sc, p, r), s) in enumerate(zip(combos, run_seeds, strict=True))
    ]


def check_points(exp: Experiment, plan: list[PlannedRun]) -> None:
    """Check every point of the design against the cross-key rules, in every scenario.

    Each varied value was checked on its own when the experiment was loaded; a combination
    (a grid's 500 beats with its 300 residents, a sampled point) can still break a rule
    that relates two keys. Only the rules run here, and only for the distinct values of the
    varied keys the rules read (none, for most designs), not a full load per point.

    Raises:
        ExperimentError: The first point that breaks a rule, with the rule's message.

    """
    keys = [k for k in exp.varied if k in RULE_KEYS]
    if not keys:
        return
    seen: set[tuple] = set()
    for run in plan:
        values = tuple(run.params[k] for k in keys)
        # list- and table-valued keys (group names, a program's areas) compared by their JSON
        hashable = json.dumps(values, sort_keys=True, default=str)
        if (run.scenario, hashable) in seen:
            continue
        seen.add((run.scenario, hashable))
        scenario = exp.scenarios[run.scenario]
        if exp.days is not None:  # the runs last the experiment's days: rules such as the survey's read run.days
            scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, days=exp.days))
        sections: dict[str, dict[str, Any]] = {}
        for key, value in zip(keys, values, strict=True):
            sec, _, name = key.partition(".")
            sections.setdefault(sec, {})[name] = tuple(value) if isinstance(value, list) else value
        changed = {sec: dataclasses.replace(getattr(scenario, sec), **vals) for sec, vals in sections.items()}
        try:
            check_rules(dataclasses.replace(scenario, **changed), lambda key: None)
        except RuleError as err:
            values = ", ".join(f"{k} = {v!r}" for k, v in run.params.items())
            raise ExperimentError(
                f"{exp.path}: vary: point {run.point} ({values}) in scenario {run.scenario!r}: {err.key}: {err}"
            ) from None

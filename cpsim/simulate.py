"""simulate(): one run of a scenario, returned as tables a researcher can analyse."""

from __future__ import annotations

import sys
import time
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from cpsim.metrics import DAILY, distribution_summary, long_table
from cpsim.model import CommunityModel
from cpsim.scenario import Flag, Scenario, apply_overrides, load_scenario, parse_override
from cpsim.survey import survey_summary


@dataclass
class Result:
    """The outcome of one run.

    Attributes:
        timeseries: One row per day (docs/metrics.md, daily figures).
        by_group: Long table: day, group, figures per resident group.
        by_neighborhood: Long table: day, beat, figures per police beat.
        summary: Whole-run and end-of-run figures.
        scenario: The scenario that ran.
        seed: The run seed.
        seconds: Wall-clock seconds of the run (build + steps).
        extra: Tables added by programs or trials (e.g. ``trial``).
        programs: Names of the programs that ran (their scenario sections).
        final: Residents' arrays at the end of the run (group, beat, trust, legitimacy,
            effectiveness, safety), held without copying; see :attr:`residents`.

    """

    timeseries: pd.DataFrame
    by_group: pd.DataFrame
    by_neighborhood: pd.DataFrame
    summary: dict[str, Any]
    scenario: Any
    seed: int
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    programs: list[str] = field(default_factory=list)
    final: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def residents(self) -> pd.DataFrame:
        """One row per resident at the end of the run: group name, beat and the trust and safety scores."""
        f = self.final
        if not f:
            return pd.DataFrame(columns=["group", "beat", "trust", "legitimacy", "effectiveness", "safety"])
        names = np.asarray(self.scenario.population.group_names, dtype=object)
        return pd.DataFrame({"group": names[f["group"]], **{k: v for k, v in f.items() if k != "group"}})

    @property
    def trial(self) -> pd.DataFrame | None:
        """The virtual field trial's table (cpsim.programs.field_trial), or None without a trial."""
        return self.extra.get("trial")

    @property
    def survey(self) -> pd.DataFrame | None:
        """The simulated survey's estimates per wave, area and group (cpsim.survey), or None without one."""
        return self.extra.get("survey")


def as_mapping(overrides: Mapping[str, Any] | Iterable[str] | None) -> dict[str, Any]:
    """Overrides as a dict, whether given as a mapping or as ``key=value`` texts."""
    if overrides is None:
        return {}
    if isinstance(overrides, Mapping):
        return dict(overrides)
    return dict(parse_override(str(o)) for o in overrides)


def resolve(scenario: Scenario | str | Path | None, overrides: Mapping[str, Any] | Iterable[str] | None = None):
    """A Scenario from a Scenario, a file path or None (defaults), with overrides applied."""
    overrides = as_mapping(overrides)
    if scenario is None:
        scenario = Scenario()
    if isinstance(scenario, (str, Path)):
        return load_scenario(scenario, overrides)
    return apply_overrides(scenario, overrides) if overrides else scenario


def simulate(
    scenario: Scenario | str | Path | None = None,
    seed: int | None = None,
    days: int | None = None,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    graph: nx.Graph | None = None,
) -> Result:
    """Run one scenario and collect its results.

    Args:
        scenario: A Scenario, a path to a scenario file, or None for the defaults.
        seed: Run seed (defaults to the scenario's run.seed).
        days: Days to simulate (defaults to the scenario's run.days).
        overrides: Dotted overrides applied to the scenario.
        graph: Optional networkx social graph (one node per resident).

    Returns:
        The run's Result.

    """
    start = time.perf_counter()
    # days and seed are checked like run.days and run.seed, with every rule that involves them
    asked = (("run.days", days), ("run.seed", seed))
    flags = {key: Flag(value, f"{key.split('.')[1]}={value!r}") for key, value in asked if value is not None}
    params = resolve(scenario, {**as_mapping(overrides), **flags})
    model = CommunityModel(params, graph=graph)
    n_days = params.run.days
    for _ in range(n_days):
        model.step()
    ts = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    ts.insert(0, "day", range(1, len(ts) + 1))
    ts = ts[["day", *DAILY]]
    groups = list(params.population.group_names)
    result = Result(
        timeseries=ts,
        by_group=long_table(model.by_group_rows, groups, "group"),
        by_neighborhood=long_table(model.by_beat_rows, list(range(model.n_beats)), "beat"),
        summary=model.summary(),
        scenario=params,
        seed=model.seed,
        programs=[p.name for p in model.programs],
        final={
            k: getattr(model.residents, k) for k in ("group", "beat", "trust", "legitimacy", "effectiveness", "safety")
        },
    )
    result.summary.update(distribution_summary(model.residents, ts))
    for program in model.programs:
        if hasattr(program, "results"):
            result.extra.update(program.results(model.surface))
    if model.survey is not None:
        result.extra["survey"] = model.survey.table()
    result.summary.update(survey_summary(result.survey))
    result.seconds = time.perf_counter() - start
    result.summary["seconds"] = result.seconds
    return result


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`simulate`.

    ``cpsim`` imports its public names on first use, and importing the submodule
    ``cpsim.simulate`` binds that name on the package to the module, not to the function:
    calling the module calls the function, so ``cpsim.simulate(...)`` works either way.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Result:
        return simulate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

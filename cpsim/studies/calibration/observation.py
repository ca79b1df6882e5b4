"""What the publisher does to a survey's area estimates beyond sampling: the calibration's observation model.

The simulated survey (cpsim/survey.py) draws answers, rakes them and reports each area's
estimate with its sampling error. A published area score can move more than that: Chicago's
area trust changes by an SD of 6.2-7.6 points from one year to the next and correlates only
0.55-0.73 between consecutive years (data/chicago/), while ~270 simulated answers an area a
year give a sampling SD of about 1.3 points. The vendor's aggregation is undocumented
(data/README.md): weights across demographics, a ZIP code mapped to an area, cells that may be
modelled. :class:`Observation` gives that unknown part one number a calibration can fit: an
error of each area's estimate in each wave, the same for the trust and safety scores (who
answered and how they were weighted moves both), independent between areas and waves. It is
applied to a simulated survey table after the run, so it changes no run and no scenario: a
calibration file names it as ``observation.area_sd`` among its parameters, and a fit that
finds it large says the data's area movement is measurement, one that finds it small says it
is the areas' own (the model's local shocks are fitted beside it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cpsim.scenario.params import param

PREFIX = "observation."


@dataclass(frozen=True)
class Observation:
    """The observation model's parameters (keys ``observation.<name>`` of a calibration's [parameters])."""

    area_sd: float = param(
        0.0,
        "points (0-100)",
        0,
        30,
        "SD of an error of each area's published estimate in each wave beyond the survey's sampling error "
        "(shared by the trust and safety scores, independent between areas and waves; group cells keep theirs)",
        "assumption; a calibration parameter: Chicago's area trust changes by an SD of 6.2-7.6 points a year "
        "and correlates 0.55-0.76 between consecutive years, with ~270 answers an area a year (data/README.md)",
    )


FIELDS: dict[str, dataclasses.Field] = {f.name: f for f in dataclasses.fields(Observation)}


def is_observation(key: str) -> bool:
    """Whether a calibrated key is the observation model's (not a scenario key)."""
    return key.startswith(PREFIX)


def split(values: dict[str, Any]) -> tuple[dict[str, Any], Observation]:
    """A proposal's values as scenario overrides and the observation model's settings."""
    scenario = {k: v for k, v in values.items() if not is_observation(k)}
    obs = Observation(**{k.removeprefix(PREFIX): float(v) for k, v in values.items() if is_observation(k)})
    return scenario, obs


def observe(table: pd.DataFrame, obs: Observation, seed: int) -> pd.DataFrame:
    """A simulated survey table as published: each area's estimate with the observation error added.

    Args:
        table: A survey table (``Result.survey``'s columns: wave, beat, group, trust, safety, ...).
        obs: The observation model.
        seed: The run's seed; the errors come from their own stream of it (the run is untouched).

    Returns:
        The table (a copy when errors are added), scores kept within 0-100.

    """
    if obs.area_sd <= 0:
        return table
    out = table.copy()
    rows = (out["beat"] >= 0) & (out["group"] == "all")
    # one draw per (wave, area) in a fixed order, so the same seed gives the same errors
    keys = out.loc[rows, ["wave", "beat"]].to_numpy()
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x0B5E]))
    waves, beats = int(keys[:, 0].max()) + 1 if len(keys) else 0, int(out["beat"].max()) + 1
    error = rng.normal(0.0, obs.area_sd, size=(max(waves, 1), max(beats, 1)))
    e = error[keys[:, 0].astype(int), keys[:, 1].astype(int)]
    for col in ("trust", "safety"):
        if col in out.columns:
            out.loc[rows, col] = np.clip(out.loc[rows, col].to_numpy(float) + e, 0.0, 100.0)
    return out

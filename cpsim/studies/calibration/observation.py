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
is the areas' own (the model's local shocks are fitted beside it). ``observation.shrink_responses``
adds the other thing an undocumented aggregation may do: pull each area's estimate toward the
city's, the more the fewer answers it has (modelled or smoothed cells). Chicago's smallest areas
move least from year to year and its largest most (python benchmarks/area_lags.py), which the
survey's sampling (small areas move most) and a size-blind error (all alike) cannot produce and
an error with shrinkage can.
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
    shrink_responses: float = param(
        0.0,
        "responses",
        0,
        10_000,
        "Responses at which an area's published estimate is half its own and half the city's: each area's "
        "estimate (its error included) is pulled toward the wave's response-weighted city mean with weight "
        "k / (n + k) for an area of n responses, as modelled or smoothed cells pull small areas (0: none)",
        "assumption; a calibration parameter: the vendor's aggregation is undocumented and small cells may be "
        "modelled (data/README.md); Chicago's smallest areas move least from year to year "
        "(python benchmarks/area_lags.py), which sampling and a size-blind error cannot produce",
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
    if obs.area_sd <= 0 and obs.shrink_responses <= 0:
        return table
    out = table.copy()
    rows = (out["beat"] >= 0) & (out["group"] == "all")
    # one draw per (wave, area) in a fixed order, so the same seed gives the same errors
    keys = out.loc[rows, ["wave", "beat"]].to_numpy()
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x0B5E]))
    waves, beats = int(keys[:, 0].max()) + 1 if len(keys) else 0, int(out["beat"].max()) + 1
    error = rng.normal(0.0, obs.area_sd, size=(max(waves, 1), max(beats, 1))) if obs.area_sd > 0 else None
    e = error[keys[:, 0].astype(int), keys[:, 1].astype(int)] if error is not None else 0.0
    for col in ("trust", "safety"):
        if col in out.columns:
            value = out.loc[rows, col].to_numpy(float) + e
            if obs.shrink_responses > 0:
                value = _shrunk(value, keys[:, 0], out.loc[rows, "n"].to_numpy(float), obs.shrink_responses)
            out.loc[rows, col] = np.clip(value, 0.0, 100.0)
    return out


def _shrunk(value: np.ndarray, wave: np.ndarray, n: np.ndarray, k: float) -> np.ndarray:
    """Each area's estimate pulled toward its wave's response-weighted city mean by k / (n + k)."""
    n = np.nan_to_num(n, nan=0.0)
    out = value.copy()
    for w in np.unique(wave):
        here = wave == w
        city = np.average(value[here], weights=n[here]) if n[here].sum() > 0 else value[here].mean()
        own = n[here] / (n[here] + k)
        out[here] = own * value[here] + (1.0 - own) * city
    return out

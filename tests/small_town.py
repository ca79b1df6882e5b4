"""The small town program tests run in: 3,000 residents in 4 beats, 150 days, seed 3.

Small towns keep the program tests fast. A program that is off does not run at all and draws
from no stream, so "off" runs equal the baseline exactly (common random numbers). A running
program draws from its own stream, but once it changes the state the core's draws follow
different paths, so effects are checked on the mechanism a program touches (hours at places,
offending, skill, stops, force outcomes), summed over enough events to dwarf the noise.
"""

from __future__ import annotations

from cpsim import simulate
from cpsim.model import CommunityModel
from cpsim.scenario import Scenario, apply_overrides

TOWN = {"population.residents": 3000, "population.beats": 4}
DAYS = 150


def scenario(**overrides) -> Scenario:
    """The default scenario in the small town, with dotted overrides (``a__b`` for ``a.b``)."""
    return apply_overrides(Scenario(), {**TOWN, **{k.replace("__", "."): v for k, v in overrides.items()}})


def run(days: int = DAYS, seed: int = 3, **overrides):
    """Simulate the town (``a__b=v`` overrides ``a.b``) and return its Result."""
    return simulate(scenario(**overrides), seed=seed, days=days)


def model_after(days: int, seed: int = 3, **overrides) -> CommunityModel:
    """The town's model after ``days`` steps."""
    m = CommunityModel(scenario(**overrides), seed=seed)
    for _ in range(days):
        m.step()
    return m


def program(model, name):
    """The model's running program called ``name``."""
    return next(p for p in model.programs if p.name == name)


SHORT = 70  # every program has acted by then (the incident on day 60)

"""Policy levers: what the police do from day 1, as distinct from the city they do it in.

A scenario is a city and a policy. Comparing scenarios asks what a change of policy would do to
the same city, so a run starts where the city's usual policing has left it — residents' trust
and what they are used to, the department's expectations, offenders in custody — and the
scenario's own levers act from day 1. The start is computed with these keys at their defaults
(``usual_policing``); everything else a scenario sets (its residents, officers, history,
programs' sections, which act from their own start days) is the city.
"""

from __future__ import annotations

import dataclasses
from typing import Any

# section -> keys: the core settings a strategy changes (the classroom page's levers, budget cuts).
POLICY_LEVERS: dict[str, tuple[str, ...]] = {
    "patrol": ("foot_hours",),
    "enforcement": ("proactive_hours",),
    "policing": ("budget_cut", "cut_order"),
}


def usual_policing(scenario: Any) -> Any:
    """The scenario with its policy levers at their defaults: the policing its city had before day 1."""
    changes = {}
    for section, keys in POLICY_LEVERS.items():
        sec = getattr(scenario, section)
        defaults = {f.name: f.default for f in dataclasses.fields(sec) if f.name in keys}
        if any(getattr(sec, k) != v for k, v in defaults.items()):
            changes[section] = dataclasses.replace(sec, **defaults)
    return dataclasses.replace(scenario, **changes) if changes else scenario

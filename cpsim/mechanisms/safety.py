"""Perceived safety (feelings of security).

Each day a resident's perceived safety s moves toward what they see, with half-life
``safety.half_life_days``:

    target = base_safety * (1 - disorder_weight * (disorder at home - the city's usual))
             + foot_seen_weight * (chance of seeing police on foot in a week - the city's usual)
             + effectiveness_weight * (perceived effectiveness - the city's usual)

Police seen on foot reassure (Newark foot patrol), routine car patrol does not (Kansas
City), and residents who believe police get results fear less. What the city usually shows
follows what it shows (cpsim.mechanisms.conditions). Their own victimisation
takes ``victim_drop`` of s at once, and hearing of victimisations (word of mouth, fear
channel) takes ``heard_weight`` of that. The target is recomputed weekly (what residents
see changes slowly); the daily steps move toward it.
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels import surroundings as kernel
from cpsim.mechanisms.bounds import unit


def safety_target(
    res,
    disorder_home: np.ndarray,
    seen: np.ndarray,
    reference: dict[str, float],
    safety,
) -> np.ndarray:
    """The perceived safety each resident's surroundings warrant.

    Args:
        res: Residents arrays (base_safety, effectiveness).
        disorder_home: Visible disorder at each resident's street segment.
        seen: Chance of seeing police on foot in a week.
        reference: What the city usually shows ("disorder", "seen", "effectiveness": city means that follow it).
        safety: The safety section.

    Returns:
        Target safety per resident, 0..1.
    """
    target = res.base_safety * (1.0 - safety.disorder_weight * (disorder_home - reference["disorder"]))
    target += safety.foot_seen_weight * (seen - reference["seen"])
    target += safety.effectiveness_weight * (res.effectiveness - reference["effectiveness"])
    return unit(target)


def update_safety(
    res, target: np.ndarray, victims: np.ndarray, listeners: np.ndarray, heard: np.ndarray, safety, factor: float
) -> None:
    """Move residents' perceived safety toward the target; victimisation and its news lower it (in place).

    Args:
        res: Residents arrays (safety is changed).
        target: Target safety per resident.
        victims: Today's victims (a resident victimised twice loses ``victim_drop`` once).
        listeners: Residents who heard stories today (unique).
        heard: What each listener heard, one row each; column 2 is victimisation news (fear).
        safety: The safety section.
        factor: Share of the gap to the target left after the day.

    """
    # One compiled pass (cpsim.kernels.surroundings.feel), the numpy steps' values to the bit:
    #   s -= target; s *= factor; s += target
    #   s[listeners] *= 1 - heard_weight * victim_drop * clip(fear, 0, 1);  s[victims] *= 1 - victim_drop
    kernel.feel(
        res.safety,
        target,
        factor,
        listeners,
        heard,
        safety.heard_weight * safety.victim_drop,
        victims,
        1.0 - safety.victim_drop,
    )

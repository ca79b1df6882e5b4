"""What residents see of their neighbourhood, and what they are used to.

A resident out on the street sees police on foot at their street segment at the daily rate

    lambda_i = patrol.sighting_rate * street_time_i * F_place

where F is the running average of officer hours on foot at the place (routine and directed
foot patrol, and program work done walking the beat). The chance of seeing police on foot in a
week is ``1 - exp(-7 lambda)`` (CSEW asks how often one sees police on foot). What residents see
sets the level their perceived effectiveness settles at (Jackson & Bradford 2009: confidence
expresses concern about disorder; CSEW: those who see foot patrol rate police better), judged
against what they are used to (an adaptation level, Helson 1964):

    conditions_i = - trust.disorder_weight * (disorder at home - the usual there)
                   + trust.foot_seen_weight * (seen weekly_i - the usual for i)

What residents are used to — the disorder at each place, each resident's chance of seeing
police on foot, and each resident's perceived effectiveness (which the legitimacy anchor and
perceived safety are judged against) — starts at what they see as the run starts and takes one
step a week toward what they see now, with half-life ``trust.reference_half_life_days``: a
change is noticed, and then becomes the usual, so its effect on where attitudes settle peaks
and fades and programs' effects saturate. Where residents live already shapes what they think
of police through what they live and hear (cpsim.mechanisms.norms); conditions add how that
changes. Crime reaches effectiveness through what it leaves (disorder), the victimisations
residents suffer and hear of, and the memories they build, not through a rate residents cannot
see (one path, not two). The start does not depend on the policy a scenario sets from day 1.
"""

from __future__ import annotations

import numpy as np


def seen_weekly(res, foot_at_place: np.ndarray, rate: float) -> np.ndarray:
    """Each resident's chance of seeing police on foot at least once in a week."""
    return 1.0 - np.exp(-7.0 * rate * res.street_time * foot_at_place[res.place])


def effectiveness_conditions(
    disorder_home: np.ndarray, seen: np.ndarray, usual: dict[str, np.ndarray], t
) -> np.ndarray:
    """How far what residents see, against what they are used to, moves where effectiveness settles.

    Args:
        disorder_home: Visible disorder at each resident's street segment.
        seen: Chance of seeing police on foot in a week.
        usual: What residents are used to, per resident ("disorder" at home, "seen").
        t: The trust section.

    Returns:
        The conditions term per resident (0 where nothing has changed).
    """
    return -t.disorder_weight * (disorder_home - usual["disorder"]) + t.foot_seen_weight * (seen - usual["seen"])


def follow(usual: dict[str, np.ndarray], now: dict[str, np.ndarray], keep: float) -> None:
    """One step of what residents are used to toward what they see now (in place).

    Args:
        usual: What residents are used to, by key (arrays).
        now: What they see now, by key (arrays of the same shapes).
        keep: Share of the distance left after the step.
    """
    for key, value in now.items():
        usual[key] += (1.0 - keep) * (value - usual[key])

"""What residents see of their neighbourhood, and what they are used to.

A resident out on the street sees police on foot at their street segment at the daily rate

    lambda_i = patrol.sighting_rate * street_time_i * F_place

where F is the running average of officer hours on foot at the place (routine and directed
foot patrol, and program work done walking the beat). The chance of seeing police on foot in a
week is ``1 - exp(-7 lambda)`` (CSEW asks how often one sees police on foot). What residents see
sets the level their perceived effectiveness settles at (Jackson & Bradford 2009: confidence
expresses concern about disorder; CSEW: those who see foot patrol rate police better), judged
against what the city usually shows (an adaptation level, Helson 1964):

    conditions_i = - trust.disorder_weight * (disorder at home - R_disorder)
                   + trust.foot_seen_weight * (seen weekly_i - R_seen)

The references R (city means of disorder at home and police seen on foot, and of perceived
effectiveness, which the legitimacy anchor and perceived safety are judged against) follow
what the city shows, one step a week with half-life ``trust.reference_half_life_days``: a
neighbourhood better or worse than the city stays so in residents' eyes, while a change of the
whole city is noticed and then becomes the usual, so effects saturate. They start at what the
city showed under its usual policing (cpsim.scenario.policy): a scenario's own levers are a
change from day 1. Crime reaches effectiveness through what it leaves (disorder at home), the
victimisations residents suffer and hear of, and the memories they build
(cpsim.mechanisms.norms), not through a rate residents cannot see (one path, not two).
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels.numpy_path.attitudes import conditions

# numpy's dot is OpenBLAS's, which splits a dot of more values than this over its threads: the
# result then depends on the machine's cores, and each call leaves the idle threads spinning for
# ~0.1 s of CPU (at 1,000,000 residents, 16,678 places: 7.4 ms of a 46 ms day, once a week).
SINGLE_THREAD_DOT = 10_000


def home_disorder(disorder: np.ndarray, residents: np.ndarray, n: int) -> float:
    """The city's mean disorder at home: ``np.dot(disorder, residents) / max(n, 1)``.

    A longer dot is summed as OpenBLAS sums it on as many threads as it takes to keep each
    piece within ``SINGLE_THREAD_DOT`` values (two up to 20,000 places): the pieces split as
    its threads split them (the first ones a value longer), each piece's dot numpy's, their
    sum from 0.0 in order, so two threads' result to the bit, without waking any thread.

    Args:
        disorder: Disorder per place.
        residents: Residents per place.
        n: Residents in the city.
    """
    size = disorder.size
    if size <= SINGLE_THREAD_DOT:
        return float(np.dot(disorder, residents) / max(n, 1))
    total, start = 0.0, 0
    for left in range(-(-size // SINGLE_THREAD_DOT), 0, -1):  # pieces left, this one included
        end = start + -(-(size - start) // left)
        total = total + np.dot(disorder[start:end], residents[start:end])
        start = end
    return float(total / max(n, 1))


def seen_weekly(res, foot_at_place: np.ndarray, rate: float) -> np.ndarray:
    """Each resident's chance of seeing police on foot at least once in a week."""
    return 1.0 - np.exp(-7.0 * rate * res.street_time * foot_at_place[res.place])


def effectiveness_conditions(disorder_home: np.ndarray, seen: np.ndarray, reference: dict[str, float], t) -> np.ndarray:
    """How far what residents see, against what the city usually shows, moves where effectiveness settles.

    Args:
        disorder_home: Visible disorder at each resident's street segment.
        seen: Chance of seeing police on foot in a week.
        reference: What residents are used to ("disorder", "seen").
        t: The trust section.

    Returns:
        The conditions term per resident (0 where a place shows what the city usually does).
    """
    return conditions(
        disorder_home, seen, reference["disorder"], reference["seen"], t.disorder_weight, t.foot_seen_weight
    )


def follow(reference: dict[str, float], now: dict[str, float], keep: float) -> None:
    """One step of what residents are used to toward what the city shows now (in place).

    Args:
        reference: What residents are used to, by key.
        now: What the city shows now, by key (the same keys).
        keep: Share of the distance left after the step.
    """
    for key, value in now.items():
        reference[key] += (1.0 - keep) * (value - reference[key])

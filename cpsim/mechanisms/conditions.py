"""What residents see of their neighbourhood: police on foot, disorder, crime around them.

A resident out on the street sees police on foot at their street segment at the daily rate

    lambda_i = patrol.sighting_rate * street_time_i * F_place

where F is the running average of officer hours on foot at the place (routine and directed
foot patrol, and program work done walking the beat). The chance of seeing police on foot in a week is
``1 - exp(-7 lambda)`` (CSEW asks how often one sees police on foot). What residents see
sets the level their perceived effectiveness settles at (Jackson & Bradford 2009: confidence
expresses concern about disorder; CSEW: those who see foot patrol rate police better),
judged against what they were used to at the start (an adaptation level: a city's
structure is already in its residents' starting trust, and a change moves it):

    conditions_i = - trust.disorder_weight * (disorder at home - disorder there at the start)
                   - trust.crime_weight * ln(beat victimisation rate / its rate at the start)
                   + trust.foot_seen_weight * (seen weekly_i - seen weekly_i at the start)
"""

from __future__ import annotations

import numpy as np


def seen_weekly(res, foot_at_place: np.ndarray, rate: float) -> np.ndarray:
    """Each resident's chance of seeing police on foot at least once in a week."""
    return 1.0 - np.exp(-7.0 * rate * res.street_time * foot_at_place[res.place])


def effectiveness_conditions(
    disorder_home: np.ndarray,
    disorder_home_start: np.ndarray,
    crime_ratio_home: np.ndarray,
    seen: np.ndarray,
    seen_start: np.ndarray,
    t,
) -> np.ndarray:
    """How far what residents see now, against what they were used to, moves where effectiveness settles.

    Args:
        disorder_home: Visible disorder at each resident's street segment.
        disorder_home_start: The same at the start.
        crime_ratio_home: Victimisation rate of each resident's beat over its rate at the start.
        seen: Chance of seeing police on foot in a week.
        seen_start: The same at the start.
        t: The trust section.

    Returns:
        The conditions term per resident (0 while nothing changes).
    """
    return (
        -t.disorder_weight * (disorder_home - disorder_home_start)
        - t.crime_weight * np.log(np.maximum(crime_ratio_home, 1e-3))
        + t.foot_seen_weight * (seen - seen_start)
    )

"""What residents see of their neighbourhood: police on foot, disorder, crime around them.

A resident out on the street sees police on foot at their street segment at the daily rate

    lambda_i = patrol.sighting_rate * street_time_i * F_place

where F is the running average of visible foot hours at the place (foot patrol plus the
visible share of community work). The chance of seeing police on foot in a week is
``1 - exp(-7 lambda)`` (CSEW asks how often one sees police on foot). What residents see
sets the level their perceived effectiveness settles at (Jackson & Bradford 2009: confidence
expresses concern about disorder; CSEW: those who see foot patrol rate police better):

    conditions_i = - trust.disorder_weight * (disorder at home - city mean at start)
                   - trust.crime_weight * ln(beat victimisation rate / city rate at start)
                   + trust.foot_seen_weight * (seen weekly_i - city mean at start)
"""

from __future__ import annotations

import numpy as np


def seen_weekly(res, foot_at_place: np.ndarray, rate: float) -> np.ndarray:
    """Each resident's chance of seeing police on foot at least once in a week."""
    return 1.0 - np.exp(-7.0 * rate * res.street_time * foot_at_place[res.place])


def effectiveness_conditions(
    disorder_home: np.ndarray,
    crime_ratio_home: np.ndarray,
    seen: np.ndarray,
    reference: dict[str, float],
    t,
) -> np.ndarray:
    """How far what residents see pushes the level their perceived effectiveness settles at.

    Args:
        disorder_home: Visible disorder at each resident's street segment.
        crime_ratio_home: Victimisation rate of each resident's beat over the city's at the start.
        seen: Chance of seeing police on foot in a week.
        reference: City means at the start ("disorder", "seen").
        t: The trust section.

    Returns:
        The conditions term per resident.
    """
    return (
        -t.disorder_weight * (disorder_home - reference["disorder"])
        - t.crime_weight * np.log(np.maximum(crime_ratio_home, 1e-3))
        + t.foot_seen_weight * (seen - reference["seen"])
    )

"""Unit conversions of scenario rates: one home for how a yearly rate per head becomes a day's count.

Scenario rates are per 1,000 residents (or per 100,000 people) a year, as the sources give them
(F5, F6, F12); the day draws counts. The order of the operations is part of the result (the
stored runs hold its bits): the head count times the rate, over the base, over the year's days.
"""

from __future__ import annotations

DAYS_PER_YEAR = 365.0
PER_1000_A_YEAR = 1000.0 * DAYS_PER_YEAR  # per head a day -> per 1,000 a year (the inverse of per_day)


def per_day(people, rate_a_year, per: float = 1000.0):
    """Expected count a day among ``people`` of a rate given per ``per`` people a year.

    Args:
        people: Head count (a number or an array, e.g. residents per beat).
        rate_a_year: The yearly rate per ``per`` people.
        per: The rate's base (1,000 residents; 100,000 people for incidents).

    Returns:
        ``people * rate_a_year / per / DAYS_PER_YEAR``, in that order.
    """
    return people * rate_a_year / per / DAYS_PER_YEAR

"""Memory's daily step: current trust relaxes toward the attitude, and the trust index is rebuilt.

Phase 14 (cpsim.mechanisms.trust) moves each resident's legitimacy and effectiveness toward
their attitudes (``relax``: three in-place ufuncs each) and writes the trust index
(``combine``: two more, and a temporary). ``remember`` does the same arithmetic in one pass
over the residents, operation by operation as numpy does it, so every value is numpy's to
the bit.
"""


def remember(
    double[::1] legitimacy,
    const double[::1] attitude_legitimacy,
    double[::1] effectiveness,
    const double[::1] attitude_effectiveness,
    double factor,
    double weight,
    double[::1] trust,
):
    """Relax both components toward their attitudes and write the trust index, in place.

    Computes, to the bit::

        relax(legitimacy, attitude_legitimacy, factor)      # x -= a; x *= factor; x += a
        relax(effectiveness, attitude_effectiveness, factor)
        combine(legitimacy, effectiveness, weight, trust)   # trust = l * w; trust += (1 - w) * e

    Args:
        legitimacy: Current legitimacy (changed in place).
        attitude_legitimacy: Its attitude.
        effectiveness: Current effectiveness (changed in place).
        attitude_effectiveness: Its attitude.
        factor: Share of the deviation left after the day.
        weight: Legitimacy's weight in the trust index.
        trust: The trust index (written).

    Raises:
        ValueError: The arrays differ in length.

    """
    cdef Py_ssize_t i, n = legitimacy.shape[0]
    # (1 - w) once, as numpy computes the scalar before multiplying the array by it.
    cdef double x, y, t, rest = 1.0 - weight
    if not (
        attitude_legitimacy.shape[0] == effectiveness.shape[0] == attitude_effectiveness.shape[0]
        == trust.shape[0] == n
    ):
        raise ValueError("legitimacy, effectiveness, their attitudes and trust must have one length")
    for i in range(n):
        x = legitimacy[i] - attitude_legitimacy[i]
        x = x * factor
        x = x + attitude_legitimacy[i]
        legitimacy[i] = x
        y = effectiveness[i] - attitude_effectiveness[i]
        y = y * factor
        y = y + attitude_effectiveness[i]
        effectiveness[i] = y
        t = x * weight
        t = t + rest * y
        trust[i] = t

# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/memory.py.

cimport numpy as cnp

from cpsim.kernels.arrays cimport doubles, out_doubles, size

cnp.import_array()

# The arrays are reached through their data pointers (cpsim.kernels.arrays), each checked once
# for type, length and, where written, writeability: a typed memoryview costs ~0.6 µs per array.


def remember(
    legitimacy,
    attitude_legitimacy,
    effectiveness,
    attitude_effectiveness,
    double factor,
    double weight,
    trust,
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
    cdef Py_ssize_t i
    cdef double *lg = out_doubles(legitimacy, -1, "legitimacy")
    cdef Py_ssize_t n = size(legitimacy)
    cdef const double *al = doubles(attitude_legitimacy, -1, "attitude_legitimacy")
    cdef double *ef = out_doubles(effectiveness, -1, "effectiveness")
    cdef const double *ae = doubles(attitude_effectiveness, -1, "attitude_effectiveness")
    cdef double *tr = out_doubles(trust, -1, "trust")
    # (1 - w) once, as numpy computes the scalar before multiplying the array by it.
    cdef double x, y, t, rest = 1.0 - weight
    if not (size(attitude_legitimacy) == size(effectiveness) == size(attitude_effectiveness) == size(trust) == n):
        raise ValueError("legitimacy, effectiveness, their attitudes and trust must have one length")
    for i in range(n):
        x = lg[i] - al[i]
        x = x * factor
        x = x + al[i]
        lg[i] = x
        y = ef[i] - ae[i]
        y = y * factor
        y = y + ae[i]
        ef[i] = y
        t = x * weight
        t = t + rest * y
        tr[i] = t

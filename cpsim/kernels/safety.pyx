"""Perceived safety's daily step, and the running averages of what residents see, in single passes.

Phase 13 (cpsim.model ``_safety``, cpsim.mechanisms.safety) is a dozen-odd small in-place
updates: police presence per beat, police seen on foot per place, disorder relaxing toward
its base, and each resident's perceived safety moving toward its target, lowered by their
own victimisation and by what they heard. In numpy each is a few ufuncs on arrays of a few
beats or places, and the cost is the calls. These kernels do the same arithmetic, operation
by operation in numpy's order (a*b+c rounds twice; clip keeps NaN and -0.0 as np.clip
does), so every value is numpy's to the bit.
"""

import numpy as np


cdef inline double _clip(double x, double lo, double hi) noexcept nogil:
    # np.clip's own rule: NaN passes through, and a value equal to a limit (-0.0 at 0.0) is kept.
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def presence(
    const double[::1] previous,
    double keep,
    const double[::1] response,
    const double[::1] foot,
    const double[::1] enforcement,
    const double[::1] car,
    const double[::1] community,
    double community_presence,
    const long long[::1] beat_residents,
):
    """Street hours per 1000 residents of each beat, a running average.

    Computes, to the bit::

        street = response + foot + enforcement + car + community_presence * community
        keep * previous + (1 - keep) * street * 1000.0 / np.maximum(beat_residents, 1)

    Returns:
        The new averages (a new array, one per beat).

    Raises:
        ValueError: The arrays differ in length.

    """
    cdef Py_ssize_t b, n = previous.shape[0]
    cdef double street, fresh, rest = 1.0 - keep
    if not (
        response.shape[0] == foot.shape[0] == enforcement.shape[0] == car.shape[0] == community.shape[0]
        == beat_residents.shape[0] == n
    ):
        raise ValueError("presence's arrays must have one value per beat")
    out = np.empty(n)
    cdef double[::1] o = out
    for b in range(n):
        street = response[b] + foot[b]
        street = street + enforcement[b]
        street = street + car[b]
        street = street + community_presence * community[b]
        fresh = rest * street
        fresh = fresh * 1000.0
        fresh = fresh / <double> (beat_residents[b] if beat_residents[b] > 1 else 1)
        o[b] = keep * previous[b] + fresh
    return out


def approach(double[::1] x, const double[::1] base, double rate, bint clip=False):
    """Move x toward base by ``rate`` of the gap, in place; with ``clip``, then limit it to 0..1.

    Computes, to the bit, ``x += rate * (base - x)`` and, with ``clip``, ``np.clip(x, 0.0, 1.0, out=x)``.

    Raises:
        ValueError: x and base differ in length.

    """
    cdef Py_ssize_t i, n = x.shape[0]
    cdef double v
    if base.shape[0] != n:
        raise ValueError(f"base has {base.shape[0]} values for {n}")
    for i in range(n):
        v = base[i] - x[i]
        v = x[i] + rate * v
        x[i] = _clip(v, 0.0, 1.0) if clip else v


def feel(
    double[::1] safety,
    const double[::1] target,
    double keep,
    const long long[::1] listeners,
    const double[:, ::1] heard,
    double heard_drop,
    const long long[::1] victims,
    double victim_keep,
):
    """Perceived safety: toward its target, then lowered by stories of victimisation and by victimisation.

    Computes, to the bit (fancy-indexed updates gather, multiply, then scatter, as numpy does,
    so a repeated victim is hit once)::

        safety -= target; safety *= keep; safety += target
        safety[listeners] *= 1.0 - heard_drop * np.clip(heard[:, 2], 0.0, 1.0)
        safety[victims] *= victim_keep

    Args:
        safety: Perceived safety per resident (changed in place).
        target: Where it settles.
        keep: Share of the gap left after the day.
        listeners: Residents who heard stories today.
        heard: What each listener heard (column 2: victimisation news).
        heard_drop: heard_weight * victim_drop.
        victims: Today's victims (may repeat).
        victim_keep: 1 - victim_drop.

    Raises:
        ValueError: The arrays' lengths do not match, or an index names no resident.

    """
    cdef Py_ssize_t i, n = safety.shape[0], m = listeners.shape[0], k = victims.shape[0]
    cdef double v
    if target.shape[0] != n:
        raise ValueError(f"target has {target.shape[0]} values for {n} residents")
    if m and (heard.shape[0] != m or heard.shape[1] < 3):
        raise ValueError(f"heard must be {m} x 3, not {heard.shape[0]} x {heard.shape[1]}")
    for i in range(m):
        if listeners[i] < 0 or listeners[i] >= n:
            raise ValueError(f"listener {listeners[i]} is not one of 0..{n - 1}")
    for i in range(k):
        if victims[i] < 0 or victims[i] >= n:
            raise ValueError(f"victim {victims[i]} is not one of 0..{n - 1}")
    for i in range(n):
        v = safety[i] - target[i]
        v = v * keep
        safety[i] = v + target[i]
    gathered = np.empty(max(m, k))
    cdef double[::1] g = gathered
    for i in range(m):
        g[i] = safety[listeners[i]] * (1.0 - heard_drop * _clip(heard[i, 2], 0.0, 1.0))
    for i in range(m):
        safety[listeners[i]] = g[i]
    for i in range(k):
        g[i] = safety[victims[i]] * victim_keep
    for i in range(k):
        safety[victims[i]] = g[i]

# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/surroundings.py.

cimport numpy as cnp

from cpsim.kernels.arrays cimport doubles, empty, longs, out_doubles, matrix, size
from cpsim.kernels.elementwise cimport clip as limit  # (approach has an argument named clip)

cnp.import_array()

# The arrays are reached through their data pointers (cpsim.kernels.arrays), each checked once
# for type, length and, where written, writeability: a typed memoryview costs ~0.6 µs per array.


def presence(previous, double keep, hours, double community_presence, beat_residents):
    """Street hours per 1000 residents of each beat, a running average.

    Computes, to the bit::

        street = response + foot + enforcement + car + community_presence * community
        keep * previous + (1 - keep) * street * 1000.0 / np.maximum(beat_residents, 1)

    Args:
        previous: Yesterday's averages, one per beat.
        keep: Share of yesterday's average kept.
        hours: Today's hours by activity (cpsim.mechanisms.policing.allocate_hours): ``response``,
            ``foot``, ``enforcement``, ``car`` and ``community``, one value per beat each.
        community_presence: patrol.community_presence, the share of community work that shows.
        beat_residents: Residents per beat (int64).

    Returns:
        The new averages (a new array, one per beat).

    Raises:
        ValueError: The arrays differ in length.

    """
    cdef Py_ssize_t b
    # The day's hours are read once, here, under the equation's names.
    response, foot, enforcement = hours["response"], hours["foot"], hours["enforcement"]
    car, community = hours["car"], hours["community"]
    cdef const double *pv = doubles(previous, -1, "previous")
    cdef Py_ssize_t n = size(previous)
    cdef const double *rs = doubles(response, -1, "response")
    cdef const double *ft = doubles(foot, -1, "foot")
    cdef const double *en = doubles(enforcement, -1, "enforcement")
    cdef const double *cr = doubles(car, -1, "car")
    cdef const double *cm = doubles(community, -1, "community")
    cdef const long long *br = longs(beat_residents, -1, "beat_residents")
    cdef double street, fresh, rest = 1.0 - keep
    if not (
        size(response) == size(foot) == size(enforcement) == size(car) == size(community)
        == size(beat_residents) == n
    ):
        raise ValueError("presence's arrays must have one value per beat")
    out = empty(n, cnp.NPY_DOUBLE)
    cdef double *o = <double *> cnp.PyArray_DATA(out)
    for b in range(n):
        street = rs[b] + ft[b]
        street = street + en[b]
        street = street + cr[b]
        street = street + community_presence * cm[b]
        fresh = rest * street
        fresh = fresh * 1000.0
        fresh = fresh / <double> (br[b] if br[b] > 1 else 1)
        o[b] = keep * pv[b] + fresh
    return out


def approach(x, base, double rate, bint clip=False):
    """Move x toward base by ``rate`` of the gap, in place; with ``clip``, then limit it to 0..1.

    Computes, to the bit, ``x += rate * (base - x)`` and, with ``clip``, ``np.clip(x, 0.0, 1.0, out=x)``.

    Raises:
        ValueError: x and base differ in length.

    """
    cdef Py_ssize_t i
    cdef double *xs = out_doubles(x, -1, "x")
    cdef Py_ssize_t n = size(x)
    cdef const double *bs = doubles(base, -1, "base")
    cdef double v
    if size(base) != n:
        raise ValueError(f"base has {size(base)} values for {n}")
    for i in range(n):
        v = bs[i] - xs[i]
        v = xs[i] + rate * v
        xs[i] = limit(v, 0.0, 1.0) if clip else v


def feel(
    safety,
    target,
    double keep,
    listeners,
    heard,
    double heard_drop,
    victims,
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
    cdef Py_ssize_t i
    cdef double *s = out_doubles(safety, -1, "safety")
    cdef Py_ssize_t n = size(safety)
    cdef const double *tg = doubles(target, -1, "target")
    cdef const long long *ls = longs(listeners, -1, "listeners")
    cdef Py_ssize_t m = size(listeners)
    cdef cnp.ndarray hd = matrix(heard, "heard")
    cdef const char *rows = <const char *> cnp.PyArray_DATA(hd)
    cdef Py_ssize_t row_step = cnp.PyArray_STRIDE(hd, 0)
    cdef const long long *vs = longs(victims, -1, "victims")
    cdef Py_ssize_t k = size(victims)
    cdef double v
    if size(target) != n:
        raise ValueError(f"target has {size(target)} values for {n} residents")
    if m and (cnp.PyArray_DIM(hd, 0) != m or cnp.PyArray_DIM(hd, 1) < 3):
        raise ValueError(f"heard must be {m} x 3, not {cnp.PyArray_DIM(hd, 0)} x {cnp.PyArray_DIM(hd, 1)}")
    for i in range(m):
        if ls[i] < 0 or ls[i] >= n:
            raise ValueError(f"listener {ls[i]} is not one of 0..{n - 1}")
    for i in range(k):
        if vs[i] < 0 or vs[i] >= n:
            raise ValueError(f"victim {vs[i]} is not one of 0..{n - 1}")
    for i in range(n):
        v = s[i] - tg[i]
        v = v * keep
        s[i] = v + tg[i]
    gathered = empty(max(m, k), cnp.NPY_DOUBLE)
    cdef double *g = <double *> cnp.PyArray_DATA(gathered)
    for i in range(m):
        g[i] = s[ls[i]] * (1.0 - heard_drop * limit((<const double *> (rows + i * row_step))[2], 0.0, 1.0))
    for i in range(m):
        s[ls[i]] = g[i]
    for i in range(k):
        g[i] = s[vs[i]] * victim_keep
    for i in range(k):
        s[vs[i]] = g[i]

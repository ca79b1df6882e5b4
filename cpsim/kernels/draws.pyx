"""Random draws of the day's contacts, from numpy's own C distributions.

A Generator's methods (random, poisson, integers, standard_normal) each call one C function
of numpy's distributions library per number; the Python layers around them (argument checks,
broadcasting, array creation) cost more than the numbers at a small city's few contacts a
day. These kernels call the same C functions on the same bit generator, in the same order,
so they draw the same numbers and leave the stream where numpy would (tests/kernels compare
both, stream state included).
"""

import numpy as np

cimport numpy as cnp
from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.math cimport fmod
from libc.stdint cimport int64_t, uint64_t
from numpy.random cimport bitgen_t
from numpy.random.c_distributions cimport random_poisson, random_standard_normal_fill, random_standard_uniform_fill

from cpsim.kernels.elementwise cimport clip

cnp.import_array()


cdef extern from "numpy/random/distributions.h":
    void random_bounded_uint64_fill(
        bitgen_t *bitgen_state, uint64_t off, uint64_t rng, Py_ssize_t cnt, bint use_masked, uint64_t *out
    ) nogil


cdef inline bitgen_t *_bitgen(rng) except NULL:
    return <bitgen_t *> PyCapsule_GetPointer(rng.bit_generator.capsule, "BitGenerator")


ctypedef fused index_t:
    int
    long long


cdef int _check_keys(const index_t[::1] keys, Py_ssize_t n_groups) except -1:
    """Refuse keys outside 0..n_groups-1: they would read past the group offsets."""
    cdef Py_ssize_t i
    for i in range(keys.shape[0]):
        if keys[i] < 0 or keys[i] >= n_groups:
            raise ValueError(f"group key {keys[i]} (draw {i}) is outside 0..{n_groups - 1}")
    return 0


cdef inline Py_ssize_t _within(
    const long long[::1] order, const long long[::1] start, Py_ssize_t key, double u
) noexcept nogil:
    """A member of group ``key`` from one uniform (-1 if the group is empty): sample_within's rule."""
    cdef Py_ssize_t lo = start[key], size = start[key + 1] - start[key], m = order.shape[0], pick
    if size <= 0:
        return -1
    pick = lo + <Py_ssize_t> (u * <double> size)  # (uniform * size).astype(int64): truncation
    return order[pick if pick < m - 1 else m - 1]


cdef inline Py_ssize_t _weighted(
    const long long[::1] order, const long long[::1] start, const double[::1] cum_weight, Py_ssize_t key, double u
) noexcept nogil:
    """A member of group ``key`` by weight from one uniform (-1 if weightless): sample_weighted_within's rule."""
    cdef Py_ssize_t first = start[key], end = start[key + 1], m = order.shape[0], lo = 0, hi, mid, pos, last
    cdef double lo_w = cum_weight[first], hi_w = cum_weight[end]
    if not hi_w > lo_w:
        return -1
    u = lo_w + u * (hi_w - lo_w)
    hi = cum_weight.shape[0]
    while lo < hi:  # searchsorted(side="right"): the first position whose cumulative weight is > u
        mid = (lo + hi) // 2
        if cum_weight[mid] <= u:
            lo = mid + 1
        else:
            hi = mid
    pos = lo - 1
    last = end - 1 if end - 1 > first else first
    pos = pos if pos > first else first
    pos = pos if pos < last else last
    return order[pos if pos < m - 1 else m - 1]


cdef double[::1] _uniforms(rng, Py_ssize_t n):
    """rng.random(n)."""
    cdef double[::1] u = np.empty(n)
    if n:
        with rng.bit_generator.lock:
            random_standard_uniform_fill(_bitgen(rng), n, &u[0])
    return u


def sample_within(
    const long long[::1] order, const long long[::1] start, const index_t[::1] keys, rng
):
    """One member drawn uniformly from each requested group, -1 where a group is empty.

    numpy: ``lo + (rng.random(n) * size).astype(int64)`` into ``order``, clipped to its end.
    """
    cdef Py_ssize_t i, n = keys.shape[0]
    _check_keys(keys, start.shape[0] - 1)
    cdef double[::1] u = _uniforms(rng, n)
    out = np.empty(n, np.int64)
    cdef int64_t[::1] o = out
    for i in range(n):
        o[i] = _within(order, start, keys[i], u[i])
    return out


def sample_weighted_within(
    const long long[::1] order, const long long[::1] start, const double[::1] cum_weight, const index_t[::1] keys, rng
):
    """One member per request from its group, with probability proportional to weight (-1: weightless).

    numpy: ``u = lo_w + rng.random(n) * (hi_w - lo_w)``, then ``cum_weight.searchsorted(u,
    side="right") - 1`` kept inside the group.
    """
    cdef Py_ssize_t i, n = keys.shape[0]
    _check_keys(keys, start.shape[0] - 1)
    if cum_weight.shape[0] != order.shape[0] + 1:
        raise ValueError(f"cum_weight must have {order.shape[0] + 1} values (a leading 0), not {cum_weight.shape[0]}")
    cdef double[::1] u = _uniforms(rng, n)
    out = np.empty(n, np.int64)
    cdef int64_t[::1] o = out
    for i in range(n):
        o[i] = _weighted(order, start, cum_weight, keys[i], u[i])
    return out


cdef tuple _poisson_picks(
    rng,
    const double[::1] lam,
    const long long[::1] order,
    const long long[::1] start,
    const double[::1] cum_weight,
    Py_ssize_t n_keys,
):
    """A Poisson number of draws per slot of ``lam``, each a member of group ``slot % n_keys`` by weight.

    numpy: ``slots = arange(lam.size).repeat(rng.poisson(lam))``, then
    ``sample_weighted_within(order, start, cum_weight, slots % n_keys, rng)`` (one uniform per
    draw, after every Poisson number); members of weightless groups dropped. Returns the
    members drawn and the slot of each (int64).
    """
    cdef bitgen_t *bg = _bitgen(rng)
    cdef Py_ssize_t i, j = 0, k = 0, n = 0, who, slots = lam.shape[0]
    cdef int64_t c
    cdef double[::1] un
    if start.shape[0] < n_keys + 1 or cum_weight.shape[0] != order.shape[0] + 1:
        raise ValueError("start needs one offset per group and one more; cum_weight one value per member and a leading 0")
    for i in range(slots):
        if not lam[i] >= 0.0:
            raise ValueError("lam < 0 or NaN")
    counts = np.empty(slots, np.int64)
    cdef int64_t[::1] cnt = counts
    with rng.bit_generator.lock:
        for i in range(slots):
            cnt[i] = random_poisson(bg, lam[i])
            n += cnt[i]
        un = np.empty(n)
        if n:
            random_standard_uniform_fill(bg, n, &un[0])
    drawn = np.empty(n, np.int64)
    slot = np.empty(n, np.int64)
    cdef int64_t[::1] out = drawn, at = slot
    for i in range(slots):
        for c in range(cnt[i]):
            who = _weighted(order, start, cum_weight, i % n_keys, un[k])
            k += 1
            if who >= 0:
                out[j] = who
                at[j] = i
                j += 1
    return drawn[:j], slot[:j]


def patrol_contacts(
    rng,
    const double[::1] lam,
    const long long[::1] order,
    const long long[::1] start,
    const double[::1] cum_weight,
    Py_ssize_t n_beats,
):
    """Residents met on patrol and whether on foot (cpsim.mechanisms.patrol.draw_patrol_contacts).

    numpy: ``slots = arange(2 * n_beats).repeat(rng.poisson(lam))``, then
    ``sample_weighted_within(order, start, cum_weight, slots % n_beats, rng)`` (one uniform per
    slot, drawn after every Poisson number), residents of weightless beats dropped.

    Args:
        rng: The patrol stream (a numpy Generator).
        lam: Expected contacts on foot in each beat, then in a car in each beat (2 * n_beats).
        order: Residents sorted by beat; start: beat offsets into ``order`` (n_beats + 1).
        cum_weight: Cumulative street-time weights in ``order`` order, with a leading 0.
        n_beats: Number of beats.

    Returns:
        Residents met (int64) and whether each was met on foot (foot contacts first).

    """
    if lam.shape[0] != 2 * n_beats:
        raise ValueError(f"lam must hold 2 x {n_beats} rates, not {lam.shape[0]}")
    met, slot = _poisson_picks(rng, lam, order, start, cum_weight, n_beats)
    return met, slot < n_beats  # slot b: on foot in beat b; n_beats + b: in a car in beat b


def pick_officers(
    rng, const index_t[::1] beats, const long long[::1] on, const long long[::1] order, const long long[::1] start
):
    """The officer who handles each contact (cpsim.mechanisms.policing.pick_officers).

    numpy: a uniform per contact picks an on-duty officer of the contact's beat
    (``sample_within``), then ``rng.integers(0, on.size, n)`` one of anyone on duty, used where
    the beat has nobody on duty.

    Args:
        rng: A numpy Generator.
        beats: Beat of each contact.
        on: Officers to pick from; order, start: their positions grouped by beat (Roster.index).

    Returns:
        The officer of each contact (int64).

    """
    cdef Py_ssize_t i, local, n = beats.shape[0]
    _check_keys(beats, start.shape[0] - 1)
    if on.shape[0] == 0 and n:
        raise ValueError("no officer to pick from")
    cdef double[::1] un = np.empty(n)
    cdef uint64_t[::1] any_ = np.empty(n, np.uint64)
    if n:
        with rng.bit_generator.lock:
            random_standard_uniform_fill(_bitgen(rng), n, &un[0])
            random_bounded_uint64_fill(_bitgen(rng), 0, on.shape[0] - 1, n, False, &any_[0])
    who = np.empty(n, np.int64)
    cdef int64_t[::1] w = who
    for i in range(n):
        local = _within(order, start, beats[i], un[i])
        w[i] = on[local] if local >= 0 else on[any_[i]]
    return who


def contact_quality(rng, const long long[::1] who, const double[::1] skill, shift, double contact_sd):
    """Procedural quality 0..1 of each contact (cpsim.mechanisms.policing.contact_quality).

    numpy: ``unit(skill[who] + shift + contact_sd * rng.standard_normal(who.size))``.

    Args:
        rng: A numpy Generator.
        who: The officer of each contact.
        skill: Each officer's procedural skill.
        shift: A shift of quality, a number or one per contact.
        contact_sd: Contact-to-contact noise.

    Returns:
        The quality of each contact.

    """
    cdef bitgen_t *bg = _bitgen(rng)
    cdef Py_ssize_t i, n = who.shape[0]
    cdef const double[::1] per
    cdef double one = 0.0
    cdef bint per_contact = not np.isscalar(shift)
    if per_contact:
        per = np.ascontiguousarray(shift, np.float64)
        if per.shape[0] != n:
            raise ValueError(f"shift must be a number or {n} values, not {per.shape[0]}")
    else:
        one = shift
    quality = np.empty(n)
    cdef double[::1] q = quality
    if n:
        with rng.bit_generator.lock:
            random_standard_normal_fill(bg, n, &q[0])
    for i in range(n):
        q[i] = clip(skill[who[i]] + (per[i] if per_contact else one) + contact_sd * q[i], 0.0, 1.0)
    return quality


cdef inline long long _poisson_at(double u, double lam, double pmf) noexcept nogil:
    """The Poisson count whose CDF first reaches ``u`` (pmf = exp(-lam) from numpy), capped where pmf underflows."""
    cdef double cdf = pmf
    cdef long long k = 0
    while u > cdf and (k == 0 or pmf > 1e-300):
        k += 1
        pmf = pmf * (lam / <double> k)
        cdf = cdf + pmf
    return k


def poisson_from_uniform(const double[::1] u, const double[::1] lam, const double[::1] pmf):
    """Poisson counts by inverting the CDF at given uniforms (cpsim.mechanisms.crime).

    numpy: per element, while ``u > cdf`` (and, after the first step, ``pmf > 1e-300``):
    ``pmf *= lam / step; cdf += pmf``.

    Args:
        u: One uniform per element.
        lam: Expected counts.
        pmf: ``np.exp(-lam)`` (numpy's exp, so the bits are numpy's).

    Returns:
        The counts (int64).

    """
    cdef Py_ssize_t i, n = u.shape[0]
    if lam.shape[0] != n or pmf.shape[0] != n:
        raise ValueError(f"u, lam and pmf must have the same length, not {n}, {lam.shape[0]}, {pmf.shape[0]}")
    counts = np.empty(n, np.int64)
    cdef int64_t[::1] k = counts
    for i in range(n):
        k[i] = _poisson_at(u[i], lam[i], pmf[i])
    return counts


def victims(
    rng,
    const double[:, ::1] lam,
    const double[:, ::1] pmf,
    const long long[::1] place_start,
    const long long[::1] by_place,
    double step,
):
    """Victimisations per type and place, and who the victims are (cpsim.mechanisms.crime.draw_victims).

    numpy: ``u = rng.random(2 * lam.size).reshape(types, 2, places)``; counts by
    ``poisson_from_uniform(u[:, 0], lam)``; the n-th victim of a type at a place is the
    resident at ``(u[type, 1, place] + n * step) % 1`` of the way through the place's residents.

    Args:
        rng: The crime stream (a numpy Generator).
        lam: Expected victimisations, types x places.
        pmf: ``np.exp(-lam)``.
        place_start: Offsets of each place's residents in ``by_place`` (places + 1).
        by_place: Residents sorted by place.
        step: The low-discrepancy step between successive victims at one place.

    Returns:
        Victims, the place of each and its type (row of ``lam``): types in row order, places in
        order within a type.

    """
    cdef Py_ssize_t types = lam.shape[0], n = lam.shape[1], t, p, j = 0, total = 0, lo, size
    cdef long long c, nth
    cdef double[::1] u = np.empty(2 * types * n)
    if pmf.shape[0] != types or pmf.shape[1] != n:
        raise ValueError("lam and pmf must have the same shape")
    if place_start.shape[0] != n + 1:
        raise ValueError(f"place_start must have {n + 1} offsets, not {place_start.shape[0]}")
    if u.shape[0]:
        with rng.bit_generator.lock:
            random_standard_uniform_fill(_bitgen(rng), u.shape[0], &u[0])
    counts = np.empty((types, n), np.int64)
    cdef int64_t[:, ::1] k = counts
    for t in range(types):
        for p in range(n):
            k[t, p] = _poisson_at(u[(2 * t) * n + p], lam[t, p], pmf[t, p])
            total += k[t, p]
    who = np.empty(total, np.int64)
    place = np.empty(total, np.int64)
    kind = np.empty(total, np.int64)
    cdef int64_t[::1] w = who, pl = place, kd = kind
    for t in range(types):
        for p in range(n):
            lo, size = place_start[p], place_start[p + 1] - place_start[p]
            for nth in range(k[t, p]):
                # np.mod(x, 1.0) of a non-negative x is fmod's, with +0.0 for whole numbers
                w[j] = by_place[lo + <Py_ssize_t> (fmod(u[(2 * t + 1) * n + p] + <double> nth * step, 1.0) * <double> size)]
                pl[j] = p
                kd[j] = t
                j += 1
    return who, place, kind


def chances(rng, p, Py_ssize_t n):
    """Whether each of n events happens, each with its chance p (one uniform per event).

    numpy: ``rng.random(n) < p``, p a number or one per event (a NaN chance never happens).
    Arrays are read through their data pointers: a typed memoryview costs about 0.5 µs to
    acquire, and a day draws a handful of these, most of a few events.

    Args:
        rng: A numpy Generator.
        p: The chance: a number, or n float64 values (one contiguous row).
        n: The number of events.

    Returns:
        One bool per event.

    """
    cdef Py_ssize_t i
    cdef const double *pa = NULL
    cdef double ps = 0.0
    cdef cnp.ndarray given
    cdef cnp.npy_intp dims[1]
    if cnp.PyArray_Check(p):
        given = <cnp.ndarray> p
        if cnp.PyArray_TYPE(given) != cnp.NPY_DOUBLE or cnp.PyArray_NDIM(given) != 1 or not cnp.PyArray_IS_C_CONTIGUOUS(given):
            raise TypeError(f"p must be a number or one contiguous row of float64, not {p.dtype} of shape {p.shape}")
        if cnp.PyArray_DIM(given, 0) != n:
            raise ValueError(f"p must be a number or {n} values, not {cnp.PyArray_DIM(given, 0)}")
        pa = <double *> cnp.PyArray_DATA(given)
    else:
        ps = p
    dims[0] = n
    cdef cnp.ndarray u = cnp.PyArray_EMPTY(1, dims, cnp.NPY_DOUBLE, 0)
    cdef double *un = <double *> cnp.PyArray_DATA(u)
    happened = cnp.PyArray_EMPTY(1, dims, cnp.NPY_BOOL, 0)
    cdef unsigned char *out = <unsigned char *> cnp.PyArray_DATA(happened)
    if n:
        with rng.bit_generator.lock:
            random_standard_uniform_fill(_bitgen(rng), n, un)
    for i in range(n):
        out[i] = un[i] < (pa[i] if pa != NULL else ps)
    return happened


def weighted_counts(
    rng, const double[::1] lam, const long long[::1] order, const long long[::1] start, const double[::1] cum_weight
):
    """A Poisson number of members of each group, drawn by weight (cpsim.mechanisms.enforcement.draw_stops).

    numpy: ``keys = arange(lam.size).repeat(rng.poisson(lam))``, then, if any,
    ``sample_weighted_within(order, start, cum_weight, keys, rng)`` (one uniform per draw,
    after every Poisson number), members of weightless groups dropped.

    Args:
        rng: A numpy Generator.
        lam: Expected draws in each group.
        order: Members sorted by group; start: group offsets into ``order`` (groups + 1).
        cum_weight: Cumulative weights in ``order`` order, with a leading 0.

    Returns:
        The members drawn (int64), group by group.

    """
    return _poisson_picks(rng, lam, order, start, cum_weight, lam.shape[0])[0]


def poisson_members(rng, double lam, Py_ssize_t members):
    """A Poisson number of members, each any of ``members`` alike (cpsim.mechanisms.reporting.draw_other_calls).

    numpy: ``k = rng.poisson(lam)``, then, if k > 0, ``rng.integers(0, members, k)``.

    Args:
        rng: A numpy Generator.
        lam: Expected number.
        members: How many there are to pick from (0..members - 1).

    Returns:
        The members picked (int64; repeats possible).

    """
    cdef bitgen_t *bg = _bitgen(rng)
    cdef int64_t k
    cdef uint64_t[::1] picked
    if not lam >= 0.0:
        raise ValueError("lam < 0 or NaN")
    with rng.bit_generator.lock:
        k = random_poisson(bg, lam)
        if k == 0:
            return np.empty(0, np.int64)
        if members <= 0:
            raise ValueError("no member to pick from")
        picked = np.empty(k, np.uint64)
        random_bounded_uint64_fill(bg, 0, members - 1, k, False, &picked[0])
    return np.asarray(picked).view(np.int64)

# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/draws.py.

import numpy as np

cimport numpy as cnp
from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.math cimport fmod
from libc.stdint cimport int64_t, uint64_t
from numpy.random cimport bitgen_t
from numpy.random.c_distributions cimport random_poisson, random_standard_normal_fill, random_standard_uniform_fill

from cpsim.kernels.arrays cimport array, doubles, empty, longs, size
from cpsim.kernels.elementwise cimport clip, maximum, minimum

cnp.import_array()


cdef extern from "numpy/random/distributions.h":
    void random_bounded_uint64_fill(
        bitgen_t *bitgen_state, uint64_t off, uint64_t rng, Py_ssize_t cnt, bint use_masked, uint64_t *out
    ) nogil


cdef inline bitgen_t *_bitgen(rng) except NULL:
    return <bitgen_t *> PyCapsule_GetPointer(rng.bit_generator.capsule, "BitGenerator")


cdef inline const void *_keys(object x, str name, bint *wide) except NULL:
    """Group keys: a 1-d contiguous int32 or int64 array's data (``wide``: int64)."""
    if cnp.PyArray_Check(x) and cnp.PyArray_ISINTEGER(<cnp.ndarray> x) and cnp.PyArray_ITEMSIZE(<cnp.ndarray> x) == 4:
        wide[0] = False
        return cnp.PyArray_DATA(array(x, cnp.NPY_INT32, -1, name))
    if cnp.PyArray_Check(x) and not (cnp.PyArray_ISINTEGER(<cnp.ndarray> x) and cnp.PyArray_ITEMSIZE(<cnp.ndarray> x) == 8):
        raise TypeError(f"{name} must be int32 or int64, not {x.dtype}")
    wide[0] = True
    return cnp.PyArray_DATA(array(x, cnp.NPY_INT64, -1, name))


cdef inline Py_ssize_t _key(const void *keys, bint wide, Py_ssize_t i) noexcept nogil:
    return (<const long long *> keys)[i] if wide else (<const int *> keys)[i]


cdef int _check_keys(const void *keys, bint wide, Py_ssize_t n, Py_ssize_t n_groups) except -1:
    """Refuse keys outside 0..n_groups-1: they would read past the group offsets."""
    cdef Py_ssize_t i, k
    for i in range(n):
        k = _key(keys, wide, i)
        if k < 0 or k >= n_groups:
            raise ValueError(f"group key {k} (draw {i}) is outside 0..{n_groups - 1}")
    return 0


cdef inline Py_ssize_t _within(
    const long long *order, Py_ssize_t m, const long long *start, Py_ssize_t key, double u
) noexcept nogil:
    """A member of group ``key`` (of the m in ``order``) from one uniform (-1 if the group is empty): sample_within's rule."""
    cdef Py_ssize_t lo = start[key], members = start[key + 1] - start[key], pick
    if members <= 0:
        return -1
    pick = lo + <Py_ssize_t> (u * <double> members)  # (uniform * size).astype(int64): truncation
    return order[pick if pick < m - 1 else m - 1]


cdef inline Py_ssize_t _weighted(
    const long long *order, Py_ssize_t m, const long long *start, const double *cum_weight, Py_ssize_t key, double u
) noexcept nogil:
    """A member of group ``key`` by weight from one uniform (-1 if weightless): sample_weighted_within's rule.

    ``cum_weight`` holds m + 1 values (a leading 0).
    """
    cdef Py_ssize_t first = start[key], end = start[key + 1], lo = 0, hi, mid, pos, last
    cdef double lo_w = cum_weight[first], hi_w = cum_weight[end]
    if not hi_w > lo_w:
        return -1
    u = lo_w + u * (hi_w - lo_w)
    hi = m + 1
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


cdef cnp.ndarray _uniforms(rng, Py_ssize_t n):
    """rng.random(n)."""
    cdef cnp.ndarray u = empty(n, cnp.NPY_DOUBLE)
    if n:
        with rng.bit_generator.lock:
            random_standard_uniform_fill(_bitgen(rng), n, <double *> cnp.PyArray_DATA(u))
    return u



def sample_within(order, start, keys, rng):
    """One member drawn uniformly from each requested group, -1 where a group is empty.

    numpy: ``lo + (rng.random(n) * size).astype(int64)`` into ``order``, clipped to its end.
    """
    cdef bint wide
    cdef const void *k = _keys(keys, "keys", &wide)
    cdef Py_ssize_t i, n = size(keys)
    cdef const long long *ordered = longs(order, -1, "order")
    cdef const long long *offsets = longs(start, -1, "start")
    _check_keys(k, wide, n, size(start) - 1)
    cdef cnp.ndarray uniforms = _uniforms(rng, n)  # (held: u points into it)
    cdef const double *u = <double *> cnp.PyArray_DATA(uniforms)
    cdef cnp.ndarray out = empty(n, cnp.NPY_INT64)
    cdef int64_t *o = <int64_t *> cnp.PyArray_DATA(out)
    for i in range(n):
        o[i] = _within(ordered, size(order), offsets, _key(k, wide, i), u[i])
    return out


def sample_weighted_within(order, start, cum_weight, keys, rng):
    """One member per request from its group, with probability proportional to weight (-1: weightless).

    numpy: ``u = lo_w + rng.random(n) * (hi_w - lo_w)``, then ``cum_weight.searchsorted(u,
    side="right") - 1`` kept inside the group.
    """
    cdef bint wide
    cdef const void *k = _keys(keys, "keys", &wide)
    cdef Py_ssize_t i, n = size(keys)
    cdef const long long *ordered = longs(order, -1, "order")
    cdef Py_ssize_t m = size(order)
    cdef const long long *offsets = longs(start, -1, "start")
    _check_keys(k, wide, n, size(start) - 1)
    cdef const double *cum = <double *> cnp.PyArray_DATA(array(cum_weight, cnp.NPY_DOUBLE, -1, "cum_weight"))
    if size(cum_weight) != m + 1:
        raise ValueError(f"cum_weight must have {m + 1} values (a leading 0), not {size(cum_weight)}")
    cdef cnp.ndarray uniforms = _uniforms(rng, n)  # (held: u points into it)
    cdef const double *u = <double *> cnp.PyArray_DATA(uniforms)
    cdef cnp.ndarray out = empty(n, cnp.NPY_INT64)
    cdef int64_t *o = <int64_t *> cnp.PyArray_DATA(out)
    for i in range(n):
        o[i] = _weighted(ordered, m, offsets, cum, _key(k, wide, i), u[i])
    return out


cdef tuple _poisson_picks(rng, lam, order, start, cum_weight, Py_ssize_t n_keys):
    """A Poisson number of draws per slot of ``lam``, each a member of group ``slot % n_keys`` by weight.

    numpy: ``slots = arange(lam.size).repeat(rng.poisson(lam))``, then
    ``sample_weighted_within(order, start, cum_weight, slots % n_keys, rng)`` (one uniform per
    draw, after every Poisson number); members of weightless groups dropped. Returns the
    members drawn and the slot of each (int64).
    """
    cdef bitgen_t *bg = _bitgen(rng)
    cdef Py_ssize_t i, j = 0, k = 0, n = 0, who, slots = size(lam)
    cdef int64_t c
    cdef const double *rate = <double *> cnp.PyArray_DATA(<cnp.ndarray> lam)  # checked by the caller
    cdef const long long *ordered = longs(order, -1, "order")
    cdef Py_ssize_t m = size(order)
    cdef const long long *offsets = longs(start, -1, "start")
    cdef const double *cum = <double *> cnp.PyArray_DATA(array(cum_weight, cnp.NPY_DOUBLE, -1, "cum_weight"))
    if size(start) < n_keys + 1 or size(cum_weight) != m + 1:
        raise ValueError("start needs one offset per group and one more; cum_weight one value per member and a leading 0")
    for i in range(slots):
        if not rate[i] >= 0.0:
            raise ValueError("lam < 0 or NaN")
    cdef cnp.ndarray counts = empty(slots, cnp.NPY_INT64)
    cdef int64_t *cnt = <int64_t *> cnp.PyArray_DATA(counts)
    cdef cnp.ndarray uniforms
    cdef const double *un = NULL
    with rng.bit_generator.lock:
        for i in range(slots):
            cnt[i] = random_poisson(bg, rate[i])
            n += cnt[i]
        uniforms = empty(n, cnp.NPY_DOUBLE)
        un = <double *> cnp.PyArray_DATA(uniforms)
        if n:
            random_standard_uniform_fill(bg, n, <double *> un)
    cdef cnp.ndarray drawn = empty(n, cnp.NPY_INT64)
    cdef cnp.ndarray slot = empty(n, cnp.NPY_INT64)
    cdef int64_t *out = <int64_t *> cnp.PyArray_DATA(drawn)
    cdef int64_t *at = <int64_t *> cnp.PyArray_DATA(slot)
    for i in range(slots):
        for c in range(cnt[i]):
            who = _weighted(ordered, m, offsets, cum, i % n_keys, un[k])
            k += 1
            if who >= 0:
                out[j] = who
                at[j] = i
                j += 1
    return drawn[:j], slot[:j]


def patrol_contacts(rng, lam, order, start, cum_weight, Py_ssize_t n_beats):
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
    if size(array(lam, cnp.NPY_DOUBLE, -1, "lam")) != 2 * n_beats:
        raise ValueError(f"lam must hold 2 x {n_beats} rates, not {size(lam)}")
    met, slot = _poisson_picks(rng, lam, order, start, cum_weight, n_beats)
    cdef Py_ssize_t i, n = size(slot)
    cdef const int64_t *at = <int64_t *> cnp.PyArray_DATA(<cnp.ndarray> slot)
    cdef cnp.ndarray foot = empty(n, cnp.NPY_BOOL)
    cdef unsigned char *on_foot = <unsigned char *> cnp.PyArray_DATA(foot)
    for i in range(n):
        on_foot[i] = at[i] < n_beats  # slot b: on foot in beat b; n_beats + b: in a car in beat b
    return met, foot


def pick_officers(rng, beats, on, order, start):
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
    cdef bint wide
    cdef const void *k = _keys(beats, "beats", &wide)
    cdef Py_ssize_t i, local, n = size(beats)
    cdef const long long *officer = longs(on, -1, "on")
    cdef Py_ssize_t n_on = size(on)
    cdef const long long *ordered = longs(order, -1, "order")
    cdef const long long *offsets = longs(start, -1, "start")
    _check_keys(k, wide, n, size(start) - 1)
    if n_on == 0 and n:
        raise ValueError("no officer to pick from")
    cdef cnp.ndarray uniforms = empty(n, cnp.NPY_DOUBLE)
    cdef cnp.ndarray integers = empty(n, cnp.NPY_UINT64)
    cdef double *un = <double *> cnp.PyArray_DATA(uniforms)
    cdef uint64_t *any_ = <uint64_t *> cnp.PyArray_DATA(integers)
    if n:
        with rng.bit_generator.lock:
            random_standard_uniform_fill(_bitgen(rng), n, un)
            random_bounded_uint64_fill(_bitgen(rng), 0, n_on - 1, n, False, any_)
    cdef cnp.ndarray who = empty(n, cnp.NPY_INT64)
    cdef int64_t *w = <int64_t *> cnp.PyArray_DATA(who)
    for i in range(n):
        local = _within(ordered, size(order), offsets, _key(k, wide, i), un[i])
        w[i] = officer[local] if local >= 0 else officer[any_[i]]
    return who


def contact_quality(rng, who, skill, shift, double contact_sd):
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
    cdef const long long *officer = longs(who, -1, "who")
    cdef Py_ssize_t i, n = size(who)
    cdef const double *sk = <double *> cnp.PyArray_DATA(array(skill, cnp.NPY_DOUBLE, -1, "skill"))
    cdef const double *per = NULL
    cdef double one = 0.0
    # np.isscalar's answer, without its cost (~0.5 µs) for the usual array or float
    cdef bint per_contact = cnp.PyArray_Check(shift) or not (isinstance(shift, float) or np.isscalar(shift))
    if per_contact:
        if not (
            cnp.PyArray_Check(shift)
            and cnp.PyArray_TYPE(<cnp.ndarray> shift) == cnp.NPY_DOUBLE
            and cnp.PyArray_NDIM(<cnp.ndarray> shift) == 1
            and cnp.PyArray_IS_C_CONTIGUOUS(<cnp.ndarray> shift)
        ):  # anything else as np.ascontiguousarray makes it (a 0-d array: one value)
            shift = np.ascontiguousarray(shift, np.float64)
        per = <double *> cnp.PyArray_DATA(array(shift, cnp.NPY_DOUBLE, -1, "shift"))
        if size(shift) != n:
            raise ValueError(f"shift must be a number or {n} values, not {size(shift)}")
    else:
        one = shift
    for i in range(n):
        if officer[i] < 0 or officer[i] >= size(skill):
            raise ValueError(f"officer {officer[i]} (contact {i}) is outside 0..{size(skill) - 1}")
    cdef cnp.ndarray quality = empty(n, cnp.NPY_DOUBLE)
    cdef double *q = <double *> cnp.PyArray_DATA(quality)
    if n:
        with rng.bit_generator.lock:
            random_standard_normal_fill(bg, n, q)
    for i in range(n):
        q[i] = clip(sk[officer[i]] + (per[i] if per_contact else one) + contact_sd * q[i], 0.0, 1.0)
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


cdef inline const double *_table(object x, str name, Py_ssize_t *rows, Py_ssize_t *cols) except NULL:
    """A C-contiguous 2-d float64 array's data (its shape in ``rows`` and ``cols``)."""
    if not cnp.PyArray_Check(x) or cnp.PyArray_TYPE(<cnp.ndarray> x) != cnp.NPY_DOUBLE:
        raise TypeError(f"{name} must be a float64 array")
    cdef cnp.ndarray a = <cnp.ndarray> x
    if cnp.PyArray_NDIM(a) != 2 or not cnp.PyArray_IS_C_CONTIGUOUS(a):
        raise ValueError(f"{name} must be a C-contiguous table (types x places)")
    rows[0], cols[0] = cnp.PyArray_DIM(a, 0), cnp.PyArray_DIM(a, 1)
    return <double *> cnp.PyArray_DATA(a)


def poisson_from_uniform(u, lam, pmf):
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
    cdef const double *uf = doubles(u, -1, "u")
    cdef const double *rate = doubles(lam, -1, "lam")
    cdef const double *p = doubles(pmf, -1, "pmf")
    cdef Py_ssize_t i, n = size(u)
    if size(lam) != n or size(pmf) != n:
        raise ValueError(f"u, lam and pmf must have the same length, not {n}, {size(lam)}, {size(pmf)}")
    cdef cnp.ndarray counts = empty(n, cnp.NPY_INT64)
    cdef int64_t *k = <int64_t *> cnp.PyArray_DATA(counts)
    for i in range(n):
        k[i] = _poisson_at(uf[i], rate[i], p[i])
    return counts


def victims(rng, lam, pmf, place_start, by_place, double step):
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
    cdef Py_ssize_t types, n, t, p, j = 0, total = 0, lo, members
    cdef long long c, nth
    cdef const double *rate = _table(lam, "lam", &types, &n)
    cdef Py_ssize_t pmf_types, pmf_n
    cdef const double *pm = _table(pmf, "pmf", &pmf_types, &pmf_n)
    if pmf_types != types or pmf_n != n:
        raise ValueError("lam and pmf must have the same shape")
    cdef const long long *start = longs(place_start, -1, "place_start")
    if size(place_start) != n + 1:
        raise ValueError(f"place_start must have {n + 1} offsets, not {size(place_start)}")
    cdef const long long *residents = longs(by_place, -1, "by_place")
    for p in range(n):
        if start[p] < 0 or start[p] > start[p + 1] or start[p + 1] > size(by_place):
            raise ValueError(f"place {p}'s residents are outside the {size(by_place)} of by_place")
    cdef cnp.ndarray uniforms = empty(2 * types * n, cnp.NPY_DOUBLE)
    cdef double *u = <double *> cnp.PyArray_DATA(uniforms)
    if types * n:
        with rng.bit_generator.lock:
            random_standard_uniform_fill(_bitgen(rng), 2 * types * n, u)
    cdef cnp.npy_intp dims[2]
    dims[0], dims[1] = types, n
    cdef cnp.ndarray counts = cnp.PyArray_EMPTY(2, dims, cnp.NPY_INT64, 0)
    cdef int64_t *k = <int64_t *> cnp.PyArray_DATA(counts)  # k[t * n + p]
    for t in range(types):
        for p in range(n):
            k[t * n + p] = _poisson_at(u[(2 * t) * n + p], rate[t * n + p], pm[t * n + p])
            total += k[t * n + p]
    cdef cnp.ndarray who = empty(total, cnp.NPY_INT64)
    cdef cnp.ndarray place = empty(total, cnp.NPY_INT64)
    cdef cnp.ndarray kind = empty(total, cnp.NPY_INT64)
    cdef int64_t *w = <int64_t *> cnp.PyArray_DATA(who)
    cdef int64_t *pl = <int64_t *> cnp.PyArray_DATA(place)
    cdef int64_t *kd = <int64_t *> cnp.PyArray_DATA(kind)
    for t in range(types):
        for p in range(n):
            lo, members = start[p], start[p + 1] - start[p]
            for nth in range(k[t * n + p]):
                # np.mod(x, 1.0) of a non-negative x is fmod's, with +0.0 for whole numbers
                w[j] = residents[lo + <Py_ssize_t> (fmod(u[(2 * t + 1) * n + p] + <double> nth * step, 1.0) * <double> members)]
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


def badness_chances(rng, quality, double per_badness):
    """Whether each of the day's stops and arrests becomes a publicized incident (one uniform each).

    numpy (cpsim.mechanisms.incidents.draw_local)::

        chance = (0.5 - quality) * 2.0                    # badness: 0 at quality 0.5 and above,
        np.minimum(np.maximum(chance, 0.0), 1.0)          # 1 at quality 0
        chance *= per_badness
        rng.random(n) < chance

    One pass: the four numpy calls and the draw took 3.5 µs a call (a few stops, warm), this
    0.5 µs; a city of 10,000 residents has stops on most days.

    Args:
        rng: A numpy Generator.
        quality: Procedural quality of each stop or arrest (float64).
        per_badness: Chance of an incident per unit of badness.

    Returns:
        One bool per stop or arrest.

    """
    cdef Py_ssize_t i, n = size(array(quality, cnp.NPY_DOUBLE, -1, "quality"))
    cdef const double *q = doubles(quality, n, "quality")
    cdef cnp.ndarray u = empty(n, cnp.NPY_DOUBLE)
    cdef double *un = <double *> cnp.PyArray_DATA(u)
    happened = empty(n, cnp.NPY_BOOL)
    cdef unsigned char *out = <unsigned char *> cnp.PyArray_DATA(happened)
    cdef double chance
    if n:
        with rng.bit_generator.lock:
            random_standard_uniform_fill(_bitgen(rng), n, un)
    for i in range(n):
        chance = (0.5 - q[i]) * 2.0
        chance = minimum(maximum(chance, 0.0), 1.0)
        out[i] = un[i] < chance * per_badness
    return happened


def weighted_counts(rng, lam, order, start, cum_weight):
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
    return _poisson_picks(rng, lam, order, start, cum_weight, size(array(lam, cnp.NPY_DOUBLE, -1, "lam")))[0]


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
    cdef cnp.ndarray picked
    if not lam >= 0.0:
        raise ValueError("lam < 0 or NaN")
    with rng.bit_generator.lock:
        k = random_poisson(bg, lam)
        if k == 0:
            return empty(0, cnp.NPY_INT64)
        if members <= 0:
            raise ValueError("no member to pick from")
        # the uint64 draws written straight into an int64 array: the same bits (all < members)
        picked = empty(k, cnp.NPY_INT64)
        random_bounded_uint64_fill(bg, 0, members - 1, k, False, <uint64_t *> cnp.PyArray_DATA(picked))
    return picked

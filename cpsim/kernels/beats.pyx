"""Beat arithmetic: the day's small per-beat and per-place products, each in one pass.

Crime (phase 3), officers' time (phase 5) and what officers sense (phase 12) work on arrays
of a few beats, a few dozen places and a few hundred offenders. In numpy each is some 10 to
30 calls (gathers, a bincount, the products, a clip), which cost far more than the
arithmetic. These functions do the same operations, in numpy's order and with numpy's
roundings (a*b+c rounds twice; sums in input order as np.bincount adds), so every result is
numpy's to the bit. What numpy computes differently from C stays in numpy and comes in as an
argument: np.exp, powers with non-integer exponents, and np.sum's pairwise sums.
"""

import numpy as np

cimport cython

from cpsim.kernels.elementwise cimport clip, maximum, minimum


cdef inline Py_ssize_t _key(long long k, Py_ssize_t n, str what) except -1:
    # boundscheck is off: an index outside the arrays would read or write past them
    if k < 0 or k >= n:
        raise ValueError(f"{what} {k} is outside 0..{n - 1}")
    return <Py_ssize_t> k


# ------------------------------------------------------------------ phase 3: crime


def compliance_argument(const double[::1] legitimacy, const long long[::1] idx, double reference, double scale):
    """``scale * (legitimacy[idx] - reference)``: the exponent of offenders' compliance (np.exp it)."""
    cdef Py_ssize_t i, n = idx.shape[0]
    out = np.empty(n)
    cdef double[::1] o = out
    for i in range(n):
        o[i] = scale * (legitimacy[_key(idx[i], legitimacy.shape[0], "resident")] - reference)
    return out


def active_offending(
    const double[::1] offending, const int[::1] free_day, const long long[::1] idx, const double[::1] comply, long long day
):
    """``offending[idx] * (free_day[idx] <= day) * comply``: each offender's offending today."""
    cdef Py_ssize_t i, r, n = idx.shape[0]
    if comply.shape[0] != n:
        raise ValueError(f"comply must have {n} values, not {comply.shape[0]}")
    if free_day.shape[0] != offending.shape[0]:
        raise ValueError("offending and free_day must have one value per resident")
    out = np.empty(n)
    cdef double[::1] o = out
    for i in range(n):
        r = _key(idx[i], offending.shape[0], "resident")
        o[i] = offending[r] * (1.0 if free_day[r] <= day else 0.0) * comply[i]
    return out


def relative_by_beat(const int[::1] beats, const double[::1] weights, const double[::1] initial):
    """``np.bincount(beats, weights, minlength=initial.size) / initial``: offending relative to the start."""
    cdef Py_ssize_t i, b, n = beats.shape[0], n_beats = initial.shape[0]
    if weights.shape[0] != n:
        raise ValueError(f"weights must have {n} values, not {weights.shape[0]}")
    out = np.zeros(n_beats)
    cdef double[::1] o = out
    for i in range(n):  # in input order, as bincount adds
        o[_key(beats[i], n_beats, "beat")] += weights[i]
    for b in range(n_beats):
        o[b] = o[b] / initial[b]
    return out


def expected_victimisations(
    const long long[::1] residents,
    const double[::1] risk,
    const int[::1] beat,
    const double[::1] guardianship,
    const double[::1] extra_guardianship,
    const double[::1] local,
    const double[::1] offender_factor,
    const double[::1] deterrence_violent,
    const double[::1] deterrence_property,
    double guardianship_effect,
    double guardianship_norm,
    double rate_violent,
    double rate_property,
):
    """Expected victimisations per type and place (cpsim.mechanisms.crime.expected_by_type).

    numpy::

        guard = clip(guardianship + extra_guardianship, 0, 1)
        common = (residents * risk * offender_factor[beat] * local
                  * (1.0 - guardianship_effect * guard) / guardianship_norm / 365.0)
        common * [[rate_violent], [rate_property]] / 1000.0
               * np.array((deterrence_violent, deterrence_property))[:, beat]

    Args:
        residents, risk, beat, guardianship, extra_guardianship: The places' arrays.
        local: ``np.exp(-hotspot_deterrence * hotspot_hours)`` per place.
        offender_factor, deterrence_violent, deterrence_property: Per beat.
        guardianship_effect: crime.guardianship_effect.
        guardianship_norm: ``1.0 - guardianship_effect * guard_mean``.
        rate_violent, rate_property: crime.violent_per_1000 and crime.property_per_1000.

    Returns:
        Expected victimisations, shape (2, places): violent, property.

    """
    cdef Py_ssize_t j, b, n = beat.shape[0], n_beats = offender_factor.shape[0]
    cdef double guard, common
    for size in (residents.shape[0], risk.shape[0], guardianship.shape[0], extra_guardianship.shape[0], local.shape[0]):
        if size != n:
            raise ValueError(f"every place array must have {n} values, not {size}")
    if deterrence_violent.shape[0] != n_beats or deterrence_property.shape[0] != n_beats:
        raise ValueError(f"every beat array must have {n_beats} values")
    out = np.empty((2, n))
    cdef double[:, ::1] o = out
    for j in range(n):
        b = _key(beat[j], n_beats, "beat")
        guard = clip(guardianship[j] + extra_guardianship[j], 0.0, 1.0)
        common = <double> residents[j] * risk[j]
        common = common * offender_factor[b]
        common = common * local[j]
        common = common * (1.0 - guardianship_effect * guard)
        common = common / guardianship_norm
        common = common / 365.0
        o[0, j] = common * rate_violent / 1000.0 * deterrence_violent[b]
        o[1, j] = common * rate_property / 1000.0 * deterrence_property[b]
    return out


def add_disorder(double[::1] disorder, const long long[::1] places, double per_crime):
    """``disorder += per_crime * np.bincount(places, minlength=disorder.size)`` (in place)."""
    cdef Py_ssize_t i, p, n = disorder.shape[0]
    counts = np.zeros(n, np.int64)
    cdef long long[::1] c = counts
    for i in range(places.shape[0]):
        c[_key(places[i], n, "place")] += 1
    for p in range(n):  # every place, as numpy adds 0.0 (or NaN) where there was no crime
        disorder[p] = disorder[p] + per_crime * <double> c[p]


# ------------------------------------------------------------------ phase 5: officers' time


cdef inline Py_ssize_t _step(const double[::1] a, Py_ssize_t n, str what) except -1:
    # a per-beat argument is one value per beat or one for all (numpy's broadcasting of a scalar)
    if a.shape[0] == n:
        return 1
    if a.shape[0] == 1:
        return 0
    raise ValueError(f"{what} must have 1 or {n} values, not {a.shape[0]}")


def capacity(const double[::1] on_duty, double shift_hours, double admin_share):
    """``admin_full = on_duty * shift_hours * admin_share`` and ``capacity = hours - admin_full``."""
    cdef Py_ssize_t i, n = on_duty.shape[0]
    cdef double hours
    # two arrays, not rows of one: a row view costs more to make than a fresh array
    admin_full, capacity = np.empty(n), np.empty(n)
    cdef double[::1] a = admin_full
    cdef double[::1] c = capacity
    for i in range(n):
        hours = on_duty[i] * shift_hours
        a[i] = hours * admin_share
        c[i] = hours - a[i]
    return admin_full, capacity


def split_hours(
    const double[::1] on_duty,
    const double[::1] admin_full,
    const double[::1] capacity,
    double response_total,
    double total_capacity,
    double foot_hours,
    const double[::1] routine_scale,
    const double[::1] foot_requests,
    double proactive_hours,
    const double[::1] proactive_scale,
    const double[::1] community_requests,
    double budget_cut,
    tuple cut_rows,
    tuple names,
):
    """Hours per activity per beat and administration (cpsim.mechanisms.policing.allocate_hours).

    numpy::

        response = capacity * (response_total / total_capacity) if total_capacity > 0 else 0 * capacity
        left = capacity - response
        foot = minimum(on_duty * foot_hours * routine_scale + foot_requests, left); left = left - foot
        enforcement = minimum(on_duty * proactive_hours * proactive_scale, left); left = left - enforcement
        community = minimum(community_requests, left); car = left - community
        cut = capacity * budget_cut
        for each row r in cut_rows (if budget_cut > 0):
            take = minimum(plan[r], cut); plan[r] = plan[r] - take; cut = cut - take
        admin = admin_full * (1.0 - budget_cut)

    Args:
        routine_scale, foot_requests, proactive_scale, community_requests: One value per
            beat, or one for every beat.
        cut_rows: Rows of the plan (0 response, 1 foot, 2 enforcement, 3 community, 4 car)
            in the order a budget cut takes them.
        names: The names of the plan's five rows, in that order.

    Returns:
        The plan (each name's hours per beat) and the administration hours per beat.

    """
    cdef Py_ssize_t i, n = on_duty.shape[0], r
    cdef Py_ssize_t s_rs = _step(routine_scale, n, "routine_scale"), s_fr = _step(foot_requests, n, "foot_requests")
    cdef Py_ssize_t s_ps = _step(proactive_scale, n, "proactive_scale")
    cdef Py_ssize_t s_cr = _step(community_requests, n, "community_requests")
    cdef double left, cut, take, share = 0.0
    cdef bint scaled = total_capacity > 0
    if admin_full.shape[0] != n or capacity.shape[0] != n:
        raise ValueError(f"admin_full and capacity must have {n} values")
    cdef Py_ssize_t k
    cdef const Py_ssize_t[::1] rows = np.array(cut_rows if budget_cut > 0 else (), dtype=np.intp)
    for k in range(rows.shape[0]):
        if rows[k] < 0 or rows[k] > 4:
            raise ValueError(f"plan row {rows[k]} is outside 0..4")
    if len(names) != 5:
        raise ValueError(f"the plan has 5 rows, not {len(names)} names")
    if scaled:
        share = response_total / total_capacity
    # fresh arrays, not rows of one: a row view costs more to make than an array
    arrays = [np.empty(n) for r in range(6)]
    cdef double *o[6]
    cdef double[::1] view
    if n == 0:
        return dict(zip(names, arrays[:5])), arrays[5]
    for r in range(6):
        view = arrays[r]
        o[r] = &view[0]
    for i in range(n):
        o[0][i] = capacity[i] * share if scaled else 0.0 * capacity[i]
        left = capacity[i] - o[0][i]
        o[1][i] = minimum(on_duty[i] * foot_hours * routine_scale[i * s_rs] + foot_requests[i * s_fr], left)
        left = left - o[1][i]
        o[2][i] = minimum(on_duty[i] * proactive_hours * proactive_scale[i * s_ps], left)
        left = left - o[2][i]
        o[3][i] = minimum(community_requests[i * s_cr], left)
        o[4][i] = left - o[3][i]
        if budget_cut > 0:  # no cut takes nothing (hours are >= 0)
            cut = capacity[i] * budget_cut
            for k in range(rows.shape[0]):
                r = rows[k]
                take = minimum(o[r][i], cut)
                o[r][i] = o[r][i] - take
                cut = cut - take
        o[5][i] = admin_full[i] * (1.0 - budget_cut)
    return dict(zip(names, arrays[:5])), arrays[5]


def withdrawal_argument(const double[::1] audience, const double[::1] normal, double threshold, double width):
    """``clip((audience - normal + threshold) / width, -50, 50)``: the logistic's argument (np.exp it)."""
    cdef Py_ssize_t i, n = audience.shape[0]
    if normal.shape[0] != n:
        raise ValueError(f"normal must have {n} values, not {normal.shape[0]}")
    out = np.empty(n)
    cdef double[::1] o = out
    for i in range(n):
        o[i] = clip((audience[i] - normal[i] + threshold) / width, -50.0, 50.0)
    return out


def routine_share(const double[::1] exp_argument, double withdrawal):
    """``1.0 - withdrawal / (1.0 + exp_argument)``: the share of routine work officers still do."""
    cdef Py_ssize_t i, n = exp_argument.shape[0]
    out = np.empty(n)
    cdef double[::1] o = out
    for i in range(n):
        o[i] = 1.0 - withdrawal / (1.0 + exp_argument[i])
    return out


def crime_ratio(const double[::1] recorded, const double[::1] expected):
    """``maximum(recorded / expected where expected > 0, else 1.0, 1e-3)``: what crime reviews see."""
    cdef Py_ssize_t i, n = recorded.shape[0]
    if expected.shape[0] != n:
        raise ValueError(f"expected must have {n} values, not {expected.shape[0]}")
    out = np.empty(n)
    cdef double[::1] o = out
    for i in range(n):
        o[i] = maximum(recorded[i] / expected[i] if expected[i] > 0 else 1.0, 1e-3)
    return out


# ------------------------------------------------------------------ phase 12: what officers sense


ctypedef fused key_t:
    int
    long long


ctypedef fused other_key_t:
    int
    long long


def update_average(double[::1] avg, const key_t[::1] keys, const double[::1] values, double factor):
    """Each key's running average one day toward today's mean observation (in place).

    numpy::

        counts = np.bincount(keys, minlength=avg.size)
        sums = np.bincount(keys, weights=values, minlength=avg.size)
        seen = counts > 0
        avg[seen] += (1.0 - factor) * (sums[seen] / counts[seen] - avg[seen])

    """
    cdef Py_ssize_t i, k, n = avg.shape[0]
    cdef double keep = 1.0 - factor
    if values.shape[0] != keys.shape[0]:
        raise ValueError(f"values must have {keys.shape[0]} values, not {values.shape[0]}")
    counts = np.zeros(n, np.int64)
    sums = np.zeros(n)
    cdef long long[::1] c = counts
    cdef double[::1] s = sums
    for i in range(keys.shape[0]):  # in input order, as bincount adds
        k = _key(keys[i], n, "key")
        c[k] += 1
        s[k] += values[i]
    for k in range(n):
        if c[k] > 0:
            avg[k] = avg[k] + keep * (s[k] / <double> c[k] - avg[k])


def review(
    double[::1] recorded,
    double[::1] victimisation,
    const key_t[::1] recorded_beats,
    const other_key_t[::1] resident_beat,
    const long long[::1] victims,
    const long long[::1] beat_residents,
    double factor,
):
    """Crime reviews' running averages of recorded crime and victimisation per beat (in place).

    numpy::

        keep = 1.0 - factor
        recorded += keep * (np.bincount(recorded_beats, minlength=beats) - recorded)
        per_resident = (np.bincount(resident_beat[victims], minlength=beats)
                        / np.maximum(beat_residents, 1))
        victimisation += keep * (per_resident - victimisation)

    """
    cdef Py_ssize_t i, b, n = recorded.shape[0]
    cdef double keep = 1.0 - factor
    cdef long long people
    if victimisation.shape[0] != n or beat_residents.shape[0] != n:
        raise ValueError(f"every beat array must have {n} values")
    daily = np.zeros(n, np.int64)
    hit = np.zeros(n, np.int64)
    cdef long long[::1] d = daily
    cdef long long[::1] h = hit
    for i in range(recorded_beats.shape[0]):
        d[_key(recorded_beats[i], n, "beat")] += 1
    for i in range(victims.shape[0]):
        h[_key(resident_beat[_key(victims[i], resident_beat.shape[0], "resident")], n, "beat")] += 1
    for b in range(n):
        recorded[b] = recorded[b] + keep * (<double> d[b] - recorded[b])
        people = beat_residents[b] if beat_residents[b] > 1 else 1
        victimisation[b] = victimisation[b] + keep * (<double> h[b] / <double> people - victimisation[b])

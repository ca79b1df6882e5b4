# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/beats.py.

import numpy as np

cimport cython
cimport numpy as cnp

from cpsim.kernels.arrays cimport array, doubles, empty, ints, key_at, keys as key_row, longs, out_doubles, size, zeros
from cpsim.kernels.elementwise cimport clip, maximum, minimum

cnp.import_array()

# The arrays are reached through their data pointers (cpsim.kernels.arrays), each checked once
# for type, length and, where written, writeability: a typed memoryview costs ~0.6 µs per array.


cdef inline Py_ssize_t _checked(long long k, Py_ssize_t n, str what) except -1:
    # boundscheck is off: an index outside the arrays would read or write past them
    if k < 0 or k >= n:
        raise ValueError(f"{what} {k} is outside 0..{n - 1}")
    return <Py_ssize_t> k


# ------------------------------------------------------------------ phase 3: crime


def compliance_argument(legitimacy, idx, double reference, double scale):
    """``scale * (legitimacy[idx] - reference)``: the exponent of offenders' compliance (np.exp it)."""
    cdef Py_ssize_t i, n_residents
    cdef const double *lg = doubles(legitimacy, -1, "legitimacy")
    cdef const long long *ix = longs(idx, -1, "idx")
    cdef Py_ssize_t n = size(idx)
    n_residents = size(legitimacy)
    out = empty(n, cnp.NPY_DOUBLE)
    cdef double *o = <double *> cnp.PyArray_DATA(out)
    for i in range(n):
        o[i] = scale * (lg[_checked(ix[i], n_residents, "resident")] - reference)
    return out


def active_offending(offending, free_day, idx, comply, long long day):
    """``offending[idx] * (free_day[idx] <= day) * comply``: each offender's offending today."""
    cdef Py_ssize_t i, r
    cdef const long long *ix = longs(idx, -1, "idx")
    cdef Py_ssize_t n = size(idx)
    cdef const double *of = doubles(offending, -1, "offending")
    cdef Py_ssize_t n_residents = size(offending)
    cdef const int *fd = ints(free_day, -1, "free_day")
    cdef const double *cp = doubles(comply, -1, "comply")
    if size(comply) != n:
        raise ValueError(f"comply must have {n} values, not {size(comply)}")
    if size(free_day) != n_residents:
        raise ValueError("offending and free_day must have one value per resident")
    out = empty(n, cnp.NPY_DOUBLE)
    cdef double *o = <double *> cnp.PyArray_DATA(out)
    for i in range(n):
        r = _checked(ix[i], n_residents, "resident")
        o[i] = of[r] * (1.0 if fd[r] <= day else 0.0) * cp[i]
    return out


def relative_by_beat(beats, weights, initial):
    """``np.bincount(beats, weights, minlength=initial.size) / initial``: offending relative to the start."""
    cdef Py_ssize_t i, b
    cdef const int *bt = ints(beats, -1, "beats")
    cdef Py_ssize_t n = size(beats)
    cdef const double *w = doubles(weights, -1, "weights")
    cdef const double *init = doubles(initial, -1, "initial")
    cdef Py_ssize_t n_beats = size(initial)
    if size(weights) != n:
        raise ValueError(f"weights must have {n} values, not {size(weights)}")
    out = zeros(n_beats, cnp.NPY_DOUBLE)
    cdef double *o = <double *> cnp.PyArray_DATA(out)
    for i in range(n):  # in input order, as bincount adds
        o[_checked(bt[i], n_beats, "beat")] += w[i]
    for b in range(n_beats):
        o[b] = o[b] / init[b]
    return out


def expected_victimisations(
    places, local, offender_factor, deterrence_violent, deterrence_property, crime, double guard_mean
):
    """Expected victimisations per type and place (cpsim.mechanisms.crime.expected_by_type).

    numpy::

        guard = clip(guardianship + extra_guardianship, 0, 1)
        guardianship_norm = 1.0 - guardianship_effect * guard_mean
        common = (residents * risk * offender_factor[beat] * local
                  * (1.0 - guardianship_effect * guard) / guardianship_norm / 365.0)
        common * [[rate_violent], [rate_property]] / 1000.0
               * np.array((deterrence_violent, deterrence_property))[:, beat]

    Args:
        places: The places' state: ``residents`` (int64), ``risk``, ``beat`` (int32),
            ``guardianship`` and ``extra_guardianship``.
        local: ``np.exp(-hotspot_deterrence * hotspot_hours)`` per place.
        offender_factor: Active offending per beat relative to the start.
        deterrence_violent, deterrence_property: Police presence's deterrence of each type, per beat.
        crime: The crime section: ``guardianship_effect`` and the rates ``violent_per_1000``
            (rate_violent) and ``property_per_1000`` (rate_property).
        guard_mean: Mean place guardianship at the start.

    Returns:
        Expected victimisations, shape (2, places): violent, property.

    """
    cdef Py_ssize_t j, b
    # The state and the section are read once, here, under the equation's names.
    residents, risk, beat = places.residents, places.risk, places.beat
    guardianship, extra_guardianship = places.guardianship, places.extra_guardianship
    cdef double guardianship_effect = crime.guardianship_effect
    cdef double guardianship_norm = 1.0 - guardianship_effect * guard_mean
    cdef double rate_violent = crime.violent_per_1000
    cdef double rate_property = crime.property_per_1000
    cdef const int *bt = ints(beat, -1, "beat")
    cdef Py_ssize_t n = size(beat)
    cdef const double *of = doubles(offender_factor, -1, "offender_factor")
    cdef Py_ssize_t n_beats = size(offender_factor)
    cdef const long long *rs = longs(residents, -1, "residents")
    cdef const double *rk = doubles(risk, -1, "risk")
    cdef const double *gd = doubles(guardianship, -1, "guardianship")
    cdef const double *eg = doubles(extra_guardianship, -1, "extra_guardianship")
    cdef const double *lc = doubles(local, -1, "local")
    cdef const double *dv = doubles(deterrence_violent, -1, "deterrence_violent")
    cdef const double *dp = doubles(deterrence_property, -1, "deterrence_property")
    cdef double guard, common
    for m in (size(residents), size(risk), size(guardianship), size(extra_guardianship), size(local)):
        if m != n:
            raise ValueError(f"every place array must have {n} values, not {m}")
    if size(deterrence_violent) != n_beats or size(deterrence_property) != n_beats:
        raise ValueError(f"every beat array must have {n_beats} values")
    cdef cnp.npy_intp dims[2]
    dims[0] = 2
    dims[1] = n
    out = cnp.PyArray_EMPTY(2, dims, cnp.NPY_DOUBLE, 0)
    cdef double *o = <double *> cnp.PyArray_DATA(out)  # row 0 at o, row 1 at o + n
    for j in range(n):
        b = _checked(bt[j], n_beats, "beat")
        guard = clip(gd[j] + eg[j], 0.0, 1.0)
        common = <double> rs[j] * rk[j]
        common = common * of[b]
        common = common * lc[j]
        common = common * (1.0 - guardianship_effect * guard)
        common = common / guardianship_norm
        common = common / 365.0
        o[j] = common * rate_violent / 1000.0 * dv[b]
        o[n + j] = common * rate_property / 1000.0 * dp[b]
    return out


def add_disorder(disorder, places, double per_crime):
    """``disorder += per_crime * np.bincount(places, minlength=disorder.size)`` (in place)."""
    cdef Py_ssize_t i, p
    cdef double *d = out_doubles(disorder, -1, "disorder")
    cdef Py_ssize_t n = size(disorder)
    cdef const long long *pl = longs(places, -1, "places")
    counts = zeros(n, cnp.NPY_INT64)
    cdef long long *c = <long long *> cnp.PyArray_DATA(counts)
    for i in range(size(places)):
        c[_checked(pl[i], n, "place")] += 1
    for p in range(n):  # every place, as numpy adds 0.0 (or NaN) where there was no crime
        d[p] = d[p] + per_crime * <double> c[p]


# ------------------------------------------------------------------ phase 5: officers' time


cdef inline Py_ssize_t _step(object a, Py_ssize_t n, str what) except -1:
    # a per-beat argument is one value per beat or one for all (numpy's broadcasting of a scalar)
    if size(a) == n:
        return 1
    if size(a) == 1:
        return 0
    raise ValueError(f"{what} must have 1 or {n} values, not {size(a)}")


def capacity(on_duty, double shift_hours, double admin_share):
    """``admin_full = on_duty * shift_hours * admin_share`` and ``capacity = hours - admin_full``."""
    cdef Py_ssize_t i
    cdef const double *od = doubles(on_duty, -1, "on_duty")
    cdef Py_ssize_t n = size(on_duty)
    cdef double hours
    # two arrays, not rows of one: a row view costs more to make than a fresh array
    admin_full, capacity = empty(n, cnp.NPY_DOUBLE), empty(n, cnp.NPY_DOUBLE)
    cdef double *a = <double *> cnp.PyArray_DATA(admin_full)
    cdef double *c = <double *> cnp.PyArray_DATA(capacity)
    for i in range(n):
        hours = od[i] * shift_hours
        a[i] = hours * admin_share
        c[i] = hours - a[i]
    return admin_full, capacity


# The plan's rows, in the order split_hours fills them (its arithmetic fixes the order).
ACTIVITIES = ("response", "foot", "enforcement", "community", "car")


def split_hours(on_duty, admin_full, capacity, double response_share, asked, pol, patrol, enf):
    """Hours per activity per beat and administration (cpsim.mechanisms.policing.allocate_hours).

    numpy::

        response = capacity * response_share
        left = capacity - response
        requested = on_duty * foot_hours * routine + foot_requests
        foot = minimum(requested, left); left = left - foot
        enforcement = minimum(on_duty * proactive_hours * proactive, left); left = left - enforcement
        community = minimum(community_requests, left); car = left - community
        cut = capacity * budget_cut
        for each row r of cut_order (if budget_cut > 0):
            take = minimum(plan[r], cut); plan[r] = plan[r] - take; cut = cut - take
        admin = admin_full * (1.0 - budget_cut)
        directed = foot * np.divide(foot_requests, requested, out=np.zeros(n_beats), where=requested > 0)

    Args:
        on_duty, admin_full, capacity: Officers on duty, administration hours before any cut,
            and hours left for work, per beat.
        response_share: Share of every beat's capacity that the city's calls take.
        asked: What each beat is asked for beyond calls: ``routine`` (share of routine foot
            patrol still done), ``foot_requests``, ``proactive`` (multiplier of proactive
            work) and ``community_requests``, one value per beat or one for every beat.
        pol: The policing section: ``budget_cut`` and ``cut_order`` (names of ACTIVITIES, in
            the order a budget cut takes them; read only under a cut).
        patrol: The patrol section: ``foot_hours`` per officer.
        enf: The enforcement section: ``proactive_hours`` per officer.

    Returns:
        The plan (each of ACTIVITIES' hours per beat), the administration hours per beat, and
        the directed foot hours per beat: programs' requests get the share of the foot hours
        given that they are of the foot hours asked for, as routine hours do.

    Raises:
        ValueError: The arrays' lengths differ, or under a cut cut_order names a row the plan
            does not have, or more than five.

    """
    cdef Py_ssize_t i, r
    # The sections and the asks are read once, here, under the equations' names.
    routine, foot_requests = asked.routine, asked.foot_requests
    proactive, community_requests = asked.proactive, asked.community_requests
    cdef double budget_cut = pol.budget_cut
    cdef double foot_hours = patrol.foot_hours
    cdef double proactive_hours = enf.proactive_hours
    cdef const double *od = doubles(on_duty, -1, "on_duty")
    cdef Py_ssize_t n = size(on_duty)
    cdef const double *af = doubles(admin_full, -1, "admin_full")
    cdef const double *cap = doubles(capacity, -1, "capacity")
    cdef const double *rs = doubles(routine, -1, "routine")
    cdef const double *fr = doubles(foot_requests, -1, "foot_requests")
    cdef const double *ps = doubles(proactive, -1, "proactive")
    cdef const double *cr = doubles(community_requests, -1, "community_requests")
    cdef Py_ssize_t s_rs = _step(routine, n, "routine"), s_fr = _step(foot_requests, n, "foot_requests")
    cdef Py_ssize_t s_ps = _step(proactive, n, "proactive")
    cdef Py_ssize_t s_cr = _step(community_requests, n, "community_requests")
    cdef double left, cut, take, requested
    if size(admin_full) != n or size(capacity) != n:
        raise ValueError(f"admin_full and capacity must have {n} values")
    cdef Py_ssize_t k, n_rows = 0
    cdef Py_ssize_t rows[5]
    if budget_cut > 0:  # no cut takes no rows: the order is not read
        order = tuple(pol.cut_order)
        if len(order) > 5 or not all(name in ACTIVITIES for name in order):
            raise ValueError(f"cut_order must name rows of the plan {ACTIVITIES}, five at most, not {order}")
        for name in order:
            rows[n_rows] = ACTIVITIES.index(name)
            n_rows += 1
    # fresh arrays, not rows of one: a row view costs more to make than an array
    arrays = [empty(n, cnp.NPY_DOUBLE) for r in range(7)]
    cdef double *o[7]
    for r in range(7):
        o[r] = <double *> cnp.PyArray_DATA(<cnp.ndarray> arrays[r])
    for i in range(n):
        o[0][i] = cap[i] * response_share
        left = cap[i] - o[0][i]
        requested = od[i] * foot_hours * rs[i * s_rs] + fr[i * s_fr]
        o[1][i] = minimum(requested, left)
        left = left - o[1][i]
        o[2][i] = minimum(od[i] * proactive_hours * ps[i * s_ps], left)
        left = left - o[2][i]
        o[3][i] = minimum(cr[i * s_cr], left)
        o[4][i] = left - o[3][i]
        if budget_cut > 0:  # no cut takes nothing (hours are >= 0)
            cut = cap[i] * budget_cut
            for k in range(n_rows):
                r = rows[k]
                take = minimum(o[r][i], cut)
                o[r][i] = o[r][i] - take
                cut = cut - take
        o[5][i] = af[i] * (1.0 - budget_cut)
        o[6][i] = o[1][i] * (fr[i * s_fr] / requested if requested > 0 else 0.0)
    return dict(zip(ACTIVITIES, arrays[:5])), arrays[5], arrays[6]


def crime_ratio(recorded, expected):
    """``maximum(recorded / expected where expected > 0, else 1.0, 1e-3)``: what crime reviews see."""
    cdef Py_ssize_t i
    cdef const double *rc = doubles(recorded, -1, "recorded")
    cdef Py_ssize_t n = size(recorded)
    cdef const double *ex = doubles(expected, -1, "expected")
    if size(expected) != n:
        raise ValueError(f"expected must have {n} values, not {size(expected)}")
    out = empty(n, cnp.NPY_DOUBLE)
    cdef double *o = <double *> cnp.PyArray_DATA(out)
    for i in range(n):
        o[i] = maximum(rc[i] / ex[i] if ex[i] > 0 else 1.0, 1e-3)
    return out


# ------------------------------------------------------------------ phase 6: clearing


def place_means_at(values, at, by_place, place_start, residents_per_place):
    """The mean value of the residents of each place in ``at`` (cpsim.mechanisms.response.place_mean_at).

    numpy: each wanted place's members ``by_place[place_start[p]:place_start[p + 1]]``, their
    values added in that order from 0.0 (a bincount over one row per member), over
    ``np.maximum(residents_per_place[at], 1)``.

    Args:
        values: Per-resident values (float64).
        at: Places wanted, repeats allowed (int64).
        by_place: Residents sorted by place (int64).
        place_start: Start of each place's run in ``by_place``, places + 1 (int64).
        residents_per_place: Residents per place (int64).

    Returns:
        One mean per place in ``at``.

    """
    cdef Py_ssize_t n_res = size(array(values, cnp.NPY_DOUBLE, -1, "values"))
    cdef const double *v = <double *> cnp.PyArray_DATA(values)
    cdef Py_ssize_t j, k, p, n = size(array(at, cnp.NPY_INT64, -1, "at"))
    cdef const long long *want = <long long *> cnp.PyArray_DATA(at)
    cdef Py_ssize_t n_members = size(array(by_place, cnp.NPY_INT64, -1, "by_place"))
    cdef const long long *member = <long long *> cnp.PyArray_DATA(by_place)
    cdef Py_ssize_t n_places = size(array(residents_per_place, cnp.NPY_INT64, -1, "residents_per_place"))
    cdef const long long *people = <long long *> cnp.PyArray_DATA(residents_per_place)
    cdef const long long *start = longs(place_start, n_places + 1, "place_start")
    cdef double total
    out = empty(n, cnp.NPY_DOUBLE)
    cdef double *o = <double *> cnp.PyArray_DATA(out)
    for j in range(n):
        p = _checked(want[j], n_places, "place")
        if start[p] < 0 or start[p] > start[p + 1] or start[p + 1] > n_members:
            raise ValueError(f"place {p}'s run {start[p]}..{start[p + 1]} is outside by_place's {n_members}")
        total = 0.0
        for k in range(start[p], start[p + 1]):
            total = total + v[_checked(member[k], n_res, "resident")]
        o[j] = total / <double> (people[p] if people[p] > 1 else 1)
    return out


def offender_cumweights(offending, free_day, offenders, order, long long day):
    """Cumulative weights of offenders on the street, in beat order (enforcement.pick_offenders).

    numpy: ``w = offending[offenders] * (free_day[offenders] <= day)``, then
    ``np.concatenate([[0.0], w[order].cumsum()])``.

    Args:
        offending: Each resident's offending (float64).
        free_day: The day each resident is free again (int32).
        offenders: Indices of residents who offend (int64).
        order: Offenders' positions grouped by beat (int64).
        day: Today.

    Returns:
        0.0, then the running sum of the weights in ``order``.

    """
    cdef Py_ssize_t n_res = size(array(offending, cnp.NPY_DOUBLE, -1, "offending"))
    cdef const double *rate = <double *> cnp.PyArray_DATA(offending)
    cdef const int *free = ints(free_day, n_res, "free_day")
    cdef Py_ssize_t i, r, m = size(array(offenders, cnp.NPY_INT64, -1, "offenders"))
    cdef const long long *who = <long long *> cnp.PyArray_DATA(offenders)
    cdef const long long *pos = longs(order, m, "order")
    cdef double w
    out = empty(m + 1, cnp.NPY_DOUBLE)
    cdef double *o = <double *> cnp.PyArray_DATA(out)
    o[0] = 0.0
    for i in range(m):
        r = _checked(who[_checked(pos[i], m, "order position")], n_res, "offender")
        w = rate[r] * (1.0 if free[r] <= day else 0.0)
        o[i + 1] = w if i == 0 else o[i] + w  # cumsum's first value is the first weight
    return out


# ------------------------------------------------------------------ phase 7: patrol


def spread_foot(foot, places, beat_risk):
    """A beat's foot hours spread over its places in proportion to their risk (officers walk where trouble is).

    numpy (cpsim.mechanisms.patrol.spread_foot_hours)::

        foot[beat] * risk / beat_risk

    Args:
        foot: Foot hours per beat.
        places: The places' state: ``beat`` (int32) and ``risk``.
        beat_risk: Each place's beat's total risk (patrol.beat_risk_at_places).

    Returns:
        Foot hours at each place.

    Raises:
        ValueError: The place arrays differ in length, or a place's beat is not one of foot's.

    """
    cdef Py_ssize_t i
    cdef const double *ft = doubles(foot, -1, "foot")
    cdef Py_ssize_t n_beats = size(foot)
    cdef const int *pb = ints(places.beat, -1, "beat")
    cdef Py_ssize_t n_places = size(places.beat)
    cdef const double *r = doubles(places.risk, n_places, "risk")
    cdef const double *total = doubles(beat_risk, n_places, "beat_risk")
    out = empty(n_places, cnp.NPY_DOUBLE)
    cdef double *o = <double *> cnp.PyArray_DATA(out)
    for i in range(n_places):
        o[i] = ft[_checked(pb[i], n_beats, "place beat")] * r[i] / total[i]
    return out


# ------------------------------------------------------------------ phase 13: what officers sense


def review(
    recorded,
    victimisation,
    recorded_beats,
    resident_beat,
    victims,
    beat_residents,
    double factor,
):
    """Crime reviews' running averages of recorded crime and victimisation per beat (in place).

    numpy::

        keep = 1.0 - factor
        recorded += keep * (np.bincount(recorded_beats, minlength=beats) - recorded)
        per_resident = (np.bincount(resident_beat[victims], minlength=beats)
                        / np.maximum(beat_residents, 1))
        victimisation += keep * (per_resident - victimisation)

    recorded_beats and resident_beat are int32 or int64.
    """
    cdef Py_ssize_t i, b
    cdef double *rc = out_doubles(recorded, -1, "recorded")
    cdef Py_ssize_t n = size(recorded)
    cdef double *vc = out_doubles(victimisation, -1, "victimisation")
    cdef cnp.ndarray rb_array = key_row(recorded_beats, -1, "recorded_beats")
    cdef cnp.ndarray beat_array = key_row(resident_beat, -1, "resident_beat")
    cdef const void *rb = cnp.PyArray_DATA(rb_array)
    cdef const void *bt = cnp.PyArray_DATA(beat_array)
    cdef bint rb_wide = cnp.PyArray_ITEMSIZE(rb_array) == 8, bt_wide = cnp.PyArray_ITEMSIZE(beat_array) == 8
    cdef Py_ssize_t n_residents = size(beat_array)
    cdef const long long *vs = longs(victims, -1, "victims")
    cdef const long long *br = longs(beat_residents, -1, "beat_residents")
    cdef double keep = 1.0 - factor
    cdef long long people
    if size(victimisation) != n or size(beat_residents) != n:
        raise ValueError(f"every beat array must have {n} values")
    # the two counts share one array: fewer allocations, the same integers
    counts = zeros(2 * n, cnp.NPY_INT64)
    cdef long long *d = <long long *> cnp.PyArray_DATA(counts)
    cdef long long *h = d + n
    for i in range(size(rb_array)):
        d[_checked(key_at(rb, rb_wide, i), n, "beat")] += 1
    for i in range(size(victims)):
        h[_checked(key_at(bt, bt_wide, _checked(vs[i], n_residents, "resident")), n, "beat")] += 1
    for b in range(n):
        rc[b] = rc[b] + keep * (<double> d[b] - rc[b])
        people = br[b] if br[b] > 1 else 1
        vc[b] = vc[b] + keep * (<double> h[b] / <double> people - vc[b])


def sense(audience_sum, audience_count, audience, normal, keys, values, double keep, double keep_normal):
    """A day of what each beat's officers sense (in place): cpsim.mechanisms.climate.sense, to the bit.

    numpy::

        audience_sum *= keep; audience_count *= keep
        audience_sum += np.bincount(keys, weights=values, minlength=beats)   (when there are keys)
        audience_count += np.bincount(keys, minlength=beats)
        seen = audience_count > 0
        audience[seen] = audience_sum[seen] / audience_count[seen]
        normal += (1.0 - keep_normal) * (audience - normal)

    keys are int32 or int64.
    """
    cdef Py_ssize_t i, b
    cdef double *s = out_doubles(audience_sum, -1, "audience_sum")
    cdef Py_ssize_t n = size(audience_sum)
    cdef double *c = out_doubles(audience_count, n, "audience_count")
    cdef double *a = out_doubles(audience, n, "audience")
    cdef double *nm = out_doubles(normal, n, "normal")
    cdef cnp.ndarray key_array = key_row(keys, -1, "keys")
    cdef const void *ks = cnp.PyArray_DATA(key_array)
    cdef bint wide = cnp.PyArray_ITEMSIZE(key_array) == 8
    cdef Py_ssize_t m = size(key_array)
    cdef const double *v = doubles(values, m, "values")
    sums = zeros(2 * n, cnp.NPY_DOUBLE)  # what today's contacts add, each from 0.0 in order (bincount's sums)
    cdef double *add = <double *> cnp.PyArray_DATA(sums)
    cdef double *count = add + n
    for i in range(m):
        b = _checked(key_at(ks, wide, i), n, "beat")
        add[b] += v[i]
        count[b] += 1.0
    for b in range(n):
        s[b] *= keep
        c[b] *= keep
        if m:
            s[b] += add[b]
            c[b] += count[b]
        if c[b] > 0:
            a[b] = s[b] / c[b]
        nm[b] += (1.0 - keep_normal) * (a[b] - nm[b])


def routine_share(audience, normal, double withdrawal, double threshold, double width):
    """Share of routine work each beat's officers still do (cpsim.mechanisms.climate.routine_share, to the bit).

    numpy: ``x = np.clip((normal - audience - threshold) / width, 0.0, 1.0)``,
    ``1.0 - withdrawal * x * x * (3.0 - 2.0 * x)``.
    """
    cdef Py_ssize_t b
    cdef const double *a = doubles(audience, -1, "audience")
    cdef Py_ssize_t n = size(audience)
    cdef const double *nm = doubles(normal, n, "normal")
    out = empty(n, cnp.NPY_DOUBLE)
    cdef double *o = <double *> cnp.PyArray_DATA(out)
    cdef double x
    for b in range(n):
        x = clip((nm[b] - a[b] - threshold) / width, 0.0, 1.0)
        o[b] = 1.0 - withdrawal * x * x * (3.0 - 2.0 * x)
    return out

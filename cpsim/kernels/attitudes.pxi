# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/attitudes.py.

import numpy as np

cimport numpy as cnp

from cpsim.kernels.arrays cimport array, doubles, empty, out_doubles, size
from cpsim.kernels.elementwise cimport clip

cnp.import_array()


cdef int _check_graph(const long long *ptr, const int *other, Py_ssize_t n_rows, Py_ssize_t n_ties) except -1:
    """Refuse CSR arrays the loops would read past (boundscheck is off)."""
    cdef Py_ssize_t i, k
    if ptr[0] != 0 or ptr[n_rows] != n_ties:
        raise ValueError(f"indptr must run from 0 to the {n_ties} ties")
    for i in range(n_rows):
        if ptr[i + 1] < ptr[i]:
            raise ValueError(f"indptr decreases at row {i}")
    for k in range(n_ties):
        if other[k] < 0 or other[k] >= n_rows:
            raise ValueError(f"tie {k} names resident {other[k]}, not one of 0..{n_rows - 1}")
    return 0


cdef int _two_tie_means(
    const long long *ptr, const int *other, Py_ssize_t n_rows, Py_ssize_t n_ties,
    const double *v, const double *w, const double *alone_v, const double *alone_w, double *o, double *p,
) except -1:
    """The ties' means of two value rows at once (o, p; alone_*: the value of a resident without
    ties). Each running sum adds its values in tie order, as numpy's cumsum does; side by side,
    the adds of one need not wait on the other's."""
    cdef Py_ssize_t i, k
    cdef long long deg
    cdef double run_v = 0.0, run_w = 0.0, before_v, before_w
    cdef int j
    _check_graph(ptr, other, n_rows, n_ties)
    for i in range(n_rows):
        before_v, before_w = run_v, run_w
        for k in range(ptr[i], ptr[i + 1]):
            j = other[k]
            if k == 0:  # cumsum's first value is the first tie's
                run_v, run_w = v[j], w[j]
            else:
                run_v = run_v + v[j]
                run_w = run_w + w[j]
        deg = ptr[i + 1] - ptr[i]
        if deg > 0:
            o[i] = (run_v - before_v) / <double> deg
            p[i] = (run_w - before_w) / <double> deg
        else:
            o[i], p[i] = alone_v[i], alone_w[i]
    return 0


cdef inline const long long *_ptr(object indptr, Py_ssize_t n, str name) except NULL:
    return <long long *> cnp.PyArray_DATA(array(indptr, cnp.NPY_INT64, n + 1, name))


cdef inline const int *_beat_keys(object x, Py_ssize_t n, Py_ssize_t n_keys, str name) except NULL:
    """An int32 row of n keys, each refused unless in 0..n_keys-1."""
    cdef const int *k = <int *> cnp.PyArray_DATA(array(x, cnp.NPY_INT32, n, name))
    cdef Py_ssize_t i
    for i in range(n):
        if k[i] < 0 or k[i] >= n_keys:
            raise ValueError(f"{name} {k[i]} (resident {i}) is outside 0..{n_keys - 1}")
    return k


def tie_mean(indptr, indices, values, fallback):
    """Each resident's mean over their ties' values, ``fallback`` for residents without ties.

    numpy: ``running = np.concatenate([[0.0], np.cumsum(values[indices])])``,
    ``sums = running[indptr[1:]] - running[indptr[:-1]]``, then
    ``np.where(deg > 0, sums / np.maximum(deg, 1), fallback)`` with ``deg = np.diff(indptr)``.

    Args:
        indptr: CSR row offsets, one more than residents (int64, from 0, not decreasing).
        indices: The tie list: the resident at each tie's other end (int32).
        values: One value per resident (float64).
        fallback: The value of a resident without ties (float64, one per resident).

    Returns:
        One mean per resident.

    """
    cdef Py_ssize_t n = size(array(values, cnp.NPY_DOUBLE, -1, "values"))
    cdef Py_ssize_t n_ties = size(array(indices, cnp.NPY_INT32, -1, "indices"))
    cdef const double *v = doubles(values, n, "values")
    cdef const double *alone = doubles(fallback, n, "fallback")
    out, twin = empty(n, cnp.NPY_DOUBLE), empty(n, cnp.NPY_DOUBLE)  # (the second row's result is the same)
    _two_tie_means(
        _ptr(indptr, n, "indptr"), <int *> cnp.PyArray_DATA(indices), n, n_ties,
        v, v, alone, alone, <double *> cnp.PyArray_DATA(out), <double *> cnp.PyArray_DATA(twin),
    )
    return out


def anchors(residents, memory, double national, reference, disorder, seen, graph, t):
    """Where each resident's legitimacy and effectiveness attitudes settle.

    The shared memories enter whole; the resident's own part and the ties' departures from
    their own memories (the local opinion climate) are mixed by the social weight, so a change
    every member of a group shares moves every member's anchor by as much. numpy
    (cpsim.model.CommunityModel.anchors), every sum in this order::

        base_x = memory_x[group] + local_x[beat]
        own_l = disposition_l + performance_weight * (attitude_e - reference_e)
        conditions = -disorder_weight * (disorder[place] - reference_disorder) + foot_seen_weight * (seen - reference_seen)
        own_e = disposition_e + conditions
        climate_x = tie_mean(attitude_x - base_x)              (the resident's own departure without ties)
        anchor_x = clip((base_x + national) + ((1.0 - social_weight) * own_x + social_weight * climate_x), 0, 1)

    Args:
        residents: The residents' state: ``group`` (int8), ``beat`` and ``place`` (int32), and
            ``disposition_*`` and ``attitude_*`` of legitimacy and effectiveness (float64).
        memory: The collective memories: ``group`` (groups x 2) and ``beat`` (the neighbourhoods'
            departures, beats x 2), legitimacy then effectiveness (float64).
        national: The national mood.
        reference: What residents are used to: "effectiveness", "disorder" and "seen".
        disorder: Visible disorder per place (float64).
        seen: Each resident's chance of seeing police on foot in a week (float64).
        graph: The social graph: ``indptr`` and ``indices`` (CSR, int64 and int32).
        t: The trust section: ``performance_weight``, ``disorder_weight``, ``foot_seen_weight``,
            ``social_weight``.

    Returns:
        The legitimacy and effectiveness anchors, one value per resident each.

    """
    # The state, memories, references and section are read once, here (the names of the
    # equations above); each memory's column as a contiguous row.
    group, beat, place = residents.group, residents.beat, residents.place
    disposition_legitimacy, disposition_effectiveness = residents.disposition_legitimacy, residents.disposition_effectiveness
    attitude_legitimacy, attitude_effectiveness = residents.attitude_legitimacy, residents.attitude_effectiveness
    memory_legitimacy, memory_effectiveness = np.ascontiguousarray(memory.group[:, 0]), np.ascontiguousarray(memory.group[:, 1])
    local_legitimacy, local_effectiveness = np.ascontiguousarray(memory.beat[:, 0]), np.ascontiguousarray(memory.beat[:, 1])
    indptr, indices = graph.indptr, graph.indices
    cdef double reference_effectiveness = reference["effectiveness"]
    cdef double reference_disorder = reference["disorder"]
    cdef double reference_seen = reference["seen"]
    cdef double performance_weight = t.performance_weight
    cdef double disorder_weight = t.disorder_weight
    cdef double foot_seen_weight = t.foot_seen_weight
    cdef double social_weight = t.social_weight
    cdef Py_ssize_t i, n = size(array(attitude_legitimacy, cnp.NPY_DOUBLE, -1, "attitude_legitimacy"))
    cdef Py_ssize_t n_groups = size(array(memory_legitimacy, cnp.NPY_DOUBLE, -1, "memory_legitimacy"))
    cdef Py_ssize_t n_beats = size(array(local_legitimacy, cnp.NPY_DOUBLE, -1, "local_legitimacy"))
    cdef Py_ssize_t n_places = size(array(disorder, cnp.NPY_DOUBLE, -1, "disorder"))
    cdef Py_ssize_t n_ties = size(array(indices, cnp.NPY_INT32, -1, "indices"))
    cdef const signed char *g = <signed char *> cnp.PyArray_DATA(array(group, cnp.NPY_INT8, n, "group"))
    cdef const double *mem_l = <double *> cnp.PyArray_DATA(memory_legitimacy)
    cdef const double *mem_e = doubles(memory_effectiveness, n_groups, "memory_effectiveness")
    cdef const double *loc_l = <double *> cnp.PyArray_DATA(local_legitimacy)
    cdef const double *loc_e = doubles(local_effectiveness, n_beats, "local_effectiveness")
    cdef const double *disp_l = doubles(disposition_legitimacy, n, "disposition_legitimacy")
    cdef const double *disp_e = doubles(disposition_effectiveness, n, "disposition_effectiveness")
    cdef const double *att_l = doubles(attitude_legitimacy, n, "attitude_legitimacy")
    cdef const double *att_e = doubles(attitude_effectiveness, n, "attitude_effectiveness")
    cdef const int *bt = _beat_keys(beat, n, n_beats, "beat")
    cdef const int *pl = _beat_keys(place, n, n_places, "place")
    cdef const double *dis = doubles(disorder, n_places, "disorder")
    cdef const double *s = doubles(seen, n, "seen")
    cdef const long long *ptr = _ptr(indptr, n, "indptr")
    cdef double keep = 1.0 - social_weight, minus_disorder = -disorder_weight, own, conditions
    for i in range(n):
        if g[i] < 0 or g[i] >= n_groups:
            raise ValueError(f"group {g[i]} (resident {i}) is outside 0..{n_groups - 1}")
    out_l, out_e = empty(n, cnp.NPY_DOUBLE), empty(n, cnp.NPY_DOUBLE)
    cdef double *a_l = <double *> cnp.PyArray_DATA(out_l)
    cdef double *a_e = <double *> cnp.PyArray_DATA(out_e)
    # Each resident's departure from their memories; the ties' mean of it (the climate) goes into the outputs.
    dev_l_array, dev_e_array = empty(n, cnp.NPY_DOUBLE), empty(n, cnp.NPY_DOUBLE)
    cdef double *dev_l = <double *> cnp.PyArray_DATA(dev_l_array)
    cdef double *dev_e = <double *> cnp.PyArray_DATA(dev_e_array)
    for i in range(n):
        dev_l[i] = att_l[i] - (mem_l[g[i]] + loc_l[bt[i]])
        dev_e[i] = att_e[i] - (mem_e[g[i]] + loc_e[bt[i]])
    _two_tie_means(ptr, <int *> cnp.PyArray_DATA(indices), n, n_ties, dev_l, dev_e, dev_l, dev_e, a_l, a_e)
    for i in range(n):
        own = disp_l[i] + performance_weight * (att_e[i] - reference_effectiveness)
        a_l[i] = clip(((mem_l[g[i]] + loc_l[bt[i]]) + national) + (keep * own + social_weight * a_l[i]), 0.0, 1.0)
        conditions = minus_disorder * (dis[pl[i]] - reference_disorder) + foot_seen_weight * (s[i] - reference_seen)
        own = disp_e[i] + conditions
        a_e[i] = clip(((mem_e[g[i]] + loc_e[bt[i]]) + national) + (keep * own + social_weight * a_e[i]), 0.0, 1.0)
    return out_l, out_e


def settle(attitude, target, double factor):
    """The weekly step, in place: ``attitude -= target; attitude *= factor; attitude += target``."""
    cdef Py_ssize_t i, n = size(array(attitude, cnp.NPY_DOUBLE, -1, "attitude"))
    cdef double *a = out_doubles(attitude, n, "attitude")
    cdef const double *t = doubles(target, n, "target")
    for i in range(n):
        a[i] = (a[i] - t[i]) * factor + t[i]

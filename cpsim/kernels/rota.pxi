# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/rota.py.

import numpy as np

cimport numpy as cnp
from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.math cimport fmod
from numpy.random cimport bitgen_t
from numpy.random.c_distributions cimport random_standard_uniform_fill

from cpsim.kernels.arrays cimport array, doubles, empty, flags, key_at, keys, size, writable, zeros

cnp.import_array()


cdef inline unsigned char *_out_flags(object x, str name) except NULL:
    """A writable 1-d contiguous bool array's data (or uint8: a bool array viewed as bytes)."""
    if cnp.PyArray_Check(x) and cnp.PyArray_TYPE(<cnp.ndarray> x) == cnp.NPY_UBYTE:
        return <unsigned char *> cnp.PyArray_DATA(writable(x, cnp.NPY_UBYTE, -1, name))
    return <unsigned char *> cnp.PyArray_DATA(writable(x, cnp.NPY_BOOL, -1, name))


def rotate(rng, beat, Py_ssize_t n_beats, double due_below, fixed=None):
    """Pairwise beat swaps, in place; the share of each team replaced today.

    numpy (cpsim.mechanisms.policing.rotate): two uniforms per beat officer (whether they start
    a swap, then whom with), drawn in two calls; officers due in order swap with the
    ``int(u * k)``-th of the k movable officers then on another beat.

    Args:
        rng: The duty stream (a numpy Generator).
        beat: Each officer's beat (-1: off any beat), changed in place.
        n_beats: Number of beats.
        due_below: An officer starts a swap when their first uniform is below this.
        fixed: Officers who never swap (bool per officer), or None.

    Returns:
        Per beat, officers who left or joined it today over its team size.

    """
    cdef Py_ssize_t i, k, m = 0, n, count, chosen, b
    cdef int here, there
    cdef cnp.ndarray beat_a = writable(beat, cnp.NPY_INT32, -1, "beat")
    cdef int *bt = <int *> cnp.PyArray_DATA(beat_a)
    n = size(beat_a)
    cdef const unsigned char *steady = NULL
    cdef bint any_fixed = fixed is not None
    cdef cnp.ndarray share = zeros(n_beats, cnp.NPY_DOUBLE)
    cdef double *out = <double *> cnp.PyArray_DATA(share)
    if any_fixed:
        if not (
            cnp.PyArray_Check(fixed)
            and cnp.PyArray_TYPE(<cnp.ndarray> fixed) == cnp.NPY_BOOL
            and cnp.PyArray_IS_C_CONTIGUOUS(<cnp.ndarray> fixed)
        ):
            fixed = np.ascontiguousarray(fixed, np.bool_)
        steady = flags(fixed, n, "fixed")
    for i in range(n):
        m += bt[i] >= 0
    if n_beats < 2 or m == 0:
        return share
    cdef cnp.ndarray on_beat = empty(m, cnp.NPY_INT64)
    cdef long long *ob = <long long *> cnp.PyArray_DATA(on_beat)
    k = 0
    for i in range(n):
        if bt[i] >= 0:
            ob[k] = i
            k += 1
    cdef cnp.ndarray draws = empty(2 * m, cnp.NPY_DOUBLE)
    cdef double *u = <double *> cnp.PyArray_DATA(draws)
    with rng.bit_generator.lock:  # rng.random(m) twice: 2m numbers in order
        random_standard_uniform_fill(<bitgen_t *> PyCapsule_GetPointer(rng.bit_generator.capsule, "BitGenerator"), 2 * m, u)
    cdef cnp.ndarray team = zeros(n_beats, cnp.NPY_DOUBLE)
    cdef double *team_size = <double *> cnp.PyArray_DATA(team)
    for i in range(m):
        if bt[ob[i]] >= n_beats:
            raise ValueError(f"officer {ob[i]} is on beat {bt[ob[i]]}, but the city has {n_beats} beats")
        team_size[bt[ob[i]]] += 1.0
    for i in range(m):
        if not u[i] < due_below or (any_fixed and steady[ob[i]]):
            continue
        here = bt[ob[i]]
        count = 0
        for k in range(m):
            count += (not any_fixed or not steady[ob[k]]) and bt[ob[k]] != here
        if count == 0:
            continue
        chosen = <Py_ssize_t> (u[m + i] * <double> count)
        for k in range(m):
            if (not any_fixed or not steady[ob[k]]) and bt[ob[k]] != here:
                if chosen == 0:
                    break
                chosen -= 1
        there = bt[ob[k]]
        bt[ob[i]], bt[ob[k]] = there, here
        out[here] += 1.0
        out[there] += 1.0
    for b in range(n_beats):
        out[b] = out[b] / (team_size[b] if team_size[b] > 1.0 else 1.0) if team_size[b] > 0 else 0.0
    return share


def duty(
    on_duty,
    phase,
    double offset,
    double share,
    beat,
    Py_ssize_t n_beats,
):
    """Who works today, in place, and how many work in each beat.

    numpy: ``on_duty[:] = np.mod(offset + phase, 1.0) < share``, then
    ``np.bincount(beat[on_duty & (beat >= 0)], minlength=n_beats)`` as floats.

    Args:
        on_duty: Each officer on duty today (bool, or bool viewed as uint8), written.
        phase: Each officer's rota phase.
        offset: ``day * ROTA_STEP``.
        share: Share of days an officer works.
        beat: Each officer's beat (-1: off any beat).
        n_beats: Number of beats.

    Returns:
        Officers on duty per beat.

    """
    cdef Py_ssize_t i
    cdef unsigned char *on = _out_flags(on_duty, "on_duty")
    cdef Py_ssize_t n = size(on_duty)
    if size(array(phase, cnp.NPY_DOUBLE, -1, "phase")) != n or size(array(beat, cnp.NPY_INT32, -1, "beat")) != n:
        raise ValueError("on_duty, phase and beat must have one value per officer")
    cdef const double *ph = doubles(phase, n, "phase")
    cdef const int *bt = <int *> cnp.PyArray_DATA(<cnp.ndarray> beat)
    cdef cnp.ndarray counts = zeros(n_beats, cnp.NPY_DOUBLE)
    cdef double *c = <double *> cnp.PyArray_DATA(counts)
    for i in range(n):
        # np.mod of a non-negative number by 1.0 is fmod's (whole numbers give +0.0 either way)
        on[i] = fmod(offset + ph[i], 1.0) < share
        if on[i] and bt[i] >= 0:
            if bt[i] >= n_beats:
                raise ValueError(f"officer {i} is on beat {bt[i]}, but the city has {n_beats} beats")
            c[bt[i]] += 1.0
    return counts



def roster(on_duty, beat, Py_ssize_t n_beats):
    """On-duty officers grouped by beat, for picking who handles a contact (policing.Roster).

    numpy: ``on = on_duty.nonzero()[0]`` (everybody when nobody is on duty),
    ``n_keys = max(n_beats, beat.max(initial=-1) + 1) + 1``, the key of each of them its
    beat or, off any beat, the last key; ``order`` their stable sort by key and ``start``
    the offsets ``np.concatenate([[0], np.bincount(key, minlength=n_keys).cumsum()])``.
    A counting sort is stable, so the order is numpy's.

    Args:
        on_duty: Whether each officer works today (bool).
        beat: Each officer's beat, -1 off any beat (int32 or int64).
        n_beats: Number of beats.

    Returns:
        on, order and start (int64): officers to pick from, their order and offsets by beat.

    """
    cdef cnp.ndarray beat_array = keys(beat, -1, "beat")
    cdef Py_ssize_t n = size(beat_array), i, k, m = 0, n_keys, key
    cdef const void *bt = cnp.PyArray_DATA(beat_array)
    cdef bint wide = cnp.PyArray_ITEMSIZE(beat_array) == 8
    cdef const unsigned char *working = flags(on_duty, n, "on_duty")
    cdef long long top = -1, b
    for i in range(n):
        m += working[i] != 0
        b = key_at(bt, wide, i)
        top = b if b > top else top
    cdef bint everybody = m == 0  # nobody on duty: everybody is picked from
    if everybody:
        m = n
    n_keys = (n_beats if n_beats > top + 1 else top + 1) + 1
    on, order, start = empty(m, cnp.NPY_INT64), empty(m, cnp.NPY_INT64), zeros(n_keys + 1, cnp.NPY_INT64)
    nxt = empty(n_keys, cnp.NPY_INT64)
    cdef long long *o = <long long *> cnp.PyArray_DATA(on)
    cdef long long *r = <long long *> cnp.PyArray_DATA(order)
    cdef long long *s = <long long *> cnp.PyArray_DATA(start)
    cdef long long *slot = <long long *> cnp.PyArray_DATA(nxt)
    k = 0
    for i in range(n):
        if everybody or working[i]:
            o[k] = i
            k += 1
    for k in range(m):  # officers per key, shifted one along (start[0] stays 0)
        b = key_at(bt, wide, o[k])
        key = b if b >= 0 else n_keys - 1
        s[key + 1] += 1
    for key in range(n_keys):
        s[key + 1] += s[key]
        slot[key] = s[key]
    for k in range(m):  # each at its key's next slot, in order: a stable counting sort
        b = key_at(bt, wide, o[k])
        key = b if b >= 0 else n_keys - 1
        r[slot[key]] = k
        slot[key] += 1
    return on, order, start

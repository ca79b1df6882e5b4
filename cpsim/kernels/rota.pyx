"""Officers' days: beat swaps and who is on duty (cpsim.mechanisms.policing), compiled.

A city of a few dozen officers makes a dozen numpy calls a day to learn that nobody swaps
beats today and who works; these loops do it in one call each, with the same numbers drawn
from the same stream and the same arithmetic (tests/kernels/test_rota.py).
"""

import numpy as np

from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.math cimport fmod
from numpy.random cimport bitgen_t
from numpy.random.c_distributions cimport random_standard_uniform_fill


def rotate(rng, int[::1] beat, Py_ssize_t n_beats, double due_below, fixed=None):
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
    cdef Py_ssize_t i, k, m = 0, n = beat.shape[0], count, chosen, b
    cdef int here, there
    cdef const unsigned char[::1] steady
    cdef bint any_fixed = fixed is not None
    share = np.zeros(n_beats)
    cdef double[::1] out = share
    if any_fixed:
        steady = np.ascontiguousarray(fixed, np.bool_).view(np.uint8)
    for i in range(n):
        m += beat[i] >= 0
    if n_beats < 2 or m == 0:
        return share
    on_beat = np.empty(m, np.int64)
    cdef long long[::1] ob = on_beat
    k = 0
    for i in range(n):
        if beat[i] >= 0:
            ob[k] = i
            k += 1
    cdef double[::1] u = np.empty(2 * m)
    with rng.bit_generator.lock:  # rng.random(m) twice: 2m numbers in order
        random_standard_uniform_fill(<bitgen_t *> PyCapsule_GetPointer(rng.bit_generator.capsule, "BitGenerator"), 2 * m, &u[0])
    team = np.zeros(n_beats)
    cdef double[::1] size = team
    for i in range(m):
        if beat[ob[i]] >= n_beats:
            raise ValueError(f"officer {ob[i]} is on beat {beat[ob[i]]}, but the city has {n_beats} beats")
        size[beat[ob[i]]] += 1.0
    for i in range(m):
        if not u[i] < due_below or (any_fixed and steady[ob[i]]):
            continue
        here = beat[ob[i]]
        count = 0
        for k in range(m):
            count += (not any_fixed or not steady[ob[k]]) and beat[ob[k]] != here
        if count == 0:
            continue
        chosen = <Py_ssize_t> (u[m + i] * <double> count)
        for k in range(m):
            if (not any_fixed or not steady[ob[k]]) and beat[ob[k]] != here:
                if chosen == 0:
                    break
                chosen -= 1
        there = beat[ob[k]]
        beat[ob[i]], beat[ob[k]] = there, here
        out[here] += 1.0
        out[there] += 1.0
    for b in range(n_beats):
        out[b] = out[b] / (size[b] if size[b] > 1.0 else 1.0) if size[b] > 0 else 0.0
    return share


def duty(
    unsigned char[::1] on_duty,
    const double[::1] phase,
    double offset,
    double share,
    const int[::1] beat,
    Py_ssize_t n_beats,
):
    """Who works today, in place, and how many work in each beat.

    numpy: ``on_duty[:] = np.mod(offset + phase, 1.0) < share``, then
    ``np.bincount(beat[on_duty & (beat >= 0)], minlength=n_beats)`` as floats.

    Args:
        on_duty: Each officer on duty today (bool viewed as uint8), written.
        phase: Each officer's rota phase.
        offset: ``day * ROTA_STEP``.
        share: Share of days an officer works.
        beat: Each officer's beat (-1: off any beat).
        n_beats: Number of beats.

    Returns:
        Officers on duty per beat.

    """
    cdef Py_ssize_t i
    if phase.shape[0] != on_duty.shape[0] or beat.shape[0] != on_duty.shape[0]:
        raise ValueError("on_duty, phase and beat must have one value per officer")
    counts = np.zeros(n_beats)
    cdef double[::1] c = counts
    for i in range(on_duty.shape[0]):
        # np.mod of a non-negative number by 1.0 is fmod's (whole numbers give +0.0 either way)
        on_duty[i] = fmod(offset + phase[i], 1.0) < share
        if on_duty[i] and beat[i] >= 0:
            if beat[i] >= n_beats:
                raise ValueError(f"officer {i} is on beat {beat[i]}, but the city has {n_beats} beats")
            c[beat[i]] += 1.0
    return counts

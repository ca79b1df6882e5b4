# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/memory.py.

import numpy as np

cimport numpy as cnp

from cpsim.kernels.arrays cimport array, doubles, longs, out_doubles, size
from cpsim.kernels.elementwise cimport clip

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


def tally(kept_group, kept_beat, group, beat, idx, kept, counted=None):
    """Add experiences' kept changes to the collective memories' weekly tallies (in place).

    numpy (cpsim.mechanisms.norms.tally): with ``who = idx[counted]`` and ``k = kept[:, counted]``,
    for each component c: ``kept_group[:, c] += np.bincount(group[who], weights=k[c], minlength=groups)``
    and ``kept_beat[:, c] += np.bincount(beat[who], weights=k[c], minlength=beats)`` — each sum
    from 0.0 in the experiences' order, then added.

    Args:
        kept_group: Per group and component, the week's sums so far (float64, groups x 2), changed.
        kept_beat: Per beat and component (float64, beats x 2), changed.
        group: Each resident's group (int8); beat: each resident's beat (int32).
        idx: Resident of each experience (int64).
        kept: The change each experience left in its resident's attitudes (float64, 2 x experiences).
        counted: Which experiences count (bool per experience), or None for all.
    """
    cdef Py_ssize_t i, k, n_groups, n_beats
    cdef cnp.ndarray kg = <cnp.ndarray> kept_group
    cdef cnp.ndarray kb = <cnp.ndarray> kept_beat
    if not (cnp.PyArray_Check(kept_group) and cnp.PyArray_TYPE(kg) == cnp.NPY_DOUBLE and cnp.PyArray_NDIM(kg) == 2
            and cnp.PyArray_DIM(kg, 1) == 2 and cnp.PyArray_IS_C_CONTIGUOUS(kg) and cnp.PyArray_ISWRITEABLE(kg)):
        raise ValueError("kept_group must be a writable C-contiguous float64 array of groups x 2")
    if not (cnp.PyArray_Check(kept_beat) and cnp.PyArray_TYPE(kb) == cnp.NPY_DOUBLE and cnp.PyArray_NDIM(kb) == 2
            and cnp.PyArray_DIM(kb, 1) == 2 and cnp.PyArray_IS_C_CONTIGUOUS(kb) and cnp.PyArray_ISWRITEABLE(kb)):
        raise ValueError("kept_beat must be a writable C-contiguous float64 array of beats x 2")
    n_groups, n_beats = cnp.PyArray_DIM(kg, 0), cnp.PyArray_DIM(kb, 0)
    cdef double *out_g = <double *> cnp.PyArray_DATA(kg)
    cdef double *out_b = <double *> cnp.PyArray_DATA(kb)
    cdef const signed char *g = <signed char *> cnp.PyArray_DATA(array(group, cnp.NPY_INT8, -1, "group"))
    cdef Py_ssize_t residents = size(group)
    cdef const int *bt = <int *> cnp.PyArray_DATA(array(beat, cnp.NPY_INT32, residents, "beat"))
    cdef const long long *ix = longs(idx, -1, "idx")
    cdef Py_ssize_t m = size(idx)
    cdef cnp.ndarray ka = <cnp.ndarray> kept
    if not (cnp.PyArray_Check(kept) and cnp.PyArray_TYPE(ka) == cnp.NPY_DOUBLE and cnp.PyArray_NDIM(ka) == 2
            and cnp.PyArray_DIM(ka, 0) == 2 and cnp.PyArray_DIM(ka, 1) == m and cnp.PyArray_IS_C_CONTIGUOUS(ka)):
        raise ValueError(f"kept must be a C-contiguous float64 array of 2 x {m}")
    cdef const double *kv = <double *> cnp.PyArray_DATA(ka)
    cdef const unsigned char *on = NULL
    if counted is not None:
        on = <unsigned char *> cnp.PyArray_DATA(array(counted, cnp.NPY_BOOL, m, "counted"))
    sums = np.zeros(2 * (n_groups + n_beats) * 2, np.float64)
    cdef double *sg = <double *> cnp.PyArray_DATA(sums)  # [component][group], then [component][beat]
    cdef double *sb = sg + 2 * n_groups
    cdef long long r
    cdef int gi, bi
    for i in range(m):
        if on != NULL and not on[i]:
            continue
        r = ix[i]
        if r < 0 or r >= residents:
            raise ValueError(f"resident {r} (experience {i}) is outside 0..{residents - 1}")
        gi, bi = g[r], bt[r]
        if gi < 0 or gi >= n_groups or bi < 0 or bi >= n_beats:
            raise ValueError(f"resident {r}'s group {gi} or beat {bi} is outside the tallies")
        for k in range(2):
            sg[k * n_groups + gi] += kv[k * m + i]
            sb[k * n_beats + bi] += kv[k * m + i]
    for k in range(2):
        for i in range(n_groups):
            out_g[i * 2 + k] += sg[k * n_groups + i]
        for i in range(n_beats):
            out_b[i * 2 + k] += sb[k * n_beats + i]


def fade(attitude_legitimacy, attitude_effectiveness, group, beat, group_fade, beat_fade):
    """Members' attitudes move with their memories' fading (in place; cpsim.mechanisms.norms.settle).

    numpy, per component c: ``attitude_c += group_fade[:, c][group] + beat_fade[:, c][beat]``,
    then clipped to 0..1.

    Args:
        attitude_legitimacy, attitude_effectiveness: Residents' attitudes (float64), changed.
        group: Each resident's group (int8); beat: each resident's beat (int32).
        group_fade: Per group and component, the memory's change (float64, groups x 2 flattened in C order).
        beat_fade: Per beat and component (float64, beats x 2 flattened in C order).
    """
    cdef Py_ssize_t i, n = size(array(attitude_legitimacy, cnp.NPY_DOUBLE, -1, "attitude_legitimacy"))
    cdef double *al = out_doubles(attitude_legitimacy, n, "attitude_legitimacy")
    cdef double *ae = out_doubles(attitude_effectiveness, n, "attitude_effectiveness")
    cdef const signed char *g = <signed char *> cnp.PyArray_DATA(array(group, cnp.NPY_INT8, n, "group"))
    cdef const int *bt = <int *> cnp.PyArray_DATA(array(beat, cnp.NPY_INT32, n, "beat"))
    cdef cnp.ndarray gf_a = array(group_fade, cnp.NPY_DOUBLE, -1, "group_fade")
    cdef cnp.ndarray bf_a = array(beat_fade, cnp.NPY_DOUBLE, -1, "beat_fade")
    if size(gf_a) % 2 or size(bf_a) % 2:
        raise ValueError("group_fade and beat_fade must hold two components per group and per beat")
    cdef Py_ssize_t n_groups = size(gf_a) // 2, n_beats = size(bf_a) // 2
    cdef const double *gf = <double *> cnp.PyArray_DATA(gf_a)
    cdef const double *bf = <double *> cnp.PyArray_DATA(bf_a)
    cdef int gi, bi
    for i in range(n):
        gi, bi = g[i], bt[i]
        if gi < 0 or gi >= n_groups or bi < 0 or bi >= n_beats:
            raise ValueError(f"resident {i}'s group {gi} or beat {bi} is outside the memories")
        al[i] = clip(al[i] + (gf[2 * gi] + bf[2 * bi]), 0.0, 1.0)
        ae[i] = clip(ae[i] + (gf[2 * gi + 1] + bf[2 * bi + 1]), 0.0, 1.0)

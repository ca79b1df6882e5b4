# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/figures.py.

from libc.stdlib cimport free, malloc

import numpy as np

cimport numpy as cnp

from cpsim.kernels.arrays cimport array, doubles, flags, size
from cpsim.kernels.sums cimport total

cnp.import_array()


# From this many values numpy's own sum is faster (it is built with SIMD variants of the same
# pairwise sum: the same bits); below, the call costs more than the sum (2.9 against 5.2 µs at
# 10,000 values, 38.8 against 37.2 at 100,000, 437 against 318 at 1,000,000).
NUMPY_FROM = 100_000


def means(tuple rows):
    """``float(np.add.reduce(x) / x.size)`` of each row (NaN for an empty row, as numpy's).

    Args:
        rows: 1-d contiguous float64 arrays.

    Returns:
        One mean per row, as Python floats.

    """
    cdef Py_ssize_t n
    cdef const double *a
    out = []
    for k in range(len(rows)):
        a = doubles(rows[k], -1, f"rows[{k}]")
        n = size(rows[k])
        if n >= NUMPY_FROM:
            out.append(float(np.add.reduce(rows[k]) / n))
        else:
            out.append(total(a, n) / <double> n if n else float("nan"))
    return out


def totals(tuple rows):
    """``float(np.add.reduce(x))`` of each row.

    Args:
        rows: 1-d contiguous float64 arrays.

    Returns:
        One sum per row, as Python floats.

    """
    out = []
    for k in range(len(rows)):
        out.append(total(doubles(rows[k], -1, f"rows[{k}]"), size(rows[k])))
    return out


def counts(tuple rows):
    """``np.count_nonzero(x)`` of each row of flags.

    Args:
        rows: 1-d contiguous bool arrays.

    Returns:
        One count per row, as Python ints.

    """
    cdef Py_ssize_t i, n, c
    cdef const unsigned char *f
    out = []
    for k in range(len(rows)):
        f = flags(rows[k], -1, f"rows[{k}]")
        n, c = size(rows[k]), 0
        for i in range(n):
            c += f[i] != 0
        out.append(c)
    return out


def both(first, second):
    """``np.count_nonzero(first & second)`` of two flag rows of one length."""
    cdef const unsigned char *a = flags(first, -1, "first")
    cdef Py_ssize_t i, c = 0, n = size(first)
    cdef const unsigned char *b = flags(second, n, "second")
    for i in range(n):
        c += (a[i] != 0) & (b[i] != 0)
    return c


def signs(selected, values):
    """Values above and below zero among the selected: ``np.count_nonzero(values[selected] > 0)`` and ``< 0``."""
    cdef const unsigned char *on = flags(selected, -1, "selected")
    cdef Py_ssize_t i, above = 0, below = 0, n = size(selected)
    cdef const double *v = doubles(values, n, "values")
    for i in range(n):
        if on[i]:
            above += v[i] > 0.0
            below += v[i] < 0.0
    return above, below


def selected_total(values, kind, lookup):
    """``float(values[lookup[kind]].sum())``: the sum of the values whose kind the lookup marks.

    Args:
        values: One float64 value per row.
        kind: Each row's kind code (int64).
        lookup: One flag per kind code (bool).

    Returns:
        The pairwise sum of the marked values, as numpy sums their gathered copy.

    """
    cdef const double *v = doubles(values, -1, "values")
    cdef Py_ssize_t i, m = 0, n = size(values), n_kinds = size(array(lookup, cnp.NPY_BOOL, -1, "lookup"))
    cdef const long long *k = <long long *> cnp.PyArray_DATA(array(kind, cnp.NPY_INT64, n, "kind"))
    cdef const unsigned char *marked = flags(lookup, n_kinds, "lookup")
    for i in range(n):
        if k[i] < 0 or k[i] >= n_kinds:
            raise ValueError(f"kind {k[i]} (row {i}) is outside 0..{n_kinds - 1}")
    cdef double *picked = <double *> malloc(max(n, 1) * sizeof(double))
    if picked == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            if marked[k[i]]:
                picked[m] = v[i]
                m += 1
        return total(picked, m)
    finally:
        free(picked)


def margins(sums, Py_ssize_t n_beats, Py_ssize_t n_groups):
    """The day's cell sums by group and by beat: ``cells.sum(axis=1)`` and ``cells.sum(axis=2)``
    of ``cells = sums.reshape(-1, n_beats, n_groups)``, in numpy's order of additions.

    numpy sums along the axis its iterator walks outermost one row after another (from 0.0),
    and along a contiguous axis pairwise: the group axis is contiguous, and so is the beat
    axis when there is one group (numpy then drops the group axis of length 1).

    Args:
        sums: The cell sums, one row per figure, n_beats * n_groups cells each (C-contiguous float64).
        n_beats: Number of beats.
        n_groups: Number of groups.

    Returns:
        By group (figures x groups) and by beat (figures x beats).

    """
    if not cnp.PyArray_Check(sums) or cnp.PyArray_TYPE(<cnp.ndarray> sums) != cnp.NPY_DOUBLE:
        raise TypeError("sums must be a float64 array")
    cdef cnp.ndarray s = <cnp.ndarray> sums
    if n_beats < 1 or n_groups < 1:
        raise ValueError(f"a city has at least one beat and one group, not {n_beats} and {n_groups}")
    if cnp.PyArray_NDIM(s) != 2 or cnp.PyArray_DIM(s, 1) != n_beats * n_groups or not cnp.PyArray_IS_C_CONTIGUOUS(s):
        raise ValueError(f"sums must be C-contiguous rows of {n_beats} x {n_groups} cells")
    cdef Py_ssize_t rows = cnp.PyArray_DIM(s, 0), r, b, g
    cdef const double *cell = <double *> cnp.PyArray_DATA(s)
    cdef const double *row
    cdef cnp.npy_intp dims[2]
    dims[0], dims[1] = rows, n_groups
    by_group = cnp.PyArray_EMPTY(2, dims, cnp.NPY_DOUBLE, 0)
    dims[1] = n_beats
    by_beat = cnp.PyArray_EMPTY(2, dims, cnp.NPY_DOUBLE, 0)
    cdef double *o_g = <double *> cnp.PyArray_DATA(by_group)
    cdef double *o_b = <double *> cnp.PyArray_DATA(by_beat)
    cdef double acc
    for r in range(rows):
        row = cell + r * n_beats * n_groups
        for b in range(n_beats):
            o_b[r * n_beats + b] = total(row + b * n_groups, n_groups)
        if n_groups == 1:
            o_g[r] = total(row, n_beats)
            continue
        for g in range(n_groups):
            acc = 0.0
            for b in range(n_beats):
                acc = acc + row[b * n_groups + g]
            o_g[r * n_groups + g] = acc
    return by_group, by_beat

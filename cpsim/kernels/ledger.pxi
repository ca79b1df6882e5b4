# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/ledger.py.

cimport numpy as cnp

from cpsim.kernels.arrays cimport array, doubles, ints, longs, matrix, size

cnp.import_array()

# The arrays are reached through their data pointers (cpsim.kernels.arrays), each checked once
# for type, length and, where written, writeability: a typed memoryview costs ~0.6 µs per array.


cdef inline const void *_part(object x, int typenum, str what, Py_ssize_t k) except NULL:
    """The data of the k-th array of a tuple (a 1-d contiguous array of this type), else a one-line error."""
    if (
        cnp.PyArray_Check(x)
        and cnp.PyArray_TYPE(<cnp.ndarray> x) == typenum
        and cnp.PyArray_NDIM(<cnp.ndarray> x) == 1
        and cnp.PyArray_IS_C_CONTIGUOUS(<cnp.ndarray> x)
    ):
        return cnp.PyArray_DATA(<cnp.ndarray> x)
    # the name is made only for the message (or for an int64 of numpy's other 8-byte type)
    return cnp.PyArray_DATA(array(x, typenum, -1, f"{what} {k}"))


def cell_sums(beat, group, Py_ssize_t n_beats, Py_ssize_t n_groups, tuple fields, tuple events):
    """Sums of each field and counts of each event kind by (beat, group) cell.

    Computes, to the bit::

        cell = beat.astype(np.int64) * n_groups + group
        rows = [np.bincount(cell, weights=f, minlength=n_cells) for f in fields]
        rows += [np.bincount(cell[e], minlength=n_cells).astype(float) for e in events]
        np.stack(rows)

    with ``n_cells = n_beats * n_groups``; each resident's cell is worked out where it is
    needed, so a run keeps no cell array (8 MB at a million residents).

    Args:
        beat: Beat of each resident (int32, 0 <= beat < n_beats).
        group: Group of each resident (int8, 0 <= group < n_groups).
        n_beats: Number of beats.
        n_groups: Number of groups.
        fields: Float64 arrays, one value per resident.
        events: Int64 arrays of resident indices (may repeat), one array per event kind.

    Returns:
        Array of shape (len(fields) + len(events), n_beats * n_groups).

    Raises:
        ValueError: A field or the groups do not have one value per resident, a beat or group
            is out of range, or an event names no resident.

    """
    cdef const int *bt = ints(beat, -1, "beat")
    cdef Py_ssize_t n = size(beat), n_fields = len(fields), n_events = len(events), i, k, r, m
    cdef const signed char *gr = <const signed char *> cnp.PyArray_DATA(array(group, cnp.NPY_INT8, n, "group"))
    cdef Py_ssize_t n_cells = n_beats * n_groups
    cdef const double *w0
    cdef const double *w1
    cdef const double *w2
    cdef const double *w3
    cdef const long long *idx
    cdef long long c
    cdef cnp.npy_intp dims[2]
    dims[0] = n_fields + n_events
    dims[1] = n_cells
    out = cnp.PyArray_ZEROS(2, dims, cnp.NPY_DOUBLE, 0)
    cdef double *s = <double *> cnp.PyArray_DATA(out)  # row k at s + k * n_cells
    for k in range(n_fields):
        if len(fields[k]) != n:
            raise ValueError(f"field {k} has {len(fields[k])} values for {n} residents")
    for i in range(n):  # checked once here, so the loops below may index by cell unchecked
        if bt[i] < 0 or bt[i] >= n_beats:
            raise ValueError(f"beat {bt[i]} of resident {i} is outside 0..{n_beats - 1}")
        if gr[i] < 0 or gr[i] >= n_groups:
            raise ValueError(f"group {gr[i]} of resident {i} is outside 0..{n_groups - 1}")
    k = 0
    # Four fields in one pass over the residents: their running sums are independent chains the
    # processor overlaps (one field at a time, a cell's next addition waits on its last). Each
    # sum still adds its residents in order.
    while k + 4 <= n_fields:
        w0 = <const double *> _part(fields[k], cnp.NPY_DOUBLE, "field", k)
        w1 = <const double *> _part(fields[k + 1], cnp.NPY_DOUBLE, "field", k + 1)
        w2 = <const double *> _part(fields[k + 2], cnp.NPY_DOUBLE, "field", k + 2)
        w3 = <const double *> _part(fields[k + 3], cnp.NPY_DOUBLE, "field", k + 3)
        for i in range(n):
            r = bt[i] * n_groups + gr[i]
            s[k * n_cells + r] += w0[i]
            s[(k + 1) * n_cells + r] += w1[i]
            s[(k + 2) * n_cells + r] += w2[i]
            s[(k + 3) * n_cells + r] += w3[i]
        k += 4
    while k < n_fields:
        w0 = <const double *> _part(fields[k], cnp.NPY_DOUBLE, "field", k)
        for i in range(n):
            s[k * n_cells + bt[i] * n_groups + gr[i]] += w0[i]
        k += 1
    for k in range(n_events):
        idx = <const long long *> _part(events[k], cnp.NPY_INT64, "event kind", k)
        m = size(events[k])
        for i in range(m):
            c = idx[i]
            if c < 0 or c >= n:
                raise ValueError(f"event kind {k} names resident {c}, not one of 0..{n - 1}")
            s[(n_fields + k) * n_cells + bt[c] * n_groups + gr[c]] += 1.0
    return out


cdef inline cnp.ndarray _writable_rows(object x, str name):
    """matrix(), and refused when numpy would refuse to write into it."""
    cdef cnp.ndarray a = matrix(x, name)
    if not cnp.PyArray_ISWRITEABLE(a):
        raise ValueError(f"{name} is read-only")
    return a


cdef inline const unsigned char *_flags(object x, str name) except NULL:
    """The data of a 1-d contiguous bool array, or of its uint8 view, else a one-line error."""
    if cnp.PyArray_Check(x) and cnp.PyArray_TYPE(<cnp.ndarray> x) == cnp.NPY_UINT8:
        return <const unsigned char *> cnp.PyArray_DATA(array(x, cnp.NPY_UINT8, -1, name))
    return <const unsigned char *> cnp.PyArray_DATA(array(x, cnp.NPY_BOOL, -1, name))


def book_hours(booked, working, beat, tuple per_beat, on_duty):
    """Add to each working officer's hours their share of their beat's hours, by activity, in place.

    Computes, to the bit::

        who = np.flatnonzero(working & (beat >= 0))
        rows = np.array(per_beat)  # activities x beats
        booked[:, who] += rows[:, beat[who]] * (1.0 / np.maximum(on_duty[beat[who]], 1))

    Args:
        booked: Hours by activity (rows) and officer (columns), float64 with contiguous rows.
        working: Whether each officer works today (bool, or a bool array viewed as uint8).
        beat: Each officer's beat (-1: none).
        per_beat: One array of hours per beat for each row of ``booked``.
        on_duty: Officers on duty per beat.

    Raises:
        ValueError: The shapes do not match, or a beat is out of range.

    """
    cdef cnp.ndarray bk = _writable_rows(booked, "booked")
    cdef char *rows = <char *> cnp.PyArray_DATA(bk)
    cdef Py_ssize_t row_step = cnp.PyArray_STRIDE(bk, 0)
    cdef Py_ssize_t a, o, b, n_rows = cnp.PyArray_DIM(bk, 0), n = cnp.PyArray_DIM(bk, 1)
    cdef const unsigned char *wk = _flags(working, "working")
    cdef const int *bt = ints(beat, -1, "beat")
    cdef const double *od = doubles(on_duty, -1, "on_duty")
    cdef Py_ssize_t n_beats = size(on_duty)
    cdef const double *row
    cdef double *hours
    cdef double count
    if len(per_beat) != n_rows or size(working) != n or size(beat) != n:
        raise ValueError(f"booked is {n_rows} x {n}: per_beat, working and beat must match it")
    for o in range(n):
        if bt[o] >= n_beats:
            raise ValueError(f"officer {o}'s beat {bt[o]} is outside 0..{n_beats - 1}")
    for a in range(n_rows):
        row = <const double *> _part(per_beat[a], cnp.NPY_DOUBLE, "per_beat row", a)
        if size(per_beat[a]) != n_beats:
            raise ValueError(f"per_beat row {a} has {size(per_beat[a])} beats, not {n_beats}")
        hours = <double *> (rows + a * row_step)
        for o in range(n):
            b = bt[o]
            if wk[o] and b >= 0:
                count = od[b]
                # np.maximum(count, 1): NaN passes through.
                count = count if (count >= 1.0 or count != count) else 1.0
                hours[o] += row[b] * (1.0 / count)

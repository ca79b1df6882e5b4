# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/ledger.py.

cimport numpy as cnp

from cpsim.kernels.arrays cimport array, doubles, ints, longs, matrix, size, zeros

cnp.import_array()

# The walk by cell (cell_sums with by_cell) takes the residents in blocks of at least this many, and
# at least this many times the cells: a block's fields stay in the nearest cache (4 x 8 bytes a
# resident) while each cell visits it, and each visit adds enough residents to pay for itself.
WALK_BLOCK = 512
WALK_PER_CELL = 32
# From about this many residents the walk reads the fields from memory in an order the processor
# cannot foresee, and the one pass over the residents is the faster. µs a call (four fields, five
# empty event kinds, the baseline city's cells; walk against one pass): 2.1 against 6.4 at 2,000
# residents, 10.5 against 26.6 at 10,000, 226 against 255 at 100,000, 531 against 509 at 200,000.
WALK_BELOW = 150_000

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


def cell_sums(beat, group, Py_ssize_t n_beats, Py_ssize_t n_groups, tuple fields, tuple events, by_cell=None):
    """Sums of each field and counts of each event kind by (beat, group) cell.

    Computes, to the bit::

        cell = beat.astype(np.int64) * n_groups + group
        rows = [np.bincount(cell, weights=f, minlength=n_cells) for f in fields]
        rows += [np.bincount(cell[e], minlength=n_cells).astype(float) for e in events]
        np.stack(rows)

    with ``n_cells = n_beats * n_groups``; each resident's cell is worked out where it is
    needed, so a run keeps no cell array (8 MB at a million residents).

    One pass over the residents adds each one to its cell's sums in memory: when the next
    resident is of the same cell, its addition waits for the last one's store. With
    ``by_cell``, the fields are summed cell by cell instead, each cell's running sums kept in
    registers (``_walk``): the same additions in the same order, 2.5-3 times faster in a city
    of fewer than WALK_BELOW residents.

    Args:
        beat: Beat of each resident (int32, 0 <= beat < n_beats).
        group: Group of each resident (int8, 0 <= group < n_groups).
        n_beats: Number of beats.
        n_groups: Number of groups.
        fields: Float64 arrays, one value per resident.
        events: Int64 arrays of resident indices (may repeat), one array per event kind.
        by_cell: None, or ``(order, start)``: the residents sorted by cell, each cell's in
            ascending order (int32), and each cell's offset into ``order`` (int64, n_cells + 1).

    Returns:
        Array of shape (len(fields) + len(events), n_beats * n_groups).

    Raises:
        ValueError: A field or the groups do not have one value per resident, a beat or group
            is out of range, an event names no resident, or ``by_cell`` is not residents by cell.

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
    # Checked once here, so the loops below may index by cell unchecked (a third of the call at
    # 2,000 residents: the walk by cell reads the cells of the events' residents only, checked
    # there, unless fields beyond its fours are left to the one pass).
    for i in range(n if by_cell is None or n_fields % 4 else 0):
        if bt[i] < 0 or bt[i] >= n_beats:
            raise ValueError(f"beat {bt[i]} of resident {i} is outside 0..{n_beats - 1}")
        if gr[i] < 0 or gr[i] >= n_groups:
            raise ValueError(f"group {gr[i]} of resident {i} is outside 0..{n_groups - 1}")
    k = 0
    if by_cell is not None:
        while k + 4 <= n_fields:  # four fields a walk, as below
            _walk(
                s,
                n_cells,
                by_cell,
                n,
                (<const double *> _part(fields[k], cnp.NPY_DOUBLE, "field", k)),
                (<const double *> _part(fields[k + 1], cnp.NPY_DOUBLE, "field", k + 1)),
                (<const double *> _part(fields[k + 2], cnp.NPY_DOUBLE, "field", k + 2)),
                (<const double *> _part(fields[k + 3], cnp.NPY_DOUBLE, "field", k + 3)),
                k,
            )
            k += 4
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
            if by_cell is not None and (bt[c] < 0 or bt[c] >= n_beats or gr[c] < 0 or gr[c] >= n_groups):
                raise ValueError(f"resident {c}'s cell (beat {bt[c]}, group {gr[c]}) is outside {n_beats} x {n_groups}")
            s[(n_fields + k) * n_cells + bt[c] * n_groups + gr[c]] += 1.0
    return out


cdef int _walk(
    double *s,
    Py_ssize_t n_cells,
    tuple by_cell,
    Py_ssize_t n,
    const double *w0,
    const double *w1,
    const double *w2,
    const double *w3,
    Py_ssize_t k,
) except -1:
    """Rows k..k+3 of the cell sums (``s``, zeros) of four fields, cell by cell in ``by_cell``'s order.

    Each cell's sums are kept in registers while its residents are added, in their order. The
    residents come a block at a time (each cell's that fall in it, then the next cell's), so that
    the block's values stay in the nearest cache while every cell reads its own: at 10,000
    residents in 16 cells, 10.5 µs a call against 19 without blocks and 26.6 in one pass.
    """
    if len(by_cell) != 2:
        raise ValueError("by_cell must be (order, start)")
    cdef const int *order = ints(by_cell[0], n, "order")
    cdef const long long *start = longs(by_cell[1], n_cells + 1, "start")
    cdef Py_ssize_t cell, j, end, i, lo = 0, hi
    cdef Py_ssize_t block = max(WALK_BLOCK, WALK_PER_CELL * n_cells)  # (few residents per cell: the cost of a visit)
    cdef double s0, s1, s2, s3
    if start[0] != 0 or start[n_cells] != n:
        raise ValueError(f"start must run from 0 to the {n} residents, not from {start[0]} to {start[n_cells]}")
    for cell in range(n_cells):
        if start[cell + 1] < start[cell]:
            raise ValueError(f"start falls at cell {cell}")
    cdef cnp.ndarray at = zeros(n_cells, cnp.NPY_INT64)  # where each cell's walk has got to
    cdef long long *next_of = <long long *> cnp.PyArray_DATA(at)
    for cell in range(n_cells):
        next_of[cell] = start[cell]
    while lo < n:
        hi = lo + block
        for cell in range(n_cells):
            s0, s1 = s[k * n_cells + cell], s[(k + 1) * n_cells + cell]
            s2, s3 = s[(k + 2) * n_cells + cell], s[(k + 3) * n_cells + cell]
            j, end = next_of[cell], start[cell + 1]
            while j < end and order[j] < hi:  # (the last block takes every resident left: hi >= n)
                i = order[j]
                if <size_t> i >= <size_t> n:  # (one comparison: a negative i is a large size_t)
                    raise ValueError(f"order names resident {i}, not one of 0..{n - 1}")
                s0 += w0[i]
                s1 += w1[i]
                s2 += w2[i]
                s3 += w3[i]
                j += 1
            next_of[cell] = j
            s[k * n_cells + cell], s[(k + 1) * n_cells + cell] = s0, s1
            s[(k + 2) * n_cells + cell], s[(k + 3) * n_cells + cell] = s2, s3
        lo = hi
    for cell in range(n_cells):
        if next_of[cell] != start[cell + 1]:  # (a resident past every block: order[j] >= hi >= n)
            raise ValueError(f"order names resident {order[next_of[cell]]}, not one of 0..{n - 1}")
    return 0


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

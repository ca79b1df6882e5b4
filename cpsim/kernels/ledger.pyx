"""Ledger: the day's sums over (beat, group) cells, in one call instead of a bincount per figure.

The group and beat tables (cpsim.metrics.GroupTables) keep, each day, per cell, the sum of a
few resident fields (trust, legitimacy, ...) and the count of each kind of event. numpy does
that with one ``np.bincount(cell, weights=field)`` per field and one more for the events,
each a few microseconds of call around a short loop. ``cell_sums`` runs the same loops: each
sum starts at 0.0 and adds the residents in the order given, as bincount does, so every sum
is bincount's to the bit; counts are exact in doubles.
"""

import numpy as np


def cell_sums(const long long[::1] cell, Py_ssize_t n_cells, tuple fields, tuple events):
    """Sums of each field and counts of each event kind by cell.

    Computes, to the bit::

        rows = [np.bincount(cell, weights=f, minlength=n_cells) for f in fields]
        rows += [np.bincount(cell[e], minlength=n_cells).astype(float) for e in events]
        np.stack(rows)

    Args:
        cell: Cell of each resident (0 <= cell < n_cells).
        n_cells: Number of cells.
        fields: Float64 arrays, one value per resident.
        events: Int64 arrays of resident indices (may repeat), one array per event kind.

    Returns:
        Array of shape (len(fields) + len(events), n_cells).

    Raises:
        ValueError: A field's length is not the number of residents, a cell is out of range,
            or an event names no resident.

    """
    cdef Py_ssize_t n = cell.shape[0], n_fields = len(fields), i, k, r
    cdef const double[::1] w0, w1, w2, w3
    cdef const long long[::1] idx
    cdef long long c
    out = np.zeros((n_fields + len(events), n_cells))
    cdef double[:, ::1] s = out
    for k in range(n_fields):
        if len(fields[k]) != n:
            raise ValueError(f"field {k} has {len(fields[k])} values for {n} residents")
    for i in range(n):  # checked once here, so the loops below may index by cell unchecked
        if cell[i] < 0 or cell[i] >= n_cells:
            raise ValueError(f"cell {cell[i]} of resident {i} is outside 0..{n_cells - 1}")
    k = 0
    # Four fields in one pass over the residents: their running sums are independent chains the
    # processor overlaps (one field at a time, a cell's next addition waits on its last). Each
    # sum still adds its residents in order.
    while k + 4 <= n_fields:
        w0, w1, w2, w3 = fields[k], fields[k + 1], fields[k + 2], fields[k + 3]
        for i in range(n):
            r = cell[i]
            s[k, r] += w0[i]
            s[k + 1, r] += w1[i]
            s[k + 2, r] += w2[i]
            s[k + 3, r] += w3[i]
        k += 4
    while k < n_fields:
        w0 = fields[k]
        for i in range(n):
            s[k, cell[i]] += w0[i]
        k += 1
    for k in range(len(events)):
        idx = events[k]
        for i in range(idx.shape[0]):
            c = idx[i]
            if c < 0 or c >= n:
                raise ValueError(f"event kind {k} names resident {c}, not one of 0..{n - 1}")
            s[n_fields + k, cell[c]] += 1.0
    return out

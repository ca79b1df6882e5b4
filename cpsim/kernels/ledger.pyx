"""Ledger: the day's books, each in one call instead of a handful of numpy calls.

The group and beat tables (cpsim.metrics.GroupTables) keep, each day, per (beat, group)
cell, the sum of a few resident fields (trust, legitimacy, ...) and the count of each kind
of event. numpy does that with one ``np.bincount(cell, weights=field)`` per field and one
more for the events, each a few microseconds of call around a short loop. ``cell_sums`` runs
the same loops: each sum starts at 0.0 and adds the residents in the order given, as
bincount does, so every sum is bincount's to the bit; counts are exact in doubles.

``book_hours`` books each working officer's share of their beat's hours by activity
(cpsim.model ``_book_hours``), the arithmetic of the numpy fancy-indexed update, to the bit.
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


def book_hours(
    double[:, ::1] booked, const unsigned char[::1] working, const int[::1] beat, tuple per_beat, const double[::1] on_duty
):
    """Add to each working officer's hours their share of their beat's hours, by activity, in place.

    Computes, to the bit::

        who = np.flatnonzero(working & (beat >= 0))
        rows = np.array(per_beat)  # activities x beats
        booked[:, who] += rows[:, beat[who]] * (1.0 / np.maximum(on_duty[beat[who]], 1))

    Args:
        booked: Hours by activity (rows) and officer (columns).
        working: Whether each officer works today (a bool array viewed as uint8).
        beat: Each officer's beat (-1: none).
        per_beat: One array of hours per beat for each row of ``booked``.
        on_duty: Officers on duty per beat.

    Raises:
        ValueError: The shapes do not match, or a beat is out of range.

    """
    cdef Py_ssize_t a, o, b, n = booked.shape[1], n_beats = on_duty.shape[0]
    cdef const double[::1] row
    cdef double count
    if len(per_beat) != booked.shape[0] or working.shape[0] != n or beat.shape[0] != n:
        raise ValueError(f"booked is {booked.shape[0]} x {booked.shape[1]}: per_beat, working and beat must match it")
    for o in range(n):
        if beat[o] >= n_beats:
            raise ValueError(f"officer {o}'s beat {beat[o]} is outside 0..{n_beats - 1}")
    for a in range(booked.shape[0]):
        row = per_beat[a]
        if row.shape[0] != n_beats:
            raise ValueError(f"per_beat row {a} has {row.shape[0]} beats, not {n_beats}")
        for o in range(n):
            b = beat[o]
            if working[o] and b >= 0:
                count = on_duty[b]
                # np.maximum(count, 1): NaN passes through.
                count = count if (count >= 1.0 or count != count) else 1.0
                booked[a, o] += row[b] * (1.0 / count)

"""Ledger: the day's books by (beat, group) cell, and each working officer's hours (numpy)."""

from __future__ import annotations

import numpy as np

WALK_BELOW = 0  # (the compiled cell_sums walks by cell in a smaller city; bincount has no such walk)


def cell_sums(beat, group, n_beats, n_groups, fields, events, by_cell=None):
    """Sums of each field and counts of each event kind by (beat, group) cell.

    Args:
        beat: Beat of each resident (0 <= beat < n_beats).
        group: Group of each resident (0 <= group < n_groups).
        n_beats: Number of beats.
        n_groups: Number of groups.
        fields: Arrays of one value per resident.
        events: Arrays of resident indices (may repeat), one array per event kind.
        by_cell: The residents sorted by cell, and each cell's offset (the compiled kernel
            walks them cell by cell; bincount adds them in the same order without).

    Returns:
        Array of shape (len(fields) + len(events), n_beats * n_groups).
    """
    n_cells = n_beats * n_groups
    cell = beat.astype(np.int64) * n_groups + group
    rows = [np.bincount(cell, weights=f, minlength=n_cells) for f in fields]
    rows += [np.bincount(cell[e], minlength=n_cells).astype(float) for e in events]
    return np.stack(rows) if rows else np.zeros((0, n_cells))


def book_hours(booked, working, beat, per_beat, on_duty) -> None:
    """Add to each working officer's hours their share of their beat's hours, by activity, in place.

    Args:
        booked: Hours by activity (rows) and officer (columns).
        working: Whether each officer works today (bool, or a bool array viewed as uint8).
        beat: Each officer's beat (-1: none).
        per_beat: One array of hours per beat for each row of ``booked``.
        on_duty: Officers on duty per beat.
    """
    who = np.flatnonzero(np.asarray(working, bool) & (beat >= 0))
    rows = np.array(per_beat)  # activities x beats
    booked[:, who] += rows[:, beat[who]] * (1.0 / np.maximum(on_duty[beat[who]], 1))

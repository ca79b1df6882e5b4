"""Officers' days: beat swaps and who is on duty (numpy)."""

from __future__ import annotations

import numpy as np


def rotate(rng, beat, n_beats, due_below, fixed=None):
    """Pairwise beat swaps, in place; the share of each team replaced today.

    Two uniforms per officer on a beat (whether they start a swap, then whom with); officers
    due swap, in order, with the ``int(u * k)``-th of the k movable officers then on another beat.

    Args:
        rng: The duty stream (a numpy Generator).
        beat: Each officer's beat (-1: off any beat), changed in place.
        n_beats: Number of beats.
        due_below: An officer starts a swap when their first uniform is below this.
        fixed: Officers who never swap (bool per officer), or None.

    Returns:
        Per beat, officers who left or joined it today over its team size.
    """
    on_beat = np.flatnonzero(beat >= 0)
    if n_beats < 2 or on_beat.size == 0:
        return np.zeros(n_beats)
    due_draw, partner_draw = rng.random(on_beat.size), rng.random(on_beat.size)
    team = np.bincount(beat[on_beat], minlength=n_beats).astype(float)
    movable = np.ones(on_beat.size, bool) if fixed is None else ~np.asarray(fixed, bool)[on_beat]
    moved = np.zeros(n_beats)
    for i in np.flatnonzero((due_draw < due_below) & movable):
        here = beat[on_beat[i]]
        candidates = np.flatnonzero(movable & (beat[on_beat] != here))
        if candidates.size == 0:
            continue
        j = candidates[int(partner_draw[i] * candidates.size)]
        there = beat[on_beat[j]]
        beat[on_beat[i]], beat[on_beat[j]] = there, here
        moved[here] += 1.0
        moved[there] += 1.0
    return np.where(team > 0, moved / np.maximum(team, 1.0), 0.0)


def duty(on_duty, phase, offset, share, beat, n_beats):
    """Who works today, in place, and how many work in each beat.

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
    on_duty[:] = np.mod(offset + phase, 1.0) < share
    working = np.asarray(on_duty, bool) & (beat >= 0)
    return np.bincount(beat[working], minlength=n_beats).astype(float)


def roster(on_duty, beat, n_beats):
    """On-duty officers grouped by beat, for picking who handles a contact (policing.Roster).

    Args:
        on_duty: Whether each officer works today.
        beat: Each officer's beat, -1 off any beat.
        n_beats: Number of beats.

    Returns:
        on, order and start (int64): officers to pick from (everybody when nobody is on
        duty), their stable order by beat (off any beat last) and each beat's offset in it.
    """
    on = np.flatnonzero(on_duty)
    if on.size == 0:
        on = np.arange(beat.size)
    n_keys = max(n_beats, int(beat.max(initial=-1)) + 1) + 1
    key = np.where(beat[on] >= 0, beat[on], n_keys - 1)
    order = np.argsort(key, kind="stable")
    start = np.concatenate([[0], np.bincount(key, minlength=n_keys).cumsum()])
    return on.astype(np.int64), order.astype(np.int64), start.astype(np.int64)

"""Residents' surroundings (police presence, police on foot, disorder) and how safe they feel (numpy)."""

from __future__ import annotations

import numpy as np

from cpsim.kernels.numpy_path.limits import clip as limit  # (approach has an argument named clip)


def presence(previous, keep, hours, community_presence, beat_residents):
    """Street hours per 1000 residents of each beat, a running average.

    ``keep * previous + (1 - keep) * street * 1000 / max(beat_residents, 1)``, where street is
    every street hour of the day (community work counted at ``community_presence``).

    Args:
        previous: Yesterday's averages, one per beat.
        keep: Share of yesterday's average kept.
        hours: Today's hours by activity (``response``, ``foot``, ``enforcement``, ``car``,
            ``community``), one value per beat each.
        community_presence: patrol.community_presence, the share of community work that shows.
        beat_residents: Residents per beat.

    Returns:
        The new averages (a new array, one per beat).
    """
    street = hours["response"] + hours["foot"] + hours["enforcement"] + hours["car"]
    street = street + community_presence * hours["community"]
    return keep * previous + (1.0 - keep) * street * 1000.0 / np.maximum(beat_residents, 1)


def approach(x, base, rate, clip=False) -> None:
    """Move x toward base by ``rate`` of the gap, in place; with ``clip``, then limit it to 0..1."""
    x += rate * (base - x)
    if clip:
        limit(x, 0.0, 1.0, out=x)


def feel(safety, target, keep, listeners, heard, heard_drop, victims, victim_keep) -> None:
    """Perceived safety: toward its target, then lowered by stories of victimisation and by victimisation.

    A repeated listener or victim is hit once (numpy's fancy-indexed update: gather, multiply, scatter).

    Args:
        safety: Perceived safety per resident (changed in place).
        target: Where it settles.
        keep: Share of the gap left after the day.
        listeners: Residents who heard stories today.
        heard: What each listener heard (column 2: victimisation news).
        heard_drop: heard_weight * victim_drop.
        victims: Today's victims (may repeat).
        victim_keep: 1 - victim_drop.
    """
    safety -= target
    safety *= keep
    safety += target
    if len(listeners):
        safety[listeners] *= 1.0 - heard_drop * limit(heard[:, 2], 0.0, 1.0)
    safety[victims] *= victim_keep

"""The news the city met before day 1 (numpy): what it left in current trust and in attitudes."""

from __future__ import annotations

import math

import numpy as np

from cpsim.kernels.numpy_path.moves import consolidation_share, experience_delta, read_valence


def news_history(meetings, last_day, keep, prior, legitimacy, effectiveness, t):
    """The news residents met before day 1: what it left in the transient and in the kept changes.

    Each day, from the first meeting's through ``last_day``, the transient fades (``*= keep``)
    and then the day's meetings move both: each meeting is read through the viewers' prior
    trust, moves legitimacy and effectiveness (cpsim.kernels.numpy_path.moves), and a share of
    the change is kept, the rest goes to the transient. A meeting's changes are gathered, added
    and scattered: a resident met twice by one meeting takes the last row's change only.

    Args:
        meetings: Iterable of (day, viewers, weight, v_legitimacy, v_effectiveness), days in order
            (none after ``last_day``): residents (may repeat) and their weights, and the story's two
            valences. Read once, in order (a generator may draw them).
        last_day: The day through which the transient fades.
        keep: Share of the transient left after a day (a decay factor: finite and not negative).
        prior: Each resident's trust, through which the news is read.
        legitimacy: The legitimacy the news moves (one per resident).
        effectiveness: The effectiveness it moves.
        t: The trust section: ``prior_bias``, ``positive_step_*``, ``negativity_ratio_*``,
            ``consolidation``, ``familiar_consolidation``, ``salience_consolidation``.

    Returns:
        The transient and the kept changes, each 2 x residents (legitimacy, effectiveness).

    Raises:
        ValueError: A meeting's day is before the previous one's or after ``last_day``, or ``keep``
            is not a decay factor.
    """
    if not (keep >= 0.0 and keep < math.inf):
        raise ValueError(f"keep must be a decay factor (finite, not negative), not {keep}")
    transient, kept = np.zeros((2, prior.size)), np.zeros((2, prior.size))
    now = (legitimacy, effectiveness)
    steps = (t.positive_step_legitimacy, t.positive_step_effectiveness)
    ratios = (t.negativity_ratio_legitimacy, t.negativity_ratio_effectiveness)
    shares = (t.consolidation, t.familiar_consolidation, t.salience_consolidation)
    faded = None  # the day through which the transient has faded (before the first meeting it is all 0)
    for day, viewers, weight, v_legitimacy, v_effectiveness in meetings:
        if day > last_day or (faded is not None and day < faded):
            raise ValueError(f"meetings must come in day order, none after day {last_day}: day {day} after {faded}")
        for _ in range(day - (day - 1 if faded is None else faded)):
            transient *= keep
        faded = day
        read = [
            read_valence(np.full(viewers.size, v), prior[viewers], t.prior_bias)
            for v in (v_legitimacy, v_effectiveness)
        ]
        share = consolidation_share(*shares, 0.0, np.maximum(np.abs(read[0]), np.abs(read[1])), weight)
        for c in range(2):
            delta = experience_delta(now[c][viewers], read[c], steps[c] * weight, ratios[c])
            transient[c, viewers] += (1.0 - share) * delta
            kept[c, viewers] += share * delta
    for _ in range(0 if faded is None else last_day - faded):
        transient *= keep
    return transient, kept

"""Where attitudes settle: the ties' mean attitudes, the anchors, and the weekly step toward them (numpy).

See cpsim.mechanisms.trust for the model: every week each attitude moves toward its anchor,

    anchor = clip(M_g + L_b + national + (1 - social_weight) * own + social_weight * climate, 0, 1)

where own is the resident's disposition plus, for legitimacy, how police are seen to perform
and, for effectiveness, what the neighbourhood shows (``conditions``).
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels.numpy_path.limits import clip


def tie_mean(indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Each resident's mean over their ties' values, ``fallback`` for residents without ties.

    Args:
        indptr: CSR row offsets, one more than residents (from 0, not decreasing).
        indices: The tie list: the resident at each tie's other end.
        values: One value per resident.
        fallback: The value of a resident without ties, one per resident.

    Returns:
        One mean per resident.
    """
    deg = np.diff(indptr)
    # A row's sum is the difference of one running sum over every tie, in tie order.
    running = np.concatenate([[0.0], np.cumsum(values[indices])])
    sums = running[indptr[1:]] - running[indptr[:-1]]
    return np.where(deg > 0, sums / np.maximum(deg, 1), fallback)


def conditions(
    disorder_home: np.ndarray,
    seen: np.ndarray,
    reference_disorder: float,
    reference_seen: float,
    disorder_weight: float,
    foot_seen_weight: float,
) -> np.ndarray:
    """How far what residents see, against what the city usually shows, moves where effectiveness settles.

    ``-disorder_weight * (disorder_home - R_disorder) + foot_seen_weight * (seen - R_seen)``
    (cpsim.mechanisms.conditions).

    Args:
        disorder_home: Visible disorder at each resident's street segment.
        seen: Each resident's chance of seeing police on foot in a week.
        reference_disorder: The disorder at home residents are used to.
        reference_seen: The police seen on foot residents are used to.
        disorder_weight: trust.disorder_weight.
        foot_seen_weight: trust.foot_seen_weight.

    Returns:
        The conditions term per resident (0 where a place shows what the city usually does).
    """
    return -disorder_weight * (disorder_home - reference_disorder) + foot_seen_weight * (seen - reference_seen)


def anchor(shared: np.ndarray, own: np.ndarray, climate: np.ndarray, social_weight: float) -> np.ndarray:
    """Where an attitude settles: the shared memories whole, plus one's own part pulled toward the ties' climate.

    Args:
        shared: The group's and neighbourhood's memories and the national mood, per resident.
        own: The resident's own part: disposition, and performance or what they see.
        climate: The ties' mean departure from their own memories (the local opinion climate).
        social_weight: trust.social_weight.

    Returns:
        The anchor per resident, 0..1.
    """
    return clip(shared + ((1.0 - social_weight) * own + social_weight * climate), 0.0, 1.0)


def anchors(residents, memory, national, reference, disorder, seen, graph, t):
    """Where each resident's legitimacy and effectiveness attitudes settle (CommunityModel.anchors).

    Args:
        residents: The residents' state: ``group``, ``beat``, ``place``, and ``disposition_*`` and
            ``attitude_*`` of legitimacy and effectiveness.
        memory: The collective memories: ``group`` (groups x 2) and ``beat`` (the neighbourhoods'
            departures, beats x 2), legitimacy then effectiveness.
        national: The national mood.
        reference: What residents are used to: "effectiveness", "disorder" and "seen".
        disorder: Visible disorder per place.
        seen: Each resident's chance of seeing police on foot in a week.
        graph: The social graph (``indptr``, ``indices``: CSR).
        t: The trust section: performance_weight, disorder_weight, foot_seen_weight, social_weight.

    Returns:
        The legitimacy and effectiveness anchors, one value per resident each.
    """
    r = residents
    base_l = memory.group[:, 0][r.group] + memory.beat[:, 0][r.beat]
    base_e = memory.group[:, 1][r.group] + memory.beat[:, 1][r.beat]
    own_l = r.disposition_legitimacy + t.performance_weight * (r.attitude_effectiveness - reference["effectiveness"])
    seeing = conditions(
        disorder[r.place], seen, reference["disorder"], reference["seen"], t.disorder_weight, t.foot_seen_weight
    )
    own_e = r.disposition_effectiveness + seeing
    departure_l, departure_e = r.attitude_legitimacy - base_l, r.attitude_effectiveness - base_e
    climate_l = tie_mean(graph.indptr, graph.indices, departure_l, departure_l)
    climate_e = tie_mean(graph.indptr, graph.indices, departure_e, departure_e)
    return (
        anchor(base_l + national, own_l, climate_l, t.social_weight),
        anchor(base_e + national, own_e, climate_e, t.social_weight),
    )


def relax(x: np.ndarray, base: np.ndarray | float, factor: float) -> None:
    """Move x toward base in place, leaving ``factor`` of the deviation (memory)."""
    x -= base
    x *= factor
    x += base


def settle(attitude: np.ndarray, target: np.ndarray, factor: float) -> None:
    """The weekly step, in place: each attitude keeps ``factor`` of its distance from its anchor."""
    relax(attitude, target, factor)

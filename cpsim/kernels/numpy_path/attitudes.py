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


def anchors(
    group, memory_legitimacy, memory_effectiveness, beat, local_legitimacy, local_effectiveness, national,
    disposition_legitimacy, disposition_effectiveness, attitude_legitimacy, attitude_effectiveness,
    performance_weight, reference_effectiveness,
    place, disorder, reference_disorder, seen, reference_seen,
    disorder_weight, foot_seen_weight,
    indptr, indices, social_weight,
):  # fmt: skip
    """Where each resident's legitimacy and effectiveness attitudes settle (CommunityModel.anchors).

    Args:
        group: Each resident's group.
        memory_legitimacy: Each group's collective memory of legitimacy.
        memory_effectiveness: Each group's collective memory of effectiveness.
        beat: Each resident's beat.
        local_legitimacy: Each neighbourhood's departure in legitimacy.
        local_effectiveness: Each neighbourhood's departure in effectiveness.
        national: The national mood.
        disposition_legitimacy: Each resident's disposition toward legitimacy.
        disposition_effectiveness: Each resident's disposition toward effectiveness.
        attitude_legitimacy: Each resident's legitimacy attitude.
        attitude_effectiveness: Each resident's effectiveness attitude.
        performance_weight: trust.performance_weight.
        reference_effectiveness: The perceived effectiveness residents are used to.
        place: Each resident's place.
        disorder: Visible disorder per place.
        reference_disorder: The disorder at home residents are used to.
        seen: Each resident's chance of seeing police on foot in a week.
        reference_seen: The police seen on foot residents are used to.
        disorder_weight: trust.disorder_weight.
        foot_seen_weight: trust.foot_seen_weight.
        indptr: The social graph's CSR row offsets.
        indices: The social graph's tie list.
        social_weight: trust.social_weight.

    Returns:
        The legitimacy and effectiveness anchors, one value per resident each.
    """
    base_l = memory_legitimacy[group] + local_legitimacy[beat]
    base_e = memory_effectiveness[group] + local_effectiveness[beat]
    own_l = disposition_legitimacy + performance_weight * (attitude_effectiveness - reference_effectiveness)
    seeing = conditions(disorder[place], seen, reference_disorder, reference_seen, disorder_weight, foot_seen_weight)
    own_e = disposition_effectiveness + seeing
    departure_l, departure_e = attitude_legitimacy - base_l, attitude_effectiveness - base_e
    climate_l = tie_mean(indptr, indices, departure_l, departure_l)
    climate_e = tie_mean(indptr, indices, departure_e, departure_e)
    return (
        anchor(base_l + national, own_l, climate_l, social_weight),
        anchor(base_e + national, own_e, climate_e, social_weight),
    )


def relax(x: np.ndarray, base: np.ndarray | float, factor: float) -> None:
    """Move x toward base in place, leaving ``factor`` of the deviation (memory)."""
    x -= base
    x *= factor
    x += base


def settle(attitude: np.ndarray, target: np.ndarray, factor: float) -> None:
    """The weekly step, in place: each attitude keeps ``factor`` of its distance from its anchor."""
    relax(attitude, target, factor)

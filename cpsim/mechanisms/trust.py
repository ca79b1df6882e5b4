"""Trust: legitimacy and perceived effectiveness, built by experience, held by memory.

A resident's trust index is ``w * legitimacy + (1 - w) * effectiveness``. Each component
has two layers: the current value x (what a survey would measure) and a long-run
attitude a. An experience has a valence v in [-1, 1] per component; it is first read
through the resident's prior trust (F4: confirmation — an experience that fits what one
already believes weighs more, one that contradicts it less; a neutral one stays neutral):

    v' = v * (1 + prior_bias * sign(v) * (2 * trust - 1))

and then moves the current value (F1: negativity ratio r for bad experiences):

    dx = step * v' * (1 - x)              if v' >= 0  (closes a share of the gap to 1)
    dx = step * r * v' * x                if v' < 0

A share kappa of the change is consolidated into the attitude; the rest fades:

    kappa = consolidation + familiar_consolidation * familiarity (familiar contacts)
            + salience_consolidation * (max(|v'_legitimacy|, |v'_effectiveness|) * min(weight, 1))^2

so one visit fades within weeks (F2), while repeated contact with officers a resident
knows, and strong events (one's own bad encounter), leave a lasting mark; a story heard or
seen in the news weighs less (its weight) and is less salient. Every day x
relaxes toward a with half-life ``half_life_days``; every week a relaxes toward the
resident's anchor with half-life ``attitude_half_life_days``:

    anchor = M_g + L_b + (1 - social_weight) * (disposition + conditions) + social_weight * climate

M_g and L_b are the collective memories of the resident's group and neighbourhood
(cpsim.mechanisms.norms; history sets where they start, F7; they enter whole, so what a whole
group hears moves every member's anchor by as much), climate the ties' mean departure from
their own memories (the local opinion climate: legal cynicism is shared, Sampson & Bartusch
1998), the disposition a stable personal trait, the conditions what the neighbourhood shows
(disorder and police seen on foot against what the city usually shows: effectiveness only;
cpsim.mechanisms.conditions) and, for legitimacy, how well police are seen to perform
(``performance_weight`` times the effectiveness attitude above what the city is used to:
Sunshine & Tyler 2003). A sustained change in experience therefore moves the level trust
settles at, and residents pushed far from it return.

The day applies read_valence, experience_delta and consolidation to each experience in one
compiled pass (cpsim.kernels.moves, called by cpsim.mechanisms.contacts), which
tests/kernels/test_moves.py checks against these functions to the bit.
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels import attitudes, memory
from cpsim.mechanisms.bounds import signed, unit


def decay_factor(half_life_days: float) -> float:
    """Share of a deviation left after one day, for a given half-life."""
    return float(0.5 ** (1.0 / half_life_days))


def read_valence(valence: np.ndarray, prior: np.ndarray, bias: float) -> np.ndarray:
    """Weigh an experience's valence by how well it fits the resident's prior trust (F4).

    Args:
        valence: Valence of the experience, -1..1.
        prior: The resident's trust before it, 0..1.
        bias: trust.prior_bias (0 = read neutrally).

    Returns:
        The valence as the resident reads it: same sign, larger when it confirms the prior.

    """
    return signed(valence * (1.0 + bias * np.sign(valence) * (2.0 * prior - 1.0)))


def experience_delta(x: np.ndarray, valence: np.ndarray, step: np.ndarray | float, ratio: float) -> np.ndarray:
    """Change of one trust component caused by experiences of the given valence.

    Args:
        x: Current component values, 0..1.
        valence: Read valence, -1..1.
        step: Share of the gap closed by a fully positive experience (may be per experience).
        ratio: How many times more a negative experience moves the component (F1).

    Returns:
        The change to add to x.

    """
    pos = step * valence * (1.0 - x)
    neg = step * ratio * valence * x
    return np.where(valence >= 0, pos, np.maximum(neg, -x))


def consolidation(t, familiarity: np.ndarray, valence: np.ndarray, weight: np.ndarray | float = 1.0) -> np.ndarray:
    """Share of an experience's change that the long-run attitude keeps.

    Args:
        t: The trust section.
        familiarity: Familiarity with the officer's team for familiar contacts (0 otherwise).
        valence: The read valence.
        weight: The experience's weight (a story heard or a partial dose is less salient).

    Returns:
        kappa per experience, 0..1.
    """
    strength = valence * np.minimum(weight, 1.0)
    k = t.consolidation + t.familiar_consolidation * familiarity + t.salience_consolidation * strength**2
    return np.minimum(k, 1.0)


def relax(x: np.ndarray, base: np.ndarray | float, factor: float) -> None:
    """Move x toward base in place, leaving ``factor`` of the deviation (memory)."""
    x -= base
    x *= factor
    x += base


def remember(res, factor: float, weight: float) -> None:
    """The day's memory, in place: each current component relaxes toward its attitude, and the trust index is rebuilt.

    ``relax`` of legitimacy and of effectiveness, then ``res.trust = w * legitimacy + (1 - w) *
    effectiveness``, in one compiled pass (cpsim.kernels.memory), to the bit of the numpy steps.

    Args:
        res: Residents arrays (legitimacy, effectiveness, their attitudes, trust).
        factor: Share of a deviation from the attitude left after the day.
        weight: Legitimacy's weight in the trust index.

    """
    memory.remember(
        res.legitimacy,
        res.attitude_legitimacy,
        res.effectiveness,
        res.attitude_effectiveness,
        factor,
        weight,
        res.trust,
    )


def tie_mean(graph, values: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Mean of each resident's ties' values (``fallback`` for residents without ties)."""
    # Segment sums over the CSR rows as differences of one running sum (numpy's cumsum of the
    # ties' values, in tie order), in one compiled pass (cpsim.kernels.attitudes), to the bit.
    return attitudes.tie_mean(graph.indptr, graph.indices, values, fallback)


def anchor(shared: np.ndarray, own: np.ndarray, climate: np.ndarray, social_weight: float) -> np.ndarray:
    """Where the attitude settles: the shared memories whole, plus one's own part pulled toward the ties' climate.

    Args:
        shared: The group's and neighbourhood's memories (and the national mood), per resident.
        own: The resident's own part: disposition, and performance or what they see.
        climate: The ties' mean departure from their own memories (the local opinion climate).
        social_weight: trust.social_weight.
    """
    return unit(shared + ((1.0 - social_weight) * own + social_weight * climate))


def anchors(
    res, memory, national: float, t, reference: dict[str, float], disorder: np.ndarray, seen: np.ndarray, graph
) -> tuple[np.ndarray, np.ndarray]:
    """Where each resident's legitimacy and effectiveness attitudes settle (``anchor``).

    Each component: the group's collective memory and the neighbourhood's departure from it
    (cpsim.mechanisms.norms), the national mood, the resident's disposition and, for
    legitimacy, how effective police seem, for effectiveness, what residents see
    (cpsim.mechanisms.conditions); each pulled toward the ties' climate (``tie_mean``,
    ``anchor``). One compiled pass (cpsim.kernels.attitudes), numpy's to the bit.

    Args:
        res: Residents arrays.
        memory: The collective memories (cpsim.mechanisms.norms.Memory).
        national: The national mood about police.
        t: The trust section.
        reference: What residents are used to ("effectiveness", "disorder", "seen").
        disorder: Disorder per place.
        seen: Each resident's chance of seeing police on foot in a week.
        graph: The social graph (CSR: indptr, indices).
    """
    return attitudes.anchors(
        res.group,
        np.ascontiguousarray(memory.group[:, 0]),
        np.ascontiguousarray(memory.group[:, 1]),
        res.beat,
        np.ascontiguousarray(memory.beat[:, 0]),
        np.ascontiguousarray(memory.beat[:, 1]),
        national,
        res.disposition_legitimacy,
        res.disposition_effectiveness,
        res.attitude_legitimacy,
        res.attitude_effectiveness,
        t.performance_weight,
        reference["effectiveness"],
        res.place,
        disorder,
        reference["disorder"],
        seen,
        reference["seen"],
        t.disorder_weight,
        t.foot_seen_weight,
        graph.indptr,
        graph.indices,
        t.social_weight,
    )


def settle(attitude: np.ndarray, anchor_values: np.ndarray, factor: float) -> None:
    """A week of attitudes settling toward their anchors (in place): ``relax``, in one compiled pass."""
    attitudes.settle(attitude, anchor_values, factor)

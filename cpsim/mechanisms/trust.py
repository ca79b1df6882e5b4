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

The equations' one home is the numpy path of the kernels (cpsim.kernels.numpy_path: moves for
read_valence, experience_delta and consolidation_share; attitudes for relax, tie_mean and
anchor), named here for the mechanisms: the day applies them to each experience through
cpsim.kernels.moves (called by cpsim.mechanisms.contacts), compiled or numpy, to the bit the same.
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels import attitudes, memory
from cpsim.kernels.numpy_path.attitudes import anchor, relax
from cpsim.kernels.numpy_path.moves import consolidation_share, experience_delta, read_valence

__all__ = [
    "anchor",
    "consolidation",
    "decay_factor",
    "experience_delta",
    "read_valence",
    "relax",
    "remember",
    "tie_mean",
]


def decay_factor(half_life_days: float) -> float:
    """Share of a deviation left after one day, for a given half-life."""
    return float(0.5 ** (1.0 / half_life_days))


def consolidation(t, familiarity: np.ndarray, valence: np.ndarray, weight: np.ndarray | float = 1.0) -> np.ndarray:
    """Share of an experience's change that the long-run attitude keeps (``consolidation_share`` at t's shares).

    Args:
        t: The trust section.
        familiarity: Familiarity with the officer's team for familiar contacts (0 otherwise).
        valence: The read valence.
        weight: The experience's weight (a story heard or a partial dose is less salient).

    Returns:
        kappa per experience, 0..1.
    """
    return consolidation_share(
        t.consolidation, t.familiar_consolidation, t.salience_consolidation, familiarity, valence, weight
    )


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
    return attitudes.anchors(res, memory, national, reference, disorder, seen, graph, t)


def settle(attitude: np.ndarray, anchor_values: np.ndarray, factor: float) -> None:
    """A week of attitudes settling toward their anchors (in place): ``relax``, in one compiled pass."""
    attitudes.settle(attitude, anchor_values, factor)

"""Experience moves: how the day's experiences move residents' trust components (numpy).

See cpsim.mechanisms.trust for the model. Each experience's valence is read through the
resident's prior trust (``read_valence``), moves the current component (``experience_delta``),
and a share of the move (``consolidation_share``) is kept by the long-run attitude.
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels.numpy_path.limits import clip


def read_valence(valence: np.ndarray, prior: np.ndarray, bias: float) -> np.ndarray:
    """Weigh an experience's valence by how well it fits the resident's prior trust (F4).

    ``v' = clip(v * (1 + bias * sign(v) * (2 * prior - 1)), -1, 1)``

    Args:
        valence: Valence of the experience, -1..1.
        prior: The resident's trust before it, 0..1.
        bias: trust.prior_bias (0 = read neutrally).

    Returns:
        The valence as the resident reads it: same sign, larger when it confirms the prior.
    """
    return clip(valence * (1.0 + bias * np.sign(valence) * (2.0 * prior - 1.0)), -1.0, 1.0)


def experience_delta(x: np.ndarray, valence: np.ndarray, step: np.ndarray | float, ratio) -> np.ndarray:
    """Change of one trust component caused by experiences of the given (read) valence.

    ``step * v * (1 - x)`` for a good experience (a share of the gap to 1), ``step * ratio * v * x``
    for a bad one (F1: ``ratio`` times more), never below -x.

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


def consolidation_share(
    share: float, familiar_share: float, salience_share: float, familiarity, valence: np.ndarray, weight=1.0
) -> np.ndarray:
    """Share of an experience's change that the long-run attitude keeps.

    ``min(share + familiar_share * familiarity + salience_share * (valence * min(weight, 1))**2, 1)``

    Args:
        share: trust.consolidation, what any experience leaves.
        familiar_share: trust.familiar_consolidation, more with officers one knows.
        salience_share: trust.salience_consolidation, more for a strong experience.
        familiarity: Familiarity with the officer's team for familiar contacts (0 otherwise).
        valence: The read valence (the stronger component's, in size).
        weight: The experience's weight (a story heard or a partial dose is less salient).

    Returns:
        kappa per experience, 0..1.
    """
    strength = valence * np.minimum(weight, 1.0)
    return np.minimum(share + familiar_share * familiarity + salience_share * strength**2, 1.0)


def move(idx, v, has, mult, fam, residents, t):
    """Move both components and their attitudes by experiences (in place).

    Every change is read from the state before any of them (a resident's second experience reads
    the same prior as the first), added in the order given (np.add.at), then every touched value
    is kept to 0..1.

    Args:
        idx: Resident of each experience (may repeat).
        v: Legitimacy and effectiveness valences, shape (2, len(idx)).
        has: Whether each valence says something, bool, same shape; None: where v is not NaN;
            a float: where ``np.abs(v) > has`` (a faint story says nothing).
        mult: Multiplier on the steps: a float, or one per experience.
        fam: Familiarity counted towards consolidation: a float, or one per experience.
        residents: The residents' state: ``trust`` (the prior) and ``legitimacy``, ``effectiveness``,
            ``attitude_legitimacy``, ``attitude_effectiveness`` (these four changed in place).
        t: The trust section: ``prior_bias``, ``positive_step_*``, ``negativity_ratio_*`` and the
            consolidation shares (``consolidation``, ``familiar_consolidation``,
            ``salience_consolidation``).

    Returns:
        The read valences, the changes of the components (each of shape (2, len(idx))) and the
        share of each experience's change its resident's attitudes keep (len(idx)).
    """
    if has is None:
        has = ~np.isnan(v)
    elif type(has) is float:
        has = np.abs(v) > has
    read = read_valence(np.where(has, v, 0.0), residents.trust[idx], t.prior_bias)
    step = np.array([[t.positive_step_legitimacy], [t.positive_step_effectiveness]]) * mult
    ratio = np.array([[t.negativity_ratio_legitimacy], [t.negativity_ratio_effectiveness]])
    now = np.array((residents.legitimacy[idx], residents.effectiveness[idx]))
    delta = np.where(has, experience_delta(now, read, step, ratio), 0.0)
    strongest = np.maximum(np.abs(read[0]), np.abs(read[1]))
    shares = (t.consolidation, t.familiar_consolidation, t.salience_consolidation)
    kept = consolidation_share(*shares, fam, strongest, mult)
    for x, attitude, d in (
        (residents.legitimacy, residents.attitude_legitimacy, delta[0]),
        (residents.effectiveness, residents.attitude_effectiveness, delta[1]),
    ):
        np.add.at(x, idx, d)
        np.add.at(attitude, idx, kept * d)
        x[idx] = clip(x[idx], 0.0, 1.0)
        attitude[idx] = clip(attitude[idx], 0.0, 1.0)
    return read, delta, kept

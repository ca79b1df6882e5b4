"""Trust: legitimacy and perceived effectiveness, moved by experiences, with memory.

A resident's trust index is ``w * legitimacy + (1 - w) * effectiveness``. An experience
has a valence v in [-1, 1] per component. It is first read through the resident's prior
trust (F4: prior attitudes colour how experiences are read), then moves the component:

    v' = clip(v + prior_bias * (2 * trust - 1) * (1 - |v|) , -1, 1)
    x += step * v' * (1 - x)            if v' >= 0  (closes a share of the gap to 1)
    x += step * ratio * v' * x          if v' < 0   (negativity ratio, F1)

Between experiences each component relaxes toward the resident's long-run baseline with
half-life ``trust.half_life_days`` (F2: effects fade over weeks), and the baseline itself
follows current trust with half-life ``trust.baseline_half_life_days``.
"""

from __future__ import annotations

import numpy as np


def decay_factor(half_life_days: float) -> float:
    """Share of a deviation left after one day, for a given half-life."""
    return float(0.5 ** (1.0 / half_life_days))


def read_valence(valence: np.ndarray, prior: np.ndarray, bias: float) -> np.ndarray:
    """Colour an experience's valence by the resident's prior trust (F4).

    Args:
        valence: Valence of the experience, -1..1.
        prior: The resident's trust before it, 0..1.
        bias: trust.prior_bias (0 = read neutrally).

    Returns:
        The valence as the resident reads it.

    """
    return np.clip(valence + bias * (2.0 * prior - 1.0) * (1.0 - np.abs(valence)), -1.0, 1.0)


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


def relax(x: np.ndarray, base: np.ndarray, factor: float) -> None:
    """Move x toward base in place, leaving ``factor`` of the deviation (memory)."""
    x -= base
    x *= factor
    x += base


def combine(legitimacy: np.ndarray, effectiveness: np.ndarray, weight: float, out: np.ndarray) -> np.ndarray:
    """Trust index from its two components, written into ``out``."""
    np.multiply(legitimacy, weight, out=out)
    out += (1.0 - weight) * effectiveness
    return out

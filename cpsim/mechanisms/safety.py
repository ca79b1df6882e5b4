"""Perceived safety (feelings of security).

Each day a resident's perceived safety s moves toward what they see,

    target = base_safety * (1 - disorder_weight * (disorder_place - mean disorder))
             + presence_weight * (visible presence in the beat / reference - 1)

with half-life ``safety.half_life_days``; their own victimisation takes ``victim_drop`` of
it at once, and hearing of victimisations (word of mouth, fear channel) takes
``heard_weight`` of that.
"""

from __future__ import annotations

import numpy as np


def update_safety(
    res,
    disorder_at_home: np.ndarray,
    disorder_mean: float,
    presence_ratio_at_home: np.ndarray,
    victims: np.ndarray,
    listeners: np.ndarray,
    heard_fear: np.ndarray,
    safety,
    factor: float,
) -> None:
    """Update residents' perceived safety in place."""
    target = res.base_safety * (1.0 - safety.disorder_weight * (disorder_at_home - disorder_mean))
    target += safety.presence_weight * (presence_ratio_at_home - 1.0)
    np.clip(target, 0.0, 1.0, out=target)
    res.safety -= target
    res.safety *= factor
    res.safety += target
    if listeners.size:
        res.safety[listeners] *= 1.0 - safety.heard_weight * safety.victim_drop * np.clip(heard_fear, 0, 1)
    if victims.size:
        res.safety[victims] *= 1.0 - safety.victim_drop

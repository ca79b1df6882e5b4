"""Word of mouth: residents pass their experiences to their ties (F4).

Each resident's story of the day (the sum of the valences of their direct experiences as
they read them, per channel: legitimacy, effectiveness, fear) reaches each tie with
probability ``tell_probability``. A listener hears the sum over their ties,
``heard = tell_probability * A @ story`` (clipped to [-1, 1]), reads it through their own
prior trust, and it moves them with the direct steps times ``vicarious_weight``. A share
``retell_share`` of what was heard is passed on the next day, so big stories travel
several hops while fading.
"""

from __future__ import annotations

import numpy as np

MIN_STORY = 0.02  # stories weaker than this are forgotten (keeps the gather sparse)


def hear(graph, stories: np.ndarray, tell_probability: float) -> tuple[np.ndarray, np.ndarray]:
    """What each resident hears today.

    Args:
        graph: The social graph (CSR).
        stories: Per-resident stories, shape (n, channels).
        tell_probability: Chance a tie hears a story.

    Returns:
        Indices of residents who heard something and what they heard (rows, channels).
    """
    speakers = np.flatnonzero(np.any(np.abs(stories) > MIN_STORY, axis=1))
    if speakers.size == 0:
        return np.empty(0, np.int64), np.empty((0, stories.shape[1]))
    heard = graph.spread(speakers, stories[speakers]) * tell_probability
    listeners = np.flatnonzero(np.any(np.abs(heard) > MIN_STORY, axis=1))
    return listeners, np.clip(heard[listeners], -1.0, 1.0)

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

from cpsim.kernels import tally

MIN_STORY = 0.02  # stories weaker than this are forgotten (keeps the gather sparse)


def merge(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Sum the stories of residents who appear more than once; drop forgettable ones.

    Args:
        parts: (residents, stories) pairs, stories of shape (len(residents), channels).

    Returns:
        The residents with a story worth telling (ascending) and their summed stories.

    """
    if not parts:
        return np.empty(0, np.int64), np.empty((0, 3))
    if len(parts) == 1:
        idx, values = parts[0]
    else:
        idx, values = np.concatenate([i for i, _ in parts]), np.concatenate([v for _, v in parts])
    return tally.merge(idx, values, MIN_STORY)  # compiled (cpsim.kernels.tally): the sums in the order given


def hear(graph, speakers: np.ndarray, stories: np.ndarray, tell_probability: float) -> tuple[np.ndarray, np.ndarray]:
    """What residents hear today: ``tell_probability * A @ story`` over the speakers' ties.

    Args:
        graph: The social graph (CSR).
        speakers: Unique residents with a story.
        stories: Their stories, shape (len(speakers), channels).
        tell_probability: Chance a tie hears a story.

    Returns:
        Residents who heard something (ascending) and what they heard (clipped to [-1, 1]).

    """
    return tally.hear(graph.indptr, graph.indices, speakers, stories, tell_probability, MIN_STORY)

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

from cpsim.kernels.tally import Tally

MIN_STORY = 0.02  # stories weaker than this are forgotten (keeps the gather sparse)


def merge(tally: Tally, parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Sum the stories of residents who appear more than once; drop forgettable ones.

    Args:
        tally: The model's story tally (cpsim.kernels.tally), empty.
        parts: (residents, stories) pairs, stories of shape (len(residents), channels).

    Returns:
        The residents with a story worth telling (ascending) and their summed stories.

    """
    for idx, values in parts:
        tally.add(idx, values)
    return tally.take(MIN_STORY)


def hear(
    tally: Tally, graph, speakers: np.ndarray, stories: np.ndarray, tell_probability: float
) -> tuple[np.ndarray, np.ndarray]:
    """What residents hear today: ``tell_probability * A @ story`` over the speakers' ties.

    Args:
        tally: The model's story tally (cpsim.kernels.tally), empty.
        graph: The social graph (CSR).
        speakers: Unique residents with a story.
        stories: Their stories, shape (len(speakers), channels).
        tell_probability: Chance a tie hears a story.

    Returns:
        Residents who heard something (ascending) and what they heard (clipped to [-1, 1]).

    """
    tally.add_ties(graph.indptr, graph.indices, speakers, stories, tell_probability)
    return tally.take(MIN_STORY, clip=True)

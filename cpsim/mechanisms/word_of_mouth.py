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

from cpsim.mechanisms.bounds import signed

MIN_STORY = 0.02  # stories weaker than this are forgotten (keeps the gather sparse)


def merge(idx: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum the stories of residents who appear more than once; drop forgettable ones.

    Args:
        idx: Resident of each story.
        values: Story values, shape (len(idx), channels).

    Returns:
        Unique speakers and their summed stories.

    """
    if idx.size == 0:
        return idx.astype(np.int64), values.reshape(0, values.shape[1] if values.ndim == 2 else 3)
    uniq, inv = unique_inverse(idx)
    summed = np.empty((uniq.size, values.shape[1]))
    # One bincount per channel: fewer calls with one over (resident, channel) bins cost more
    # CPU (its 2-d index arithmetic) at the hundreds of stories of a day.
    for c in range(values.shape[1]):
        summed[:, c] = np.bincount(inv, values[:, c], minlength=uniq.size)
    keep = np.logical_or.reduce(np.abs(summed) > MIN_STORY, axis=1)  # .any(axis=1), without its Python layers
    return uniq[keep], summed[keep]


def unique_inverse(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(idx, return_inverse=True)`` for a 1-d integer array, at half its cost.

    The sorted distinct values and each element's position among them are unique, so how
    they are computed cannot change a result; np.unique's Python layers cost more than
    the sort itself for the few hundred stories of a small city's day.
    """
    s = idx.copy()
    s.sort()  # the method: np.sort's Python layers cost more than sorting a few hundred
    first = np.empty(s.size, bool)
    first[:1] = True
    np.not_equal(s[1:], s[:-1], out=first[1:])
    uniq = s[first]
    return uniq, uniq.searchsorted(idx)


def hear(graph, speakers: np.ndarray, stories: np.ndarray, tell_probability: float) -> tuple[np.ndarray, np.ndarray]:
    """What residents hear today: ``tell_probability * A @ story`` over the speakers' ties.

    Args:
        graph: The social graph (CSR).
        speakers: Unique residents with a story.
        stories: Their stories, shape (len(speakers), channels).
        tell_probability: Chance a tie hears a story.

    Returns:
        Residents who heard something and what they heard (clipped to [-1, 1]).

    """
    listeners, counts = graph.gather(speakers)
    if listeners.size == 0:
        return listeners, np.empty((0, stories.shape[1]))
    uniq, heard = merge(listeners, stories.repeat(counts, axis=0) * tell_probability)
    return uniq, signed(heard)  # merge returned a fresh array

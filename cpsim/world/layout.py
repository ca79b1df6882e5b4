"""Index helpers: residents sorted by beat or place, for vectorised sampling within a group."""

from __future__ import annotations

import numpy as np


def beat_index(keys: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """Sort members by key and return (order, start) so key k's members are order[start[k]:start[k+1]].

    Args:
        keys: Group id of each member (0..n_keys-1).
        n_keys: Number of groups.

    Returns:
        The stable sort order of members and the start offset of each group.

    """
    order = np.argsort(keys, kind="stable")
    start = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=n_keys))])
    return order, start


def sample_within(order: np.ndarray, start: np.ndarray, keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw one member uniformly from each requested group (-1 where a group is empty).

    Args:
        order: Members sorted by group (from beat_index).
        start: Group offsets (from beat_index).
        keys: The group of each draw.
        rng: Random stream.

    Returns:
        Member index per draw.

    """
    lo, hi = start[keys], start[keys + 1]
    size = hi - lo
    pick = lo + (rng.random(len(keys)) * size).astype(np.int64)
    out = np.where(size > 0, order[np.minimum(pick, len(order) - 1)], -1)
    return out


def sample_weighted_within(
    order: np.ndarray,
    start: np.ndarray,
    cum_weight: np.ndarray,
    keys: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Draw one member per request from its group, with probability proportional to weight.

    Args:
        order: Members sorted by group.
        start: Group offsets.
        cum_weight: Cumulative weights in `order` order, with a leading 0 (len = members + 1).
        keys: The group of each draw.
        rng: Random stream.

    Returns:
        Member index per draw (-1 where the group has no weight).

    """
    lo_w, hi_w = cum_weight[start[keys]], cum_weight[start[keys + 1]]
    u = lo_w + rng.random(len(keys)) * (hi_w - lo_w)
    pos = np.searchsorted(cum_weight, u, side="right") - 1
    pos = np.clip(pos, start[keys], np.maximum(start[keys + 1] - 1, start[keys]))
    return np.where(hi_w > lo_w, order[np.minimum(pos, len(order) - 1)], -1)

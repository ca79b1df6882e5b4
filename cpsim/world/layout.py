"""Index helpers: residents sorted by beat or place, for vectorised sampling within a group."""

from __future__ import annotations

import numpy as np

from cpsim.kernels import draws


def stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")``, computed faster for non-negative integer keys.

    A stable order is unique, so how it is computed cannot change a result. numpy sorts
    16-bit keys by radix in linear time (10x its merge sort at 10k keys); wider keys sort
    as one int64 ``key * n + position``, unique so needing no stability, with numpy's SIMD
    quicksort (4-7x).

    Args:
        keys: Integer keys.

    Returns:
        The positions of ``keys`` in stable sorted order.

    """
    n = keys.size
    if n == 0 or keys.dtype.kind not in "iu" or int(keys.min()) < 0:
        return np.argsort(keys, kind="stable")
    top = int(keys.max())
    if top < 1 << 16:  # (the array method: np.argsort's result without its Python layers)
        return keys.astype(np.uint16).argsort(kind="stable")
    if top < (2**63 - 1) // n - 1:
        packed = np.sort(keys.astype(np.int64) * n + np.arange(n))
        return packed - (packed // n) * n
    return np.argsort(keys, kind="stable")


def beat_index(keys: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """Sort members by key and return (order, start) so key k's members are order[start[k]:start[k+1]].

    Args:
        keys: Group id of each member (0..n_keys-1).
        n_keys: Number of groups.

    Returns:
        The stable sort order of members and the start offset of each group.

    """
    order = stable_order(keys)
    start = np.concatenate([[0], np.bincount(keys, minlength=n_keys).cumsum()])
    return order, start


def group_keys(keys: np.ndarray) -> np.ndarray:
    """Group keys as the kernels take them: contiguous int32 or int64 (copied only otherwise)."""
    keys = np.asarray(keys)
    if keys.dtype in (np.int32, np.int64) and keys.flags.c_contiguous:
        return keys
    return np.ascontiguousarray(keys, np.int64)


def sample_within(order: np.ndarray, start: np.ndarray, keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw one member uniformly from each requested group (-1 where a group is empty).

    One uniform per draw picks ``order[start[k] + floor(u * size)]`` (compiled:
    cpsim.kernels.draws).

    Args:
        order: Members sorted by group (from beat_index).
        start: Group offsets (from beat_index).
        keys: The group of each draw.
        rng: Random stream.

    Returns:
        Member index per draw.

    """
    return draws.sample_within(order, start, group_keys(keys), rng)


def sample_weighted_within(
    order: np.ndarray,
    start: np.ndarray,
    cum_weight: np.ndarray,
    keys: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Draw one member per request from its group, with probability proportional to weight.

    One uniform per draw, scaled to the group's stretch of the cumulative weights, is
    located among them by binary search (compiled: cpsim.kernels.draws).

    Args:
        order: Members sorted by group.
        start: Group offsets.
        cum_weight: Cumulative weights in `order` order, with a leading 0 (len = members + 1).
        keys: The group of each draw.
        rng: Random stream.

    Returns:
        Member index per draw (-1 where the group has no weight).

    """
    return draws.sample_weighted_within(order, start, cum_weight, group_keys(keys), rng)

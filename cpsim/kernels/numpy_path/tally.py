"""Story tallies: the day's stories summed by resident (numpy)."""

from __future__ import annotations

import numpy as np

from cpsim.kernels.numpy_path.limits import clip


def _tally(idx: np.ndarray, values: np.ndarray, forget: float, bounded: bool) -> tuple[np.ndarray, np.ndarray]:
    """Residents (ascending) and their summed rows; rows within ``forget`` of 0 dropped, clipped if ``bounded``."""
    residents, row = np.unique(idx, return_inverse=True)
    sums = np.zeros((residents.size, values.shape[1]))
    for c in range(values.shape[1]):
        sums[:, c] = np.bincount(row, weights=values[:, c], minlength=residents.size)
    loud = ((sums > forget) | (sums < -forget)).any(axis=1)
    residents, sums = residents[loud], sums[loud]
    return residents, clip(sums, -1.0, 1.0) if bounded else sums


def merge(idx, values, forget):
    """Sum the rows of residents who appear more than once; drop rows within ``forget`` of 0.

    Args:
        idx: Resident of each row.
        values: Rows of story values, shape (len(idx), channels).
        forget: Rows whose every sum is within this of 0 are dropped.

    Returns:
        Residents (ascending, int64) and their summed rows.
    """
    return _tally(np.asarray(idx, np.int64), values, forget, False)


def hear(indptr, indices, speakers, stories, scale, forget):
    """What each tie of the speakers hears: ``scale`` times the stories, summed, clipped to -1..1.

    Args:
        indptr: The social graph's CSR row offsets.
        indices: The social graph's tie list.
        speakers: Residents with a story.
        stories: Their stories, shape (len(speakers), channels).
        scale: Chance a tie hears a story (tell_probability).
        forget: Sums within this of 0 are dropped.

    Returns:
        Listeners (ascending, int64) and what they heard.
    """
    first, count = indptr[speakers], indptr[speakers + 1] - indptr[speakers]
    # every tie of each speaker, in graph order: its first tie plus 0, 1, ... count - 1
    ties = np.arange(int(count.sum())) + np.repeat(first - (np.cumsum(count) - count), count)
    listeners = indices[ties].astype(np.int64)
    return _tally(listeners, np.repeat(stories, count, axis=0) * scale, forget, True)

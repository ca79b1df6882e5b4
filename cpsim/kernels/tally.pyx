"""Story tallies: the day's stories summed by resident, in one pass each.

Word of mouth (cpsim.mechanisms.word_of_mouth) adds up, per resident and channel, the
stories told that day and then what each listener hears from their ties. numpy does it as
``np.unique(idx, return_inverse=True)`` and one ``np.bincount(inverse, values)`` per
channel: some 40 calls a day, which cost more than the sums at the few hundred stories of a
small city. Here the distinct residents are sorted once (numpy's sort), each story's row is
found in that short sorted list (numpy's searchsorted), and the stories are added to their
rows in the order given: every sum is bincount's, to the bit. (A row per resident of the whole
city would skip the search, but in a city of a million its random reads miss the cache and it
was slower than numpy; this is faster at every size measured, 2,000 to 1,000,000.)
"""

import numpy as np

from cpsim.kernels.elementwise cimport clip


cdef object _tally(const long long[::1] ids, const double[:, ::1] values, double forget, bint bounded):
    """Residents (ascending) and their summed rows, rows within ``forget`` of 0 dropped (and clipped if ``bounded``)."""
    cdef Py_ssize_t i, k, c, n = ids.shape[0], n_unique = 0, kept = 0, channels = values.shape[1]
    cdef double x
    cdef bint loud
    distinct = np.sort(ids)  # numpy's sort (SIMD): faster than any sort written here
    cdef long long[::1] u = distinct
    for i in range(n):  # the distinct residents, in place
        if i == 0 or u[i] != u[n_unique - 1]:
            u[n_unique] = u[i]
            n_unique += 1
    sums = np.zeros((n_unique, channels))
    cdef double[:, ::1] s = sums
    # numpy's searchsorted finds each story's row (its binary search beats a plain one here)
    cdef const long long[::1] row = distinct[:n_unique].searchsorted(ids)
    for i in range(n):
        for c in range(channels):
            s[row[i], c] += values[i, c]
    for k in range(n_unique):
        loud = False
        for c in range(channels):
            loud = loud or s[k, c] > forget or s[k, c] < -forget
        if not loud:
            continue
        u[kept] = u[k]
        for c in range(channels):
            x = s[k, c]
            s[kept, c] = clip(x, -1.0, 1.0) if bounded else x
        kept += 1
    return distinct[:kept], sums[:kept]


def merge(const long long[::1] idx, const double[:, ::1] values, double forget):
    """Sum the rows of residents who appear more than once; drop rows within ``forget`` of 0.

    numpy: ``uniq, inv = np.unique(idx, return_inverse=True)``, ``np.bincount(inv, values[:, c])``
    per channel, rows kept where any ``|sum| > forget``.

    Args:
        idx: Resident of each row (int64).
        values: Rows of story values, shape (len(idx), channels).
        forget: Rows whose every sum is within this of 0 are dropped.

    Returns:
        Residents (ascending, int64) and their summed rows.

    """
    if values.shape[0] != idx.shape[0]:
        raise ValueError(f"values must have {idx.shape[0]} rows, not {values.shape[0]}")
    return _tally(idx, values, forget, False)


def hear(
    const long long[::1] indptr,
    const int[::1] indices,
    const long long[::1] speakers,
    const double[:, ::1] stories,
    double scale,
    double forget,
):
    """What each tie of the speakers hears: ``scale`` times the stories, summed, clipped to -1..1.

    numpy: ``merge(gather(speakers), stories.repeat(counts, axis=0) * scale)`` (the ties of
    each speaker in graph order), then ``np.clip(sums, -1, 1)``.

    Args:
        indptr, indices: The social graph (CSR).
        speakers: Residents with a story.
        stories: Their stories, shape (len(speakers), channels).
        scale: Chance a tie hears a story (tell_probability).
        forget: Sums within this of 0 are dropped.

    Returns:
        Listeners (ascending, int64) and what they heard.

    """
    cdef Py_ssize_t i, j, c, s, total = 0, n_residents = indptr.shape[0] - 1
    if stories.shape[0] != speakers.shape[0]:
        raise ValueError(f"stories must have {speakers.shape[0]} rows, not {stories.shape[0]}")
    for i in range(speakers.shape[0]):
        s = speakers[i]
        if s < 0 or s >= n_residents:
            raise ValueError(f"speaker {s} is outside 0..{n_residents - 1}")
        total += indptr[s + 1] - indptr[s]
    listeners = np.empty(total, np.int64)
    told = np.empty((total, stories.shape[1]))
    cdef long long[::1] ls = listeners
    cdef double[:, ::1] t = told
    total = 0
    for i in range(speakers.shape[0]):
        s = speakers[i]
        for j in range(indptr[s], indptr[s + 1]):
            ls[total] = indices[j]
            for c in range(stories.shape[1]):
                t[total, c] = stories[i, c] * scale  # the repeated story times scale, as numpy multiplies
            total += 1
    return _tally(listeners, told, forget, True)

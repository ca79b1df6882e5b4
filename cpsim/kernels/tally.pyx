"""Story tallies: sum the day's stories by resident in one pass, without sorting them all.

Word of mouth (cpsim.mechanisms.word_of_mouth) adds up, per resident and channel, the
stories told that day and then what each listener hears from their ties. numpy does that
with a sort of every story (np.unique) and one bincount per channel: some 40 calls a day,
which cost more than the sums at the few hundred stories of a small city. A tally keeps a
slot per resident, adds each story in the order given (so every sum is the one bincount
makes, to the bit), and sorts only the distinct residents at the end.
"""

import numpy as np

from libc.stdlib cimport qsort

from cpsim.kernels.elementwise cimport clip as bounded


cdef int _ascending(const void *a, const void *b) noexcept nogil:
    cdef long long x = (<const long long *> a)[0], y = (<const long long *> b)[0]
    return (x > y) - (x < y)


cdef class Tally:
    """Running per-resident sums of ``channels`` story values, emptied by ``take``."""

    cdef long long[::1] slot  # row of each resident in ``sums``, -1 when not tallied
    cdef long long[::1] who  # tallied residents, in the order first seen
    cdef double[:, ::1] sums
    cdef Py_ssize_t used
    cdef readonly Py_ssize_t channels

    def __init__(self, Py_ssize_t n_residents, Py_ssize_t channels=3):
        """An empty tally for a population of ``n_residents``."""
        self.slot = np.full(n_residents, -1, np.int64)
        self.who = np.empty(0, np.int64)
        self.sums = np.empty((0, channels))
        self.used = 0
        self.channels = channels

    cdef void _room(self, Py_ssize_t more):
        """Make room for ``more`` new residents (at most one row per resident)."""
        cdef Py_ssize_t need = min(self.used + more, self.slot.shape[0])
        if need <= self.who.shape[0]:
            return
        need = max(need, 2 * self.who.shape[0])
        who = np.empty(need, np.int64)
        sums = np.empty((need, self.channels))
        who[: self.used] = self.who[: self.used]
        sums[: self.used] = self.sums[: self.used]
        self.who, self.sums = who, sums

    cdef inline Py_ssize_t _row(self, long long r) except -1:
        cdef Py_ssize_t k, c
        if r < 0 or r >= self.slot.shape[0]:
            raise ValueError(f"resident {r} is outside 0..{self.slot.shape[0] - 1}")
        k = self.slot[r]
        if k < 0:
            k = self.used
            self.used += 1
            self.slot[r] = k
            self.who[k] = r
            for c in range(self.channels):
                self.sums[k, c] = 0.0
        return k

    def add(self, const long long[::1] idx, const double[:, ::1] values):
        """Add each row of ``values`` to its resident's sums, in order.

        Args:
            idx: Resident of each row (may repeat).
            values: Rows of story values, shape (len(idx), channels).

        """
        cdef Py_ssize_t i, k, c, n = idx.shape[0]
        if values.shape[0] != n or values.shape[1] != self.channels:
            raise ValueError(f"values must be {n} x {self.channels}, not {values.shape[0]} x {values.shape[1]}")
        self._room(n)
        for i in range(n):
            k = self._row(idx[i])
            for c in range(self.channels):
                self.sums[k, c] += values[i, c]

    def add_ties(
        self,
        const long long[::1] indptr,
        const int[::1] indices,
        const long long[::1] speakers,
        const double[:, ::1] stories,
        double scale,
    ):
        """Add ``scale`` times each speaker's story to each of their ties (CSR graph), speaker by speaker.

        The sums are those of ``merge(gather(speakers), stories.repeat(counts) * scale)``.
        """
        cdef Py_ssize_t i, j, k, c, s, total = 0
        if stories.shape[0] != speakers.shape[0] or stories.shape[1] != self.channels:
            raise ValueError(f"stories must be {speakers.shape[0]} x {self.channels}")
        for i in range(speakers.shape[0]):
            s = speakers[i]
            total += indptr[s + 1] - indptr[s]
        self._room(total)
        for i in range(speakers.shape[0]):
            s = speakers[i]
            for j in range(indptr[s], indptr[s + 1]):
                k = self._row(indices[j])
                for c in range(self.channels):
                    self.sums[k, c] += stories[i, c] * scale

    def take(self, double forget, bint clip=False):
        """The tallied residents (ascending) and their sums; the tally is left empty.

        Args:
            forget: Rows whose every sum is within ``forget`` of 0 are dropped.
            clip: Limit the sums to -1..1.

        Returns:
            Resident indices (int64) and their sums, shape (residents, channels).

        """
        cdef Py_ssize_t i, k, c, kept = 0, n = self.used
        cdef long long r
        cdef double x
        cdef bint loud
        who = np.empty(n, np.int64)
        out = np.empty((n, self.channels))
        cdef long long[::1] w = who
        cdef double[:, ::1] o = out
        w[:] = self.who[:n]
        if n > 1:
            qsort(&w[0], n, sizeof(long long), _ascending)
        for i in range(n):
            r = w[i]
            k = self.slot[r]
            self.slot[r] = -1
            loud = False
            for c in range(self.channels):
                loud = loud or self.sums[k, c] > forget or self.sums[k, c] < -forget
            if not loud:
                continue
            w[kept] = r
            for c in range(self.channels):
                x = self.sums[k, c]
                if clip:
                    x = bounded(x, -1.0, 1.0)
                o[kept, c] = x
            kept += 1
        self.used = 0
        return who[:kept], out[:kept]

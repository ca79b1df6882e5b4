"""Ledger: the day's books, each in one call instead of a handful of numpy calls.

The group and beat tables (cpsim.metrics.GroupTables) keep, each day, per (beat, group)
cell, the sum of a few resident fields (trust, legitimacy, ...) and the count of each kind
of event. numpy does that with one ``np.bincount(cell, weights=field)`` per field and one
more for the events, each a few microseconds of call around a short loop. ``cell_sums`` makes
the same additions: each sum starts at 0.0 and adds its cell's residents in their order, as
bincount does, so every sum is bincount's to the bit; counts are exact in doubles. Given the
residents sorted by cell (``by_cell``, made once per run in a city of fewer than WALK_BELOW),
it adds up each cell's in turn, its sums kept in registers rather than stored and read back
between residents.

``book_hours`` books each working officer's share of their beat's hours by activity
(cpsim.model ``_book_hours``), the arithmetic of the numpy fancy-indexed update, to the bit.
"""

from cpsim.kernels.path import chosen

kernels = chosen("ledger")  # the compiled module, or cpsim.kernels.numpy_path.ledger
book_hours = kernels.book_hours
cell_sums = kernels.cell_sums
WALK_BELOW = kernels.WALK_BELOW

__all__ = ["book_hours", "cell_sums", "WALK_BELOW"]

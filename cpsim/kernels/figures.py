"""The day's figures: the sums, counts and means cpsim.metrics.day_figures reports.

day_figures made some forty numpy calls a day (a mean per state array, a sum per activity's
hours, a count per flag array), each costing more than its
arithmetic in a small city. These kernels compute the same numbers in a few passes: numpy's
sums are its pairwise sums (cpsim/kernels/sums.pxd), counts are counts, so every figure is
numpy's to the bit.
"""

from cpsim.kernels.compiled import (
    NUMPY_FROM,
    both,
    counts,
    margins,
    means,
    selected_total,
    signs,
    totals,
)

__all__ = ["both", "counts", "margins", "means", "NUMPY_FROM", "selected_total", "signs", "totals"]

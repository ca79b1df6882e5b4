"""The day's figures: the sums, counts and means cpsim.metrics.day_figures reports.

day_figures made some forty numpy calls a day (a mean per state array, a sum per activity's
hours, a count per flag array), each costing more than its
arithmetic in a small city. These kernels compute the same numbers in a few passes: numpy's
sums are its pairwise sums (cpsim/kernels/sums.pxd), counts are counts, so every figure is
numpy's to the bit.
"""

from cpsim.kernels.path import chosen

kernels = chosen("figures")  # the compiled module, or cpsim.kernels.numpy_path.figures
both = kernels.both
counts = kernels.counts
margins = kernels.margins
means = kernels.means
NUMPY_FROM = kernels.NUMPY_FROM
selected_total = kernels.selected_total
signs = kernels.signs
totals = kernels.totals

__all__ = ["both", "counts", "margins", "means", "NUMPY_FROM", "selected_total", "signs", "totals"]

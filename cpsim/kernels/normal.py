"""The complementary error function of each value: the normal CDF of the start's expected badness.

cpsim.mechanisms.incidents.expected_badness takes the normal CDF of every resident's stop
quality as ``0.5 * erfc(-z / sqrt(2))``, without scipy (a third of a second to import). numpy
has no erfc: ``np.frompyfunc(math.erfc)`` makes a Python float of every value and calls math.erfc
on each, 0.1 s at a million residents. math.erfc is the C library's erfc (CPython calls it, and
checks only for errors erfc never gives), so ``erfc`` calls it on each value in one pass, the
same bits (tests/kernels/test_normal.py compares it with math.erfc).
"""

from cpsim.kernels.path import chosen

kernels = chosen("normal")  # the compiled module, or cpsim.kernels.numpy_path.normal
erfc = kernels.erfc

__all__ = ["erfc"]

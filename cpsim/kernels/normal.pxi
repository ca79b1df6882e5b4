# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/normal.py.

cimport numpy as cnp
from libc.math cimport erfc as c_erfc

from cpsim.kernels.arrays cimport doubles, empty, size

cnp.import_array()


def erfc(x):
    """The C library's erfc of each value: math.erfc's, which calls it (cpsim.kernels.normal).

    Args:
        x: float64 values (one contiguous row).

    Returns:
        erfc of each, float64.

    """
    cdef const double *v = doubles(x, -1, "x")
    cdef Py_ssize_t i, n = size(x)
    cdef cnp.ndarray out = empty(n, cnp.NPY_DOUBLE)
    cdef double *o = <double *> cnp.PyArray_DATA(out)
    for i in range(n):
        o[i] = c_erfc(v[i])
    return out

# numpy's sum of a contiguous float64 row, to the bit: np.add.reduce starts from 0.0 and adds
# numpy's pairwise sum (numpy/_core/src/umath/loops_utils.h.src: fewer than 8 values in order
# from -0.0; up to 128 with eight running sums combined as a tree; beyond, two halves whose
# split is a multiple of 8). tests/kernels/test_sums.py holds it against np.add.reduce at every
# size that matters, so a numpy that sums differently fails there first.


cdef inline double pairwise(const double *a, Py_ssize_t n) noexcept nogil:
    cdef double r0, r1, r2, r3, r4, r5, r6, r7, res
    cdef Py_ssize_t i, n2
    if n < 8:
        res = -0.0  # (so that a sum of -0.0 alone stays -0.0, as numpy's does)
        for i in range(n):
            res += a[i]
        return res
    if n <= 128:
        r0, r1, r2, r3 = a[0], a[1], a[2], a[3]
        r4, r5, r6, r7 = a[4], a[5], a[6], a[7]
        i = 8
        while i < n - n % 8:
            r0 += a[i]
            r1 += a[i + 1]
            r2 += a[i + 2]
            r3 += a[i + 3]
            r4 += a[i + 4]
            r5 += a[i + 5]
            r6 += a[i + 6]
            r7 += a[i + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res += a[i]
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return pairwise(a, n2) + pairwise(a + n2, n - n2)


cdef inline double total(const double *a, Py_ssize_t n) noexcept nogil:
    """np.add.reduce(a): the identity 0.0 plus the pairwise sum."""
    return 0.0 + pairwise(a, n)

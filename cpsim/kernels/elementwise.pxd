# numpy's elementwise rules in C, shared by the kernels so each gives numpy's bits.
# (Each one was checked against numpy on zeros of both signs, NaN and the limits:
# tests/kernels/test_moves.py and test_draws.py.)


cdef inline double clip(double x, double lo, double hi) noexcept nogil:
    # np.clip's: a NaN passes, and so does a -0.0 at a lower limit of 0.0
    return lo if x < lo else (hi if x > hi else x)


cdef inline double sign(double x) noexcept nogil:
    # np.sign's: +0.0 for either zero, a NaN passes
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    if x == 0.0:
        return 0.0
    return x


cdef inline double maximum(double a, double b) noexcept nogil:
    # np.maximum's: a NaN in either wins
    return a if (a >= b or a != a) else b


cdef inline double minimum(double a, double b) noexcept nogil:
    # np.minimum's: a NaN in either wins
    return a if (a <= b or a != a) else b

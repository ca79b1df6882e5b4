# How a kernel reads and makes its arrays: through numpy's data pointers, each argument
# checked once (type, shape, contiguity, writeability). A typed memoryview does the same
# checks through the buffer protocol and costs about 0.6 µs per array, as much as a whole
# numpy call; a small city's day passes some 150 arrays to its kernels.
# (A module that cimports this calls cnp.import_array() first.)

cimport numpy as cnp


cdef inline cnp.ndarray array(object x, int typenum, Py_ssize_t n, str name):
    """x as a 1-d contiguous array of this type (and length n unless n < 0), else a one-line error.

    int64 also accepts any signed 8-byte integer type (numpy's long and longlong), int32
    any signed 4-byte one.
    """
    if not cnp.PyArray_Check(x):
        raise TypeError(f"{name} must be a numpy array, not {type(x).__name__}")
    cdef cnp.ndarray a = <cnp.ndarray> x
    cdef int t = cnp.PyArray_TYPE(a)
    if t != typenum and not (
        (typenum == cnp.NPY_INT64 or typenum == cnp.NPY_INT32)
        and cnp.PyArray_ISINTEGER(a)
        and cnp.PyArray_ISSIGNED(a)
        and cnp.PyArray_ITEMSIZE(a) == cnp.PyArray_DescrFromType(typenum).itemsize
    ):
        raise TypeError(f"{name} must be {cnp.PyArray_DescrFromType(typenum)}, not {a.dtype}")
    if cnp.PyArray_NDIM(a) != 1 or not cnp.PyArray_IS_C_CONTIGUOUS(a):
        raise ValueError(f"{name} must be one contiguous row of values")
    if n >= 0 and cnp.PyArray_DIM(a, 0) != n:
        raise ValueError(f"{name} must have {n} values, not {cnp.PyArray_DIM(a, 0)}")
    return a


cdef inline cnp.ndarray writable(object x, int typenum, Py_ssize_t n, str name):
    """array(), and refused when numpy would refuse to write into it."""
    cdef cnp.ndarray a = array(x, typenum, n, name)
    if not cnp.PyArray_ISWRITEABLE(a):
        raise ValueError(f"{name} is read-only")
    return a


cdef inline Py_ssize_t size(object x) noexcept:
    """Length of an array that array() has checked."""
    return cnp.PyArray_DIM(<cnp.ndarray> x, 0)


cdef inline double *doubles(object x, Py_ssize_t n, str name) except NULL:
    return <double *> cnp.PyArray_DATA(array(x, cnp.NPY_DOUBLE, n, name))


cdef inline long long *longs(object x, Py_ssize_t n, str name) except NULL:
    return <long long *> cnp.PyArray_DATA(array(x, cnp.NPY_INT64, n, name))


cdef inline int *ints(object x, Py_ssize_t n, str name) except NULL:
    return <int *> cnp.PyArray_DATA(array(x, cnp.NPY_INT32, n, name))


cdef inline unsigned char *flags(object x, Py_ssize_t n, str name) except NULL:
    return <unsigned char *> cnp.PyArray_DATA(array(x, cnp.NPY_BOOL, n, name))


cdef inline double *out_doubles(object x, Py_ssize_t n, str name) except NULL:
    """doubles() of an array the kernel writes into."""
    return <double *> cnp.PyArray_DATA(writable(x, cnp.NPY_DOUBLE, n, name))


cdef inline long long *out_longs(object x, Py_ssize_t n, str name) except NULL:
    """longs() of an array the kernel writes into."""
    return <long long *> cnp.PyArray_DATA(writable(x, cnp.NPY_INT64, n, name))


cdef inline cnp.ndarray empty(Py_ssize_t n, int typenum):
    """A fresh 1-d array of n values (uninitialised)."""
    cdef cnp.npy_intp dims[1]
    dims[0] = n
    return cnp.PyArray_EMPTY(1, dims, typenum, 0)


cdef inline cnp.ndarray zeros(Py_ssize_t n, int typenum):
    """A fresh 1-d array of n zeros."""
    cdef cnp.npy_intp dims[1]
    dims[0] = n
    return cnp.PyArray_ZEROS(1, dims, typenum, 0)


cdef inline cnp.ndarray keys(object x, Py_ssize_t n, str name):
    """x as a 1-d contiguous array of int32 or int64 keys (read them with key_at)."""
    if cnp.PyArray_Check(x) and cnp.PyArray_ITEMSIZE(<cnp.ndarray> x) == 4:
        return array(x, cnp.NPY_INT32, n, name)
    return array(x, cnp.NPY_INT64, n, name)


cdef inline long long key_at(const void *keys, bint wide, Py_ssize_t i) noexcept nogil:
    """The i-th key of an int64 (wide) or int32 array."""
    return (<const long long *> keys)[i] if wide else (<const int *> keys)[i]


cdef inline cnp.ndarray matrix(object x, str name):
    """x as a 2-d float64 array whose rows are contiguous (any step between rows), else a one-line error."""
    if not cnp.PyArray_Check(x):
        raise TypeError(f"{name} must be a numpy array, not {type(x).__name__}")
    cdef cnp.ndarray a = <cnp.ndarray> x
    if cnp.PyArray_TYPE(a) != cnp.NPY_DOUBLE:
        raise TypeError(f"{name} must be float64, not {a.dtype}")
    if cnp.PyArray_NDIM(a) != 2:
        raise ValueError(f"{name} must have 2 dimensions, not {cnp.PyArray_NDIM(a)}")
    # (numpy gives an empty array, or a dimension of one, any stride: only a step that is walked counts)
    if cnp.PyArray_DIM(a, 0) > 0 and cnp.PyArray_DIM(a, 1) > 1 and cnp.PyArray_STRIDE(a, 1) != sizeof(double):
        raise ValueError(f"{name}'s rows must be contiguous")
    return a

# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/tally.py.

cimport numpy as cnp

from cpsim.kernels.arrays cimport array, empty, ints, longs, size
from cpsim.kernels.elementwise cimport clip

cnp.import_array()


cdef inline double *_channel_table(object x, Py_ssize_t n, str name, Py_ssize_t *channels) except NULL:
    """A C-contiguous n x channels float64 array's data (its channels in ``channels``)."""
    if not cnp.PyArray_Check(x) or cnp.PyArray_TYPE(<cnp.ndarray> x) != cnp.NPY_DOUBLE:
        raise TypeError(f"{name} must be a float64 array")
    cdef cnp.ndarray a = <cnp.ndarray> x
    if cnp.PyArray_NDIM(a) != 2 or not cnp.PyArray_IS_C_CONTIGUOUS(a):
        raise ValueError(f"{name} must be a C-contiguous table (rows x channels)")
    if cnp.PyArray_DIM(a, 0) != n:
        raise ValueError(f"{name} must have {n} rows, not {cnp.PyArray_DIM(a, 0)}")
    channels[0] = cnp.PyArray_DIM(a, 1)
    return <double *> cnp.PyArray_DATA(a)


cdef object _tally(cnp.ndarray ids, const double *values, Py_ssize_t channels, double forget, bint bounded):
    """Residents (ascending) and their summed rows, rows within ``forget`` of 0 dropped (and clipped if ``bounded``)."""
    cdef Py_ssize_t i, k, c, n = size(ids), n_unique = 0, kept = 0
    cdef double x
    cdef bint loud
    # numpy's sort (SIMD; np.sort's default kind), called in C: faster than any sort written here
    cdef cnp.ndarray distinct = cnp.PyArray_NewCopy(ids, cnp.NPY_CORDER)
    cnp.PyArray_Sort(distinct, 0, cnp.NPY_QUICKSORT)
    cdef long long *u = <long long *> cnp.PyArray_DATA(distinct)
    for i in range(n):  # the distinct residents, in place
        if i == 0 or u[i] != u[n_unique - 1]:
            u[n_unique] = u[i]
            n_unique += 1
    cdef cnp.npy_intp dims[2]
    dims[0], dims[1] = n_unique, channels
    sums = cnp.PyArray_ZEROS(2, dims, cnp.NPY_DOUBLE, 0)
    cdef double *s = <double *> cnp.PyArray_DATA(sums)
    # numpy's searchsorted finds each story's row (its binary search beats a plain one here)
    found = cnp.PyArray_SearchSorted(distinct[:n_unique], ids, cnp.NPY_SEARCHLEFT, NULL)
    cdef const long long *row = <long long *> cnp.PyArray_DATA(found)
    for i in range(n):
        for c in range(channels):
            s[row[i] * channels + c] += values[i * channels + c]
    for k in range(n_unique):
        loud = False
        for c in range(channels):
            loud = loud or s[k * channels + c] > forget or s[k * channels + c] < -forget
        if not loud:
            continue
        u[kept] = u[k]
        for c in range(channels):
            x = s[k * channels + c]
            s[kept * channels + c] = clip(x, -1.0, 1.0) if bounded else x
        kept += 1
    return distinct[:kept], sums[:kept]


def merge(idx, values, double forget):
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
    cdef cnp.ndarray ids = array(idx, cnp.NPY_INT64, -1, "idx")
    cdef Py_ssize_t i, c, n = size(ids), kept = 0, channels
    cdef const double *v = _channel_table(values, n, "values", &channels)
    # A row of zeros changes no sum (each starts at +0.0, and x + 0.0 is x), and residents with
    # only such rows are forgotten: left out before the sort. They are the news residents met,
    # which nobody retells as their own story (cpsim.mechanisms.contacts.UNTOLD): 46% of the rows
    # of a month at 1,000,000 residents, where the day's merge took 3.1 ms with them, 1.9 without.
    cdef cnp.ndarray saying = empty(n, cnp.NPY_BOOL)
    cdef unsigned char *says = <unsigned char *> cnp.PyArray_DATA(saying)
    for i in range(n):
        says[i] = False
        for c in range(channels):
            if v[i * channels + c] != 0.0:  # (a NaN says something)
                says[i] = True
        kept += says[i]
    if kept == n:
        return _tally(ids, v, channels, forget, False)
    cdef const long long *ix = <long long *> cnp.PyArray_DATA(ids)
    cdef cnp.ndarray told = empty(kept, cnp.NPY_INT64)
    cdef long long *tx = <long long *> cnp.PyArray_DATA(told)
    cdef cnp.ndarray rows = empty(kept * channels, cnp.NPY_DOUBLE)
    cdef double *r = <double *> cnp.PyArray_DATA(rows)
    kept = 0
    for i in range(n):
        if says[i]:
            tx[kept] = ix[i]
            for c in range(channels):
                r[kept * channels + c] = v[i * channels + c]
            kept += 1
    return _tally(told, r, channels, forget, False)


def hear(indptr, indices, speakers, stories, double scale, double forget):
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
    cdef Py_ssize_t i, j, c, s, total = 0, channels
    cdef const long long *ptr = longs(indptr, -1, "indptr")
    cdef Py_ssize_t n_residents = size(indptr) - 1
    cdef const int *ind = ints(indices, -1, "indices")
    cdef Py_ssize_t n_ties = size(indices)
    cdef const long long *sp = longs(speakers, -1, "speakers")
    cdef Py_ssize_t n_speakers = size(speakers)
    cdef const double *st = _channel_table(stories, n_speakers, "stories", &channels)
    for i in range(n_speakers):
        s = sp[i]
        if s < 0 or s >= n_residents:
            raise ValueError(f"speaker {s} is outside 0..{n_residents - 1}")
        if ptr[s] < 0 or ptr[s] > ptr[s + 1] or ptr[s + 1] > n_ties:
            raise ValueError(f"the ties of speaker {s} are outside the {n_ties} of the graph")
        total += ptr[s + 1] - ptr[s]
    cdef cnp.ndarray listeners = empty(total, cnp.NPY_INT64)
    cdef cnp.npy_intp dims[2]
    dims[0], dims[1] = total, channels
    cdef cnp.ndarray told = cnp.PyArray_EMPTY(2, dims, cnp.NPY_DOUBLE, 0)
    cdef long long *ls = <long long *> cnp.PyArray_DATA(listeners)
    cdef double *t = <double *> cnp.PyArray_DATA(told)
    total = 0
    for i in range(n_speakers):
        s = sp[i]
        for j in range(ptr[s], ptr[s + 1]):
            ls[total] = ind[j]
            for c in range(channels):
                # the repeated story times scale, as numpy multiplies
                t[total * channels + c] = st[i * channels + c] * scale
            total += 1
    return _tally(listeners, t, channels, forget, True)

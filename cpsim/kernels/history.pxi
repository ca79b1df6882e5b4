# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/history.py.

cimport numpy as cnp
from libc.limits cimport INT_MAX, INT_MIN
from libc.math cimport fabs

from cpsim.kernels.arrays cimport doubles, longs, size, zeros
from cpsim.kernels.elementwise cimport clip, maximum, minimum, sign

cnp.import_array()

cdef extern from *:
    """
    /* A hint to fetch a cache line ahead of its use: timing only, never a value. */
    #if defined(__GNUC__) || defined(__clang__)
    #define CPSIM_PREFETCH(p) __builtin_prefetch(p)
    #else
    #define CPSIM_PREFETCH(p) ((void) 0)
    #endif
    """
    void CPSIM_PREFETCH(const void *p) noexcept nogil


# A million residents' meetings are some 4.8 million rows, each at a resident of its own: the
# time goes to fetching residents' values from memory. So what a row reads of its resident, and
# what it changes, are each one 32-byte record, aligned to 64 bytes (one cache line, not two),
# fetched 16 rows ahead; and the fading's multiplies, one after another per resident, run in a
# second pass over the meeting, not between fetches (measured at a million residents, 210 days:
# 0.74 s with nine arrays and the fading in the one pass, 0.15 s so).
cdef struct _Viewer:
    double prior  # trust, through which the news is read
    double legitimacy  # the components the news moves
    double effectiveness
    int meeting  # the last meeting (1, 2, ...) that changed the resident's values; 0: none yet
    int faded  # the day through which the resident's transient has faded (once met)


cdef struct _Changes:
    double transient[2]  # legitimacy, effectiveness
    double kept[2]


cdef inline char *_aligned(cnp.ndarray a) noexcept:
    """The first 64-byte boundary in a's data (a holds 64 bytes more than it is used for)."""
    cdef char *data = <char *> cnp.PyArray_DATA(a)
    return data + (64 - (<size_t> data) % 64) % 64


cdef inline double _delta(double x, double read, double step, double ratio) noexcept nogil:
    # experience_delta: where(read >= 0, step * read * (1 - x), maximum(step * ratio * read * x, -x))
    if read >= 0.0:
        return step * read * (1.0 - x)
    return maximum(step * ratio * read * x, -x)


def news_history(meetings, long long last_day, double keep, prior, legitimacy, effectiveness, t):
    """The news residents met before day 1: what it left in the transient and in the kept changes.

    Computes, to the bit, cpsim.kernels.numpy_path.history's numpy::

        transient = zeros((2, n)); kept = zeros((2, n))
        for each day from the first meeting's through last_day:
            transient *= keep
            for each of the day's meetings (viewers, weight, v_legitimacy, v_effectiveness):
                read[c] = read_valence(full(len(viewers), v[c]), prior[viewers], prior_bias)
                share = consolidation_share(consolidation, familiar_consolidation, salience_consolidation,
                                            0.0, maximum(|read[0]|, |read[1]|), weight)
                delta[c] = experience_delta(now[c][viewers], read[c], step[c] * weight, ratio[c])
                transient[c, viewers] += (1 - share) * delta[c]
                kept[c, viewers] += share * delta[c]

    The fading is lazy: a resident's transient is 0 until the first meeting (and 0 times keep is
    0), and is faded, one multiply by ``keep`` a day as before (``keep ** days`` rounds
    otherwise), only when the resident meets the news again and at the end: the eager fading
    walked every resident every day. A resident met twice by one meeting takes what numpy's
    gather, add and scatter leave: the last row's change added to the value before the meeting
    (not both changes, as np.add.at would add).

    Args:
        meetings: Iterable of (day, viewers, weight, v_legitimacy, v_effectiveness), days in order
            (none after ``last_day``): residents (int64, may repeat) and their weights (float64)
            and the story's two valences. Read once, in order (a generator may draw them).
        last_day: The day through which the transient fades.
        keep: Share of the transient left after a day (a decay factor: finite and not negative).
        prior: Each resident's trust, through which the news is read (float64).
        legitimacy: The legitimacy the news moves (float64, one per resident).
        effectiveness: The effectiveness it moves.
        t: The trust section: ``prior_bias``, ``positive_step_*``, ``negativity_ratio_*``,
            ``consolidation``, ``familiar_consolidation``, ``salience_consolidation``.

    Returns:
        The transient and the kept changes, each 2 x residents (legitimacy, effectiveness): views
        of one array of per-resident records.

    Raises:
        ValueError: A meeting's day is before the previous one's or after ``last_day``, a day does
            not fit in 32 bits, the weights are not one per viewer, or ``keep`` is not a decay factor.
        IndexError: A viewer is not a resident.

    """
    cdef const double *pr = doubles(prior, -1, "prior")
    cdef Py_ssize_t n = size(prior)
    cdef const double *now0 = doubles(legitimacy, n, "legitimacy")
    cdef const double *now1 = doubles(effectiveness, n, "effectiveness")
    if not (keep >= 0.0 and keep < float("inf")):
        raise ValueError(f"keep must be a decay factor (finite, not negative), not {keep}")
    if not INT_MIN <= last_day <= INT_MAX:
        raise ValueError(f"days must fit in 32 bits, not {last_day}")
    cdef double bias = t.prior_bias
    cdef double step0 = t.positive_step_legitimacy, step1 = t.positive_step_effectiveness
    cdef double ratio0 = t.negativity_ratio_legitimacy, ratio1 = t.negativity_ratio_effectiveness
    # numpy adds share + familiar_share * familiarity (0.0 for the news) as scalars, before the array.
    cdef double base = t.consolidation + t.familiar_consolidation * 0.0
    cdef double salience = t.salience_consolidation

    cdef cnp.ndarray viewer_records = zeros(n * sizeof(_Viewer) + 64, cnp.NPY_UINT8)
    cdef _Viewer *vr = <_Viewer *> _aligned(viewer_records)
    cdef cnp.ndarray change_records = zeros(4 * n + 8, cnp.NPY_DOUBLE)
    cdef _Changes *ch = <_Changes *> _aligned(change_records)
    cdef Py_ssize_t first = (<char *> ch - <char *> cnp.PyArray_DATA(change_records)) // sizeof(double)
    changes = change_records[first:first + 4 * n].reshape(n, 4)  # per resident: transient, kept
    cdef Py_ssize_t i, j, k, m, r
    for r in range(n):
        vr[r].prior, vr[r].legitimacy, vr[r].effectiveness = pr[r], now0[r], now1[r]

    # A meeting's rows, once each resident's (its last): resident, days to fade, the four changes.
    cdef Py_ssize_t capacity = 0
    cdef cnp.ndarray who_a, gap_a, add_a
    cdef long long *who = NULL
    cdef long long *gap = NULL
    cdef double *add = NULL
    cdef const long long *vw
    cdef const double *w
    cdef long long day, previous = 0, g
    cdef int ordinal = 0
    cdef bint started = False
    cdef double v0, v1, p, rd0, rd1, s, share, d0, d1, x0, x1
    for meeting in meetings:
        day_value, viewers, weight, v_legitimacy, v_effectiveness = meeting
        day = day_value
        if day > last_day or day < INT_MIN or (started and day < previous):
            raise ValueError(
                f"meetings must come in day order, none after day {last_day}: day {day} after {previous}"
            )
        if ordinal == INT_MAX:
            raise ValueError(f"more than {INT_MAX} meetings")
        started, previous = True, day
        vw = longs(viewers, -1, "viewers")
        k = size(viewers)
        w = doubles(weight, k, "weight")
        for i in range(k):
            if vw[i] < 0 or vw[i] >= n:
                raise IndexError(f"viewer {vw[i]} out of range for {n} residents")
        if k > capacity:
            capacity = 2 * k
            who_a, gap_a = zeros(capacity, cnp.NPY_INT64), zeros(capacity, cnp.NPY_INT64)
            add_a = zeros(4 * capacity, cnp.NPY_DOUBLE)
            who, gap = <long long *> cnp.PyArray_DATA(who_a), <long long *> cnp.PyArray_DATA(gap_a)
            add = <double *> cnp.PyArray_DATA(add_a)
        v0, v1 = v_legitimacy, v_effectiveness
        ordinal += 1
        # The changes, last row first: numpy's scatter leaves a resident's last row of the meeting,
        # added to the value gathered before it; the resident's earlier rows change nothing.
        m = 0
        for i in range(k - 1, -1, -1):
            if i >= 16:
                CPSIM_PREFETCH(&vr[vw[i - 16]])
            r = vw[i]
            if vr[r].meeting == ordinal:
                continue
            p = 2.0 * vr[r].prior - 1.0
            rd0 = clip(v0 * (1.0 + bias * sign(v0) * p), -1.0, 1.0)
            rd1 = clip(v1 * (1.0 + bias * sign(v1) * p), -1.0, 1.0)
            s = maximum(fabs(rd0), fabs(rd1)) * minimum(w[i], 1.0)
            share = minimum(base + salience * (s * s), 1.0)
            d0 = _delta(vr[r].legitimacy, rd0, step0 * w[i], ratio0)
            d1 = _delta(vr[r].effectiveness, rd1, step1 * w[i], ratio1)
            who[m] = r
            gap[m] = day - vr[r].faded if vr[r].meeting != 0 else 0  # (never met: its transient is 0)
            vr[r].meeting, vr[r].faded = ordinal, <int> day
            add[4 * m] = (1.0 - share) * d0
            add[4 * m + 1] = (1.0 - share) * d1
            add[4 * m + 2] = share * d0
            add[4 * m + 3] = share * d1
            m += 1
        # Each transient faded to today, then the changes added.
        for j in range(m):
            if j + 16 < m:
                CPSIM_PREFETCH(&ch[who[j + 16]])
            r = who[j]
            x0, x1 = ch[r].transient[0], ch[r].transient[1]
            for g in range(gap[j]):
                x0 = x0 * keep
                x1 = x1 * keep
            ch[r].transient[0] = x0 + add[4 * j]
            ch[r].transient[1] = x1 + add[4 * j + 1]
            ch[r].kept[0] = ch[r].kept[0] + add[4 * j + 2]
            ch[r].kept[1] = ch[r].kept[1] + add[4 * j + 3]
    # Every transient faded to the last day.
    for r in range(n):
        if vr[r].meeting != 0:
            x0, x1 = ch[r].transient[0], ch[r].transient[1]
            for g in range(last_day - vr[r].faded):
                x0 = x0 * keep
                x1 = x1 * keep
            ch[r].transient[0], ch[r].transient[1] = x0, x1
    return changes[:, :2].T, changes[:, 2:].T

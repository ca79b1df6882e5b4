# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/moves.py.

import numpy as np

cimport numpy as cnp
from libc.math cimport fabs

from cpsim.kernels.arrays cimport array, empty, longs, size, writable
from cpsim.kernels.elementwise cimport clip, maximum, minimum, sign

cnp.import_array()


cdef inline char *_pair(object x, int typenum, Py_ssize_t n, str name, Py_ssize_t *steps) except NULL:
    """A 2 x n array of this type (any strides): its data, and its two strides in bytes in ``steps``."""
    if not cnp.PyArray_Check(x):
        raise TypeError(f"{name} must be a numpy array, not {type(x).__name__}")
    cdef cnp.ndarray a = <cnp.ndarray> x
    if cnp.PyArray_TYPE(a) != typenum:
        raise TypeError(f"{name} must be {cnp.PyArray_DescrFromType(typenum)}, not {a.dtype}")
    if cnp.PyArray_NDIM(a) != 2 or cnp.PyArray_DIM(a, 0) != 2 or cnp.PyArray_DIM(a, 1) != n:
        shape = " x ".join(str(d) for d in x.shape)
        raise ValueError(f"{name} must be 2 x {n}, not {shape}")
    steps[0] = cnp.PyArray_STRIDE(a, 0)
    steps[1] = cnp.PyArray_STRIDE(a, 1)
    return cnp.PyArray_BYTES(a)


cdef inline char *_row(object x, Py_ssize_t n, str name, Py_ssize_t *step) except NULL:
    """A 1-d float64 array of n values (any stride): its data, and its stride in bytes in ``step``."""
    cdef cnp.ndarray a = <cnp.ndarray> x
    if cnp.PyArray_TYPE(a) != cnp.NPY_DOUBLE or cnp.PyArray_NDIM(a) != 1:
        raise TypeError(f"{name} must be a float or a row of float64, not {a.dtype} of shape {x.shape}")
    if cnp.PyArray_DIM(a, 0) != n:
        raise ValueError(f"{name} must be a float or {n} values, not {cnp.PyArray_DIM(a, 0)}")
    step[0] = cnp.PyArray_STRIDE(a, 0)
    return cnp.PyArray_BYTES(a)


def move(idx, v, has, mult, fam, residents, t):
    """Move both components and their attitudes by experiences (in place); return what numpy's code returns.

    Args:
        idx: Resident of each experience (int64; may repeat).
        v: Legitimacy and effectiveness valences, shape (2, len(idx)), float64, any strides.
        has: Whether each valence says something, bool, same shape; None: where v is not NaN;
            a float: where ``np.abs(v) > has`` (a faint story says nothing).
        mult: Multiplier on the steps: a float, or one float64 per experience.
        fam: Familiarity counted towards consolidation: a float, or one float64 per experience.
        residents: The residents' state: ``trust`` (the prior) and ``legitimacy``, ``effectiveness``,
            ``attitude_legitimacy``, ``attitude_effectiveness`` (float64 arrays, these four
            changed in place).
        t: The trust section: ``prior_bias``, ``positive_step_*``, ``negativity_ratio_*`` and the
            consolidation shares (``consolidation``, ``familiar_consolidation``,
            ``salience_consolidation``).

    Returns:
        The read valences, the changes of the components (each of shape (2, len(idx))) and the
        share of each experience's change its resident's attitudes keep (len(idx)).

    """
    cdef Py_ssize_t i, c, n
    # The state and the section are read once, here: a dozen attribute reads, as the caller made
    # them when it passed each array and share as its own argument.
    trust, legitimacy, effectiveness = residents.trust, residents.legitimacy, residents.effectiveness
    attitude_legitimacy, attitude_effectiveness = residents.attitude_legitimacy, residents.attitude_effectiveness
    cdef double prior_bias = t.prior_bias
    cdef double consolidation = t.consolidation
    cdef double familiar_consolidation = t.familiar_consolidation
    cdef double salience_consolidation = t.salience_consolidation
    cdef const long long *ix = longs(idx, -1, "idx")
    n = size(idx)
    cdef Py_ssize_t vs[2]
    cdef Py_ssize_t hs[2]
    cdef Py_ssize_t ms = 0, fs = 0
    cdef const char *val = _pair(v, cnp.NPY_DOUBLE, n, "v", vs)
    cdef const char *said = NULL
    cdef bint has_floor = type(has) is float
    cdef bint has_given = has is not None and not has_floor
    cdef double floor = has if has_floor else 0.0
    cdef bint mult_rows = isinstance(mult, np.ndarray)
    cdef bint fam_rows = isinstance(fam, np.ndarray)
    cdef const char *mult_a = NULL
    cdef const char *fam_a = NULL
    cdef double mult_s = 0.0, fam_s = 0.0
    if has_given:
        said = _pair(has, cnp.NPY_BOOL, n, "has", hs)
    if mult_rows:
        mult_a = _row(mult, n, "mult", &ms)
    else:
        mult_s = mult
    if fam_rows:
        fam_a = _row(fam, n, "fam", &fs)
    else:
        fam_s = fam
    cdef const double *tr = <double *> cnp.PyArray_DATA(array(trust, cnp.NPY_DOUBLE, -1, "trust"))
    cdef Py_ssize_t n_residents = size(trust)
    cdef cnp.ndarray leg_a = writable(legitimacy, cnp.NPY_DOUBLE, -1, "legitimacy")
    cdef cnp.ndarray eff_a = writable(effectiveness, cnp.NPY_DOUBLE, -1, "effectiveness")
    cdef cnp.ndarray att_leg_a = writable(attitude_legitimacy, cnp.NPY_DOUBLE, -1, "attitude_legitimacy")
    cdef cnp.ndarray att_eff_a = writable(attitude_effectiveness, cnp.NPY_DOUBLE, -1, "attitude_effectiveness")
    if size(leg_a) != n_residents or size(eff_a) != n_residents or size(att_leg_a) != n_residents or size(att_eff_a) != n_residents:
        raise ValueError(f"the components and attitudes must have {n_residents} residents, as trust has")
    cdef double *leg = <double *> cnp.PyArray_DATA(leg_a)
    cdef double *eff = <double *> cnp.PyArray_DATA(eff_a)
    cdef double *att_leg = <double *> cnp.PyArray_DATA(att_leg_a)
    cdef double *att_eff = <double *> cnp.PyArray_DATA(att_eff_a)
    for i in range(n):
        if ix[i] < 0 or ix[i] >= n_residents:
            raise IndexError(f"resident {ix[i]} out of range for {n_residents} residents")

    cdef cnp.npy_intp dims[2]
    dims[0], dims[1] = 2, n
    cdef cnp.ndarray read_out = cnp.PyArray_EMPTY(2, dims, cnp.NPY_DOUBLE, 0)
    cdef cnp.ndarray delta_out = cnp.PyArray_EMPTY(2, dims, cnp.NPY_DOUBLE, 0)
    cdef cnp.ndarray kept_out = empty(n, cnp.NPY_DOUBLE)
    cdef double *read = <double *> cnp.PyArray_DATA(read_out)  # read[c * n + i]: row c, C order
    cdef double *delta = <double *> cnp.PyArray_DATA(delta_out)
    cdef double *kept = <double *> cnp.PyArray_DATA(kept_out)
    cdef double steps[2]
    cdef double ratios[2]
    steps[0], steps[1] = t.positive_step_legitimacy, t.positive_step_effectiveness
    ratios[0], ratios[1] = t.negativity_ratio_legitimacy, t.negativity_ratio_effectiveness
    cdef long long r
    cdef double prior, m, f, vc, vz, rd, now, step, d, strength
    cdef bint says

    # Every change from the state before any of them (a resident's second experience reads the
    # same prior and current value as the first, as numpy's gathers do).
    for i in range(n):
        r = ix[i]
        prior = 2.0 * tr[r] - 1.0
        m = (<const double *> (mult_a + i * ms))[0] if mult_rows else mult_s
        for c in range(2):
            vc = (<const double *> (val + c * vs[0] + i * vs[1]))[0]
            if has_given:
                says = (said + c * hs[0] + i * hs[1])[0] != 0
            else:
                says = fabs(vc) > floor if has_floor else vc == vc
            vz = vc if says else 0.0
            rd = clip(vz * (1.0 + prior_bias * sign(vz) * prior), -1.0, 1.0)
            read[c * n + i] = rd
            if not says:
                delta[c * n + i] = 0.0
                continue
            now = leg[r] if c == 0 else eff[r]
            step = steps[c] * m
            if rd >= 0.0:
                d = step * rd * (1.0 - now)
            else:
                d = maximum(step * ratios[c] * rd * now, -now)
            delta[c * n + i] = d
        f = (<const double *> (fam_a + i * fs))[0] if fam_rows else fam_s
        # How strong the experience was for the resident: the read valence at its weight (a story
        # heard, a program's partial dose is weaker than one's own encounter).
        strength = maximum(fabs(read[i]), fabs(read[n + i])) * minimum(m, 1.0)
        kept[i] = minimum(
            consolidation + familiar_consolidation * f + salience_consolidation * (strength * strength), 1.0
        )

    # np.add.at: each change added in the order given; then every touched value clipped.
    for i in range(n):
        r = ix[i]
        leg[r] += delta[i]
        att_leg[r] += kept[i] * delta[i]
        eff[r] += delta[n + i]
        att_eff[r] += kept[i] * delta[n + i]
    for i in range(n):
        r = ix[i]
        leg[r] = clip(leg[r], 0.0, 1.0)
        att_leg[r] = clip(att_leg[r], 0.0, 1.0)
        eff[r] = clip(eff[r], 0.0, 1.0)
        att_eff[r] = clip(att_eff[r], 0.0, 1.0)
    return read_out, delta_out, kept_out

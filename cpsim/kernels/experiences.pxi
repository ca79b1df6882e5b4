# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/experiences.py.

import numpy as np

cimport numpy as cnp

from cpsim.kernels.arrays cimport array, doubles, empty, flags, size
from cpsim.kernels.elementwise cimport clip

cnp.import_array()


cdef inline double *_rows(object x, Py_ssize_t n, str name) except NULL:
    """A C-contiguous 2 x n float64 array's data."""
    if not cnp.PyArray_Check(x) or cnp.PyArray_TYPE(<cnp.ndarray> x) != cnp.NPY_DOUBLE:
        raise TypeError(f"{name} must be a float64 array")
    cdef cnp.ndarray a = <cnp.ndarray> x
    if cnp.PyArray_NDIM(a) != 2 or cnp.PyArray_DIM(a, 0) != 2 or cnp.PyArray_DIM(a, 1) != n:
        raise ValueError(f"{name} must be 2 x {n}, not of shape {x.shape}")
    if not cnp.PyArray_IS_C_CONTIGUOUS(a):
        raise ValueError(f"{name} must be C-contiguous")
    return <double *> cnp.PyArray_DATA(a)


cdef int _check_residents(const long long *idx, Py_ssize_t n, Py_ssize_t residents) except -1:
    """Refuse residents outside the arrays: boundscheck is off, they would be read or written past the end."""
    cdef Py_ssize_t i
    for i in range(n):
        if idx[i] < 0 or idx[i] >= residents:
            raise ValueError(f"resident {idx[i]} (experience {i}) is outside 0..{residents - 1}")
    return 0


cdef inline bint _plain(object x, int typenum, Py_ssize_t n):
    """Whether x is a 1-d array of this type and length (copied element by element, else numpy assigns it)."""
    return (
        cnp.PyArray_Check(x)
        and cnp.PyArray_TYPE(<cnp.ndarray> x) == typenum
        and cnp.PyArray_NDIM(<cnp.ndarray> x) == 1
        and cnp.PyArray_DIM(<cnp.ndarray> x, 0) == n
    )


def columns(list parts, tuple dtypes):
    """The parts' fields as one column each (cpsim.mechanisms.contacts.Contacts.take).

    numpy: per column ``col = np.empty(total, dtype)``, then ``col[a:b] = part[j]`` for each
    part in order (a scalar fills its stretch, an array is copied into it). Floats, Python
    ints and bools, and 1-d arrays of the column's own dtype (any strides) are copied here;
    any other value (another dtype, a numpy int or bool, a broadcast) is handed to numpy's
    assignment as before.

    Args:
        parts: Tuples of fields, the second one the part's resident indices (its length).
        dtypes: One numpy dtype per field: float64, int64 or bool.

    Returns:
        One array per field.

    """
    cdef Py_ssize_t total = 0, a, b, i, j, k, step
    cdef Py_ssize_t n_parts = len(parts)
    ends_array = empty(n_parts + 1, cnp.NPY_INTP)
    cdef Py_ssize_t *ends = <Py_ssize_t *> cnp.PyArray_DATA(ends_array)
    cdef cnp.npy_intp dims[1]
    cdef int typenum
    cdef cnp.ndarray col, arr
    cdef char *out
    cdef char *src
    cdef double f
    cdef long long q
    cdef unsigned char flag
    ends[0] = 0
    for j in range(n_parts):
        total += len(parts[j][1])
        ends[j + 1] = total
    dims[0] = total
    columns_out = []
    for j in range(len(dtypes)):
        typenum = (<cnp.dtype> dtypes[j]).type_num
        if typenum != cnp.NPY_DOUBLE and typenum != cnp.NPY_LONGLONG and typenum != cnp.NPY_LONG and typenum != cnp.NPY_BOOL:
            raise TypeError(f"column {j} has dtype {dtypes[j]}: float64, int64 or bool only")
        col = cnp.PyArray_EMPTY(1, dims, typenum, 0)
        columns_out.append(col)
        out = cnp.PyArray_BYTES(col)
        for i in range(n_parts):
            a, b = ends[i], ends[i + 1]
            x = (<tuple> parts[i])[j]
            if typenum == cnp.NPY_DOUBLE and isinstance(x, float):  # a float or numpy float64
                f = x
                for k in range(a, b):
                    (<double *> out)[k] = f
            elif typenum == cnp.NPY_BOOL and type(x) is bool:
                flag = x is True
                for k in range(a, b):
                    (<unsigned char *> out)[k] = flag
            elif typenum != cnp.NPY_DOUBLE and typenum != cnp.NPY_BOOL and type(x) is int:
                q = x  # (an int beyond int64 raises OverflowError, as numpy's assignment does)
                for k in range(a, b):
                    (<long long *> out)[k] = q
            elif _plain(x, cnp.PyArray_TYPE(col), b - a):
                arr = <cnp.ndarray> x
                src = cnp.PyArray_BYTES(arr)
                step = cnp.PyArray_STRIDE(arr, 0)
                if typenum == cnp.NPY_DOUBLE:
                    for k in range(a, b):
                        (<double *> out)[k] = (<double *> (src + (k - a) * step))[0]
                elif typenum == cnp.NPY_BOOL:
                    for k in range(a, b):
                        (<unsigned char *> out)[k] = (<unsigned char *> (src + (k - a) * step))[0]
                else:
                    for k in range(a, b):
                        (<long long *> out)[k] = (<long long *> (src + (k - a) * step))[0]
            else:  # anything else: numpy's own casting and broadcasting
                col[a:b] = x
    return columns_out


def familiar_steps(idx, familiar, weight, familiarity, double vicarious):
    """The step multiplier and the familiarity counted by each experience (cpsim.mechanisms.contacts).

    numpy: ``fam = np.where(familiar, familiarity[idx], 0.0)`` and ``mult = weight * vicarious``:
    familiarity counts once, in the share of the change kept (moves.move), not in the step.

    Args:
        idx: Resident of each experience (int64).
        familiar: Whether familiarity with the beat team amplifies each experience (bool).
        weight: Each experience's weight (float64).
        familiarity: Residents' familiarity with their beat team (float64).
        vicarious: Multiplier on every weight.

    Returns:
        mult and fam, one value per experience.

    """
    cdef cnp.ndarray who = array(idx, cnp.NPY_INT64, -1, "idx")
    cdef Py_ssize_t i, n = cnp.PyArray_DIM(who, 0)
    cdef const long long *r = <long long *> cnp.PyArray_DATA(who)
    cdef const unsigned char *on = flags(familiar, n, "familiar")
    cdef const double *w = doubles(weight, n, "weight")
    cdef cnp.ndarray known = array(familiarity, cnp.NPY_DOUBLE, -1, "familiarity")
    cdef const double *have = <double *> cnp.PyArray_DATA(known)
    _check_residents(r, n, cnp.PyArray_DIM(known, 0))
    mult_out, fam_out = empty(n, cnp.NPY_DOUBLE), empty(n, cnp.NPY_DOUBLE)
    cdef double *m = <double *> cnp.PyArray_DATA(mult_out)
    cdef double *f = <double *> cnp.PyArray_DATA(fam_out)
    for i in range(n):
        f[i] = have[r[i]] if on[i] else 0.0
        m[i] = w[i] * vicarious
    return mult_out, fam_out


def familiarise(idx, familiar, fam, familiarity, double step, delta, double legitimacy_weight):
    """Familiarity grows with the beat team met; the change of each experience's trust index.

    numpy: ``known = idx[familiar]; familiarity[known] += step * (1.0 - familiarity[known])``
    (a gather, then a scatter: a resident met twice grows once, from the value before), and
    ``legitimacy_weight * delta[0] + (1 - legitimacy_weight) * delta[1]``.

    Args:
        idx: Resident of each experience (int64).
        familiar: Whether each experience was with the familiar beat team (bool).
        fam: familiar_steps' fam: each familiar experience's familiarity before today's growth.
        familiarity: Residents' familiarity (float64), changed in place.
        step: patrol.familiarity_step.
        delta: Each experience's change of legitimacy and effectiveness (2 x experiences, float64).
        legitimacy_weight: trust.legitimacy_weight.

    Returns:
        The change of the trust index per experience.

    """
    cdef cnp.ndarray who = array(idx, cnp.NPY_INT64, -1, "idx")
    cdef Py_ssize_t i, n = cnp.PyArray_DIM(who, 0)
    cdef const long long *r = <long long *> cnp.PyArray_DATA(who)
    cdef const unsigned char *on = flags(familiar, n, "familiar")
    cdef const double *before = doubles(fam, n, "fam")
    cdef const double *d = _rows(delta, n, "delta")
    cdef cnp.ndarray known = array(familiarity, cnp.NPY_DOUBLE, -1, "familiarity")
    if not cnp.PyArray_ISWRITEABLE(known):
        raise ValueError("familiarity is read-only")
    cdef double *grown = <double *> cnp.PyArray_DATA(known)
    cdef double other = 1 - legitimacy_weight
    _check_residents(r, n, cnp.PyArray_DIM(known, 0))
    d_trust = empty(n, cnp.NPY_DOUBLE)
    cdef double *out = <double *> cnp.PyArray_DATA(d_trust)
    for i in range(n):
        if on[i]:  # every copy of a resident writes the same value: grown from the one before
            grown[r[i]] = before[i] + step * (1.0 - before[i])
        out[i] = legitimacy_weight * d[i] + other * d[n + i]
    return d_trust


def complaint_risk(
    quality,
    legitimacy,
    formal,
    familiarity,
    double poor_contact_rate,
    double casual_factor,
    double trust_dependency,
    double familiarity_discount,
):
    """Chance that each contact brings a complaint (cpsim.mechanisms.complaints.complaint_probability).

    numpy: ``p = poor_contact_rate * clip((0.5 - fmin(quality, 1.0)) / 0.5, 0, 1)``, then
    ``p *= where(formal, 1.0, casual_factor)``, ``p *= 1.0 - trust_dependency * (1.0 - legitimacy)``
    and ``p *= 1.0 - familiarity_discount * familiarity``.

    Args:
        quality: Procedural quality of each contact (float64; NaN: no officer, read as 1).
        legitimacy: The resident's legitimacy before the contact (float64).
        formal: Whether each contact is formal: a bool, or one bool per contact.
        familiarity: The resident's familiarity: a float, or one float64 per contact.
        poor_contact_rate, casual_factor, trust_dependency, familiarity_discount: the complaints section.

    Returns:
        The probability per contact.

    """
    cdef cnp.ndarray qa = array(quality, cnp.NPY_DOUBLE, -1, "quality")
    cdef Py_ssize_t i, n = cnp.PyArray_DIM(qa, 0)
    cdef const double *qs = <double *> cnp.PyArray_DATA(qa)
    cdef const double *legit = doubles(legitimacy, n, "legitimacy")
    cdef const unsigned char *formal_a = NULL
    cdef const double *fam_a = NULL
    cdef double formal_s = 0.0, fam_s = 0.0, q
    if cnp.PyArray_Check(formal):
        if cnp.PyArray_TYPE(<cnp.ndarray> formal) != cnp.NPY_BOOL:
            raise TypeError(f"formal must be bool, not {formal.dtype}")
        formal_a = flags(formal, n, "formal")
    else:
        formal_s = 1.0 if formal else casual_factor
    if cnp.PyArray_Check(familiarity):
        fam_a = doubles(familiarity, n, "familiarity")
    else:
        fam_s = familiarity
    risk = empty(n, cnp.NPY_DOUBLE)
    cdef double *p = <double *> cnp.PyArray_DATA(risk)
    for i in range(n):
        q = qs[i]
        q = 1.0 if q != q else (q if q <= 1.0 else 1.0)  # np.fmin: a NaN gives the other value
        p[i] = poor_contact_rate * clip((0.5 - q) / 0.5, 0.0, 1.0)
        p[i] = p[i] * (((1.0 if formal_a[i] else casual_factor) if formal_a != NULL else formal_s))
        p[i] = p[i] * (1.0 - trust_dependency * (1.0 - legit[i]))
        p[i] = p[i] * (1.0 - familiarity_discount * (fam_a[i] if fam_a != NULL else fam_s))
    return risk


def story_rows(v_leg, v_eff, weight, kind, untold):
    """What each experience gives its resident to tell (the rows of CommunityModel.tell).

    numpy: ``tell = weight * ~untold[kind]``, then the rows ``[v_leg * tell, v_eff * tell, 0.0]``.
    (Bit for bit but for a NaN valence times a NaN tell, an inf weight of an untold kind:
    which of two NaNs a product keeps is the compiler's; read valences are never NaN.)

    Args:
        v_leg, v_eff: The read legitimacy and effectiveness valences (float64).
        weight: Each experience's weight (float64).
        kind: Each experience's kind code (int64).
        untold: Per kind code, whether that kind is not retold this way (bool; a resident's own
            victimisation is fear, told apart; news everyone met is not retold as one's own story).

    Returns:
        One row (legitimacy, effectiveness, fear) per experience.

    """
    cdef cnp.ndarray kinds = array(kind, cnp.NPY_INT64, -1, "kind")
    cdef Py_ssize_t i, n = cnp.PyArray_DIM(kinds, 0)
    cdef const long long *k = <long long *> cnp.PyArray_DATA(kinds)
    cdef const double *vl = doubles(v_leg, n, "v_leg")
    cdef const double *ve = doubles(v_eff, n, "v_eff")
    cdef const double *w = doubles(weight, n, "weight")
    cdef Py_ssize_t n_kinds = size(array(untold, cnp.NPY_BOOL, -1, "untold"))
    cdef const unsigned char *quiet = flags(untold, n_kinds, "untold")
    cdef double tell
    for i in range(n):
        if k[i] < 0 or k[i] >= n_kinds:
            raise ValueError(f"kind {k[i]} (experience {i}) is outside 0..{n_kinds - 1}")
    cdef cnp.npy_intp dims[2]
    dims[0], dims[1] = n, 3
    rows = cnp.PyArray_EMPTY(2, dims, cnp.NPY_DOUBLE, 0)
    cdef double *r = <double *> cnp.PyArray_DATA(rows)
    for i in range(n):
        tell = w[i] * (0.0 if quiet[k[i]] else 1.0)
        r[3 * i] = vl[i] * tell
        r[3 * i + 1] = ve[i] * tell
        r[3 * i + 2] = 0.0
    return rows


def procedural_valences(quality, double intrusion, double outcome, double tint, bint clip_legitimacy):
    """Legitimacy and effectiveness valences of contacts by their procedure (enforcement, calls answered).

    numpy: ``proc = 2.0 * quality - 1.0``; legitimacy ``proc - intrusion`` (clipped to -1..1
    if ``clip_legitimacy``), effectiveness ``clip(outcome + tint * proc, -1, 1)``.

    Args:
        quality: Procedural quality of each contact (float64).
        intrusion: What being stopped at all costs legitimacy (0.0: nothing).
        outcome: The outcome's effectiveness valence.
        tint: How much procedure tints the effectiveness valence.
        clip_legitimacy: Whether the legitimacy valence is clipped to -1..1.

    Returns:
        The legitimacy and effectiveness valences.

    """
    cdef cnp.ndarray qa = array(quality, cnp.NPY_DOUBLE, -1, "quality")
    cdef Py_ssize_t i, n = cnp.PyArray_DIM(qa, 0)
    cdef const double *q = <double *> cnp.PyArray_DATA(qa)
    cdef double proc
    v_leg, v_eff = empty(n, cnp.NPY_DOUBLE), empty(n, cnp.NPY_DOUBLE)
    cdef double *leg = <double *> cnp.PyArray_DATA(v_leg)
    cdef double *eff = <double *> cnp.PyArray_DATA(v_eff)
    for i in range(n):
        proc = 2.0 * q[i] - 1.0
        leg[i] = clip(proc - intrusion, -1.0, 1.0) if clip_legitimacy else proc - intrusion
        eff[i] = clip(outcome + tint * proc, -1.0, 1.0)
    return v_leg, v_eff

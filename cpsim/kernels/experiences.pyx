"""The day's experiences: gathering them into columns, and the bookkeeping around their moves.

cpsim.mechanisms.contacts gathers every mechanism's experiences into columns and applies
them; cpsim.mechanisms.complaints turns poor contacts into complaints. Around the compiled
move (cpsim.kernels.moves) that was some 40 numpy calls a day (a slice assignment per column
and part, the familiarity multiplier and its growth, the change of the trust index, the
complaint risk, the stories to tell), each costing more than its arithmetic at a small
city's few hundred experiences. These kernels do the same arithmetic per experience,
operation for operation, so every result is numpy's to the bit.
"""

import numpy as np

cimport cython

from cpsim.kernels.elementwise cimport clip


cdef int _check_residents(const long long[::1] idx, Py_ssize_t residents) except -1:
    """Refuse residents outside the arrays: boundscheck is off, they would be read or written past the end."""
    cdef Py_ssize_t i
    for i in range(idx.shape[0]):
        if idx[i] < 0 or idx[i] >= residents:
            raise ValueError(f"resident {idx[i]} (experience {i}) is outside 0..{residents - 1}")
    return 0


cdef int _check_length(str name, Py_ssize_t got, Py_ssize_t n) except -1:
    if got != n:
        raise ValueError(f"{name} must have {n} values, not {got}")
    return 0


cdef bint _plain(x, dtype, Py_ssize_t n):
    """Whether x is a 1-d array of this dtype and length (copied element by element, else numpy assigns it)."""
    return isinstance(x, np.ndarray) and x.dtype == dtype and x.ndim == 1 and x.shape[0] == n


@cython.initializedcheck(False)
def columns(list parts, tuple dtypes):
    """The parts' fields as one column each (cpsim.mechanisms.contacts.Contacts.take).

    numpy: per column ``col = np.empty(total, dtype)``, then ``col[a:b] = part[j]`` for each
    part in order (a scalar fills its stretch, an array is copied into it). Float and
    integer scalars, bools, and 1-d arrays of the column's own dtype are copied here; any
    other value (another dtype, a broadcast) is handed to numpy's assignment as before.

    Args:
        parts: Tuples of fields, the second one the part's resident indices (its length).
        dtypes: One numpy dtype per field: float64, int64 or bool.

    Returns:
        One array per field.

    """
    cdef Py_ssize_t total = 0, a, b, i, j
    cdef Py_ssize_t[::1] ends = np.empty(len(parts) + 1, np.intp)
    cdef double[::1] fcol
    cdef long long[::1] icol
    cdef unsigned char[::1] bcol
    cdef const double[:] fx
    cdef const long long[:] ix
    cdef const unsigned char[:] bx
    cdef double f
    cdef long long k
    cdef unsigned char flag
    ends[0] = 0
    for j, part in enumerate(parts):
        total += len(part[1])
        ends[j + 1] = total
    out = []
    for j, dtype in enumerate(dtypes):
        col = np.empty(total, dtype)
        out.append(col)
        kind = col.dtype.kind
        if kind == "f":
            fcol = col
        elif kind == "i":
            icol = col
        elif kind == "b":
            bcol = col.view(np.uint8)
        else:
            raise TypeError(f"column {j} has dtype {col.dtype}: float64, int64 or bool only")
        for i, part in enumerate(parts):
            a, b = ends[i], ends[i + 1]
            x = part[j]
            if kind == "f" and (type(x) is float or type(x) is np.float64):
                f = x
                fcol[a:b] = f
            elif kind == "f" and _plain(x, col.dtype, b - a):
                fx = x
                fcol[a:b] = fx
            elif kind == "i" and (type(x) is int or type(x) is np.int64):
                k = x
                icol[a:b] = k
            elif kind == "i" and _plain(x, col.dtype, b - a):
                ix = x
                icol[a:b] = ix
            elif kind == "b" and type(x) is bool:
                flag = x
                bcol[a:b] = flag
            elif kind == "b" and _plain(x, col.dtype, b - a):
                bx = x.view(np.uint8)
                bcol[a:b] = bx
            else:  # anything else: numpy's own casting and broadcasting
                col[a:b] = x
    return out


@cython.initializedcheck(False)
def familiar_steps(
    const long long[::1] idx,
    familiar,
    const double[::1] weight,
    const double[::1] familiarity,
    double vicarious,
    double gain,
):
    """The step multiplier and the familiarity counted by each experience (cpsim.mechanisms.contacts).

    numpy: ``fam = np.where(familiar, familiarity[idx], 0.0)`` and
    ``mult = (weight * vicarious) * (1.0 + gain * fam)``.

    Args:
        idx: Resident of each experience.
        familiar: Whether familiarity with the beat team amplifies each experience (bool).
        weight: Each experience's weight.
        familiarity: Residents' familiarity with their beat team.
        vicarious: Multiplier on every weight.
        gain: patrol.familiarity_gain.

    Returns:
        mult and fam, one value per experience.

    """
    cdef Py_ssize_t i, n = idx.shape[0]
    cdef const unsigned char[::1] fam_on = familiar.view(np.uint8)
    _check_length("familiar", fam_on.shape[0], n)
    _check_length("weight", weight.shape[0], n)
    _check_residents(idx, familiarity.shape[0])
    mult_out = np.empty(n)
    fam_out = np.empty(n)
    cdef double[::1] m = mult_out, f = fam_out
    for i in range(n):
        f[i] = familiarity[idx[i]] if fam_on[i] else 0.0
        m[i] = (weight[i] * vicarious) * (1.0 + gain * f[i])
    return mult_out, fam_out


@cython.initializedcheck(False)
def settle(
    const long long[::1] idx,
    familiar,
    const double[::1] fam,
    double[::1] familiarity,
    double step,
    const double[:, ::1] delta,
    double legitimacy_weight,
):
    """Familiarity grows with the beat team met; the change of each experience's trust index.

    numpy: ``known = idx[familiar]; familiarity[known] += step * (1.0 - familiarity[known])``
    (a gather, then a scatter: a resident met twice grows once, from the value before), and
    ``legitimacy_weight * delta[0] + (1 - legitimacy_weight) * delta[1]``.

    Args:
        idx: Resident of each experience.
        familiar: Whether each experience was with the familiar beat team (bool).
        fam: familiar_steps' fam: each familiar experience's familiarity before today's growth.
        familiarity: Residents' familiarity, changed in place.
        step: patrol.familiarity_step.
        delta: Each experience's change of legitimacy and effectiveness (2 x experiences).
        legitimacy_weight: trust.legitimacy_weight.

    Returns:
        The change of the trust index per experience.

    """
    cdef Py_ssize_t i, n = idx.shape[0]
    cdef const unsigned char[::1] fam_on = familiar.view(np.uint8)
    cdef double other = 1 - legitimacy_weight
    _check_length("familiar", fam_on.shape[0], n)
    _check_length("fam", fam.shape[0], n)
    if delta.shape[0] != 2 or delta.shape[1] != n:
        raise ValueError(f"delta must be 2 x {n}, not {delta.shape[0]} x {delta.shape[1]}")
    _check_residents(idx, familiarity.shape[0])
    d_trust = np.empty(n)
    cdef double[::1] out = d_trust
    for i in range(n):
        if fam_on[i]:  # every copy of a resident writes the same value: grown from the one before
            familiarity[idx[i]] = fam[i] + step * (1.0 - fam[i])
        out[i] = legitimacy_weight * delta[0, i] + other * delta[1, i]
    return d_trust


@cython.initializedcheck(False)
def complaint_risk(
    const double[::1] quality,
    const double[::1] legitimacy,
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
        quality: Procedural quality of each contact (NaN: no officer, read as 1).
        legitimacy: The resident's legitimacy before the contact.
        formal: Whether each contact is formal: a bool, or one bool per contact.
        familiarity: The resident's familiarity: a float, or one float64 per contact.
        poor_contact_rate, casual_factor, trust_dependency, familiarity_discount: the complaints section.

    Returns:
        The probability per contact.

    """
    cdef Py_ssize_t i, n = quality.shape[0]
    cdef bint formal_rows = isinstance(formal, np.ndarray), fam_rows = isinstance(familiarity, np.ndarray)
    cdef const unsigned char[::1] formal_a
    cdef const double[::1] fam_a
    cdef double formal_s = 0.0, fam_s = 0.0, q
    _check_length("legitimacy", legitimacy.shape[0], n)
    if formal_rows:
        if formal.dtype != np.bool_:
            raise TypeError(f"formal must be bool, not {formal.dtype}")
        formal_a = np.ascontiguousarray(formal).view(np.uint8)
        _check_length("formal", formal_a.shape[0], n)
    else:
        formal_s = 1.0 if formal else casual_factor
    if fam_rows:
        fam_a = familiarity
        _check_length("familiarity", fam_a.shape[0], n)
    else:
        fam_s = familiarity
    risk = np.empty(n)
    cdef double[::1] p = risk
    for i in range(n):
        q = quality[i]
        q = 1.0 if q != q else (q if q <= 1.0 else 1.0)  # np.fmin: a NaN gives the other value
        p[i] = poor_contact_rate * clip((0.5 - q) / 0.5, 0.0, 1.0)
        p[i] = p[i] * (((1.0 if formal_a[i] else casual_factor) if formal_rows else formal_s))
        p[i] = p[i] * (1.0 - trust_dependency * (1.0 - legitimacy[i]))
        p[i] = p[i] * (1.0 - familiarity_discount * (fam_a[i] if fam_rows else fam_s))
    return risk


@cython.initializedcheck(False)
def story_rows(
    const double[::1] v_leg, const double[::1] v_eff, const double[::1] weight, const long long[::1] kind, long long untold
):
    """What each experience gives its resident to tell (the rows of CommunityModel.tell).

    numpy: ``tell = weight * (kind != untold)``, then the rows ``[v_leg * tell, v_eff * tell, 0.0]``.
    (Bit for bit but for a NaN valence times a NaN tell, an inf weight of the untold kind:
    which of two NaNs a product keeps is the compiler's; read valences are never NaN.)

    Args:
        v_leg, v_eff: The read legitimacy and effectiveness valences.
        weight: Each experience's weight.
        kind: Each experience's kind code.
        untold: The kind not retold this way (a resident's own victimisation: fear, told apart).

    Returns:
        One row (legitimacy, effectiveness, fear) per experience.

    """
    cdef Py_ssize_t i, n = kind.shape[0]
    cdef double tell
    _check_length("v_leg", v_leg.shape[0], n)
    _check_length("v_eff", v_eff.shape[0], n)
    _check_length("weight", weight.shape[0], n)
    rows = np.empty((n, 3))
    cdef double[:, ::1] r = rows
    for i in range(n):
        tell = weight[i] * (0.0 if kind[i] == untold else 1.0)
        r[i, 0] = v_leg[i] * tell
        r[i, 1] = v_eff[i] * tell
        r[i, 2] = 0.0
    return rows

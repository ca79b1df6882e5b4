"""Experience moves: how the day's experiences move residents' trust components, in one pass.

cpsim.mechanisms.contacts applies the day's experiences (and, later, the stories heard) to
both trust components and their attitudes. In numpy that is some 40 calls per use (gathers,
the reading through prior trust, the step, the consolidation share, the adds and the clips),
which cost more than the arithmetic at the few hundred experiences of a small city. This
kernel does the same arithmetic per experience, operation for operation, so every result is
numpy's to the bit:

    prior = trust[idx]
    read = signed(where(has, v, 0) * (1 + bias * sign(where(has, v, 0)) * (2 * prior - 1)))
    step = [[step_legitimacy], [step_effectiveness]] * mult
    now = (legitimacy[idx], effectiveness[idx])
    pos = step * read * (1 - now)
    neg = step * [[ratio_legitimacy], [ratio_effectiveness]] * read * now
    delta = where(has, where(read >= 0, pos, maximum(neg, -now)), 0)
    kept = minimum(consolidation + familiar_consolidation * fam
                   + salience_consolidation * maximum(|read[0]|, |read[1]|) ** 2, 1)
    np.add.at(legitimacy, idx, delta[0]); np.add.at(attitude_legitimacy, idx, kept * delta[0])
    (the same for effectiveness), then every touched value clipped to 0..1

Every change is added in the order given and the clips come after all the adds, which is
np.add.at's result when a resident has several experiences, and the plain gather, add, clip
and scatter's when each has one.
"""

import numpy as np

cimport cython
from libc.math cimport fabs

from cpsim.kernels.elementwise cimport clip, maximum, minimum, sign


@cython.initializedcheck(False)
def move(
    const long long[::1] idx,
    v,
    has,
    mult,
    fam,
    const double[::1] trust,
    double[::1] legitimacy,
    double[::1] effectiveness,
    double[::1] attitude_legitimacy,
    double[::1] attitude_effectiveness,
    double prior_bias,
    double step_legitimacy,
    double step_effectiveness,
    double ratio_legitimacy,
    double ratio_effectiveness,
    double consolidation,
    double familiar_consolidation,
    double salience_consolidation,
):
    """Move both components and their attitudes by experiences (in place); return what numpy's code returns.

    Args:
        idx: Resident of each experience (int64; may repeat).
        v: Legitimacy and effectiveness valences, shape (2, len(idx)), float64, any strides.
        has: Whether each valence says something, bool, same shape; None: where v is not NaN.
        mult: Multiplier on the steps: a float, or one float64 per experience.
        fam: Familiarity counted towards consolidation: a float, or one float64 per experience.
        trust: Residents' trust index (the prior), float64.
        legitimacy, effectiveness: Residents' current components, float64, changed in place.
        attitude_legitimacy, attitude_effectiveness: Their long-run attitudes, changed in place.
        prior_bias: trust.prior_bias.
        step_legitimacy, step_effectiveness: trust.positive_step_*.
        ratio_legitimacy, ratio_effectiveness: trust.negativity_ratio_*.
        consolidation, familiar_consolidation, salience_consolidation: trust's consolidation shares.

    Returns:
        The read valences and the changes of the components, each of shape (2, len(idx)).

    """
    cdef Py_ssize_t i, c, n = idx.shape[0]
    cdef const double[:, :] val = v
    cdef const unsigned char[:, :] said
    cdef bint has_given = has is not None
    cdef bint mult_rows = isinstance(mult, np.ndarray)
    cdef bint fam_rows = isinstance(fam, np.ndarray)
    cdef const double[:] mult_a, fam_a
    cdef double mult_s = 0.0, fam_s = 0.0
    if val.shape[0] != 2 or val.shape[1] != n:
        raise ValueError(f"v must be 2 x {n}, not {val.shape[0]} x {val.shape[1]}")
    if has_given:
        if has.dtype != np.bool_:
            raise TypeError(f"has must be bool, not {has.dtype}")
        said = has.view(np.uint8)
        if said.shape[0] != 2 or said.shape[1] != n:
            raise ValueError(f"has must be 2 x {n}, not {said.shape[0]} x {said.shape[1]}")
    if mult_rows:
        mult_a = mult
        if mult_a.shape[0] != n:
            raise ValueError(f"mult must be a float or {n} values, not {mult_a.shape[0]}")
    else:
        mult_s = mult
    if fam_rows:
        fam_a = fam
        if fam_a.shape[0] != n:
            raise ValueError(f"fam must be a float or {n} values, not {fam_a.shape[0]}")
    else:
        fam_s = fam
    cdef Py_ssize_t residents = trust.shape[0]
    if (
        legitimacy.shape[0] != residents
        or effectiveness.shape[0] != residents
        or attitude_legitimacy.shape[0] != residents
        or attitude_effectiveness.shape[0] != residents
    ):
        raise ValueError(f"the components and attitudes must have {residents} residents, as trust has")
    for i in range(n):
        if idx[i] < 0 or idx[i] >= residents:
            raise IndexError(f"resident {idx[i]} out of range for {residents} residents")

    read_out = np.empty((2, n))
    delta_out = np.empty((2, n))
    kept_out = np.empty(n)
    cdef double[:, ::1] read = read_out
    cdef double[:, ::1] delta = delta_out
    cdef double[::1] kept = kept_out
    cdef double steps[2]
    cdef double ratios[2]
    steps[0], steps[1] = step_legitimacy, step_effectiveness
    ratios[0], ratios[1] = ratio_legitimacy, ratio_effectiveness
    cdef long long r
    cdef double prior, m, f, vz, rd, now, step, d, strength
    cdef bint says

    # Every change from the state before any of them (a resident's second experience reads the
    # same prior and current value as the first, as numpy's gathers do).
    for i in range(n):
        r = idx[i]
        prior = 2.0 * trust[r] - 1.0
        m = mult_a[i] if mult_rows else mult_s
        for c in range(2):
            says = said[c, i] != 0 if has_given else val[c, i] == val[c, i]
            vz = val[c, i] if says else 0.0
            rd = clip(vz * (1.0 + prior_bias * sign(vz) * prior), -1.0, 1.0)
            read[c, i] = rd
            if not says:
                delta[c, i] = 0.0
                continue
            now = legitimacy[r] if c == 0 else effectiveness[r]
            step = steps[c] * m
            if rd >= 0.0:
                d = step * rd * (1.0 - now)
            else:
                d = maximum(step * ratios[c] * rd * now, -now)
            delta[c, i] = d
        f = fam_a[i] if fam_rows else fam_s
        strength = maximum(fabs(read[0, i]), fabs(read[1, i]))
        kept[i] = minimum(
            consolidation + familiar_consolidation * f + salience_consolidation * (strength * strength), 1.0
        )

    # np.add.at: each change added in the order given; then every touched value clipped.
    for i in range(n):
        r = idx[i]
        legitimacy[r] += delta[0, i]
        attitude_legitimacy[r] += kept[i] * delta[0, i]
        effectiveness[r] += delta[1, i]
        attitude_effectiveness[r] += kept[i] * delta[1, i]
    for i in range(n):
        r = idx[i]
        legitimacy[r] = clip(legitimacy[r], 0.0, 1.0)
        attitude_legitimacy[r] = clip(attitude_legitimacy[r], 0.0, 1.0)
        effectiveness[r] = clip(effectiveness[r], 0.0, 1.0)
        attitude_effectiveness[r] = clip(attitude_effectiveness[r], 0.0, 1.0)
    return read_out, delta_out

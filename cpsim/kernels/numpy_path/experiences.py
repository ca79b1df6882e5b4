"""The day's experiences: gathering them into columns, and the bookkeeping around their moves (numpy)."""

from __future__ import annotations

import numpy as np

from cpsim.kernels.numpy_path.limits import clip


def columns(parts, dtypes):
    """The parts' fields as one column each (cpsim.mechanisms.contacts.Contacts.take).

    Args:
        parts: Tuples of fields, the second one the part's resident indices (its length).
        dtypes: One numpy dtype per field.

    Returns:
        One array per field: each part's field (a value fills its stretch) in part order.
    """
    ends = np.cumsum([0] + [len(part[1]) for part in parts])
    out = []
    for j, dtype in enumerate(dtypes):
        col = np.empty(int(ends[-1]), dtype)
        for part, a, b in zip(parts, ends[:-1], ends[1:], strict=True):
            col[a:b] = part[j]
        out.append(col)
    return out


def familiar_steps(idx, familiar, weight, familiarity, vicarious):
    """The step multiplier and the familiarity counted by each experience (cpsim.mechanisms.contacts).

    Familiarity counts once, in the share of the change kept (moves.move), not in the step.

    Args:
        idx: Resident of each experience.
        familiar: Whether familiarity with the beat team amplifies each experience.
        weight: Each experience's weight.
        familiarity: Residents' familiarity with their beat team.
        vicarious: Multiplier on every weight.

    Returns:
        mult and fam, one value per experience.
    """
    return weight * vicarious, np.where(familiar, familiarity[idx], 0.0)


def familiarise(idx, familiar, fam, familiarity, step, delta, legitimacy_weight):
    """Familiarity grows with the beat team met; the change of each experience's trust index.

    A resident met twice grows once, from the value before (a gather, then a scatter).

    Args:
        idx: Resident of each experience.
        familiar: Whether each experience was with the familiar beat team.
        fam: familiar_steps' fam: each familiar experience's familiarity before today's growth.
        familiarity: Residents' familiarity, changed in place.
        step: patrol.familiarity_step.
        delta: Each experience's change of legitimacy and effectiveness (2 x experiences).
        legitimacy_weight: trust.legitimacy_weight.

    Returns:
        The change of the trust index per experience.
    """
    before = fam[familiar]
    familiarity[idx[familiar]] = before + step * (1.0 - before)
    return legitimacy_weight * delta[0] + (1 - legitimacy_weight) * delta[1]


def complaint_risk(quality, legitimacy, formal, familiarity, poor_contact_rate, casual_factor, trust_dependency,
                   familiarity_discount):  # fmt: skip
    """Chance that each contact brings a complaint (cpsim.mechanisms.complaints.complaint_probability).

    Args:
        quality: Procedural quality of each contact (NaN: no officer, read as 1).
        legitimacy: The resident's legitimacy before the contact.
        formal: Whether each contact is formal: a bool, or one bool per contact.
        familiarity: The resident's familiarity: a float, or one per contact.
        poor_contact_rate: complaints.poor_contact_rate, the chance at the poorest quality.
        casual_factor: complaints.casual_factor, the multiplier of a casual contact.
        trust_dependency: complaints.trust_dependency, less from residents who trust less.
        familiarity_discount: complaints.familiarity_discount, less from those who know the team.

    Returns:
        The probability per contact.
    """
    p = poor_contact_rate * clip((0.5 - np.fmin(quality, 1.0)) / 0.5, 0.0, 1.0)
    p *= np.where(formal, 1.0, casual_factor) if isinstance(formal, np.ndarray) else (1.0 if formal else casual_factor)
    p *= 1.0 - trust_dependency * (1.0 - legitimacy)
    p *= 1.0 - familiarity_discount * familiarity
    return p


def story_rows(v_leg, v_eff, weight, kind, untold):
    """What each experience gives its resident to tell: rows (legitimacy, effectiveness, fear = 0).

    Args:
        v_leg: The read legitimacy valences.
        v_eff: The read effectiveness valences.
        weight: Each experience's weight.
        kind: Each experience's kind code.
        untold: Per kind code, whether that kind is not retold this way.

    Returns:
        One row per experience.
    """
    tell = weight * ~untold[kind]
    rows = np.zeros((kind.size, 3))
    rows[:, 0] = v_leg * tell
    rows[:, 1] = v_eff * tell
    return rows


def procedural_valences(quality, intrusion, outcome, tint, clip_legitimacy):
    """Legitimacy and effectiveness valences of contacts by their procedure (enforcement, calls answered).

    Args:
        quality: Procedural quality of each contact.
        intrusion: What being stopped at all costs legitimacy (0.0: nothing).
        outcome: The outcome's effectiveness valence.
        tint: How much procedure tints the effectiveness valence.
        clip_legitimacy: Whether the legitimacy valence is clipped to -1..1.

    Returns:
        The legitimacy and effectiveness valences.
    """
    proc = 2.0 * quality - 1.0
    v_leg = proc - intrusion
    if clip_legitimacy:
        clip(v_leg, -1.0, 1.0, out=v_leg)
    return v_leg, clip(outcome + tint * proc, -1.0, 1.0)

"""Random draws of the day's contacts, through a Generator's own methods (numpy).

The compiled kernels call the C functions these methods call, on the same bit generator and in
the same order, so both paths draw the same numbers and leave the stream in the same state.
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels.numpy_path.limits import clip


def sample_within(order, start, keys, rng):
    """One member drawn uniformly from each requested group, -1 where a group is empty.

    Args:
        order: Members sorted by group.
        start: Each group's offset into ``order`` (groups + 1).
        keys: The group of each draw.
        rng: A numpy Generator (one uniform per draw).

    Returns:
        The member drawn for each key (int64).
    """
    lo, hi = start[keys], start[keys + 1]
    size = hi - lo
    pick = lo + (rng.random(len(keys)) * size).astype(np.int64)
    return np.where(size > 0, order[np.minimum(pick, len(order) - 1)], -1)


def sample_weighted_within(order, start, cum_weight, keys, rng):
    """One member per request from its group, with probability proportional to weight (-1: weightless).

    Args:
        order: Members sorted by group.
        start: Each group's offset into ``order`` (groups + 1).
        cum_weight: Cumulative weights in ``order`` order, with a leading 0.
        keys: The group of each draw.
        rng: A numpy Generator (one uniform per draw).

    Returns:
        The member drawn for each key (int64).
    """
    first, end = start[keys], start[keys + 1]
    lo_w, hi_w = cum_weight[first], cum_weight[end]
    u = lo_w + rng.random(len(keys)) * (hi_w - lo_w)
    pos = cum_weight.searchsorted(u, side="right") - 1
    pos = clip(pos, first, np.maximum(end - 1, first))
    return np.where(hi_w > lo_w, order[np.minimum(pos, len(order) - 1)], -1)


def _poisson_picks(rng, lam, order, start, cum_weight, n_keys):
    """A Poisson number of draws per slot of ``lam``, each a member of group ``slot % n_keys`` by weight.

    Returns the members drawn and the slot of each, members of weightless groups dropped.
    """
    slots = np.arange(lam.size).repeat(rng.poisson(lam))
    who = sample_weighted_within(order, start, cum_weight, slots % n_keys, rng)
    drawn = who >= 0
    return who[drawn], slots[drawn]


def patrol_contacts(rng, lam, order, start, cum_weight, n_beats):
    """Residents met on patrol and whether on foot (cpsim.mechanisms.patrol.draw_patrol_contacts).

    Args:
        rng: The patrol stream (a numpy Generator).
        lam: Expected contacts on foot in each beat, then in a car in each beat (2 * n_beats).
        order: Residents sorted by beat.
        start: Each beat's offset into ``order`` (n_beats + 1).
        cum_weight: Cumulative street-time weights in ``order`` order, with a leading 0.
        n_beats: Number of beats.

    Returns:
        Residents met (int64) and whether each was met on foot (foot contacts first).
    """
    met, slot = _poisson_picks(rng, lam, order, start, cum_weight, n_beats)
    return met, slot < n_beats


def pick_officers(rng, beats, on, order, start):
    """The officer who handles each contact (cpsim.mechanisms.policing.pick_officers).

    A uniform per contact picks an on-duty officer of the contact's beat, then
    ``rng.integers(0, on.size, n)`` one of anyone on duty, used where the beat has nobody.

    Args:
        rng: A numpy Generator.
        beats: Beat of each contact.
        on: Officers to pick from.
        order: Their positions grouped by beat (Roster.index).
        start: Each beat's offset into ``order``.

    Returns:
        The officer of each contact (int64).
    """
    if len(beats) == 0:
        return np.empty(0, np.int64)
    local = sample_within(order, start, beats, rng)
    anyone = rng.integers(0, on.size, len(beats))
    return on[np.where(local >= 0, local, anyone)].astype(np.int64, copy=False)


def contact_quality(rng, who, skill, shift, contact_sd):
    """Procedural quality 0..1 of each contact (cpsim.mechanisms.policing.contact_quality).

    Args:
        rng: A numpy Generator.
        who: The officer of each contact.
        skill: Each officer's procedural skill.
        shift: A shift of quality, a number or one per contact.
        contact_sd: Contact-to-contact noise.

    Returns:
        The quality of each contact.
    """
    if not np.isscalar(shift):
        shift = np.asarray(shift, np.float64)
    return clip(skill[who] + shift + contact_sd * rng.standard_normal(len(who)), 0.0, 1.0)


def poisson_from_uniform(u, lam, pmf):
    """Poisson counts by inverting the CDF at given uniforms (cpsim.mechanisms.crime).

    Per element, while ``u > cdf`` (and, after the first step, ``pmf > 1e-300``):
    ``pmf *= lam / step; cdf += pmf``.

    Args:
        u: One uniform per element.
        lam: Expected counts.
        pmf: ``np.exp(-lam)``.

    Returns:
        The counts (int64).
    """
    k = np.zeros(u.shape, np.int64)
    pmf = pmf.copy()
    cdf = pmf.copy()
    idx = np.flatnonzero(u > cdf)
    step = 0
    while idx.size:
        step += 1
        pmf[idx] *= lam[idx] / step
        cdf[idx] += pmf[idx]
        k[idx] = step
        idx = idx[(u[idx] > cdf[idx]) & (pmf[idx] > 1e-300)]
    return k


def victims(rng, lam, pmf, place_start, by_place, step):
    """Victimisations per type and place, and who the victims are (cpsim.mechanisms.crime.draw_victims).

    Two uniforms per type and place: the first gives the count (``poisson_from_uniform``), the
    second where the first victim is in the place's residents; the n-th is ``n * step`` on.

    Args:
        rng: The crime stream (a numpy Generator).
        lam: Expected victimisations, types x places.
        pmf: ``np.exp(-lam)``.
        place_start: Offsets of each place's residents in ``by_place`` (places + 1).
        by_place: Residents sorted by place.
        step: The low-discrepancy step between successive victims at one place.

    Returns:
        Victims, the place of each and its type (row of ``lam``): types in row order, places in
        order within a type.
    """
    types, n = lam.shape
    u = rng.random(2 * lam.size).reshape(types, 2, n)
    counts = poisson_from_uniform(u[:, 0].ravel(), lam.ravel(), pmf.ravel())
    where = np.arange(lam.size).repeat(counts)
    kind, place = np.divmod(where, n)
    nth = np.arange(where.size) - (counts.cumsum() - counts).repeat(counts)
    lo, hi = place_start[place], place_start[place + 1]
    pick = lo + (np.mod(u[kind, 1, place] + nth * step, 1.0) * (hi - lo)).astype(np.int64)
    return by_place[pick].astype(np.int64, copy=False), place, kind


def chances(rng, p, n):
    """Whether each of n events happens, each with its chance p (a number or one per event)."""
    return rng.random(n) < p


def badness_chances(rng, quality, per_badness):
    """Whether each stop or arrest becomes a publicized incident: its badness times ``per_badness``, drawn.

    Args:
        rng: A numpy Generator.
        quality: Procedural quality of each stop or arrest.
        per_badness: Chance of an incident per unit of badness.

    Returns:
        One bool per stop or arrest.
    """
    chance = (0.5 - quality) * 2.0  # badness: 0 at quality 0.5 and above, 1 at 0
    np.minimum(np.maximum(chance, 0.0, out=chance), 1.0, out=chance)
    chance *= per_badness
    return rng.random(chance.size) < chance


def weighted_counts(rng, lam, order, start, cum_weight):
    """A Poisson number of members of each group, drawn by weight (cpsim.mechanisms.enforcement.draw_stops).

    Args:
        rng: A numpy Generator.
        lam: Expected draws in each group.
        order: Members sorted by group.
        start: Each group's offset into ``order`` (groups + 1).
        cum_weight: Cumulative weights in ``order`` order, with a leading 0.

    Returns:
        The members drawn (int64), group by group.
    """
    return _poisson_picks(rng, lam, order, start, cum_weight, lam.size)[0]


def poisson_members(rng, lam, members):
    """A Poisson number of members, each any of ``members`` alike (cpsim.mechanisms.reporting.draw_other_calls)."""
    k = rng.poisson(lam)
    return rng.integers(0, members, k) if k else np.empty(0, np.int64)

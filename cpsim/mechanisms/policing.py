"""Officers' days: who is on duty, how the time budget is split, who handles a contact.

Per beat, on-duty hours H = officers on duty x shift hours. Administration takes
``admin_share`` of H; calls for service take hours first, from a city-wide pool (dispatch
sends whoever is free), each beat contributing in proportion to its hours. What is left
goes to foot patrol, proactive enforcement and community work as requested (per officer,
or per beat for programs), and the remainder is car patrol. A budget cut removes
``budget_cut`` of the activity hours, taking them in ``cut_order`` (community work first
by default, call response last).
"""

from __future__ import annotations

import numpy as np

from cpsim.world.layout import beat_index, sample_within

ACTIVITIES = ("response", "foot", "enforcement", "community", "car")


def draw_duty(officers, duty_share: float, rng: np.random.Generator) -> None:
    """Decide which officers work today (in place)."""
    officers.on_duty[:] = rng.random(officers.n) < duty_share


def rotate(
    officers, n_beats: int, rotation_days: float, rng: np.random.Generator, fixed: np.ndarray | None = None
) -> np.ndarray:
    """Reassign some beat officers to another beat; return the share of each beat's team replaced.

    Officers marked in ``fixed`` (steady neighbourhood officers) stay; the draws are the
    same either way, so fixing officers changes nothing else (common random numbers).
    """
    on_beat = np.flatnonzero(officers.beat >= 0)
    if n_beats < 2 or on_beat.size == 0:
        return np.zeros(n_beats)
    moving = on_beat[rng.random(on_beat.size) < 1.0 / rotation_days]
    shift = rng.integers(1, n_beats, moving.size)
    if fixed is not None:
        stay = fixed[moving]
        moving, shift = moving[~stay], shift[~stay]
    team = np.bincount(officers.beat[on_beat], minlength=n_beats).astype(float)
    left = np.bincount(officers.beat[moving], minlength=n_beats)
    officers.beat[moving] = (officers.beat[moving] + shift) % n_beats
    return np.where(team > 0, left / np.maximum(team, 1), 0.0)


def allocate_hours(
    on_duty_per_beat: np.ndarray,
    response_needed: float,
    community_requests: np.ndarray,
    pol,
    patrol,
    enforcement,
    foot_requests: np.ndarray | float = 0.0,
) -> tuple[dict[str, np.ndarray], np.ndarray, float]:
    """Split each beat's officer hours among activities.

    Args:
        on_duty_per_beat: Beat officers on duty today, per beat.
        response_needed: Officer hours that today's calls need (city-wide).
        community_requests: Community-work hours requested per beat (programs).
        pol: The policing section.
        patrol: The patrol section (foot hours per officer).
        enforcement: The enforcement section (proactive hours per officer).
        foot_requests: Extra foot-patrol hours requested per beat (directed patrol programs).

    Returns:
        Hours per activity per beat, administration hours per beat, and the share of
        call hours that could be given.

    """
    hours = on_duty_per_beat * pol.shift_hours
    admin_full = hours * pol.admin_share
    capacity = hours - admin_full
    total_cap = capacity.sum()
    response_total = min(response_needed, total_cap)
    plan: dict[str, np.ndarray] = {}
    plan["response"] = capacity * (response_total / total_cap) if total_cap > 0 else 0 * capacity
    left = capacity - plan["response"]
    for name, request in (
        ("foot", on_duty_per_beat * patrol.foot_hours + foot_requests),
        ("enforcement", on_duty_per_beat * enforcement.proactive_hours),
        ("community", community_requests),
    ):
        plan[name] = np.minimum(request, left)
        left = left - plan[name]
    plan["car"] = left
    cut = capacity * pol.budget_cut
    for name in pol.cut_order:
        take = np.minimum(plan[name], cut)
        plan[name] = plan[name] - take
        cut = cut - take
    admin = admin_full * (1.0 - pol.budget_cut)
    served = plan["response"].sum()
    share = 1.0 if response_needed <= 0 else float(min(1.0, served / response_needed))
    return plan, admin, share


def pick_officers(officers, beats: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pick the officer who handles each contact.

    An on-duty officer of the contact's beat if there is one, else any on-duty officer,
    else any officer.
    """
    if beats.size == 0:
        return np.empty(0, np.int64)
    on = np.flatnonzero(officers.on_duty)
    if on.size == 0:
        on = np.arange(officers.n)
    n_beats = int(max(beats.max(), officers.beat.max())) + 2
    key = np.where(officers.beat[on] >= 0, officers.beat[on], n_beats - 1)
    order, start = beat_index(key, n_beats)
    local = sample_within(order, start, beats, rng)
    anyone = rng.integers(0, on.size, beats.size)
    return on[np.where(local >= 0, local, anyone)]


def contact_quality(officers, who: np.ndarray, contact_sd: float, rng) -> np.ndarray:
    """Procedural quality 0..1 of each contact: the officer's skill plus contact noise."""
    return np.clip(officers.skill[who] + contact_sd * rng.standard_normal(who.size), 0.0, 1.0)

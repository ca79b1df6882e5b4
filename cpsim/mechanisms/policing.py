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

from typing import NamedTuple

import numpy as np

from cpsim.kernels import beats, draws, figures, ledger, rota
from cpsim.world.layout import beat_index, group_keys

ACTIVITIES = beats.ACTIVITIES  # the plan's rows: response, foot, enforcement, community, car


class Asked(NamedTuple):
    """What each beat is asked for today beyond calls: one float64 value per beat, or one for every beat."""

    routine: np.ndarray  # share of routine foot patrol officers still do (withdrawal)
    foot_requests: np.ndarray  # directed foot hours programs asked for
    proactive: np.ndarray  # multiplier of proactive enforcement hours
    community_requests: np.ndarray  # community hours programs asked for


ROTA_STEP = 0.6180339887498949  # golden-ratio step: each officer works duty_share of days, spread evenly


def rota_phases(officers, n_beats: int) -> np.ndarray:
    """Rota phases spread evenly within each beat team, so a team's strength is even day to day."""
    phase = np.zeros(officers.n)
    on_beat = np.flatnonzero(officers.beat >= 0)
    order, start = beat_index(officers.beat[on_beat], n_beats)
    team = np.diff(start)
    rank = np.arange(order.size) - np.repeat(start[:-1], team)
    phase[on_beat[order]] = rank / np.maximum(np.repeat(team, team), 1)
    off_beat = np.flatnonzero(officers.beat < 0)
    phase[off_beat] = np.arange(off_beat.size) / max(off_beat.size, 1)
    return phase


def draw_duty(officers, duty_share: float, day: int, phase: np.ndarray, n_beats: int) -> np.ndarray:
    """Who works today, by rota: a team of k has floor or ceil of k x duty_share officers on (in place).

    Officer j works on day d when ``frac(d * ROTA_STEP + phase_j) < duty_share``; phases spread
    evenly within a team keep every beat covered whenever its team can cover it (a random
    draw left ~11% of beat-days without an officer). Compiled (cpsim.kernels.rota).

    Returns:
        Officers on duty in each of ``n_beats`` beats (floats).
    """
    return rota.duty(officers.on_duty, phase, day * ROTA_STEP, duty_share, officers.beat, n_beats)


def rotate(
    officers, n_beats: int, rotation_days: float, rng: np.random.Generator, fixed: np.ndarray | None = None
) -> np.ndarray:
    """Reassign beat officers by pairwise swaps; return the share of each team replaced today.

    Each beat officer starts a swap with chance ``1 / (2 * rotation_days)`` a day and trades
    beats with a partner drawn from the officers of other beats; as every swap moves two
    officers, each officer moves about once every ``rotation_days`` days and every team keeps
    its size. Officers marked in ``fixed`` (steady neighbourhood officers) neither start nor
    join a swap; the same numbers are drawn either way (common random numbers).
    """
    # A few officers a day at most swap: the loop over them is compiled (cpsim.kernels.rota).
    return rota.rotate(rng, officers.beat, n_beats, 0.5 / rotation_days, fixed)


def allocate_hours(
    on_duty_per_beat: np.ndarray,
    response_needed: float,
    community_requests: np.ndarray,
    pol,
    patrol,
    enforcement,
    foot_requests: np.ndarray | float = 0.0,
    routine_scale: np.ndarray | float = 1.0,
    proactive_scale: np.ndarray | float = 1.0,
) -> tuple[dict[str, np.ndarray], np.ndarray, float, np.ndarray]:
    """Split each beat's officer hours among activities.

    Args:
        on_duty_per_beat: Beat officers on duty today, per beat.
        response_needed: Officer hours that today's calls need (city-wide).
        community_requests: Community-work hours requested per beat (programs).
        pol: The policing section.
        patrol: The patrol section (foot hours per officer).
        enforcement: The enforcement section (proactive hours per officer).
        foot_requests: Extra foot-patrol hours requested per beat (directed patrol programs).
        routine_scale: Per beat, the share of routine foot patrol officers do (withdrawal).
        proactive_scale: Per beat, the multiplier of proactive hours (crime response, withdrawal).

    Returns:
        Hours per activity per beat, administration hours per beat, the share of call hours
        that could be given, and the directed foot hours per beat: of the foot hours given, the
        share that programs' requests are of the foot hours asked for (routine and directed
        alike get that share of what they asked).

    """
    # The elementwise steps compiled, in numpy's order (cpsim.kernels.beats); the two sums stay
    # numpy's (pairwise, not left to right), compiled too and as Python floats (cpsim.kernels.figures):
    # np.add.reduce and the arithmetic on its numpy scalar cost 1.5 µs more a day.
    on_duty = _doubles(on_duty_per_beat)
    admin_full, capacity = beats.capacity(on_duty, pol.shift_hours, pol.admin_share)
    (total_cap,) = figures.totals((capacity,))
    response_share = min(response_needed, total_cap) / total_cap if total_cap > 0 else 0.0
    asked = Asked(
        _doubles(routine_scale), _doubles(foot_requests), _doubles(proactive_scale), _doubles(community_requests)
    )
    plan, admin, directed = beats.split_hours(
        on_duty, admin_full, capacity, response_share, asked, pol, patrol, enforcement
    )
    (served,) = figures.totals((plan["response"],))
    share = 1.0 if response_needed <= 0 else float(min(1.0, served / response_needed))
    return plan, admin, share, directed


def street_hours(on_duty, pol):
    """Hours a day that ``on_duty`` officers give to everything but administration.

    ``on_duty * shift_hours * (1 - admin_share)``, in that order (the stored runs hold its
    bits); ``on_duty`` is a number or an array (officers per beat).
    """
    return on_duty * pol.shift_hours * (1 - pol.admin_share)


_FLOAT64 = np.dtype(np.float64)


def _doubles(x: np.ndarray | float) -> np.ndarray:
    """The value(s) as a contiguous float64 array of at least one value (a scalar is one value for every beat)."""
    # (dtype identity and the stride: comparing dtypes and reading .flags cost more than the kernel call)
    if type(x) is np.ndarray and x.dtype is _FLOAT64 and x.ndim == 1 and (x.strides[0] == 8 or x.size < 2):
        return x
    return np.ascontiguousarray(x, dtype=np.float64).reshape(-1)


class Roster:
    """On-duty officers grouped by beat, for picking who handles a contact.

    A day picks officers four times or more (calls, patrol, stops, arrests, programs) from
    the same roster; the grouping (a sort) is redone only when who is on duty or the beats
    changed, which a copy of both arrays' bytes tells cheaply.
    """

    def __init__(self, n_beats: int) -> None:
        """An empty roster for a city of ``n_beats`` beats."""
        self.n_beats = n_beats
        self._seen: tuple[bytes, bytes] | None = None
        self._index: tuple[np.ndarray, np.ndarray, np.ndarray] = (np.empty(0, np.int64),) * 3

    def index(self, officers) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(on, order, start): officers to pick from, and their order and offsets by beat.

        Officers off any beat get the last key; when nobody is on duty, everybody is picked from.
        """
        seen = (officers.on_duty.tobytes(), officers.beat.tobytes())  # a few bytes per officer
        if seen != self._seen:
            # on_duty.nonzero() (or everybody), each one's beat as key (off any beat: the last key)
            # and beat_index's stable sort by key, in one compiled pass (cpsim.kernels.rota)
            self._index = rota.roster(officers.on_duty, officers.beat, self.n_beats)
            self._seen = seen
        return self._index


def pick_officers(officers, beats: np.ndarray, rng: np.random.Generator, roster: Roster | None = None) -> np.ndarray:
    """Pick the officer who handles each contact.

    An on-duty officer of the contact's beat if there is one, else any on-duty officer,
    else any officer.

    Args:
        officers: Officers arrays.
        beats: Beat of each contact.
        rng: Random stream.
        roster: The model's roster (saves regrouping officers per call); a fresh one if None.

    Returns:
        Officer index per contact.

    """
    if beats.size == 0:
        return np.empty(0, np.int64)
    if roster is None or int(beats.max()) >= roster.n_beats:
        roster = Roster(int(beats.max()) + 1)
    on, order, start = roster.index(officers)
    # One uniform per contact picks within the beat, then one integer per contact picks anyone
    # on duty, used where the beat has nobody (compiled: cpsim.kernels.draws).
    return draws.pick_officers(rng, group_keys(beats), on, order, start)


def contact_quality(officers, who: np.ndarray, contact_sd: float, rng, shift: np.ndarray | float = 0.0) -> np.ndarray:
    """Procedural quality 0..1 of each contact: the officer's skill, a shift, and contact noise.

    The shift carries what the situation does to conduct: the climate of the officer's beat
    (cpsim.mechanisms.climate) and, in enforcement, the resident's demeanor.
    """
    # unit(skill[who] + shift + contact_sd * rng.standard_normal(n)), compiled (cpsim.kernels.draws)
    return draws.contact_quality(rng, np.ascontiguousarray(who, np.int64), officers.skill, shift, contact_sd)


def book_hours(
    booked: np.ndarray, officers, hours: dict[str, np.ndarray], admin: np.ndarray, on_duty: np.ndarray
) -> None:
    """Each working officer's share of their beat's hours, by activity (rows of ``booked``: ACTIVITIES, admin).

    One compiled pass (cpsim.kernels.ledger), as the numpy
    ``booked[:, working] += per_beat[:, beat] * (1.0 / np.maximum(on_duty[beat], 1))``, to the bit.
    """
    ledger.book_hours(booked, officers.on_duty, officers.beat, (*[hours[a] for a in ACTIVITIES], admin), on_duty)

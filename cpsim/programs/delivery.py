"""What every program shares: its own random stream, hours granted, attendance, delivery.

Programs share the community-work hours of each beat: each requests hours in ``plan``
(``Surface.request_community_hours``) and, after the day's split, gets the same granted share
of its request as every other program in the beat (a budget cut that takes community
hours first shrinks them all alike). Each program draws from its own random stream, fresh
each day like the core's (cpsim.streams), so switching one program on leaves the
draws of the others and of the core unchanged, and a program that draws more one day in
one scenario stays in step with itself from the next day on (common random numbers).
"""

from __future__ import annotations

import numpy as np

from cpsim.programs.program import Surface
from cpsim.streams import ProgramStream


def program_stream(surface: Surface, name: str) -> ProgramStream:
    """The random stream of one program (cpsim.streams.ProgramStream)."""
    return surface.program_stream(name)


def granted_share(surface: Surface, hours: dict) -> np.ndarray:
    """Share of each beat's community-hour requests that the day's split granted (0..1)."""
    req = surface.community_requests()
    share = np.divide(hours["community"], req, out=np.zeros(surface.n_beats), where=req > 0)
    return np.clip(share, 0.0, 1.0)


class BeatSessions:
    """A recurring session due in some beats, each held on its beat's first day from the due day with hours granted.

    A department rosters a planned session onto a day its beat team works, and a small beat's
    team is not on duty every day (nor are its hours always left over after calls), so a
    session whose day grants its beat no officer hours waits for the beat's next day that
    does, rather than being lost. It waits until the next session falls due at the latest:
    then the waiting session is that one (a beat never holds two at once, so a beat that no
    hours ever reach holds none). A session granted part of its hours is held, smaller.

    Attributes:
        pending: Whether each beat's session is waiting to be held.

    """

    def __init__(self, n_beats: int) -> None:
        """No session due yet."""
        self.pending = np.zeros(n_beats, bool)

    def fall_due(self, beats: np.ndarray | None = None) -> None:
        """Sessions fall due in these beats (a mask; None: every beat) and in no others."""
        self.pending[:] = True if beats is None else beats

    def hold(self, share: np.ndarray) -> np.ndarray:
        """The beats holding their session today (waiting, with hours granted), no longer waiting.

        Args:
            share: Share of each beat's requested community hours granted today (granted_share).

        Returns:
            A mask of the beats.

        """
        held = self.pending & (share > 0)
        self.pending &= ~held
        return held


def thin(idx: np.ndarray, keep: np.ndarray | float, rng: np.random.Generator) -> np.ndarray:
    """Keep each element with probability ``keep`` (a scalar or one probability per element)."""
    return idx[rng.random(idx.size) < keep]


def zscore(x: np.ndarray) -> np.ndarray:
    """Standardise (0 where the spread is zero)."""
    sd = float(x.std())
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def attendance_probability(
    logit_reach: float | np.ndarray, engagement_z: np.ndarray, trust_z: np.ndarray, distance_z: np.ndarray, sec
) -> np.ndarray:
    """Chance of attending a voluntary event: self-selection by engagement, trust, distance (F10)."""
    z = (
        logit_reach
        + sec.engagement_log_odds * engagement_z
        + sec.trust_log_odds * trust_z
        - sec.distance_log_odds * distance_z
    )
    return 1.0 / (1.0 + np.exp(-z))


def top_k_per_group(candidates: np.ndarray, groups: np.ndarray, key: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    """The candidates with the ``k`` largest keys in each group (``k`` per group or one for all).

    Args:
        candidates: Indices to choose from.
        groups: Group of each candidate.
        key: Key of each candidate (a Gumbel-perturbed log weight gives weighted sampling
            without replacement).
        k: How many to keep per group.

    Returns:
        The chosen indices, grouped.
    """
    order = np.lexsort((-key, groups))
    g = groups[order]
    rank = np.arange(order.size) - np.searchsorted(g, g, side="left")
    limit = k[g] if isinstance(k, np.ndarray) else k
    return candidates[order[rank < limit]]


def deliver(
    surface: Surface,
    kind: str,
    idx: np.ndarray,
    v_legitimacy: float,
    v_effectiveness: np.ndarray | float,
    fidelity: float,
    rng: np.random.Generator,
    familiar: bool = False,
    officers: np.ndarray | None = None,
) -> np.ndarray:
    """Deliver program contacts to residents: as designed with probability ``fidelity``.

    A contact delivered as designed carries the program's valences; one that is not (a
    perfunctory appearance: officers present, nothing of the design delivered) carries
    none: it says nothing about effectiveness and, for legitimacy, only how the officer
    behaved. Both are tinted by the officer's procedural quality that day relative to the
    average officer (F3), which is neutral on average, so the effect scales with fidelity
    and a program delivered at fidelity 0 neither helps nor harms. Either way it is a police
    contact handled by an officer of the resident's beat (or the given officers), so it
    counts toward contact prevalence and may bring a complaint.

    Args:
        surface: The model's surface.
        kind: Experience kind (shown in the contacts buffer).
        idx: Residents reached.
        v_legitimacy: Legitimacy valence as designed.
        v_effectiveness: Effectiveness valence as designed (scalar or per resident).
        fidelity: Chance each contact is delivered as designed.
        rng: The program's stream.
        familiar: Whether familiarity with the beat team amplifies it.
        officers: Officer of each contact (default: an on-duty officer of the beat).

    Returns:
        Whether each contact was delivered as designed.

    """
    idx = np.asarray(idx, np.int64)
    beats = surface.residents.beat[idx]
    if officers is None:
        officers = surface.officers_for(beats, rng)
    q = surface.quality(officers, beats, rng)
    designed = rng.random(idx.size) < fidelity
    tint = (2.0 * q - 1.0) - (2.0 * surface.params.policing.skill_mean - 1.0)
    v_leg = np.clip(np.where(designed, v_legitimacy, 0.0) + tint, -1, 1)
    v_eff = np.where(designed, np.clip(v_effectiveness + surface.params.patrol.procedural_tint * tint, -1, 1), np.nan)
    surface.add_experiences(kind, idx, v_leg, v_eff, q, familiar=familiar)
    return designed


def reduce_offending(
    surface: Surface, who: np.ndarray, base: np.ndarray, doses: np.ndarray, largest: float, scale: float
) -> None:
    """Lower offenders' offending with the doses they received: ``base * (1 - largest * (1 - e^(-doses/scale)))``."""
    if who.size:
        surface.lower_offending(who, base * (1.0 - largest * (1.0 - np.exp(-doses / scale))))

"""Proactive enforcement: stops, and arrests (from stops and from cleared crimes).

Stops per beat are Poisson(enforcement hours x ``stops_per_hour``); the person stopped is
drawn from the beat's residents with weight group ratio x youth ratio x offender ratio.
Each stop has a procedural quality q (the officer's skill, the beat's climate and the
resident's demeanor, plus noise). Its legitimacy valence is 2q - 1 - ``intrusion`` whatever
the outcome (F3: fair treatment raises legitimacy relative to unfair treatment even when the
outcome is unfavourable; being stopped at all costs some); its effectiveness valence is the
outcome's valence plus a procedural tint, so a stop is usually a negative experience for
effectiveness (F1).
An arrested active offender is off the street for an exponential time of mean
``crime.incapacitation_days``.
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels import beats as beat_kernels
from cpsim.kernels import draws, experiences
from cpsim.world.layout import sample_weighted_within


def stop_cumweights(residents) -> np.ndarray:
    """Cumulative stop weights in beat order (leading 0), for weighted sampling in a beat."""
    return np.concatenate([[0.0], np.cumsum(residents.stop_weight[residents.by_beat])])


def draw_stops(enf_per_beat: np.ndarray, residents, cumw: np.ndarray, enforcement, rng) -> np.ndarray:
    """Residents stopped today.

    A Poisson number of stops per beat, then each stop's resident by stop weight within the
    beat (compiled: cpsim.kernels.draws.weighted_counts, the same draws as ``rng.poisson`` and
    cpsim.world.layout.sample_weighted_within).
    """
    return draws.weighted_counts(
        rng, enf_per_beat * enforcement.stops_per_hour, residents.by_beat, residents.beat_start, cumw
    )


def enforcement_valences(
    quality: np.ndarray, outcome_valence: float, intrusion: float, tint: float
) -> tuple[np.ndarray, np.ndarray]:
    """Legitimacy and effectiveness valences of an enforcement contact.

    Legitimacy: the procedure ``2q - 1`` less the intrusion of being stopped at all, so a
    fair stop still beats an unfair one (F3) but the average stop costs legitimacy;
    effectiveness: the outcome's valence tinted by procedure (``enforcement.procedural_tint``):
    a fair stop leaves a less negative impression of whether police get results (F3), but
    the outcome dominates.
    """
    # signed(2q - 1 - intrusion), signed(outcome_valence + tint * (2q - 1)), compiled
    # (cpsim.kernels.experiences.procedural_valences): one call instead of five.
    return experiences.procedural_valences(quality, intrusion, outcome_valence, tint, True)


def pick_offenders(
    beats: np.ndarray,
    residents,
    day: int,
    rng: np.random.Generator,
    offenders: np.ndarray,
    by_beat: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """An active offender of each beat, weighted by offending (-1 where the beat has none).

    Args:
        beats: Beat of each arrest to make.
        residents: Residents arrays.
        day: Today (offenders still incapacitated are not on the street).
        rng: Random stream.
        offenders: Indices of residents who offend.
        by_beat: (order, start) of ``offenders`` grouped by beat (cpsim.world.layout.beat_index).

    Returns:
        Resident index per arrest.
    """
    if beats.size == 0:
        return np.empty(0, np.int64)
    order, start = by_beat
    # offending * (free_day <= day) of each offender, summed up in beat order after a 0.0 (compiled)
    cumw = beat_kernels.offender_cumweights(residents.offending, residents.free_day, offenders, order, day)
    pick = sample_weighted_within(order, start, cumw, beats, rng)
    return np.where(pick >= 0, offenders[np.maximum(pick, 0)], -1)


def incapacitate(residents, who: np.ndarray, day: int, mean_days: float, rng) -> None:
    """Take arrested offenders off the street for a while (in place)."""
    who = who[residents.offender[who]]
    if who.size and mean_days > 0:
        residents.free_day[who] = day + 1 + rng.exponential(mean_days, who.size).astype(np.int32)


def custody_at_equilibrium(
    residents, offenders: np.ndarray, hazard: np.ndarray, mean_days: float, rng: np.random.Generator
) -> None:
    """Start offenders in custody with the share the arrest process keeps there (in place).

    An offender arrested at daily hazard h and held a mean of D days is in custody a share
    ``h D / (1 + h D)`` of the time; drawing the start from that share (with the remaining
    time exponential, as the holding time is) keeps crime from falling through the first
    months while custody fills up from nobody.

    Args:
        residents: Residents arrays (free_day is set).
        offenders: Indices of offenders.
        hazard: Each offender's daily chance of arrest at the start.
        mean_days: crime.incapacitation_days.
        rng: An initialisation stream.
    """
    if mean_days <= 0 or offenders.size == 0:
        return
    held = rng.random(offenders.size) < hazard * mean_days / (1.0 + hazard * mean_days)
    remaining = rng.exponential(mean_days, offenders.size)
    residents.free_day[offenders[held]] = 1 + remaining[held].astype(np.int32)


def draw_stop_arrests(rng, stop_arrest_share: float, n_stops: int) -> np.ndarray:
    """Which stops end in arrest: ``rng.random(n) < stop_arrest_share`` (compiled, the same uniforms)."""
    return draws.chances(rng, stop_arrest_share, n_stops)

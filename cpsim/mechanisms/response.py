"""Answering calls, recording reported crime, and clearing recorded crime.

Calls take officer hours before anything else. When the day's call hours exceed the
hours available, each call is answered with probability hours available / hours needed;
an unanswered crime report is not recorded. Answered crime reports are recorded with
``reporting.recording_share``. A recorded crime is cleared with probability

    min(clearance_k * (neighbour legitimacy / reference_legitimacy)^cooperation_elasticity, clearance_cap)

where neighbour legitimacy is the mean legitimacy of the residents of the crime's place:
witnesses who see police as legitimate come forward (F3).
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels import beats, draws, experiences
from cpsim.mechanisms.bounds import bound


def answer_share(hours_needed: float, hours_available: float) -> float:
    """Share of calls answered when call hours compete for limited officer hours."""
    if hours_needed <= 0:
        return 1.0
    return float(min(1.0, max(hours_available, 0.0) / hours_needed))


def answered_valences(quality: np.ndarray, resp) -> tuple[np.ndarray, np.ndarray]:
    """Legitimacy and effectiveness valences of answered calls.

    Legitimacy: the procedure ``2q - 1``; effectiveness: ``answered_valence`` (help came)
    tinted by procedure, ``signed(answered_valence + procedural_tint * (2q - 1))``. Compiled
    (cpsim.kernels.experiences.procedural_valences, with no intrusion and no clip of 2q - 1).
    """
    return experiences.procedural_valences(quality, 0.0, resp.answered_valence, resp.procedural_tint, False)


def clearance_probability(violent: np.ndarray, neighbour_legitimacy: np.ndarray, resp, reference: float) -> np.ndarray:
    """Chance that each recorded crime is cleared."""
    base = np.where(violent, resp.clearance_violent, resp.clearance_property)
    coop = np.maximum(neighbour_legitimacy, 1e-3) / max(reference, 1e-3)
    return bound(base * coop**resp.cooperation_elasticity, 0.0, resp.clearance_cap)


def place_mean(values: np.ndarray, place: np.ndarray, residents_per_place: np.ndarray) -> np.ndarray:
    """Mean of a resident value per place."""
    return np.bincount(place, weights=values, minlength=len(residents_per_place)) / np.maximum(residents_per_place, 1)


def place_mean_at(
    values: np.ndarray, at: np.ndarray, by_place: np.ndarray, place_start: np.ndarray, residents_per_place: np.ndarray
) -> np.ndarray:
    """``place_mean(values, ...)[at]`` without a pass over every resident.

    A day needs the neighbours' legitimacy at a few crime places only. Each place's
    residents are added in resident order (``by_place`` is a stable sort), as a bincount
    over all residents adds them, so the means are the same to the bit.

    Args:
        values: Per-resident values.
        at: Places wanted (repeats allowed).
        by_place: Residents sorted by place (stable).
        place_start: Start of each place's run in ``by_place`` (length places + 1).
        residents_per_place: Residents per place.

    Returns:
        The mean value of the residents of each place in ``at``.

    """
    # Each place's members added in order from 0.0 (a bincount's sums), over max(residents, 1):
    # one compiled pass (cpsim.kernels.beats), where numpy took some ten calls.
    return beats.place_means_at(values, np.ascontiguousarray(at, np.int64), by_place, place_start, residents_per_place)


def answer_calls(
    rng, answered_share: float, recording_share: float, n_reports: int, n_other: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which crime reports are answered and recorded, and which other calls are answered.

    Each is ``rng.random(n) < share`` (compiled: cpsim.kernels.draws.chances, the same uniforms),
    in this order: reports answered, reports recorded (only answered ones count), other calls answered.

    Returns:
        Answered reports, recorded reports, answered other calls (boolean each).
    """
    answered = draws.chances(rng, answered_share, n_reports)
    recorded = answered & draws.chances(rng, recording_share, n_reports)
    return answered, recorded, draws.chances(rng, answered_share, n_other)


def draw_cleared(rng, p_clear: np.ndarray) -> np.ndarray:
    """Which recorded crimes are cleared: ``rng.random(n) < p_clear`` (compiled, the same uniforms)."""
    return draws.chances(rng, p_clear, p_clear.size)

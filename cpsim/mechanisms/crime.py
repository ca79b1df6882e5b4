"""True victimisations at places.

Expected victimisations of type k at place p on a day:

    lambda_pk = rate_k / 365 * residents_p * risk_p * offenders_b(p)
                * (presence_b / reference)^(-elasticity_k)          (F8, general deterrence)
                * exp(-hotspot_deterrence * foot_hours_p)            (F9, local deterrence)
                * (1 - g * guardianship_p) / (1 - g * mean guardianship)
                * exp(w_b - wave_sd^2 / 2)                           (violent only: violence waves)

where offenders_b is the beat's active offending relative to its start (arrests take
offenders off the street for a while; programs lower offending), presence_b the beat's
officer hours on the street per 1000 residents, and guardianship the engagement of the
place's residents plus any watch coverage. Counts are Poisson; victims are residents of
the place drawn uniformly. These are true victimisations: reporting and recording come later.

Violence comes in waves: local disputes and retaliation raise or lower a beat's violent
offending for months (Papachristos 2009; Loeffler & Flaxman 2018). Each beat's log factor
``w_b`` wanders as an Ornstein-Uhlenbeck process, one step a week, with stationary SD
``crime.wave_sd`` and half-life ``crime.wave_half_life_days``; ``exp(w - sd^2/2)`` has mean 1,
so waves move where violence is, not how much there is on average.
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels import beats, draws
from cpsim.kernels import surroundings as approach_kernel

MIN_PRESENCE_RATIO = 0.1  # below a tenth of reference presence deterrence stops growing


def deterrence(presence_per_1000: np.ndarray, reference: float, elasticity: float) -> np.ndarray:
    """Crime multiplier from police presence relative to reference (F8)."""
    ratio = np.maximum(presence_per_1000 / reference, MIN_PRESENCE_RATIO)
    return ratio ** (-elasticity)


def expected_by_type(
    places,
    offender_factor: np.ndarray,
    presence_per_1000: np.ndarray,
    crime,
    guard_mean: float,
    wave_factor: np.ndarray | None = None,
) -> np.ndarray:
    """Expected victimisations today per type (row 0 violent, row 1 property) and place.

    One array lets the day draw both types at once (draw_victims).

    Args:
        places: Places arrays.
        offender_factor: Active offending per beat relative to the start.
        presence_per_1000: Officer street hours per 1000 residents per beat today.
        crime: The crime section of the scenario.
        guard_mean: Mean place guardianship at the start (normalises guardianship).
        wave_factor: Per beat, the violence-wave factor of violent crime (``wave_factors``; None: none).

    Returns:
        Expected victimisations, shape (2, places).

    """
    violent = deterrence(presence_per_1000, crime.reference_presence, crime.elasticity_violent)
    if wave_factor is not None:
        violent = violent * wave_factor
    # exp and the powers in numpy (their last bit may differ from C's); the products, place by
    # place in numpy's order, compiled (cpsim.kernels.beats).
    return beats.expected_victimisations(
        places,
        np.exp(-crime.hotspot_deterrence * places.hotspot_hours),
        offender_factor,
        violent,
        deterrence(presence_per_1000, crime.reference_presence, crime.elasticity_property),
        crime,
        guard_mean,
    )


def poisson_from_uniform(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Poisson counts by inverting the CDF at given uniforms.

    Drawing counts this way couples scenarios: with the same uniforms, a place whose
    expected count rises gets the same or a higher count, never an unrelated one, so a
    difference between scenarios is the policy's effect and not noise (common random numbers).

    Args:
        u: One uniform per place.
        lam: Expected count per place.

    Returns:
        Counts per place.
    """
    # exp in numpy (its last bit may differ from C's); the inversion, place by place, compiled.
    return draws.poisson_from_uniform(u, lam, np.exp(-lam))


GOLDEN = 0.6180339887498949  # low-discrepancy step between successive victims at one place


def draw_victims(lam: np.ndarray, residents, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw victimisation counts per type and place and pick each victim among the place's residents.

    Two uniforms per type and place are drawn whatever the counts (the count, and where the
    choice of victims starts), so scenarios run with the same seed stay in step (see
    poisson_from_uniform). They come in one draw, in the order of one draw per type and use
    (counts of type 0, starts of type 0, counts of type 1, ...): the same numbers.

    Args:
        lam: Expected victimisations per type and place, shape (types, places).
        residents: Residents arrays (by_place index).
        rng: The crime stream of the day.

    Returns:
        Victim resident indices, the place of each victimisation and its type (row of ``lam``),
        types in row order and places in order within a type.
    """
    # The uniforms, the inversion and the picks in one compiled pass (cpsim.kernels.draws).
    return draws.victims(rng, lam, np.exp(-lam), residents.place_start, residents.by_place, GOLDEN)


def stationary_waves(n_beats: int, crime, rng: np.random.Generator) -> np.ndarray:
    """Each beat's log violence-wave factor at the start, drawn from its stationary spread."""
    return crime.wave_sd * rng.standard_normal(n_beats)


def wander(wave: np.ndarray, crime, keep: float, rng: np.random.Generator) -> None:
    """One weekly step of every beat's violence wave (in place): ``w <- keep w + sd sqrt(1 - keep^2) z``."""
    if crime.wave_sd > 0:
        wave *= keep
        wave += crime.wave_sd * np.sqrt(1.0 - keep * keep) * rng.standard_normal(wave.size)


def wave_factors(wave: np.ndarray, crime) -> np.ndarray:
    """Each beat's violence-wave factor, ``exp(w - sd^2 / 2)`` (mean 1 over the stationary spread)."""
    return np.exp(wave - 0.5 * crime.wave_sd**2)


def active_offending(residents, offenders: np.ndarray, reference: float, compliance: float, day: int) -> np.ndarray:
    """Offending of each offender on ``day``: free, and lower the more legitimate they find police.

    ``offending[oi] * (free_day[oi] <= day) * exp(-compliance * (legitimacy[oi] - reference))``: exp in
    numpy (its last bit may differ from C's), the gathers and products compiled (cpsim.kernels.beats).

    Args:
        residents: Residents arrays (offending, free_day, legitimacy).
        offenders: Indices of the residents who offend.
        reference: reporting.reference_legitimacy.
        compliance: crime.compliance.
        day: The day (offenders in custody until after it do not offend).
    """
    argument = beats.compliance_argument(residents.legitimacy, offenders, reference, -compliance)
    return beats.active_offending(residents.offending, residents.free_day, offenders, np.exp(argument), day)


def relative_offending(offender_beats: np.ndarray, active: np.ndarray, initial: np.ndarray) -> np.ndarray:
    """Active offending per beat relative to the start (``expected_by_type``'s ``offender_factor``).

    ``np.bincount(offender_beats, weights=active) / initial``, compiled (cpsim.kernels.beats).
    """
    return beats.relative_by_beat(offender_beats, active, initial)


def add_disorder(places, crime_place: np.ndarray, per_crime: float) -> None:
    """Crimes leave disorder where they happen (in place).

    ``disorder += per_crime * np.bincount(crime_place, minlength=places)``, compiled (cpsim.kernels.beats).
    """
    beats.add_disorder(places.disorder, crime_place, per_crime)


def relax_disorder(places, keep: float) -> None:
    """Disorder relaxes toward its base, leaving ``keep`` of the gap, and stays within 0..1 (in place).

    ``disorder += (1 - keep) * (base_disorder - disorder)`` then a clip, in one compiled pass.
    """
    approach_kernel.approach(places.disorder, places.base_disorder, 1 - keep, clip=True)

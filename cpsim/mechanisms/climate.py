"""What a beat's officers sense, and how it changes their work (the police side of the loops).

Officers sense their audience: ``A_b``, the mean legitimacy of the residents their beat's
routine contacts (calls, patrol, stops, arrests, crises) were with, every contact weighing
alike, over a running window of half-life ``policing.climate_half_life_days`` days (a decaying
sum over a decaying count). Program contacts are left out: whom a program chooses to meet is
not a turn of the public. What they are used to, ``N_b``, follows ``A_b`` with half-life
``policing.audience_adaptation_days``. Where the audience has turned against them, officers'
procedural quality falls (Bottoms & Tankebe 2012: self-legitimacy follows audience
legitimacy) and, once it has fallen by more than a threshold, they withdraw from routine
discretionary work (de-policing: Nix & Wolfe 2016; Shjarback et al. 2017):

    quality shift_b = climate_quality * (A_b - N_b)
    routine share_b = 1 - withdrawal * ramp((N_b - A_b - withdrawal_threshold) / withdrawal_width)

with ``ramp(x) = 3x^2 - 2x^3`` on [0, 1] (0 below, 1 above): officers do all their routine work
until the audience has turned by the threshold, and no noise in whom they met moves them.
Departments send proactive effort where recorded crime rises above what they expect (``R_b``,
a running average of recorded crimes with half-life ``enforcement.review_half_life_days``,
against ``E_b``, which follows ``R_b`` with half-life ``enforcement.expectation_half_life_days``:
CompStat compares with last year):

    proactive multiplier_b = T_b * (R_b / E_b) ^ crime_response * routine share_b

where T_b, the beat's share of proactive effort, follows the recorded crime it is known for
(``targeting``: stops concentrate where crime is recorded).
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels import beats

# Contacts of officers' routine work: what they sense of the public.
ROUTINE_KINDS = ("call", "patrol_foot", "patrol_car", "stop", "arrest", "crisis_force")


def sense(hood, beats_met: np.ndarray, legitimacy: np.ndarray, keep: float, keep_normal: float) -> None:
    """A day of what officers sense (in place): the audience window moves on, the normal follows it.

    numpy (the reference the compiled pass, cpsim.kernels.beats.sense, gives to the bit)::

        hood.audience_sum *= keep; hood.audience_count *= keep
        hood.audience_sum += np.bincount(beats_met, weights=legitimacy, minlength=beats)   (if any)
        hood.audience_count += np.bincount(beats_met, minlength=beats)
        seen = hood.audience_count > 0
        hood.audience[seen] = hood.audience_sum[seen] / hood.audience_count[seen]
        hood.normal += (1.0 - keep_normal) * (hood.audience - hood.normal)

    Args:
        hood: The model's Neighbourhoods (audience_sum, audience_count, audience, normal).
        beats_met: Beat of each routine contact today.
        legitimacy: The legitimacy each resident met brought to the encounter.
        keep: Share of the window's weight left after a day (climate half-life).
        keep_normal: Share of the normal's distance to the audience left after a day.
    """
    beats.sense(
        hood.audience_sum, hood.audience_count, hood.audience, hood.normal, beats_met, legitimacy, keep, keep_normal
    )


def expect(hood, keep: float) -> None:
    """The department's expected recorded crime follows what it records (in place; a week's step at each review)."""
    hood.expected += (1.0 - keep) * (hood.recorded - hood.expected)


def quality_shift(audience: np.ndarray, normal: np.ndarray, pol) -> np.ndarray:
    """Change of procedural quality of each beat's officers from the audience they sense."""
    return pol.climate_quality * (audience - normal)


def routine_share(audience: np.ndarray, normal: np.ndarray, pol) -> np.ndarray:
    """Share of routine discretionary work (foot patrol, proactive stops) officers still do: 1 until a turn.

    numpy: ``x = np.clip((normal - audience - withdrawal_threshold) / withdrawal_width, 0.0, 1.0)``,
    ``1.0 - withdrawal * x * x * (3.0 - 2.0 * x)``; compiled (cpsim.kernels.beats), to the bit.
    """
    return beats.routine_share(audience, normal, pol.withdrawal, pol.withdrawal_threshold, pol.withdrawal_width)


def proactive_multiplier(recorded: np.ndarray, expected: np.ndarray, enf) -> np.ndarray:
    """Proactive hours relative to the default, as recorded crime departs from what was expected."""
    # max(recorded / expected, or 1 where nothing was expected, 1e-3) compiled; the power in numpy
    return beats.crime_ratio(recorded, expected) ** enf.crime_response


def targeting(expected: np.ndarray, residents: np.ndarray, officers: np.ndarray, enf) -> np.ndarray:
    """Where proactive effort goes: each beat's share of it follows the recorded crime it is known for.

    ``((E_b / n_b) / (sum E / sum n)) ^ crime_targeting``, scaled so the city's proactive hours
    stay what its officers give (their officer-weighted mean is 1): stops concentrate where
    crime is recorded (Weisburd et al. 2016, New York's stops by precinct), so the residents of
    high-crime beats, often the city's minorities, are stopped more (Gelman, Fagan & Kiss 2007).

    Args:
        expected: Per beat, the recorded crimes a day the department expects.
        residents: Residents per beat.
        officers: Beat officers per beat (the weights of the mean).
        enf: The enforcement section (crime_targeting).

    Returns:
        A multiplier of each beat's proactive hours.
    """
    rate = expected / np.maximum(residents, 1)
    city = expected.sum() / max(residents.sum(), 1)
    weight = (np.maximum(rate, 1e-12) / max(city, 1e-12)) ** enf.crime_targeting
    return weight * officers.sum() / max(float((weight * officers).sum()), 1e-12)


def demeanor_shift(legitimacy: np.ndarray, reference: float, pol) -> np.ndarray:
    """Change of an enforcement contact's quality from the resident's demeanor (their legitimacy)."""
    return pol.demeanor_quality * (legitimacy - reference)


def review(
    hood, recorded_beats: np.ndarray, resident_beat: np.ndarray, victims: np.ndarray, residents: np.ndarray, keep: float
) -> None:
    """What crime reviews see (in place): recorded crimes and victimisations per resident, running averages.

    numpy (cpsim.kernels.beats.review gives it to the bit)::

        hood.recorded += (1 - keep) * (np.bincount(recorded_beats, minlength=beats) - hood.recorded)
        per_resident = np.bincount(resident_beat[victims], minlength=beats) / np.maximum(residents, 1)
        hood.victimisation += (1 - keep) * (per_resident - hood.victimisation)
    """
    beats.review(hood.recorded, hood.victimisation, recorded_beats, resident_beat, victims, residents, keep)

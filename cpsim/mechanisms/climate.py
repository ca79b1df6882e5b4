"""What a beat's officers sense, and how it changes their work (the police side of the loops).

Officers sense their audience: the running average A_b of the legitimacy of the residents
their beat's contacts were with (half-life ``policing.climate_half_life_days``), against
what they are used to, A_b at the start. Where the audience has turned against them,
officers' procedural quality falls (Bottoms & Tankebe 2012: self-legitimacy follows
audience legitimacy) and, past a threshold, they withdraw from routine discretionary
work (de-policing: Nix & Wolfe 2016; Shjarback et al. 2017):

    quality shift_b = climate_quality * (A_b - A_b,0)
    routine share_b = 1 - withdrawal / (1 + exp((A_b - A_b,0 + withdrawal_threshold) / withdrawal_width))

and departments send proactive effort where recorded crime rises above what they expect
(R_b, a running average of recorded crimes with half-life ``enforcement.review_half_life_days``,
against E_b, the recorded crime the beat was expected to have at the start):

    proactive multiplier_b = (R_b / E_b) ^ crime_response * routine share_b
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels import beats


def update_average(avg: np.ndarray, keys: np.ndarray, values: np.ndarray, factor: float) -> None:
    """Move each key's running average one day toward today's mean observation (in place).

    Keys with no observation today keep their average (officers sense nothing new).

    Args:
        avg: Running average per key.
        keys: Key (beat) of each observation.
        values: Observed values.
        factor: Share of the old average kept per day.
    """
    # bincounts of counts and sums, then the step of each key seen, compiled (cpsim.kernels.beats)
    beats.update_average(avg, keys, values, factor)


def quality_shift(audience: np.ndarray, normal: np.ndarray, pol) -> np.ndarray:
    """Change of procedural quality of each beat's officers from the audience they sense."""
    return pol.climate_quality * (audience - normal)


def routine_share(audience: np.ndarray, normal: np.ndarray, pol) -> np.ndarray:
    """Share of routine discretionary work (foot patrol, proactive stops) officers still do."""
    # exp overflows past ±700; ±50 already puts the logistic at its ends to 1e-21. The argument
    # and the share compiled (cpsim.kernels.beats), exp in numpy (its last bit may differ from C's).
    z = beats.withdrawal_argument(audience, normal, pol.withdrawal_threshold, pol.withdrawal_width)
    return beats.routine_share(np.exp(z), pol.withdrawal)


def proactive_multiplier(recorded: np.ndarray, expected: np.ndarray, enf) -> np.ndarray:
    """Proactive hours relative to the default, as recorded crime departs from what was expected."""
    # max(recorded / expected, or 1 where nothing was expected, 1e-3) compiled; the power in numpy
    return beats.crime_ratio(recorded, expected) ** enf.crime_response


def demeanor_shift(legitimacy: np.ndarray, reference: float, pol) -> np.ndarray:
    """Change of an enforcement contact's quality from the resident's demeanor (their legitimacy)."""
    return pol.demeanor_quality * (legitimacy - reference)

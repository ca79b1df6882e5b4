"""Victims reporting to police (F3, F5) and resident-initiated calls (F6).

A victim reports with probability

    p = logistic(logit(share_k) + legitimacy_log_odds * (legitimacy - reference_legitimacy))

so the shares hold at the reference legitimacy and reporting rises with legitimacy, not
with contact quality directly (F3). Residents also call for help without a crime to
report, at a rate calibrated so about half of resident-initiated contacts report a crime (F6).
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels import draws


def logit(p: float) -> float:
    """Log-odds of a probability (clipped away from 0 and 1)."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


def report_probability(legitimacy: np.ndarray, share: float, rep) -> np.ndarray:
    """Chance that a victim with the given legitimacy reports to police."""
    z = logit(share) + rep.legitimacy_log_odds * (legitimacy - rep.reference_legitimacy)
    return 1.0 / (1.0 + np.exp(-z))


def draw_reports(victims: np.ndarray, violent: np.ndarray, legitimacy: np.ndarray, rep, rng) -> np.ndarray:
    """Which victimisations are reported (boolean per victimisation)."""
    share = np.where(violent, rep.violent_share, rep.property_share)
    z = np.log(share / (1 - share)) + rep.legitimacy_log_odds * (legitimacy[victims] - rep.reference_legitimacy)
    return rng.random(victims.size) < 1.0 / (1.0 + np.exp(-z))


def draw_other_calls(n_residents: int, per_1000_year: float, rng) -> np.ndarray:
    """Residents who call police today for something other than reporting a crime.

    A Poisson number of calls, each from any resident alike: ``rng.poisson`` then, if any,
    ``rng.integers`` (compiled: cpsim.kernels.draws.poisson_members, the same draws without
    the Generator's Python layers, most of a day's cost here).
    """
    return draws.poisson_members(rng, n_residents * per_1000_year / 1000.0 / 365.0, n_residents)

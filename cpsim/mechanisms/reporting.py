"""Victims reporting to police (F3, F5) and resident-initiated calls (F6).

Victims call first because of what happened to them: how serious it is (injury, a weapon,
what was lost) and what they need (help, an insurance claim). Legitimacy modifies that
decision modestly (Skogan 1984; Goudriaan 2006; Tarling & Morris 2010). Each victimisation
has a seriousness ``z ~ N(0, 1)``, and its victim reports with probability

    p = logistic(c_k + seriousness_log_odds * z + legitimacy_log_odds * (legitimacy - reference_legitimacy))

where ``c_k`` is set so that, over seriousness, a victim at the reference legitimacy reports
share_k of crimes of type k (F5): the shares hold and reporting rises with legitimacy, not
with contact quality directly (F3). Residents also call for help without a crime to report,
at a rate calibrated so about half of resident-initiated contacts report a crime (F6).
"""

from __future__ import annotations

import functools

import numpy as np

from cpsim.kernels import draws
from cpsim.scenario.units import per_day

# Gauss-Hermite nodes and weights for averages over a standard normal seriousness.
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(40)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def logit(p: float) -> float:
    """Log-odds of a probability (clipped away from 0 and 1)."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@functools.lru_cache(maxsize=64)
def intercept(share: float, seriousness: float) -> float:
    """The log-odds c at which ``E_z[logistic(c + seriousness z)]`` is ``share`` (z standard normal).

    The average rises with c, so bisection finds it (to 1e-12 in log-odds, 60 halvings).
    """
    if seriousness == 0:
        return logit(share)
    share = min(max(share, 1e-6), 1 - 1e-6)
    lo, hi = -40.0, 40.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if float(_WEIGHTS @ _logistic(mid + seriousness * _NODES)) < share:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def intercepts(rep) -> np.ndarray:
    """``c_k`` of violent (0) and property (1) crime."""
    return np.array(
        [
            intercept(rep.violent_share, rep.seriousness_log_odds),
            intercept(rep.property_share, rep.seriousness_log_odds),
        ]
    )


def report_probability(legitimacy: np.ndarray, share: float, rep) -> np.ndarray:
    """Chance that a victim with the given legitimacy reports a crime of this type, over its seriousness."""
    z = intercept(share, rep.seriousness_log_odds) + rep.legitimacy_log_odds * (
        np.asarray(legitimacy, float) - rep.reference_legitimacy
    )
    return _logistic(z[..., None] + rep.seriousness_log_odds * _NODES) @ _WEIGHTS


def draw_reports(
    victims: np.ndarray, violent: np.ndarray, legitimacy: np.ndarray, rep, rng, intercepts_k: np.ndarray
) -> np.ndarray:
    """Which victimisations are reported (boolean per victimisation): each crime's seriousness, then the choice."""
    seriousness = rng.standard_normal(victims.size)
    c = np.where(violent, intercepts_k[0], intercepts_k[1])
    z = (
        c
        + rep.seriousness_log_odds * seriousness
        + rep.legitimacy_log_odds * (legitimacy[victims] - rep.reference_legitimacy)
    )
    return rng.random(victims.size) < _logistic(z)


def draw_other_calls(n_residents: int, per_1000_year: float, rng) -> np.ndarray:
    """Residents who call police today for something other than reporting a crime.

    A Poisson number of calls, each from any resident alike: ``rng.poisson`` then, if any,
    ``rng.integers`` (compiled: cpsim.kernels.draws.poisson_members, the same draws without
    the Generator's Python layers, most of a day's cost here).
    """
    return draws.poisson_members(rng, per_day(n_residents, per_1000_year), n_residents)


def reported_by_others(rng, place_reporting: np.ndarray, crime_place: np.ndarray) -> np.ndarray:
    """Which victimisations someone else (a watch member) reports: ``rng.random(n) < place_reporting[place]``.

    Compiled (cpsim.kernels.draws.chances): the same uniforms.
    """
    return draws.chances(rng, place_reporting[crime_place], crime_place.size)

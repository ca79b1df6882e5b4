"""Complaints that follow poor contacts.

A contact of procedural quality q leads to a formal complaint with probability

    poor_contact_rate * clip((0.5 - q) / 0.5, 0, 1) * (1 - trust_dependency * (1 - legitimacy))
                      * (1 - familiarity_discount * familiarity)

times ``casual_factor`` for contacts that are neither enforcement (stops, arrests, force)
nor calls for service, so only poor contacts (q < 0.5) produce complaints, mostly from
enforcement; residents who see police as illegitimate are less likely to believe a
complaint is worth filing, and those who know the beat team settle problems informally.
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels import draws, experiences

FORMAL_KINDS = ("stop", "arrest", "call", "crisis_force", "incident")
ENFORCEMENT_KINDS = ("stop", "arrest", "crisis_force", "incident")  # force and coercion, not calls for help


def complaint_probability(
    quality: np.ndarray,
    legitimacy: np.ndarray,
    comp,
    formal: np.ndarray | bool = True,
    familiarity: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Chance that each contact brings a complaint (NaN quality: no officer, no complaint).

    Args:
        quality: Procedural quality of each contact.
        legitimacy: The resident's legitimacy before the contact.
        comp: The complaints section.
        formal: Whether each contact is enforcement or a call (else casual_factor applies).
        familiarity: The resident's familiarity with the beat team.

    Returns:
        Probability per contact.
    """
    # No officer (NaN) reads as quality 1 (np.fmin: it also caps qualities above 1 at 1, and any
    # q >= 0.5 gives p = 0 all the same). Compiled (cpsim.kernels.experiences.complaint_risk):
    # the numpy was ten calls a day on a few hundred contacts.
    return experiences.complaint_risk(
        quality,
        legitimacy,
        formal,
        familiarity,
        comp.poor_contact_rate,
        comp.casual_factor,
        comp.trust_dependency,
        comp.familiarity_discount,
    )


def draw_complaints(probability: np.ndarray, rng) -> np.ndarray:
    """Which contacts bring a complaint (one uniform per contact: ``rng.random(n) < probability``)."""
    return draws.chances(rng, probability, probability.size)

"""Complaints that follow poor contacts.

A contact of procedural quality q leads to a formal complaint with probability

    poor_contact_rate * clip((0.5 - q) / 0.5, 0, 1) * (1 - trust_dependency * (1 - legitimacy))

so only poor contacts (q < 0.5) produce complaints, and residents who see police as
illegitimate are less likely to believe a complaint is worth filing.
"""

from __future__ import annotations

import numpy as np


def draw_complaints(quality: np.ndarray, legitimacy: np.ndarray, comp, rng) -> np.ndarray:
    """Which contacts produce a complaint (NaN quality: no officer, no complaint)."""
    q = np.nan_to_num(quality, nan=1.0)
    p = comp.poor_contact_rate * np.clip((0.5 - q) / 0.5, 0.0, 1.0)
    p *= 1.0 - comp.trust_dependency * (1.0 - legitimacy)
    return rng.random(q.size) < p

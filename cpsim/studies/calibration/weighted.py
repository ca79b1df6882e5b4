"""Weighted samples: the quantiles of a posterior's weighted particles.

A leaf module: the fit (point estimates, target rows) and the posterior report read it, so the
report no longer imports the fit that imports the report.
"""

from __future__ import annotations

import numpy as np


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float | np.ndarray) -> np.ndarray:
    """Quantile(s) of a weighted sample (inverse of the weighted empirical CDF, midpoint rule)."""
    order = np.argsort(values)
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cdf, v)

"""Confidence intervals of replicated figures: the t quantile, a mean's interval, a ratio's (Fieller).

A leaf module: the comparison, the breakdowns, the gaps, the findings and the reports all
read their intervals here, and it imports nothing of cpsim but the confidence level.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np

from cpsim.headline import LEVEL


@functools.cache  # a study asks for the same few quantiles thousands of times
def t_quantile(level: float, dof: int) -> float:
    """Return the two-sided Student t quantile for a confidence level and degrees of freedom."""
    from scipy import stats  # here: scipy.stats adds ~1 s to `import cpsim`

    return float(stats.t.ppf(0.5 + level / 2, dof))


def mean_ci(values: Sequence[float] | np.ndarray, level: float = LEVEL) -> tuple[float, float, float, float, int]:
    """Mean and t-based confidence interval of independent replicates.

    Args:
        values: One value per replicate (NaN values are left out).
        level: Confidence level.

    Returns:
        (mean, ci_low, ci_high, sd, n); the interval is NaN with fewer than 2 values.

    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return (math.nan,) * 4 + (0,)  # type: ignore[return-value]
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan, math.nan, n
    sd = float(x.std(ddof=1))
    half = t_quantile(level, n - 1) * sd / math.sqrt(n)
    return mean, mean - half, mean + half, sd, n


def ratio_ci(
    num: Sequence[float] | np.ndarray, den: Sequence[float] | np.ndarray, level: float = LEVEL
) -> tuple[float, float, float]:
    """Ratio of two paired means with Fieller's confidence interval.

    Fieller's interval accounts for the uncertainty of the denominator; it is bounded only
    when the denominator's own t-interval excludes zero, otherwise the ratio is not
    estimable and NaN is returned.

    Args:
        num: Numerator per replicate (e.g. paired change in trust).
        den: Denominator per replicate (e.g. paired change in officer hours).
        level: Confidence level.

    Returns:
        (ratio, ci_low, ci_high); all NaN when the denominator is not distinguishable from 0.

    """
    x, y = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    n = x.size
    nan = (math.nan, math.nan, math.nan)
    if n < 2:
        return nan
    a, b = float(x.mean()), float(y.mean())
    cov = np.cov(x, y, ddof=1) / n
    v11, v12, v22 = float(cov[0, 0]), float(cov[0, 1]), float(cov[1, 1])
    t = t_quantile(level, n - 1)
    scale = max(abs(b), float(np.abs(y).max()), 1e-300)
    if abs(b) <= 1e-12 * scale:
        return nan
    r = a / b
    if v22 <= (1e-12 * scale) ** 2:
        # The denominator is the same in every replicate (e.g. a fixed staffing change).
        half = t * math.sqrt(max(v11, 0.0)) / abs(b)
        return r, r - half, r + half
    g = t * t * v22 / (b * b)
    if g >= 1.0:
        return nan
    centre = r - g * v12 / v22
    disc = v11 - 2 * r * v12 + r * r * v22 - g * (v11 - v12 * v12 / v22)
    half = t / abs(b) * math.sqrt(max(disc, 0.0))
    return r, (centre - half) / (1 - g), (centre + half) / (1 - g)

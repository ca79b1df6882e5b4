"""Limits applied in place: np.clip's result without its Python-level wrappers.

np.clip goes through two layers of Python wrappers (about 7 µs a call); a small city's day
clips a few dozen arrays, so the day's hot path uses ufuncs with ``out=`` on arrays it
owns (a temporary or state it means to change). NaN stays NaN, as with np.clip.
"""

from __future__ import annotations

import numpy as np


def bound(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """X limited to lo..hi, in place; returns x."""
    np.maximum(x, lo, out=x)
    return np.minimum(x, hi, out=x)


def unit(x: np.ndarray) -> np.ndarray:
    """X limited to 0..1, in place; returns x."""
    return bound(x, 0.0, 1.0)


def signed(x: np.ndarray) -> np.ndarray:
    """X limited to -1..1, in place; returns x."""
    return bound(x, -1.0, 1.0)

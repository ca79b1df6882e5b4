"""Limits applied in place: np.clip's own ufunc, without its Python-level wrappers.

np.clip goes through three Python layers (fromnumeric, ndarray.clip, _methods._clip) to the
``clip`` ufunc: about 3 µs a call on top of the work, and a small city's day clips a few
dozen arrays. The hot path calls that ufunc directly, with ``out=`` on arrays it owns (a
temporary or state it means to change), so the result is np.clip's to the bit: NaN stays
NaN and -0.0 stays -0.0 (np.maximum(-0.0, 0.0) would give +0.0).
"""

from __future__ import annotations

import numpy as np

try:  # the ufunc np.clip ends in for float arrays with both limits
    from numpy._core.umath import clip as _clip
except ImportError:  # numpy < 2
    from numpy.core.umath import clip as _clip


def bound(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Limit x to lo..hi in place and return it."""
    return _clip(x, lo, hi, out=x)


def unit(x: np.ndarray) -> np.ndarray:
    """Limit x to 0..1 in place and return it."""
    return _clip(x, 0.0, 1.0, out=x)


def signed(x: np.ndarray) -> np.ndarray:
    """Limit x to -1..1 in place and return it."""
    return _clip(x, -1.0, 1.0, out=x)

"""np.clip's own ufunc, without its Python-level wrappers.

np.clip goes through three Python layers (fromnumeric, ndarray.clip, _methods._clip) to the
``clip`` ufunc: about 3 µs a call on top of the work, and a day clips a few dozen small arrays
(the start of a run, some hundreds). ``clip(x, lo, hi)`` is that ufunc: np.clip's result to
the bit (a NaN stays NaN, -0.0 stays -0.0); ``out=x`` clips in place.
"""

from __future__ import annotations

try:
    from numpy._core.umath import clip
except ImportError:  # numpy < 2
    from numpy.core.umath import clip

__all__ = ["clip"]

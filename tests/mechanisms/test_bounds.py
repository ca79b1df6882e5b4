"""cpsim/mechanisms/bounds.py: the clips of the hot paths are numpy's."""

from __future__ import annotations

import numpy as np

from cpsim.mechanisms.bounds import bound, signed, unit


def test_bounds_equal_np_clip_in_place_nan_kept():
    x = np.array([-3.0, -1.0, -0.2, 0.0, 0.4, 1.0, 7.0, np.nan, -0.0])
    for f, lo, hi in ((unit, 0.0, 1.0), (signed, -1.0, 1.0), (lambda a: bound(a, -0.5, 0.95), -0.5, 0.95)):
        y = x.copy()
        out = f(y)
        assert out is y
        want = np.clip(x, lo, hi)
        assert np.array_equal(y, want, equal_nan=True)
        assert np.signbit(y).tolist() == np.signbit(want).tolist()

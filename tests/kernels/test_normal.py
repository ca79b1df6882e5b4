"""The erfc kernel gives math.erfc's bits, as the numpy path's np.frompyfunc(math.erfc) did."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cpsim.kernels import compiled
from cpsim.kernels.numpy_path import normal as numpy_path


@pytest.mark.parametrize("seed", range(4))
def test_erfc_is_math_erfc_to_the_bit(seed):
    rng = np.random.default_rng(seed)
    # Every scale erfc meets: near 0, the range a stop's quality gives, the tails where it underflows.
    x = rng.normal(0.0, 1.0, 20_000) * rng.choice([1e-300, 1e-8, 0.1, 1.0, 3.0, 10.0, 30.0], 20_000)
    x[:9] = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 27.3, -6.0]
    got = compiled.erfc(x)
    assert got.dtype == np.float64 and got.shape == x.shape
    assert got.tobytes() == numpy_path.erfc(x).tobytes()
    assert got.tobytes() == np.array([math.erfc(v) for v in x.tolist()]).tobytes()


def test_no_values_and_odd_arrays():
    assert compiled.erfc(np.empty(0)).shape == (0,)
    with pytest.raises(TypeError, match="x must be float64, not float32"):
        compiled.erfc(np.zeros(3, np.float32))
    with pytest.raises(ValueError, match="one contiguous row"):
        compiled.erfc(np.zeros(6)[::2])

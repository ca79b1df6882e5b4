"""The day's figures kernels give, to the bit, the numpy figures day_figures computed before.

The oracle of each kernel is the numpy expression it replaced. The sums are numpy's pairwise
sums (cpsim/kernels/sums.pxd): they are held against np.add.reduce at the sizes where its
shape changes (fewer than 8 values, blocks of 128, halves split at multiples of 8) and at a
million values, with values across magnitudes and signs so the order of additions shows.
"""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.kernels import figures

SIZES = [*range(0, 40), 63, 64, 65, 127, 128, 129, 130, 135, 136, 137, 255, 256, 257, 1000, 2000, 8191, 8192, 8193]
SIZES += [10_000, 65_537, 100_000, 1_000_000]


def bits(x) -> bytes:
    return np.float64(x).tobytes()


def spread(rng: np.random.Generator, n: int) -> np.ndarray:
    """Values across twenty orders of magnitude and both signs: any change of order changes the sum."""
    return rng.standard_normal(n) * 10.0 ** rng.uniform(-10, 10, n)


@pytest.mark.parametrize("n", SIZES)
def test_totals_and_means_are_numpys(n):
    rng = np.random.default_rng(n)
    for _ in range(3 if n > 5000 else 12):
        rows = (spread(rng, n), rng.random(n), -rng.random(n))
        assert [bits(s) for s in figures.totals(rows)] == [bits(np.add.reduce(x)) for x in rows]
        assert [bits(m) for m in figures.means(rows)] == [bits(x.mean()) if n else bits(np.nan) for x in rows]


def test_sums_keep_numpys_zeros_and_nan():
    # numpy's reduce starts from +0.0, so a sum of negative zeros is +0.0; a NaN anywhere wins.
    rows = (np.array([-0.0, -0.0]), np.array([1.0, np.nan, 2.0]), np.array([np.inf, -np.inf]), np.empty(0))
    with np.errstate(invalid="ignore"):
        assert [bits(s) for s in figures.totals(rows)] == [bits(np.add.reduce(x)) for x in rows]


@pytest.mark.parametrize("seed", range(8))
def test_counts_and_signs(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 500))
    a, b = rng.random(n) < 0.3, rng.random(n) < 0.6
    assert figures.counts((a, b)) == [np.count_nonzero(a), np.count_nonzero(b)]
    assert figures.both(a, b) == np.count_nonzero(a & b)
    values = rng.choice([-1.0, 0.0, -0.0, 2.0, np.nan], n)
    assert figures.signs(a, values) == (np.count_nonzero(values[a] > 0), np.count_nonzero(values[a] < 0))


@pytest.mark.parametrize("seed", range(8))
def test_selected_total_sums_the_gathered_copy(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 3000))
    values, kind = spread(rng, n), rng.integers(0, 9, n)
    lookup = rng.random(9) < 0.5
    assert bits(figures.selected_total(values, kind, lookup)) == bits(values[lookup[kind]].sum())


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match=r"rows\[1\] must be float64, not int64"):
        figures.totals((np.zeros(2), np.zeros(2, np.int64)))
    with pytest.raises(ValueError, match="second must have 3 values, not 2"):
        figures.both(np.zeros(3, bool), np.zeros(2, bool))
    with pytest.raises(ValueError, match=r"kind 9 \(row 1\) is outside 0\.\.8"):
        figures.selected_total(np.zeros(2), np.array([0, 9]), np.zeros(9, bool))
    with pytest.raises(ValueError, match="one contiguous row"):
        figures.means((np.zeros(4)[::2],))


@pytest.mark.parametrize("n_groups", [1, 2, 3, 4, 7, 8, 9, 17])
@pytest.mark.parametrize("n_beats", [1, 2, 7, 8, 9, 16, 80, 333])
def test_margins_are_numpys_axis_sums(n_beats, n_groups):
    rng = np.random.default_rng(n_beats * 100 + n_groups)
    sums = spread(rng, 9 * n_beats * n_groups).reshape(9, -1)
    sums[0, 0] = -0.0
    cells = sums.reshape(-1, n_beats, n_groups)
    by_group, by_beat = figures.margins(sums, n_beats, n_groups)
    assert by_group.tobytes() == cells.sum(axis=1).tobytes() and by_group.shape == (9, n_groups)
    assert by_beat.tobytes() == cells.sum(axis=2).tobytes() and by_beat.shape == (9, n_beats)


def test_margins_refuse_a_wrong_shape():
    with pytest.raises(ValueError, match="sums must be C-contiguous rows of 2 x 3 cells"):
        figures.margins(np.zeros((9, 5)), 2, 3)

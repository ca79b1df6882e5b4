"""The story tally gives, to the bit, what the numpy path's sort-and-bincount gives."""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.kernels import tally
from cpsim.kernels.numpy_path import tally as numpy_path
from cpsim.mechanisms.word_of_mouth import MIN_STORY, hear, merge
from cpsim.world.graph import from_edges


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def stories(rng, n_rows: int, n_residents: int) -> tuple[np.ndarray, np.ndarray]:
    idx = rng.integers(0, n_residents, n_rows)
    # Values across magnitudes (so summation order shows in the last bits), some near MIN_STORY.
    values = rng.standard_normal((n_rows, 3)) * rng.choice([1e-3, MIN_STORY, 1.0, 1e3], (n_rows, 3))
    return idx, values


@pytest.mark.parametrize("seed", range(6))
def test_merge_sums_like_unique_and_bincount(seed):
    rng = np.random.default_rng(seed)
    for _day in range(3):
        parts = [stories(rng, int(n), 300) for n in rng.integers(0, 400, 3)]
        got = merge(parts)
        want = numpy_path.merge(np.concatenate([i for i, _ in parts]), np.concatenate([v for _, v in parts]), MIN_STORY)
        assert same_bits(got[0], want[0]) and same_bits(got[1], want[1])


@pytest.mark.parametrize("seed", range(4))
def test_merge_with_rows_of_zeros_sums_like_unique_and_bincount(seed):
    # The news residents met is told as rows of zeros (signed, as v * 0.0 gives them), left out before the sort.
    rng = np.random.default_rng(seed)
    idx, values = stories(rng, 500, 200)
    untold = rng.random(500) < 0.5
    values[untold] *= 0.0
    values[~untold & (rng.random(500) < 0.05)] = np.nan  # (a NaN row says something)
    got = tally.merge(idx, values, MIN_STORY)
    want = numpy_path.merge(idx, values, MIN_STORY)
    assert same_bits(got[0], want[0]) and same_bits(got[1], want[1])
    told = tally.merge(idx[~untold], values[~untold], MIN_STORY)
    assert same_bits(got[0], told[0]) and same_bits(got[1], told[1])


def test_merge_forgets_weak_stories_and_sums_repeats():
    idx = np.array([5, 2, 5, 9])
    values = np.array([[0.1, 0.0, 0.0], [MIN_STORY / 2, 0.0, 0.0], [0.2, -0.3, 0.0], [0.0, 0.0, 1.0]])
    speakers, summed = merge([(idx, values)])
    assert speakers.tolist() == [5, 9]
    assert summed.tolist() == [[0.1 + 0.2, -0.3, 0.0], [0.0, 0.0, 1.0]]


def test_nothing_told_gives_empty_arrays_of_the_right_shape():
    idx, summed = merge([])
    assert idx.dtype == np.int64 and idx.shape == (0,) and summed.shape == (0, 3)


@pytest.mark.parametrize("seed", range(6))
def test_hear_sums_ties_like_gather_and_merge(seed):
    rng = np.random.default_rng(100 + seed)
    n = 500
    src, dst = rng.integers(0, n, (2, 3000))
    keep = src != dst
    graph = from_edges(src[keep], dst[keep], n)
    for _day in range(3):
        speakers = np.unique(rng.integers(0, n, int(rng.integers(0, 200))))
        told = rng.standard_normal((speakers.size, 3)) * rng.choice([1e-2, 1.0, 10.0], (speakers.size, 3))
        got = hear(graph, speakers, told, 0.4)
        want = numpy_path.hear(graph.indptr, graph.indices, speakers, told, 0.4, MIN_STORY)
        assert same_bits(got[0], want[0]) and same_bits(got[1], want[1])
        assert np.abs(got[1]).max(initial=0.0) <= 1.0


def test_wrong_shapes_and_unknown_speakers_are_refused():
    with pytest.raises(ValueError, match="values must have 2 rows, not 3"):
        tally.merge(np.array([1, 2]), np.zeros((3, 3)), MIN_STORY)
    graph = from_edges(np.array([0]), np.array([1]), 3)
    with pytest.raises(ValueError, match=r"speaker 3 is outside 0..2"):
        tally.hear(graph.indptr, graph.indices, np.array([3]), np.zeros((1, 3)), 0.5, MIN_STORY)


def test_wrong_dtypes_and_layouts_are_refused():
    """Arrays are read through their data pointers: each is checked, with a one-line error."""
    with pytest.raises(TypeError, match="idx must be int64, not float64"):
        tally.merge(np.array([1.0, 2.0]), np.zeros((2, 3)), MIN_STORY)
    with pytest.raises(TypeError, match="values must be a float64 array"):
        tally.merge(np.array([1, 2]), np.zeros((2, 3), np.float32), MIN_STORY)
    with pytest.raises(ValueError, match="values must be a C-contiguous table"):
        tally.merge(np.array([1, 2]), np.zeros((3, 2)).T, MIN_STORY)
    graph = from_edges(np.array([0]), np.array([1]), 3)
    with pytest.raises(TypeError, match="indices must be int32, not int64"):
        tally.hear(graph.indptr, graph.indices.astype(np.int64), np.array([0]), np.zeros((1, 3)), 0.5, MIN_STORY)
    with pytest.raises(ValueError, match="the ties of speaker 0 are outside"):
        tally.hear(graph.indptr, graph.indices[:0], np.array([0]), np.zeros((1, 3)), 0.5, MIN_STORY)

"""Restarting a PCG64 in place gives the state, and so the draws, of numpy's own seeding."""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.kernels import pcg


def fresh(block: np.ndarray, row: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(pcg.SeedWords(block, row)))


@pytest.mark.parametrize("seed", range(5))
def test_restart_is_numpys_seeding(seed):
    rng = np.random.default_rng(seed)
    block = rng.integers(0, 2**64, (16, 4), dtype=np.uint64, endpoint=False)
    block[0] = [0, 0, 0, 0]
    block[1] = [2**64 - 1] * 4
    kept = [fresh(block, 15 - k) for k in range(16)]
    for g in kept:  # mid-stream, with a half-used 32-bit draw, as a day leaves them
        g.integers(0, 2**31, 3, dtype=np.int32)
        g.random(5)
    rows = list(range(16))
    pcg.restart(kept, block, rows)
    for g, row in zip(kept, rows, strict=True):
        ref = fresh(block, row)
        assert g.bit_generator.state == ref.bit_generator.state
        assert g.bit_generator.seed_seq.row == row and g.bit_generator.seed_seq.block is block
        assert np.array_equal(g.integers(0, 2**31, 7, dtype=np.int32), ref.integers(0, 2**31, 7, dtype=np.int32))
        assert np.array_equal(g.standard_normal(9), ref.standard_normal(9))


def test_seed_words_are_what_pcg64_asks_for():
    block = np.arange(8, dtype=np.uint64).reshape(2, 4)
    words = pcg.SeedWords(block, 1)
    assert np.array_equal(words.generate_state(4, np.uint64), [4, 5, 6, 7])
    with pytest.raises(ValueError, match="4 uint64 words PCG64 asks for"):
        words.generate_state(8, np.uint32)


def test_bad_input_is_refused():
    block = np.zeros((2, 4), np.uint64)
    g = fresh(block, 0)
    with pytest.raises(ValueError, match=r"row 2 is outside 0\.\.1"):
        pcg.restart([g], block, [2])
    with pytest.raises(ValueError, match="C-contiguous rows of 4 uint64"):
        pcg.restart([g], np.zeros((2, 4), np.int64), [0])
    with pytest.raises(TypeError, match="only a PCG64 can be restarted here, not MT19937"):
        pcg.restart([np.random.Generator(np.random.MT19937(1))], block, [0])
    with pytest.raises(ValueError, match="1 generators but 2 rows"):
        pcg.restart([g], block, [0, 1])

"""Restarting a PCG64 bit generator at new seed words (numpy): the state of a fresh PCG64.

The compiled restart sets the state in place by PCG64's own seeding arithmetic; here each
generator takes the state of a fresh numpy PCG64 seeded with the words, which is that state by
definition (a few microseconds per stream and day instead of well under one).
"""

from __future__ import annotations

import numpy as np
from numpy.random.bit_generator import ISeedSequence


class SeedWords(ISeedSequence):
    """The seed sequence of a day stream whose PCG64 words are already known: row ``row`` of ``block``.

    PCG64 asks a seed sequence for 4 uint64 words; these are the words numpy's
    ``SeedSequence(seed, spawn_key=...)`` would give (cpsim.streams derives them).
    """

    def __init__(self, block: np.ndarray, row: int) -> None:
        """Words of row ``row`` of ``block`` (rows x 4 uint64)."""
        self.block, self.row = block, row

    def generate_state(self, n_words, dtype=np.uint32):
        """The known words, when they are what is asked for."""
        if n_words != 4 or np.dtype(dtype) != np.uint64:
            raise ValueError("a day stream's seed holds the 4 uint64 words PCG64 asks for, nothing else")
        return self.block[self.row]


def restart(generators, block, rows) -> None:
    """Restart each Generator's PCG64 at its row of seed words, in place.

    Each then draws what a fresh ``Generator(PCG64(SeedWords(block, row)))`` draws.

    Args:
        generators: numpy Generators on PCG64s.
        block: Seed words, one row of 4 uint64 per stream.
        rows: The row of each generator.
    """
    if len(rows) != len(generators):
        raise ValueError(f"{len(generators)} generators but {len(rows)} rows")
    for generator, row in zip(generators, rows, strict=True):
        bit_generator = generator.bit_generator
        if type(bit_generator) is not np.random.PCG64:
            raise TypeError(f"only a PCG64 can be restarted here, not {type(bit_generator).__name__}")
        if not 0 <= row < len(block):
            raise ValueError(f"row {row} is outside 0..{len(block) - 1}")
        bit_generator.state = np.random.PCG64(SeedWords(block, row)).state
        seed_seq = bit_generator.seed_seq
        if isinstance(seed_seq, SeedWords):  # the seed sequence names the words, as a fresh one's would
            seed_seq.block, seed_seq.row = block, row

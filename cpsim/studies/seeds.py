"""Run seeds: one home for how a study turns its seed into the seeds of its runs.

Every seed is a non-negative 63-bit integer (the scenario schema's range, a DuckDB BIGINT):
the first 64-bit word numpy's ``SeedSequence`` generates, shifted right by one.
"""

from __future__ import annotations

import numpy as np


def replicate_seeds(base_seed: int, replicates: int) -> list[int]:
    """Run seeds of the replicates: child k of SeedSequence(base_seed).spawn(replicates).

    Args:
        base_seed: The study's seed.
        replicates: Number of replicates (or runs).

    Returns:
        One non-negative 63-bit integer seed per replicate (the scenario schema's range).

    """
    children = np.random.SeedSequence(int(base_seed)).spawn(int(replicates))
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def drawn_seeds(entropy: int | list[int], n: int) -> np.ndarray:
    """``n`` run seeds drawn from one ``SeedSequence(entropy)`` (calibration designs and checks)."""
    return np.random.SeedSequence(entropy).generate_state(n, np.uint64) >> np.uint64(1)

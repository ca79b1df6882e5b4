"""Small built cities for the mechanism and world tests: a world, residents with spread-out trust, a bit comparison.

Shared by the mechanism tests that check a hot path against the numpy steps it replaced.
"""

from __future__ import annotations

import numpy as np

from cpsim.model import make_streams
from cpsim.scenario import Scenario
from cpsim.world import build_world


def residents(n=300, seed=0):
    """A scenario and the residents of its built world, their trust components drawn uniformly."""
    s = Scenario().with_overrides({"population.residents": n})
    res = build_world(s, make_streams(seed)).residents
    rng = np.random.default_rng(seed)
    for name in ("legitimacy", "effectiveness", "attitude_legitimacy", "attitude_effectiveness", "familiarity"):
        getattr(res, name)[:] = rng.random(n)
    res.legitimacy[:3] = (0.0, 1.0, 0.5)  # the ends, where a step closes nothing or clips
    res.trust[:] = 0.5 * (res.legitimacy + res.effectiveness)
    return s, res


def same_bits(a, b):
    """The same dtype, shape and bytes."""
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def built_world(n=2000, **over):
    """A scenario of ``n`` residents (with dotted overrides) and its world, built from seed 3."""
    s = Scenario().with_overrides({"population.residents": n, **over})
    return s, build_world(s, make_streams(3))

"""Small built cities for the mechanism and world tests: a world, residents with spread-out trust, a bit comparison.

Shared by the mechanism and kernel tests that check a hot path against the numpy steps it replaced.
"""

from __future__ import annotations

from types import SimpleNamespace

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


def unit_values(rng, n: int) -> np.ndarray:
    """Values in 0..1, many at the ends (and a -0.0), where the steps and clips bite."""
    x = rng.random(n)
    x[rng.random(n) < 0.15] = 0.0
    x[rng.random(n) < 0.15] = 1.0
    x[rng.random(n) < 0.03] = -0.0
    return x


def trust_section(rng, strong: bool):
    """The scenario's trust section, or one whose steps overshoot 0..1 (so every clip and the -x floor bite)."""
    t = Scenario().trust
    if not strong:
        return t
    return SimpleNamespace(
        prior_bias=float(rng.uniform(0.0, 1.5)),  # > 1: a read valence beyond -1..1, clipped
        positive_step_legitimacy=float(rng.uniform(0.5, 3.0)),
        positive_step_effectiveness=float(rng.uniform(0.5, 3.0)),
        negativity_ratio_legitimacy=float(rng.uniform(1.0, 4.0)),
        negativity_ratio_effectiveness=float(rng.uniform(1.0, 4.0)),
        consolidation=float(rng.uniform(0.0, 0.6)),
        familiar_consolidation=float(rng.uniform(0.0, 0.8)),
        salience_consolidation=float(rng.uniform(0.0, 0.9)),
    )


def built_world(n=2000, **over):
    """A scenario of ``n`` residents (with dotted overrides) and its world, built from seed 3."""
    s = Scenario().with_overrides({"population.residents": n, **over})
    return s, build_world(s, make_streams(3))

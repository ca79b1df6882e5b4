"""The attitudes kernels give, to the bit, the numpy anchors and weekly step they replaced.

Oracles: the numpy path (cpsim.kernels.numpy_path.attitudes), and its equations composed as
CommunityModel.anchors does through cpsim.mechanisms.trust (anchor, relax) and
cpsim.mechanisms.conditions.effectiveness_conditions.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from cpsim.kernels import attitudes
from cpsim.kernels.numpy_path import attitudes as numpy_path
from cpsim.mechanisms import trust
from cpsim.mechanisms.conditions import effectiveness_conditions
from cpsim.scenario import Scenario


def random_graph(rng, n):
    """CSR arrays of a random graph with some residents without ties."""
    deg = rng.integers(0, 12, n) * (rng.random(n) > 0.1)
    indptr = np.concatenate([[0], np.cumsum(deg)]).astype(np.int64)
    indices = rng.integers(0, n, int(indptr[-1])).astype(np.int32)
    return indptr, indices


def same_bits(a, b) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("seed", range(6))
def test_tie_mean_is_numpys(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 4000))
    indptr, indices = random_graph(rng, n)
    values = rng.standard_normal(n) * 10.0 ** rng.uniform(-8, 8, n)
    values[: min(n, 3)] = -0.0  # a first tie's -0.0 is where cumsum and 0.0 + x differ
    fallback = rng.random(n)
    assert same_bits(
        attitudes.tie_mean(indptr, indices, values, fallback), numpy_path.tie_mean(indptr, indices, values, fallback)
    )
    assert same_bits(
        trust.tie_mean(_Graph(indptr, indices), values, fallback),
        numpy_path.tie_mean(indptr, indices, values, fallback),
    )


class _Graph:
    def __init__(self, indptr, indices):
        self.indptr, self.indices = indptr, indices


@pytest.mark.parametrize("seed", range(6))
def test_anchors_are_the_numpy_composition(seed):
    rng = np.random.default_rng(seed)
    t = Scenario().trust
    n, n_places, n_beats, n_groups = int(rng.integers(1, 3000)), int(rng.integers(1, 300)), int(rng.integers(1, 9)), 3
    group = rng.integers(0, n_groups, n).astype(np.int8)
    place = rng.integers(0, n_places, n).astype(np.int32)
    beat = rng.integers(0, n_beats, n).astype(np.int32)
    memory_l, memory_e = rng.random(n_groups), rng.random(n_groups)
    local_l, local_e = rng.normal(0, 0.05, n_beats), rng.normal(0, 0.05, n_beats)
    disp_l, disp_e = rng.normal(0, 0.1, n), rng.normal(0, 0.1, n)
    att_l, att_e = rng.random(n), rng.random(n)
    disorder, seen = rng.random(n_places), rng.random(n)
    reference = {"disorder": float(rng.random()), "seen": float(rng.random()), "effectiveness": float(rng.random())}
    national = float(rng.normal(0, 0.05))
    indptr, indices = random_graph(rng, n)

    base_l = memory_l[group] + local_l[beat]
    base_e = memory_e[group] + local_e[beat]
    own_l = disp_l + t.performance_weight * (att_e - reference["effectiveness"])
    own_e = disp_e + effectiveness_conditions(disorder[place], seen, reference, t)
    expected = (
        trust.anchor(
            base_l + national,
            own_l,
            numpy_path.tie_mean(indptr, indices, att_l - base_l, att_l - base_l),
            t.social_weight,
        ),
        trust.anchor(
            base_e + national,
            own_e,
            numpy_path.tie_mean(indptr, indices, att_e - base_e, att_e - base_e),
            t.social_weight,
        ),
    )
    residents = SimpleNamespace(
        group=group, beat=beat, place=place, disposition_legitimacy=disp_l, disposition_effectiveness=disp_e,
        attitude_legitimacy=att_l, attitude_effectiveness=att_e,
    )  # fmt: skip
    memory = SimpleNamespace(group=np.column_stack([memory_l, memory_e]), beat=np.column_stack([local_l, local_e]))
    args = (residents, memory, national, reference, disorder, seen, SimpleNamespace(indptr=indptr, indices=indices), t)
    got = attitudes.anchors(*args)
    assert same_bits(got[0], expected[0]) and same_bits(got[1], expected[1])
    on_numpy = numpy_path.anchors(*args)
    assert same_bits(on_numpy[0], expected[0]) and same_bits(on_numpy[1], expected[1])


@pytest.mark.parametrize("seed", range(4))
def test_settle_is_relax(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 2000))
    a, target = rng.random(n), rng.random(n)
    b = a.copy()
    attitudes.settle(a, target, 0.93)
    trust.relax(b, target, 0.93)
    assert same_bits(a, b)


def test_bad_input_is_refused():
    indptr, indices = np.array([0, 1, 2]), np.array([1, 5], np.int32)
    with pytest.raises(ValueError, match=r"tie 1 names resident 5, not one of 0\.\.1"):
        attitudes.tie_mean(indptr, indices, np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="indptr must run from 0 to the 2 ties"):
        attitudes.tie_mean(np.array([0, 1, 1]), indices, np.zeros(2), np.zeros(2))
    with pytest.raises(TypeError, match="indices must be int32, not int64"):
        attitudes.tie_mean(indptr, indices.astype(np.int64), np.zeros(2), np.zeros(2))
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="attitude is read-only"):
        attitudes.settle(frozen, np.zeros(3), 0.5)

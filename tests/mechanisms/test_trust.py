"""cpsim/mechanisms/trust.py: how an experience is read and how far it moves trust (F1, F4, M6)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpsim.mechanisms import trust
from cpsim.mechanisms.trust import experience_delta, read_valence
from cpsim.scenario import Scenario
from cpsim.world.graph import from_edges

S = Scenario()


@pytest.mark.parametrize("ratio", [1.0, 4.0, 6.0, 14.0])
def test_bad_contact_moves_trust_ratio_times_a_good_one(ratio):
    x = np.array([0.5, 0.5])
    d = experience_delta(x, np.array([1.0, -1.0]), 0.05, ratio)
    assert d[0] > 0 > d[1]
    assert abs(d[1]) / d[0] == pytest.approx(ratio)


@given(x=st.floats(0, 1), v=st.floats(-1, 1), step=st.floats(0, 0.5), ratio=st.floats(1, 20))
def test_experience_keeps_trust_in_unit_interval(x, v, step, ratio):
    d = experience_delta(np.array([x]), np.array([v]), step, ratio)
    assert -1e-12 <= x + d[0] <= 1 + 1e-12


def test_prior_trust_colours_how_an_experience_is_read():
    v = read_valence(np.array([0.2, 0.2, -0.2, -0.2]), np.array([0.1, 0.9, 0.1, 0.9]), 0.3)
    assert v[0] < 0.2 < v[1]  # a good experience weighs more for the trusting (confirmation)
    assert v[2] < -0.2 < v[3]  # a bad one weighs more for the distrustful
    assert read_valence(np.array([0.2]), np.array([0.1]), 0.0)[0] == pytest.approx(0.2)


def test_a_neutral_experience_is_not_read_as_a_bad_one():
    # M6: the old additive reading turned a neutral contact negative for anyone below 0.5
    v = read_valence(np.zeros(3), np.array([0.05, 0.5, 0.95]), 1.0)
    assert (v == 0).all()
    # an experience against the prior is read weaker, never with the opposite sign
    assert (np.sign(read_valence(np.array([0.3, -0.3]), np.array([0.0, 1.0]), 0.9)) == [1, -1]).all()
    assert (read_valence(np.array([0.3, -0.3]), np.array([0.0, 1.0]), 1.0) == 0).all()


def test_strong_experiences_are_consolidated_more():
    k = trust.consolidation(S.trust, np.zeros(3), np.array([0.1, 0.5, -1.0]))
    assert k[0] < k[1] < k[2] <= 1.0


def test_one_visit_fades_but_the_attitude_keeps_a_share():
    x, a = np.array([0.6]), np.array([0.5])
    f = trust.decay_factor(S.trust.half_life_days)
    for _ in range(21):
        trust.relax(x, a, f)
    assert x[0] - 0.5 == pytest.approx(0.1 * 0.5 ** (21 / S.trust.half_life_days))


def test_tie_mean_and_anchor():
    g = from_edges(np.array([0, 0, 1]), np.array([1, 2, 2]), 4)  # a triangle and an isolated node
    values = np.array([0.2, 0.4, 0.6, 0.9])
    m = trust.tie_mean(g, values, values)
    assert m.tolist() == pytest.approx([0.5, 0.4, 0.3, 0.9])
    # shared memories whole, then the own part (0.2) and the ties' climate (0.1) mixed 3:1
    assert trust.anchor(np.array([0.5]), np.array([0.2]), np.array([0.1]), 0.25)[0] == pytest.approx(0.675)
    assert trust.anchor(np.array([0.9]), np.array([0.2]), np.array([0.1]), 0.25)[0] == 1.0  # clipped

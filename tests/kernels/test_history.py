"""The news-history kernel gives, to the bit, what the start's numpy loop over the days gave."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from resident_arrays import same_bits, trust_section, unit_values

from cpsim.kernels import compiled
from cpsim.kernels.numpy_path import history as numpy_path
from cpsim.mechanisms import trust as trust_mech
from cpsim.scenario import Scenario


def news_as_the_start_did(meetings, first_day, last_day, keep, prior, now, t):
    """cpsim.start._news's loop before the kernel: every resident faded every day from ``first_day``."""
    transient, kept = np.zeros((2, prior.size)), np.zeros((2, prior.size))
    steps = (t.positive_step_legitimacy, t.positive_step_effectiveness)
    ratios = (t.negativity_ratio_legitimacy, t.negativity_ratio_effectiveness)
    for day in range(first_day, last_day + 1):
        transient *= keep
        for viewers, weight, v_leg, v_eff in [m[1:] for m in meetings if m[0] == day]:
            read = [
                trust_mech.read_valence(np.full(viewers.size, v), prior[viewers], t.prior_bias) for v in (v_leg, v_eff)
            ]
            share = trust_mech.consolidation(t, 0.0, np.maximum(np.abs(read[0]), np.abs(read[1])), weight)
            for c in range(2):
                delta = trust_mech.experience_delta(now[c][viewers], read[c], steps[c] * weight, ratios[c])
                transient[c, viewers] += (1.0 - share) * delta
                kept[c, viewers] += share * delta
    return transient, kept


def random_meetings(rng, n: int, first_day: int, last_day: int, sort: bool):
    """Meetings on random days in order, several a day on some, each with residents repeated."""
    days = np.sort(rng.integers(first_day, last_day + 1, int(rng.integers(1, 30))))
    meetings = []
    for day in days:
        k = int(rng.integers(0, 2 * n))
        viewers = rng.integers(0, n, k)  # repeats: a resident met twice by one meeting
        if sort:  # as the news gives them: sorted, a resident's meetings of a day side by side
            viewers = np.sort(viewers)
        weight = rng.random(k) * rng.choice([0.0, 0.5, 1.0, 3.0], k)  # above 1 too, where salience stops growing
        v_leg, v_eff = (float(rng.choice([rng.uniform(-1, 1), 0.0, -0.0, 1.0, -1.0])) for _ in range(2))
        meetings.append((int(day), viewers.astype(np.int64), weight, v_leg, v_eff))
    return meetings


@pytest.mark.parametrize("seed", range(12))
def test_news_history_is_the_start_loop_to_the_bit(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    t = trust_section(rng, strong=seed % 2 == 1)
    prior, legitimacy, effectiveness = (unit_values(rng, n) for _ in range(3))
    first_day = -int(rng.integers(5, 80))
    last_day = int(rng.integers(first_day + 1, 3))
    meetings = random_meetings(rng, n, first_day, last_day, sort=seed % 3 != 0)
    keep = [trust_mech.decay_factor(float(rng.uniform(1, 90))), 1.0, 0.0, float(rng.random())][seed % 4]
    # The start faded from the 210th day before day 1, before any meeting: zeros faded, the same.
    want = news_as_the_start_did(meetings, first_day - 7, last_day, keep, prior, (legitimacy, effectiveness), t)
    reference = numpy_path.news_history(meetings, last_day, keep, prior, legitimacy, effectiveness, t)
    got = compiled.news_history(iter(meetings), last_day, keep, prior, legitimacy, effectiveness, t)
    for g, r, w in zip(got, reference, want, strict=True):
        assert same_bits(r, w)
        assert g.shape == (2, n)
        assert g.tobytes() == w.tobytes()


def test_a_resident_met_twice_by_one_meeting_takes_the_last_change_only():
    # numpy's gather, add and scatter: the last row's change lands, on the value before the meeting.
    t = Scenario().trust
    prior = legitimacy = effectiveness = np.array([0.5, 0.5])
    once = [(0, np.array([0]), np.array([1.0]), -0.8, -0.8)]
    twice = [(0, np.array([0, 0]), np.array([0.2, 1.0]), -0.8, -0.8)]
    for kernel in (compiled.news_history, numpy_path.news_history):
        a = kernel(once, 0, 0.9, prior, legitimacy, effectiveness, t)
        b = kernel(twice, 0, 0.9, prior, legitimacy, effectiveness, t)
        assert all(same_bits(np.ascontiguousarray(x), np.ascontiguousarray(y)) for x, y in zip(a, b, strict=True))
        assert a[0][0, 0] < 0


def test_no_meetings_leave_nothing():
    x = np.full(4, 0.5)
    for kernel in (compiled.news_history, numpy_path.news_history):
        transient, kept = kernel([], 0, 0.9, x, x, x, Scenario().trust)
        assert not transient.any() and not kept.any() and transient.shape == kept.shape == (2, 4)


def test_the_fading_is_one_multiply_a_day():
    # 1e-3 faded 200 days one multiply at a time, not by keep ** 200 (which rounds otherwise).
    t = SimpleNamespace(
        prior_bias=0.0,
        positive_step_legitimacy=1.0,
        positive_step_effectiveness=1.0,
        negativity_ratio_legitimacy=1.0,
        negativity_ratio_effectiveness=1.0,
        consolidation=0.0,
        familiar_consolidation=0.0,
        salience_consolidation=0.0,
    )
    keep = trust_mech.decay_factor(45.0)
    x = np.zeros(1)
    meetings = [(-200, np.array([0]), np.array([1.0]), 0.001, 0.001)]
    transient, _ = compiled.news_history(meetings, 0, keep, x, x, x, t)
    faded = 0.001
    for _ in range(200):
        faded *= keep
    assert transient[0, 0] == faded


@pytest.mark.parametrize("kernel", [compiled.news_history, numpy_path.news_history], ids=["compiled", "numpy"])
def test_meetings_out_of_day_order_and_odd_decay_factors_are_refused(kernel):
    x = np.full(3, 0.5)
    t = Scenario().trust
    one = (np.array([1]), np.array([1.0]), -0.5, -0.5)
    with pytest.raises(ValueError, match="meetings must come in day order"):
        kernel([(-2, *one), (-3, *one)], 0, 0.9, x, x, x, t)
    with pytest.raises(ValueError, match="none after day 0"):
        kernel([(1, *one)], 0, 0.9, x, x, x, t)
    for keep in (-0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="keep must be a decay factor"):
            kernel([(0, *one)], 0, keep, x, x, x, t)


def test_viewers_weights_and_days_the_kernel_cannot_take_are_refused_in_one_line():
    x = np.full(3, 0.5)
    t = Scenario().trust
    with pytest.raises(IndexError, match="viewer 3 out of range for 3 residents"):
        compiled.news_history([(0, np.array([0, 3]), np.ones(2), -0.5, -0.5)], 0, 0.9, x, x, x, t)
    with pytest.raises(ValueError, match="weight must have 2 values"):
        compiled.news_history([(0, np.array([0, 1]), np.ones(3), -0.5, -0.5)], 0, 0.9, x, x, x, t)
    with pytest.raises(TypeError, match="viewers must be int64"):
        compiled.news_history([(0, np.array([0.0]), np.ones(1), -0.5, -0.5)], 0, 0.9, x, x, x, t)
    with pytest.raises(ValueError, match="days must fit in 32 bits"):
        compiled.news_history([], 2**40, 0.9, x, x, x, t)
    with pytest.raises(ValueError, match="legitimacy must have 3 values"):
        compiled.news_history([], 0, 0.9, x, x[:2], x, t)

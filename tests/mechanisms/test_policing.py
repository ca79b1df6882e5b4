"""cpsim/mechanisms/policing.py: the time budget, and who handles a contact."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from resident_arrays import built_world

from cpsim.mechanisms import policing
from cpsim.mechanisms.policing import Roster, pick_officers
from cpsim.scenario import Scenario

S = Scenario()


def test_calls_take_hours_first_and_a_cut_goes_in_priority_order():
    pol = S.policing
    on = np.array([2.0, 2.0])
    hours, admin, share, _ = policing.allocate_hours(on, 10.0, np.array([1.0, 1.0]), pol, S.patrol, S.enforcement)
    assert share == 1.0 and hours["response"].sum() == pytest.approx(10.0)
    assert hours["community"].tolist() == [1.0, 1.0]
    # calls beyond capacity: everything goes to response, nothing left for the rest
    hours, _, share, _ = policing.allocate_hours(on, 1000.0, np.array([1.0, 1.0]), pol, S.patrol, S.enforcement)
    assert share < 0.05 and hours["foot"].sum() == 0 and hours["car"].sum() == 0
    cut = S.with_overrides({"policing.budget_cut": 0.1}).policing
    hours, admin_cut, _, _ = policing.allocate_hours(on, 10.0, np.array([1.0, 1.0]), cut, S.patrol, S.enforcement)
    assert hours["community"].sum() == 0  # community work goes first
    assert hours["response"].sum() == pytest.approx(10.0)  # response last
    assert admin_cut.sum() == pytest.approx(0.9 * admin.sum())


def officers(beat, on_duty):
    beat = np.asarray(beat)
    return SimpleNamespace(beat=beat, on_duty=np.asarray(on_duty, bool), n=beat.size)


def test_a_roster_picks_as_a_fresh_grouping_does_and_follows_duty_changes():
    off = officers([0, 1, 1, -1, 2, 0, 2, 1], [1, 1, 0, 1, 1, 1, 0, 1])
    roster = Roster(3)
    beats = np.random.default_rng(0).integers(0, 3, 50)
    for day in range(3):
        cached = pick_officers(off, beats, np.random.default_rng(day), roster)
        fresh = pick_officers(off, beats, np.random.default_rng(day))
        assert np.array_equal(cached, fresh)
        assert (off.beat[cached] == beats).all()  # every beat has someone on duty here
        off.on_duty[:] = np.roll(off.on_duty, 1)  # tomorrow's rota: the roster must notice
    off.on_duty[:] = False  # nobody on: anyone may be sent
    assert set(pick_officers(off, beats, np.random.default_rng(9), roster)) <= set(range(off.n))


def test_rota_keeps_every_team_that_can_cover_a_beat_covered():
    s, w = built_world(10_000, **{"population.beats": 12})
    off = w.officers
    phase = policing.rota_phases(off, 12)
    teams = np.bincount(off.beat[off.beat >= 0], minlength=12)
    share = s.policing.duty_share
    for day in range(1, 366):
        on = policing.draw_duty(off, share, day, phase, 12)
        assert (on == np.bincount(off.beat[off.on_duty & (off.beat >= 0)], minlength=12)).all()
        assert (on >= np.floor(teams * share)).all() and (on <= np.ceil(teams * share)).all()
    days_on = np.mean([np.mod(d * policing.ROTA_STEP + phase, 1.0) < share for d in range(1, 3651)], axis=0)
    assert days_on == pytest.approx(np.full(off.n, share), abs=0.01)


def test_rotation_swaps_beats_so_teams_keep_their_size_and_steady_officers_stay():
    s, w = built_world(10_000, **{"population.beats": 8})
    off = w.officers
    teams = np.bincount(off.beat[off.beat >= 0], minlength=8)
    steady = np.zeros(off.n, bool)
    steady[:3] = True
    start = off.beat.copy()
    rng = np.random.default_rng(4)
    moved = 0.0
    for _ in range(400):
        moved += policing.rotate(off, 8, 30.0, rng, steady).sum()
        assert (np.bincount(off.beat[off.beat >= 0], minlength=8) == teams).all()
    assert (off.beat[:3] == start[:3]).all() and moved > 0


def test_rotation_moves_each_officer_about_once_per_rotation_period():
    s, w = built_world(10_000, **{"population.beats": 8})
    off = w.officers
    rng = np.random.default_rng(5)
    moves, days, period = 0, 3_000, 180.0
    for _ in range(days):
        before = off.beat.copy()
        policing.rotate(off, 8, period, rng)
        moves += int((off.beat != before).sum())
    per_officer_year = moves / (off.beat >= 0).sum() / days * 365
    assert per_officer_year == pytest.approx(365 / period, rel=0.15)

"""What programs cost: sessions counted as held, priced by the scenario's [costs] section."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpsim import simulate
from cpsim.studies.costs import run_costs

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ("beat_meetings", "listening_sessions", "coffee_with_cop", "block_parties", "athletic_league")
DAYS = 120


@pytest.mark.parametrize("program", EVENTS)
def test_event_programs_cost_the_sessions_they_held(program):
    # 10,000 residents in 8 beats: some cycles' meetings spread over two days (a beat holds its
    # meeting on its first day with hours granted), so a cycle has several log rows.
    result = simulate(ROOT / "scenarios" / f"{program}.toml", seed=1, days=DAYS)
    log = result.extra[program]
    beats = result.scenario.population.beats
    per_cycle = log.groupby("cycle")["beats"].sum()
    assert (per_cycle <= beats).all()  # every beat meets at most once a cycle
    out = run_costs(result)
    held = float(log["beats"].sum())
    assert out[f"sessions.{program}"] == held
    assert held <= per_cycle.size * beats
    prices = result.scenario.costs
    expected = getattr(prices, f"{program}_session") * held + getattr(prices, f"{program}_fixed") * DAYS / 365
    assert out[f"cost.{program}"] == pytest.approx(expected)


def test_a_cycle_spread_over_days_is_costed_once():
    # The log of the beat-meetings scenario has more event days than cycles here: costing every
    # row as a meeting in every beat would count more meetings than cycles x beats.
    result = simulate(ROOT / "scenarios" / "beat_meetings.toml", seed=1, days=DAYS)
    log = result.extra["beat_meetings"]
    assert len(log) > log["cycle"].nunique()
    assert run_costs(result)["sessions.beat_meetings"] == log["cycle"].nunique() * result.scenario.population.beats


def test_a_round_of_watch_meetings_spread_over_days_is_costed_once():
    # 3,000 residents in 4 beats, seed 4: the second round's beats meet on days 121 and 122 (each
    # on its first day with officer hours), two log rows of one round.
    town = {"population.residents": 3000, "population.beats": 4}
    result = simulate(ROOT / "scenarios" / "watch.toml", seed=4, days=150, overrides=town)
    log = result.extra["watch"]
    assert log["day"].tolist() == [62, 121, 122]
    out = run_costs(result)
    assert out["sessions.watch"] == 2
    prices = result.scenario.costs
    assert out["cost.watch"] == pytest.approx(prices.watch_session * 2 + prices.watch_fixed * 150 / 365)

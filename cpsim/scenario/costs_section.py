"""The ``[costs]`` section: what officer hours and programs cost, in currency.

Costs never change the simulation; they price what a run used, so that comparisons can
report cost and cost-effectiveness in currency as well as in officer hours
(cpsim/studies/costs.py). An officer hour is priced by the activity it was spent on (a car
patrol hour also runs a car); a program adds its own cash costs beyond officer time: a
fixed cost per year while it runs and a cost per session (the unit of each program is
named in its key's meaning). Defaults are US dollars of 2024.

Sources: BLS Occupational Employment and Wage Statistics (OEWS) for wages, BLS Employer
Costs for Employee Compensation (ECEC) for benefits, the IRS standard mileage rate for a
car, and published program evaluations where they exist; "assumption" with the
reasoning where none does.
"""

from __future__ import annotations

from dataclasses import dataclass

from cpsim.scenario.params import param

ASSUME = "assumption"
# Salary and benefits per hour worked: OEWS mean wage of police and sheriff's patrol officers
# (33-3051), $37.93/h in the US; benefits are ~38% of state and local government compensation
# (ECEC, Sept 2021: 38.0%; Sept 2019: 37.7%), so compensation is about wage / 0.62 = $61.
SWORN = (
    "BLS OEWS 33-3051 police and sheriff's patrol officers: US mean wage $37.93/h (as tabulated by Minnesota DEED); "
    "BLS ECEC: benefits 38% of state and local government compensation (2019-2021); 37.93 / 0.62 = $61, "
    "rounded to $60; local pay varies ~2x"
)
# A car: the IRS standard mileage rate (fuel, maintenance, depreciation, insurance).
CAR = (
    "the sworn hour ($60) plus a patrol car: IRS standard mileage rate 2024 $0.67/mile (IRS-2023-239) "
    "x ~10 miles an hour (assumption)"
)
HOUR_LO, HOUR_HI = 0, 500


def _hour(default: float, activity: str, source: str) -> float:
    return param(default, "USD/hour", HOUR_LO, HOUR_HI, f"Cost of an officer hour of {activity}", source)


def _fixed(default: float, program: str, source: str = ASSUME + ": the program's cost is officer time only") -> float:
    return param(default, "USD/year", 0, 10_000_000, f"Cash cost per year of {program} beyond officer time", source)


def _session(default: float, unit: str, source: str = ASSUME + ": the program's cost is officer time only") -> float:
    return param(default, "USD", 0, 1_000_000, f"Cash cost per {unit} beyond officer time", source)


@dataclass(frozen=True)
class Costs:
    """Prices of officer hours by activity and of programs' cash costs (no effect on the simulation)."""

    currency: str = param("USD", "", None, None, "Currency of every cost in this section", ASSUME)
    price_year: int = param(2024, "year", 1900, 2100, "Year of the prices", "the sources below (2019-2024 data)")
    hour_response: float = _hour(67.0, "call response (in a car)", CAR)
    hour_foot: float = _hour(60.0, "foot patrol", SWORN)
    hour_car: float = _hour(67.0, "car patrol", CAR)
    hour_enforcement: float = _hour(67.0, "proactive enforcement (in a car)", CAR)
    hour_community: float = _hour(60.0, "community work (programs)", SWORN)
    hour_admin: float = _hour(60.0, "administration", SWORN)
    beat_meetings_fixed: float = _fixed(0.0, "beat meetings")
    beat_meetings_session: float = _session(
        150.0,
        "beat meeting held in one beat",
        "assumption: a room, refreshments and notices; CAPS meetings used free park and church halls (range 0-500)",
    )
    listening_sessions_fixed: float = _fixed(0.0, "listening sessions")
    listening_sessions_session: float = _session(
        500.0,
        "listening session held in one beat",
        "assumption: venue, a facilitator and interpretation for a few hours (range 0-3000)",
    )
    coffee_with_cop_fixed: float = _fixed(0.0, "Coffee with a Cop")
    coffee_with_cop_session: float = _session(
        75.0,
        "Coffee with a Cop event in one beat",
        "assumption: coffee for 20-30 people; often donated by the cafe (range 0-300)",
    )
    block_parties_fixed: float = _fixed(0.0, "block parties")
    block_parties_session: float = _session(
        1000.0,
        "block party or cleanup in one beat",
        "assumption: permits, food, supplies and a dumpster for a cleanup (range 200-5000)",
    )
    athletic_league_fixed: float = _fixed(
        100_000.0,
        "a police athletic league (coordinator, venue)",
        "assumption informed by City of Dublin (CA) 2008 staff report: first-year cost of a PAL chapter $221,180, "
        "staff included (range 20,000-250,000)",
    )
    athletic_league_session: float = _session(
        100.0, "league session in one beat", "assumption: equipment, transport and snacks (range 0-500)"
    )
    mentorship_fixed: float = _fixed(0.0, "youth mentorship")
    mentorship_session: float = _session(
        40.0,
        "mentoring meeting held",
        "Big Brothers Big Sisters marginal cost $80 per mentor-month (PMC7442254, 2020), two meetings a month "
        "(range 20-150)",
    )
    liaison_fixed: float = _fixed(0.0, "community liaison officers")
    liaison_session: float = _session(0.0, "resident helped by a liaison officer")
    watch_fixed: float = _fixed(0.0, "neighbourhood watch")
    watch_session: float = _session(
        200.0,
        "round of watch meetings (all groups)",
        "assumption: signs, newsletters and a meeting room across the city's groups (range 0-1000)",
    )
    neighbourhood_fixed: float = _fixed(0.0, "steady beat (neighbourhood) officers")
    neighbourhood_session: float = _session(0.0, "day of steady-officer community work")
    hotspots_fixed: float = _fixed(0.0, "hot-spot patrol")
    hotspots_session: float = _session(
        0.0, "day of hot-spot patrol", "assumption: officer time only (crime analysis to pick spots is in admin)"
    )
    co_responder_fixed: float = _fixed(0.0, "co-responder teams")
    co_responder_session: float = _session(
        100.0,
        "crisis call handled with a clinician",
        "PERF Daily Critical Issues Report, March 2021 (Fort Collins): a co-responder call averaged under $100 "
        "(range 50-400)",
    )
    training_fixed: float = _fixed(0.0, "procedural-justice training")
    training_session: float = _session(
        150.0,
        "officer trained",
        "assumption: an 8-hour course for ~30 officers led by a two-person team (UIC CPSJ format) at ~$4,500 a "
        "course day (range 50-500); the officers' hours are costed as community hours",
    )
    orientation_fixed: float = _fixed(0.0, "new-officer orientation")
    orientation_session: float = _session(0.0, "orientation completed")
    focused_deterrence_fixed: float = _fixed(
        50_000.0,
        "focused deterrence (a coordinator, call-in venues)",
        "assumption: a part-time coordinator; Oakland Ceasefire ran a city-wide section (range 0-500,000)",
    )
    focused_deterrence_session: float = _session(
        2000.0,
        "participant served at a call-in (services: life coaching, jobs, housing help)",
        "assumption: months of life coaching and referrals per participant (range 500-10,000)",
    )
    transparency_fixed: float = _fixed(
        25_000.0,
        "transparency dashboards (software, hosting)",
        "assumption: a hosted dashboard subscription and data work (range 0-150,000)",
    )
    transparency_session: float = _session(0.0, "release")


COST_SECTIONS: dict[str, type] = {"costs": Costs}

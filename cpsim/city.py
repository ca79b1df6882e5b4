"""The model's own state: what a run keeps besides the world's arrays, declared like them.

``Frame`` holds what the world implies and the run never changes (counts per beat and group,
the offenders, the weights draws are made by); ``Neighbourhoods`` and ``City`` hold what moves
from day to day (running averages, presence, the national mood, what residents see, the day's
crisis calls). Every field is declared with ``state()`` (unit, meaning, dtype) and the dtypes
are checked when the model is built (``check_dtypes``). The start of a run (cpsim/start.py) and
the day's phases (cpsim/model.py) share the few computations both need from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cpsim.mechanisms import conditions as conditions_mech
from cpsim.mechanisms import crime as crime_mech
from cpsim.mechanisms import enforcement as enf_mech
from cpsim.mechanisms import incidents as incidents_mech
from cpsim.mechanisms import patrol as patrol_mech
from cpsim.mechanisms import safety as safety_mech
from cpsim.mechanisms.trust import decay_factor
from cpsim.world.layout import beat_index
from cpsim.world.state import state

WEEK = 7  # days between updates of what moves slowly: attitudes' anchors, what residents see


@dataclass
class Neighbourhoods:
    """Running averages of what officers, departments and residents sense, per beat, place or city."""

    audience_sum: np.ndarray = state(
        "0–1 x contacts",
        "Per beat, the decaying sum of the legitimacy of residents met on routine work",
        dtype="float64",
    )
    audience_count: np.ndarray = state(
        "contacts", "Per beat, the decaying count of residents met on routine work", dtype="float64"
    )
    audience: np.ndarray = state(
        "0–1", "Per beat, the legitimacy of the residents officers met (sum / count)", dtype="float64"
    )
    normal: np.ndarray = state(
        "0–1", "Per beat, the audience legitimacy officers are used to (follows `audience`)", dtype="float64"
    )
    recorded: np.ndarray = state(
        "crimes/day", "Per beat, recorded crimes a day (what crime reviews see)", dtype="float64"
    )
    expected: np.ndarray = state(
        "crimes/day",
        "Per beat, the recorded crimes a day the department expects (follows `recorded`)",
        dtype="float64",
    )
    victimisation: np.ndarray = state(
        "per resident/day", "Per beat, true victimisations per resident a day", dtype="float64"
    )
    foot: np.ndarray = state("hours/day", "Per place, hours of police seen on foot a day", dtype="float64")
    reference: dict[str, float] = state(
        "per key",
        'What residents are used to, city means that follow what the city shows ("disorder", "seen", "effectiveness")',
    )


@dataclass
class City:
    """What else the city carries from day to day: presence, the national mood, waves, what residents see."""

    presence_per_1000: np.ndarray = state(
        "hours/day per 1000",
        "Per beat, street hours per 1,000 residents, a running average (deters crime)",
        dtype="float64",
    )
    national: float = state(
        "0–1 scale, ±", "The national mood about police, added to every group's memory (moves weekly)", dtype="float64"
    )
    waves: np.ndarray = state("log factor", "Per beat, the violence wave of violent offending", dtype="float64")
    wave_factor: np.ndarray = state("1", "Per beat, the wave's factor on violent crime (moves weekly)", dtype="float64")
    seen: np.ndarray = state(
        "share", "Per resident, the chance of seeing police on foot in a week (weekly)", dtype="float64"
    )
    safety_target: np.ndarray = state(
        "0–1", "Per resident, the perceived safety the surroundings warrant (weekly)", dtype="float64"
    )
    targeting: np.ndarray = state(
        "1", "Per beat, the multiplier of proactive hours crime reviews set (weekly)", dtype="float64"
    )
    crisis_calls: np.ndarray = state("index", "Residents whose answered help call today is a crisis", dtype="int64")
    crisis_draws: np.ndarray = state("0–1", "Per crisis call today, the draw that decides force", dtype="float64")
    crisis_claimed: np.ndarray = state(
        "yes/no", "Per crisis call today, whether a co-responder team took it", dtype="bool"
    )


@dataclass
class Frame:
    """What the world implies and a run never changes: counts, offenders, the weights of draws."""

    n_beats: int = state("count", "Police beats", dtype="int64")
    beat_residents: np.ndarray = state("persons", "Residents per beat", dtype="int64")
    group_residents: np.ndarray = state("persons", "Residents per group", dtype="int64")
    group_residents_list: list[int] = state("persons", "Residents per group, as numbers (the day's figures read it)")
    offender_idx: np.ndarray = state("index", "Residents who offend", dtype="int64")
    offender_beats: np.ndarray = state("index", "Each offender's beat (residents keep their beat)")
    offenders_by_beat: tuple[np.ndarray, np.ndarray] = state(
        "index", "Offenders in beat order, and where each beat's run starts (world.layout.beat_index)"
    )
    initial_offending: np.ndarray = state(
        "offending", "Per beat, the offending of its offenders, all free (at least 1e-12)", dtype="float64"
    )
    guard_mean: float = state("0–1", "Mean place guardianship, by residents (normalises guardianship)", dtype="float64")
    group_quality: np.ndarray = state(
        "quality", "Per group, the shift of procedural quality officers give (policing.group_quality_shift)",
        dtype="float64",
    )  # fmt: skip
    classes: incidents_mech.Classes = state("index", "Residents by group and beat (who meets an incident's news)")
    officers_per_team: np.ndarray = state(
        "officers", "Per beat, its team of beat officers (rotation swaps officers, teams keep their size)",
        dtype="float64",
    )  # fmt: skip
    place_beat_risk: np.ndarray = state(
        "1", "Per place, the total risk of its beat (foot patrol's spread; risk is fixed)", dtype="float64"
    )
    street_cumw: np.ndarray = state("hours", "Street-time weights in beat order, cumulated", dtype="float64")
    stop_cumw: np.ndarray = state(
        "1", "Stop weights in beat order, cumulated, at the start (programs that weigh stops replace the model's)",
        dtype="float64",
    )  # fmt: skip

    @classmethod
    def of(cls, world, params) -> Frame:
        """The frame of a built world under a scenario."""
        res, pl, n_beats = world.residents, world.places, world.n_beats
        offender_idx = np.flatnonzero(res.offending > 0)
        offender_beats = res.beat[offender_idx]
        officers = world.officers
        group_residents = np.bincount(res.group, minlength=len(params.population.group_names))
        return cls(
            n_beats=n_beats,
            beat_residents=np.bincount(res.beat, minlength=n_beats),
            group_residents=group_residents,
            group_residents_list=group_residents.tolist(),
            offender_idx=offender_idx,
            offender_beats=offender_beats,
            offenders_by_beat=beat_index(offender_beats, n_beats),
            # crime.*_per_1000 are the rates of a beat whose offenders are all free and at the reference legitimacy.
            initial_offending=np.maximum(
                np.bincount(offender_beats, weights=res.offending[offender_idx], minlength=n_beats), 1e-12
            ),
            guard_mean=float(np.average(pl.guardianship, weights=pl.residents)),
            group_quality=np.asarray(params.policing.group_quality_shift, float),
            classes=incidents_mech.Classes.of(res.group, res.beat, len(params.population.group_names), n_beats),
            officers_per_team=np.bincount(officers.beat[officers.beat >= 0], minlength=n_beats).astype(float),
            place_beat_risk=patrol_mech.beat_risk_at_places(pl, n_beats),
            street_cumw=patrol_mech.street_cumweights(res),
            stop_cumw=enf_mech.stop_cumweights(res),
        )


def decay_factors(p) -> dict[str, float]:
    """Share of a deviation left after a day (or a week, for what moves weekly), by what decays."""
    return {
        "trust": decay_factor(p.trust.half_life_days),
        "attitude": decay_factor(p.trust.attitude_half_life_days) ** WEEK,
        "reference": decay_factor(p.trust.reference_half_life_days) ** WEEK,
        "fam": decay_factor(p.patrol.familiarity_half_life_days),
        "safety": decay_factor(p.safety.half_life_days),
        "disorder": decay_factor(p.crime.disorder_half_life_days),
        "presence": decay_factor(p.patrol.presence_half_life_days),
        "climate": decay_factor(p.policing.climate_half_life_days),
        "normal": decay_factor(p.policing.audience_adaptation_days),
        "review": decay_factor(p.enforcement.review_half_life_days),
        "expectation": decay_factor(p.enforcement.expectation_half_life_days) ** WEEK,
        "wave": decay_factor(p.crime.wave_half_life_days) ** WEEK,
    }


def expected_by_type(world, params, frame: Frame, city: City, day: int) -> np.ndarray:
    """Expected victimisations per type (row 0 violent, row 1 property) and place on a day (before Poisson noise)."""
    res = world.residents
    active = crime_mech.active_offending(
        res, frame.offender_idx, params.reporting.reference_legitimacy, params.crime.compliance, day
    )
    factor = crime_mech.relative_offending(frame.offender_beats, active, frame.initial_offending)
    return crime_mech.expected_by_type(
        world.places, factor, city.presence_per_1000, params.crime, frame.guard_mean, city.wave_factor
    )


def look(world, params, hood: Neighbourhoods) -> tuple[np.ndarray, np.ndarray]:
    """What residents see (police on foot in a week) and the perceived safety their surroundings warrant."""
    res = world.residents
    seen = conditions_mech.seen_weekly(res, hood.foot, params.patrol.sighting_rate)
    return seen, safety_mech.safety_target(res, world.places.disorder[res.place], seen, hood.reference, params.safety)

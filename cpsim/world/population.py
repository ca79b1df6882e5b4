"""Residents, places and officers built straight into numpy arrays.

The population is a struct of arrays: per-resident state lives in one array per
variable, so every daily mechanism is a vectorised operation over all residents. Mesa
agents (cpsim.agents) are thin views onto these arrays. Every array is declared with its
unit and meaning (``cpsim.world.state.state``); ODD §2's tables are generated from them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cpsim.world.areas import area_layout, place_risk
from cpsim.world.layout import beat_index, stable_order
from cpsim.world.state import state

# Starting attitudes and safety stay off the ends of the 0-1 scale (a guard on the normal
# draws' tails, not a modelling choice: at 0.15 SD fewer than 1 in 100 residents reach them).
START_LIMITS = (0.01, 0.99)


def _index() -> np.ndarray:
    return np.empty(0, np.int64)


@dataclass
class Residents:
    """Per-resident state (index i is resident i)."""

    beat: np.ndarray = state("index", "Police beat the resident lives in")
    place: np.ndarray = state("index", "Home street segment (place)")
    household: np.ndarray = state("index", "Household (consecutive residents of one place)")
    group: np.ndarray = state("index", "Resident group (index into `population.group_names`)")
    youth: np.ndarray = state("yes/no", "In the 12–24 age band")
    engagement: np.ndarray = state("0–1", "Civic engagement (Beta distributed)")
    offender: np.ndarray = state("yes/no", "An active offender")
    offending: np.ndarray = state(
        "1", "Offending rate relative to the typical offender (lognormal among offenders, 0 for others)"
    )
    legitimacy: np.ndarray = state(
        "0–1", "Perceived legitimacy (procedural fairness) as a survey would measure it today"
    )
    effectiveness: np.ndarray = state("0–1", "Perceived effectiveness as a survey would measure it today")
    trust: np.ndarray = state(
        "0–1", "Trust index `w * legitimacy + (1 - w) * effectiveness`, w = `trust.legitimacy_weight`"
    )
    attitude_legitimacy: np.ndarray = state(
        "0–1",
        "Long-run legitimacy attitude the current value fades back to; keeps a share of each experience"
        " and settles toward its anchor",
    )
    attitude_effectiveness: np.ndarray = state(
        "0–1", "Long-run effectiveness attitude, as `attitude_legitimacy` for effectiveness"
    )
    disposition_legitimacy: np.ndarray = state(
        "0–1 scale, ±", "Stable personal part of the legitimacy anchor (difference from the shared memories)"
    )
    disposition_effectiveness: np.ndarray = state(
        "0–1 scale, ±", "Stable personal part of the effectiveness anchor (difference from the shared memories)"
    )
    safety: np.ndarray = state("0–1", "Perceived safety")
    base_safety: np.ndarray = state("0–1", "Personal baseline of perceived safety (before disorder at home)")
    familiarity: np.ndarray = state("0–1", "Familiarity with the beat's officer team")
    free_day: np.ndarray = state("day", "First day an offender in custody is back on the street (0: never held)")
    contacted: np.ndarray = state("yes/no", "Has had a police contact since the start")
    victimized: np.ndarray = state("yes/no", "Has been victimised since the start")
    stop_weight: np.ndarray = state(
        "1", "Propensity to be stopped: product of the `enforcement.*_stop_ratio` that apply; programs may scale it"
    )
    street_time: np.ndarray = state(
        "1", "Time spent out on the street, relative (lognormal; youth × `population.youth_street_ratio`)"
    )
    by_beat: np.ndarray = state("index", "Residents sorted by beat (lookup, built once)", _index)
    beat_start: np.ndarray = state("index", "Start of each beat's run in `by_beat` (lookup, built once)", _index)
    by_place: np.ndarray = state("index", "Residents sorted by place (lookup, built once)", _index)
    place_start: np.ndarray = state("index", "Start of each place's run in `by_place` (lookup, built once)", _index)

    @property
    def n(self) -> int:
        """Number of residents."""
        return len(self.beat)


@dataclass
class Places:
    """Per-place (street segment) state."""

    beat: np.ndarray = state("index", "Police beat the place is in")
    risk: np.ndarray = state("1", "Crime risk multiplier (resident-weighted mean 1; includes the beat's risk)")
    residents: np.ndarray = state("count", "Residents living at the place")
    guardianship: np.ndarray = state("0–1", "Mean civic engagement of the place's residents")
    base_disorder: np.ndarray = state("0–1", "Visible disorder the place settles back to")
    disorder: np.ndarray = state("0–1", "Visible disorder today (raised by crime, lowered by programs)")
    extra_guardianship: np.ndarray = state("0–1", "Guardianship added by programs (watch groups)")
    hotspot_hours: np.ndarray = state("hours/day", "Police hours on foot at the place today (routine and directed)")

    @property
    def n(self) -> int:
        """Number of places."""
        return len(self.beat)


@dataclass
class Officers:
    """Per-officer state; beat -1 means a non-beat assignment (investigations, staff)."""

    beat: np.ndarray = state("index", "Assigned beat (−1: investigations, staff and other non-beat work)")
    skill: np.ndarray = state("0–1", "Procedural skill: the typical procedural quality of the officer's contacts")
    on_duty: np.ndarray = state("yes/no", "Working today (rota)")
    hours: dict[str, np.ndarray] = state("hours", "Hours since the start, one array per activity (and `admin`)")

    @property
    def n(self) -> int:
        """Number of sworn officers."""
        return len(self.beat)


def _beta(rng: np.random.Generator, mean: float, conc: float, n: int) -> np.ndarray:
    return rng.beta(mean * conc, (1.0 - mean) * conc, n)


def build_residents_and_places(scenario, rng: np.random.Generator) -> tuple[Residents, Places, np.ndarray]:
    """Draw the population: beats, groups, places, households, engagement, offenders, trust.

    Args:
        scenario: The validated scenario.
        rng: The population stream.

    Returns:
        Residents, Places and the beat-level risk multipliers.

    """
    pop = scenario.population
    n, n_beats = pop.residents, min(pop.beats, pop.residents)
    shares = np.asarray(pop.group_shares, float)

    if scenario.areas.path:  # a city from a table of areas: sizes, groups and risk are the table's
        beat, group, beat_risk = area_layout(scenario)
    else:
        beat, group, beat_risk = _drawn_layout(pop, n, n_beats, shares, rng)

    # Places: a beat's residents spread over its street segments.
    per_beat = np.bincount(beat, minlength=n_beats)
    k = np.maximum(1, np.round(per_beat / pop.residents_per_place)).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(k)])
    place = (offsets[beat] + (rng.random(n) * k[beat]).astype(np.int64)).astype(np.int32)
    n_places = int(offsets[-1])
    place_beat = np.repeat(np.arange(n_beats), k).astype(np.int32)
    place_res = np.bincount(place, minlength=n_places)
    draw = rng.lognormal(0.0, pop.place_risk_sigma, n_places)
    if scenario.areas.path:  # each area's mean risk is its table value
        risk = place_risk(draw, place_beat, place_res, beat_risk)
    else:
        raw = draw * beat_risk[place_beat]
        risk = raw / (np.sum(raw * place_res) / n)  # resident-weighted mean of 1

    by_place = stable_order(place)
    place_start = np.concatenate([[0], np.cumsum(place_res)])
    # Households: consecutive runs of residents within a place.
    rank_in_place = np.empty(n, np.int64)
    rank_in_place[by_place] = np.arange(n) - np.repeat(place_start[:-1], place_res)
    hh_size = max(pop.household_size, 1.0)
    household = place.astype(np.int64) * 10_000 + (rank_in_place / hh_size).astype(np.int64)
    order = stable_order(household)
    first = np.concatenate([[True], household[order][1:] != household[order][:-1]])
    household = np.empty(n, np.int64)
    household[order] = np.cumsum(first) - 1

    youth = rng.random(n) < pop.youth_share
    engagement = _beta(rng, pop.engagement_mean, pop.engagement_concentration, n)
    # Offender odds: youth_offender_ratio times adults', overall share offender_share.
    p_adult = _solve_adult_share(pop.offender_share, pop.youth_share, pop.youth_offender_ratio)
    odds = p_adult / (1 - p_adult) if p_adult < 1 else np.inf
    p_youth = pop.youth_offender_ratio * odds / (1 + pop.youth_offender_ratio * odds)
    offender = rng.random(n) < np.where(youth, p_youth, p_adult)
    # Offending is heavy tailed among offenders (a few commit most offences).
    offending = np.where(offender, rng.lognormal(0.0, pop.offending_sigma, n), 0.0)

    t = scenario.trust
    mean = np.asarray(t.initial_by_group, float)[group]
    # Each resident's stable personal view of police, one part per component; both load on a
    # shared normal, so they correlate as trust.component_correlation.
    shared, own = math.sqrt(t.component_correlation), math.sqrt(1.0 - t.component_correlation)
    common = rng.standard_normal(n)
    disp_legit = t.disposition_sd * (shared * common + own * rng.standard_normal(n))
    disp_eff = t.disposition_sd * (shared * common + own * rng.standard_normal(n))
    # A first guess of where attitudes settle; the model settles them at their anchors (cpsim.model).
    legit = np.clip(mean + (1.0 - t.social_weight) * disp_legit, *START_LIMITS)
    eff = np.clip(mean + (1.0 - t.social_weight) * disp_eff, *START_LIMITS)
    w = t.legitimacy_weight
    safety0 = np.clip(scenario.safety.initial + scenario.safety.initial_sd * rng.standard_normal(n), *START_LIMITS)

    e = scenario.enforcement
    stop_weight = (
        np.asarray(e.group_stop_ratio, float)[group]
        * np.where(youth, e.youth_stop_ratio, 1.0)
        * np.where(offender, e.offender_stop_ratio, 1.0)
    )

    residents = Residents(
        beat=beat,
        place=place,
        household=household.astype(np.int64),
        group=group,
        youth=youth,
        engagement=engagement,
        offender=offender,
        offending=offending,
        legitimacy=legit,
        effectiveness=eff,
        trust=w * legit + (1 - w) * eff,
        attitude_legitimacy=legit.copy(),
        attitude_effectiveness=eff.copy(),
        disposition_legitimacy=disp_legit,
        disposition_effectiveness=disp_eff,
        safety=safety0.copy(),
        base_safety=safety0,
        familiarity=np.zeros(n),
        free_day=np.zeros(n, np.int32),
        contacted=np.zeros(n, bool),
        victimized=np.zeros(n, bool),
        stop_weight=stop_weight,
        street_time=rng.lognormal(0.0, pop.street_time_sigma, n) * np.where(youth, pop.youth_street_ratio, 1.0),
    )
    residents.by_beat, residents.beat_start = beat_index(beat, n_beats)
    residents.by_place, residents.place_start = by_place, place_start

    guard = np.bincount(place, weights=engagement, minlength=n_places) / np.maximum(place_res, 1)
    dis = np.clip(scenario.crime.disorder_mean * risk**scenario.crime.disorder_risk_exponent, 0.0, 1.0)
    places = Places(
        beat=place_beat,
        risk=risk,
        residents=place_res,
        guardianship=guard,
        base_disorder=dis,
        disorder=dis.copy(),
        extra_guardianship=np.zeros(n_places),
        hotspot_hours=np.zeros(n_places),
    )
    return residents, places, beat_risk


def _drawn_layout(
    pop, n: int, n_beats: int, shares: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Beat and group of every resident and each beat's risk, drawn (a city without an areas file)."""
    beat_risk = rng.lognormal(0.0, pop.beat_risk_sigma, n_beats)
    beat_risk /= beat_risk.mean()

    group = rng.choice(len(shares), size=n, p=shares).astype(np.int8)
    # Groups cluster by beat; the last groups take the riskier beats when disadvantage > 0
    # (concentrated disadvantage), so group, risk and trust line up as in US cities.
    order_key = pop.disadvantage * _ranks(beat_risk) + (1 - pop.disadvantage) * rng.random(n_beats)
    beat_order = np.argsort(order_key)
    sorted_block = np.repeat(np.arange(len(shares)), _blocks(shares, n_beats))
    block_of_beat = np.empty(n_beats, np.int64)
    block_of_beat[beat_order] = sorted_block
    # Unequal beat sizes draw extra numbers only when asked for, so equal-size worlds stay as they were.
    size = rng.lognormal(0.0, pop.beat_size_sigma, n_beats) if pop.beat_size_sigma > 0 else None
    beat = rng.integers(0, n_beats, n) if size is None else rng.choice(n_beats, n, p=size / size.sum())
    sorted_res = rng.random(n) < pop.segregation
    for g in range(len(shares)):
        own = np.flatnonzero(block_of_beat == g)
        if own.size == 0:
            continue
        idx = np.flatnonzero(sorted_res & (group == g))
        if size is None:
            beat[idx] = own[rng.integers(0, own.size, idx.size)]
        else:
            beat[idx] = own[rng.choice(own.size, idx.size, p=size[own] / size[own].sum())]
    beat = beat.astype(np.int32)
    return beat, group, beat_risk


def dissimilarity(beat: np.ndarray, group: np.ndarray, a: int, b: int, n_beats: int) -> float:
    """Index of dissimilarity of groups a and b over beats (0 even, 1 fully apart).

    D = 1/2 sum_k |a_k / A - b_k / B| (Duncan & Duncan 1955): the share of either group that
    would have to move for both to be spread alike.
    """
    ca = np.bincount(beat[group == a], minlength=n_beats) / max(int((group == a).sum()), 1)
    cb = np.bincount(beat[group == b], minlength=n_beats) / max(int((group == b).sum()), 1)
    return float(0.5 * np.abs(ca - cb).sum())


def _blocks(shares: np.ndarray, n_beats: int) -> np.ndarray:
    """Beats given to each group's block, in proportion to its share.

    Every group gets at least one beat when there are enough beats; otherwise a 30% group
    in 3 beats would get none and segregation would vanish.
    """
    counts = np.floor(shares * n_beats).astype(np.int64)
    if n_beats >= len(shares):
        counts = np.maximum(counts, 1)
    while counts.sum() > n_beats:
        counts[np.argmax(counts)] -= 1
    while counts.sum() < n_beats:
        counts[np.argmax(shares * n_beats - counts)] += 1
    return counts


def _ranks(x: np.ndarray) -> np.ndarray:
    r = np.empty(len(x))
    r[np.argsort(x)] = np.arange(len(x))
    return r / max(len(x) - 1, 1)


def _solve_adult_share(total: float, youth_share: float, ratio: float) -> float:
    """Adult offender share such that youth have `ratio` times the odds and the mix is `total`."""
    lo, hi = 0.0, 1.0
    for _ in range(60):
        p = (lo + hi) / 2
        odds = p / (1 - p) if p < 1 else np.inf
        py = ratio * odds / (1 + ratio * odds)
        if youth_share * py + (1 - youth_share) * p > total:
            hi = p
        else:
            lo = p
    return lo


def build_officers(scenario, residents: Residents, beat_risk: np.ndarray, rng) -> Officers:
    """Sworn officers: patrol officers on beats (by workload), the rest off-beat.

    Args:
        scenario: The validated scenario.
        residents: The residents (for beat sizes).
        beat_risk: Beat-level crime risk, which drives the workload allocation.
        rng: The officers stream.

    Returns:
        The officers' arrays.

    """
    pol = scenario.policing
    n = int(round(residents.n * pol.officers_per_1000 / 1000))
    n_patrol = int(round(n * pol.patrol_share))
    n_beats = len(beat_risk)
    # Agencies allocate patrol by workload: residents times risk, at least spread evenly.
    w = pol.workload_risk_weight
    workload = np.bincount(residents.beat, minlength=n_beats) * ((1 - w) + w * beat_risk)
    beat = np.full(n, -1, np.int32)
    if n_patrol:
        # Proportional (largest-remainder) allocation: a change in staffing changes each
        # beat's team by its share, instead of reshuffling every officer.
        quota = n_patrol * workload / workload.sum()
        teams = np.floor(quota).astype(np.int64)
        floor = 1 if n_patrol >= n_beats else 0  # every beat has an officer when there are enough
        teams = np.maximum(teams, floor)
        while teams.sum() > n_patrol:
            over = np.where(teams > floor, teams - quota, -np.inf)  # never take a beat's last officer
            teams[np.argmax(over)] -= 1
        while teams.sum() < n_patrol:
            teams[np.argmax(quota - teams)] += 1
        beat[:n_patrol] = np.repeat(np.arange(n_beats), teams)
    skill = np.clip(pol.skill_mean + pol.skill_sd * rng.standard_normal(n), 0.0, 1.0)
    return Officers(beat=beat, skill=skill, on_duty=np.zeros(n, bool), hours={})

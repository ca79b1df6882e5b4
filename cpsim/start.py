"""The start of a run: the city as its usual flows keep it, so a baseline does not drift (M1).

``equilibrium`` sets, from the world and the scenario, what day 1 starts from: offenders in
custody as the arrest process keeps them, disorder and the running averages where the start's
crime and contacts hold them, residents' attitudes at their anchors with the spread the news
keeps, each group's memory where it puts the group at its start level (F7), what officers
sense and the department expects, and the base of local incidents. The start is where the
city's usual policing has left it: the scenario's levers act from day 1
(cpsim.scenario.policy), so scenarios that differ in policy start alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cpsim.city import City, Frame, Neighbourhoods, expected_by_type, look
from cpsim.kernels import history
from cpsim.mechanisms import climate as climate_mech
from cpsim.mechanisms import conditions as conditions_mech
from cpsim.mechanisms import crime as crime_mech
from cpsim.mechanisms import enforcement as enf_mech
from cpsim.mechanisms import incidents as incidents_mech
from cpsim.mechanisms import norms
from cpsim.mechanisms import patrol as patrol_mech
from cpsim.mechanisms import policing as policing_mech
from cpsim.mechanisms import reporting as reporting_mech
from cpsim.mechanisms import response as response_mech
from cpsim.mechanisms import trust as trust_mech
from cpsim.scenario.policy import usual_policing
from cpsim.scenario.units import per_day
from cpsim.world.areas import people_per_resident
from cpsim.world.layout import sample_weighted_within

START_ROUNDS = 6  # rounds that settle residents at their anchors and the memories at their groups' start levels


@dataclass
class Start:
    """What the start leaves for day 1, besides the residents' arrays it sets in place.

    Attributes:
        city: Presence, national mood, waves, what residents see, targeting.
        hood: The running averages at the values the start implies.
        memory: The collective memories history left.
        news: Stories still in the news on day 1 ("local", "national").
        report_intercepts: The reporting choice's intercepts (cpsim.mechanisms.reporting.intercepts).
        local_incident_chance: Chance per unit of badness that a stop or arrest becomes an incident.
    """

    city: City
    hood: Neighbourhoods
    memory: norms.Memory
    news: dict[str, incidents_mech.News]
    report_intercepts: np.ndarray
    local_incident_chance: float


def equilibrium(world, params, frame: Frame, streams, decay: dict[str, float]) -> Start:
    """Set the world where the city's usual flows keep it, and return the rest of the start.

    Changes the residents' and places' arrays in place (custody, attitudes, trust, safety, disorder).

    Args:
        world: The built world (cpsim.world.World).
        params: The scenario (its levers are set to their usual values here).
        frame: What the world implies (cpsim.city.Frame).
        streams: The run's stream bank ("waves", "custody", "news_history", "incident_history").
        decay: The model's decay factors (cpsim.city.decay_factors).
    """
    usual = usual_policing(params)
    res = world.residents
    waves = crime_mech.stationary_waves(frame.n_beats, params.crime, streams["waves"])
    city = City(
        presence_per_1000=start_presence(frame, params.policing),
        national=0.0,
        waves=waves,
        wave_factor=crime_mech.wave_factors(waves, params.crime),  # moves weekly, with the waves
        seen=np.zeros(res.n),
        safety_target=np.zeros(res.n),
        targeting=np.ones(frame.n_beats),
        crisis_calls=np.empty(0, np.int64),
        crisis_draws=np.empty(0),
        crisis_claimed=np.empty(0, bool),
    )
    arrests_per_day = _custody(world, usual, frame, city, streams["custody"])
    hood = _neighbourhoods(world, usual, frame, city, decay)
    memory, news = _attitudes(world, usual, frame, city, hood, streams)
    _audience(world, usual, frame, city, hood, decay)
    city.targeting = climate_mech.targeting(
        hood.expected, frame.beat_residents, frame.officers_per_team, usual.enforcement
    )
    people = res.n * people_per_resident(params)
    badness = _enforcement_badness(world, usual, frame, arrests_per_day)
    city.seen, city.safety_target = look(world, usual, hood)
    res.safety[:] = city.safety_target  # residents start where their surroundings put them
    return Start(
        city=city,
        hood=hood,
        memory=memory,
        news=news,
        report_intercepts=reporting_mech.intercepts(usual.reporting),
        local_incident_chance=incidents_mech.local_chance(params.incidents, people, badness),
    )


def start_presence(frame: Frame, pol) -> np.ndarray:
    """Street hours a beat's team gives on an average day (everything but administration), per 1000 residents."""
    return (policing_mech.street_hours(frame.officers_per_team * pol.duty_share, pol) * 1000.0) / np.maximum(
        frame.beat_residents, 1
    )


def _custody(world, p, frame: Frame, city: City, rng) -> float:
    """Offenders in custody at the start, as many as the arrest process keeps there.

    Returns:
        Clearance arrests a day at the start (the base of local incidents).
    """
    res, pl = world.residents, world.places
    oi = frame.offender_idx
    lam_v, lam_p = expected_by_type(world, p, frame, city, 0)
    legit_place = response_mech.place_mean(res.legitimacy, res.place, pl.residents)
    rep, resp = p.reporting, p.response
    cleared = rep.recording_share * (
        lam_v * reporting_mech.report_probability(legit_place, rep.violent_share, rep) * resp.clearance_violent
        + lam_p * reporting_mech.report_probability(legit_place, rep.property_share, rep) * resp.clearance_property
    )
    beat = res.beat[oi]
    weight = crime_mech.active_offending(res, oi, rep.reference_legitimacy, p.crime.compliance, 0)
    by_offending = np.bincount(pl.beat, weights=cleared, minlength=frame.n_beats) / np.maximum(
        np.bincount(beat, weights=weight, minlength=frame.n_beats), 1e-12
    )
    enf = p.enforcement
    stop_arrests = (
        frame.officers_per_team
        * p.policing.duty_share
        * enf.proactive_hours
        * enf.stops_per_hour
        * enf.stop_arrest_share
    )
    by_stops = stop_arrests / np.maximum(np.bincount(res.beat, weights=res.stop_weight, minlength=frame.n_beats), 1e-12)
    hazard = by_offending[beat] * weight + by_stops[beat] * res.stop_weight[oi]
    enf_mech.custody_at_equilibrium(res, oi, hazard, p.crime.incapacitation_days, rng)
    return float(cleared.sum())


def _neighbourhoods(world, p, frame: Frame, city: City, decay: dict[str, float]) -> Neighbourhoods:
    """Running averages at the values the start implies (so the baseline does not drift).

    The audience officers sense and the recorded crime the department expects are set
    once residents' attitudes are (``_audience``).
    """
    res, pl = world.residents, world.places
    lam_v, lam_p = expected_by_type(world, p, frame, city, 0)
    victimisation = np.bincount(pl.beat, weights=lam_v + lam_p, minlength=frame.n_beats) / np.maximum(
        frame.beat_residents, 1
    )
    # Foot presence at the start: each on-duty officer's routine foot hours, spread by risk as the day
    # spreads them (no program asks for directed hours before the run).
    on_duty = frame.officers_per_team * p.policing.duty_share
    foot = patrol_mech.spread_foot_hours(pl, on_duty * p.patrol.foot_hours, frame.place_beat_risk)
    seen = conditions_mech.seen_weekly(res, foot, p.patrol.sighting_rate)
    # Disorder starts where the crime of the start keeps it (its base plus what crime adds).
    pl.disorder[:] = np.clip(
        pl.base_disorder + p.crime.disorder_per_crime * (lam_v + lam_p) / (1.0 - decay["disorder"]),
        0.0,
        1.0,
    )
    # What residents are used to: the city as it is when the run starts.
    reference = {
        "disorder": conditions_mech.home_disorder(pl.disorder, pl.residents, res.n),
        "seen": float(seen.mean()),
        "effectiveness": float(res.attitude_effectiveness.mean()),
    }
    empty = np.zeros(frame.n_beats)
    return Neighbourhoods(
        empty.copy(), empty.copy(), empty.copy(), empty.copy(), empty.copy(), empty.copy(), victimisation, foot,
        reference,
    )  # fmt: skip


def _attitudes(
    world, p, frame: Frame, city: City, hood: Neighbourhoods, streams
) -> tuple[norms.Memory, dict[str, incidents_mech.News]]:
    """Residents start as the city's flows keep them; each group's memory where it puts them at its start level.

    History is what the groups' collective memories hold today: each group's memory is set
    so that its residents have the group's mean starting trust ``trust.initial_by_group``
    (F7). Residents' attitudes start at their anchors (memory, disposition, what they see,
    their ties; a few rounds settle the ties), spread as the pull of the news keeps them
    (``_news``), and current trust below the attitudes by what recent stories left.

    Returns:
        The memories, and the stories still in the news on day 1.
    """
    res = world.residents
    t = p.trust
    target = np.asarray(t.initial_by_group, float)
    n_groups = target.size
    memory = norms.start(res.group, res.beat, n_groups, frame.n_beats, np.repeat(target[:, None], 2, axis=1))
    city.seen = conditions_mech.seen_weekly(res, hood.foot, p.patrol.sighting_rate)
    members = np.maximum(frame.group_residents, 1)
    w = t.legitimacy_weight
    attitudes_now = (res.attitude_legitimacy, res.attitude_effectiveness)
    for _ in range(START_ROUNDS):
        hood.reference["effectiveness"] = float(res.attitude_effectiveness.mean())
        anchors = trust_mech.anchors(
            res, memory, city.national, t, hood.reference, world.places.disorder, city.seen, world.graph
        )
        for attitude, anchor in zip(attitudes_now, anchors, strict=True):
            attitude[:] = anchor
        mean = np.bincount(res.group, weights=w * res.attitude_legitimacy + (1 - w) * res.attitude_effectiveness,
                           minlength=n_groups) / members  # fmt: skip
        memory.group += (target - mean)[:, None]
    transient, kept, days, news = _news(world, p, frame, streams)
    # The stationary spread of attitudes around their anchors under the news (linearised):
    # a story moves trust in proportion to it, so each group's attitudes sit closer to their
    # mean, by r / (r + pull), r the attitudes' rate of return to their anchors and pull the
    # news's kept change per unit of trust a day; and who happened to meet which story adds
    # a spread, the resident's own share of the recent news scaled to its stationary size
    # (variance s^2 / 2r for a daily variance s^2: the days' sum / sqrt(2 r days)).
    back = np.log(2.0) / t.attitude_half_life_days
    for c, attitude in enumerate(attitudes_now):
        mean = np.bincount(res.group, weights=attitude, minlength=n_groups) / members
        pull = (
            np.maximum(-np.bincount(res.group, weights=kept[c], minlength=n_groups), 0.0)
            / days
            / np.maximum(mean * members, 1e-12)
        )
        own = kept[c] + pull[res.group] * days * attitude  # beyond the pull every member of the group feels
        own -= (np.bincount(res.group, weights=own, minlength=n_groups) / members)[res.group]
        squeeze = back / (back + pull)
        attitude[:] = np.clip(
            mean[res.group] + (attitude - mean[res.group]) * squeeze[res.group] + own / np.sqrt(2 * back * days),
            0.0,
            1.0,
        )
    res.legitimacy[:] = np.clip(res.attitude_legitimacy + transient[0], 0.0, 1.0)
    res.effectiveness[:] = np.clip(res.attitude_effectiveness + transient[1], 0.0, 1.0)
    # What surveys would measure is current trust: shift each group (attitudes, current values
    # and memory alike) to its start level.
    shift = target - np.bincount(res.group, weights=w * res.legitimacy + (1 - w) * res.effectiveness,
                                 minlength=n_groups) / members  # fmt: skip
    for x in (*attitudes_now, res.legitimacy, res.effectiveness):
        x += shift[res.group]
        np.clip(x, 0.0, 1.0, out=x)
    memory.group += shift[:, None]
    res.trust[:] = w * res.legitimacy + (1 - w) * res.effectiveness
    hood.reference["effectiveness"] = float(res.attitude_effectiveness.mean())
    return memory, news


def _news(world, p, frame: Frame, streams) -> tuple[np.ndarray, np.ndarray, int, dict[str, incidents_mech.News]]:
    """The news the city met before day 1: what it left in current trust, and in attitudes.

    The incidents of the days before the run (national ones, and local ones at the start's
    rate where stops are) are drawn from their own stream and met as the day meets them, on
    the residents' start values (cpsim.mechanisms.trust's numpy reading, step and
    consolidation; cpsim.kernels.history). Each meeting's unconsolidated part fades with
    ``trust.half_life_days``; what is left on day 1 is the transient. The kept part sets the
    attitudes' stationary spread (``_attitudes``). Stories still in the news on day 1 continue
    into the run.

    Returns:
        The transient and the kept changes per component and resident (2 x residents each),
        the days the news ran before day 1, and the stories still in the news on day 1.
    """
    res = world.residents
    t, inc = p.trust, p.incidents
    days = inc.news_days + int(np.ceil(4 * t.half_life_days))
    now = (res.attitude_legitimacy, res.attitude_effectiveness)
    prior = t.legitimacy_weight * now[0] + (1 - t.legitimacy_weight) * now[1]
    news = {"local": incidents_mech.News(), "national": incidents_mech.News()}
    # The kernel reads the meetings as the days draw them, so stories out of the news are let go
    # as before (a list of all 210 days' meetings held 50 MB more at a million residents).
    meetings = _meetings(world, p, frame, streams, news, range(1 - days, 1))
    transient, kept = history.news_history(meetings, 0, trust_mech.decay_factor(t.half_life_days), prior, *now, t)
    continuing = {kind: incidents_mech.News() for kind in news}
    for kind, part in news.items():
        continuing[kind].stories = [st for st in part.stories if st.start + inc.news_days > 0]
    return transient, kept, days, continuing


def _meetings(world, p, frame: Frame, streams, news: dict[str, incidents_mech.News], days: range):
    """Draw the incidents of ``days`` into ``news``, day by day, and yield each day's meetings with the news.

    Yields:
        (day, viewers, weights, v_legitimacy, v_effectiveness) per story met that day, local
        stories first (cpsim.mechanisms.incidents.News.today).
    """
    res, inc = world.residents, p.incidents
    rng = streams["news_history"]
    local_rng = streams["incident_history"]
    beat_stops = np.bincount(res.beat, weights=res.stop_weight, minlength=frame.n_beats)
    # Local incidents a day (the rate times the residents first: the order of the stored runs), the
    # same every day: worked out once, not on each of the 210 days (a millisecond at 2,000 residents).
    local = per_day(inc.local_per_100k * res.n, people_per_resident(p), per=100_000) if beat_stops.sum() > 0 else 0.0
    for day in days:
        for _ in range(local_rng.poisson(local)):
            beat = int(local_rng.choice(frame.n_beats, p=beat_stops / beat_stops.sum()))
            who = sample_weighted_within(res.by_beat, res.beat_start, frame.stop_cumw, np.array([beat]), local_rng)[0]
            if who >= 0:
                viewers, same = incidents_mech.news_viewers(local_rng, frame.classes, int(res.group[who]), beat,
                                                            inc.local_reach, inc)  # fmt: skip
                others = viewers != who
                news["local"].publish(
                    day, viewers[others], same[others], inc.strength, inc.local_exposures, inc, local_rng
                )
        for group in incidents_mech.draw_national(rng, inc):
            viewers, same = incidents_mech.news_viewers(rng, frame.classes, group, -1, inc.national_reach, inc)
            news["national"].publish(day, viewers, same, 1.0, inc.national_exposures, inc, rng)
        for met in (*news["local"].today(day, inc), *news["national"].today(day, inc)):
            yield (day, *met)


def _audience(world, p, frame: Frame, city: City, hood: Neighbourhoods, decay: dict[str, float]) -> None:
    """What officers sense and what the department expects, at the values the start implies (in place)."""
    res, pl = world.residents, world.places
    rates, mean = _expected_audience(world, p, frame)
    # A running count of contacts that each weigh alike: the steady state of rate / (1 - decay).
    hood.audience_count[:] = rates / (1.0 - decay["climate"])
    hood.audience_sum[:] = hood.audience_count * mean
    hood.audience[:] = mean
    hood.normal[:] = mean
    lam_v, lam_p = expected_by_type(world, p, frame, city, 0)
    legit_place = response_mech.place_mean(res.legitimacy, res.place, pl.residents)
    share_v = reporting_mech.report_probability(legit_place, p.reporting.violent_share, p.reporting)
    share_p = reporting_mech.report_probability(legit_place, p.reporting.property_share, p.reporting)
    recorded = (lam_v * share_v + lam_p * share_p) * p.reporting.recording_share
    hood.expected[:] = np.bincount(pl.beat, weights=recorded, minlength=frame.n_beats)
    hood.recorded[:] = hood.expected


def _expected_audience(world, p, frame: Frame) -> tuple[np.ndarray, np.ndarray]:
    """Routine contacts a day each beat's officers have at the start, and the mean legitimacy of those met.

    Contacts come from patrol (by time out on the street), stops (by stop weight) and calls
    (anyone), in the numbers the start's hours give.
    """
    res = world.residents
    on_duty = frame.officers_per_team * p.policing.duty_share
    working = policing_mech.street_hours(on_duty, p.policing)
    foot, stops = on_duty * p.patrol.foot_hours, on_duty * p.enforcement.proactive_hours
    car = np.maximum(working - foot - stops, 0.0)  # before calls: an upper bound, car contacts are rare
    rates = {
        "street_time": foot * p.patrol.contacts_per_foot_hour + car * p.patrol.contacts_per_car_hour,
        "stop_weight": stops * p.enforcement.stops_per_hour,
        None: per_day(frame.beat_residents, p.response.other_calls_per_1000),
    }
    total = np.zeros(frame.n_beats)
    weighted = np.zeros(frame.n_beats)
    for weight_name, rate in rates.items():
        w = np.ones(res.n) if weight_name is None else getattr(res, weight_name)
        mean = np.bincount(res.beat, weights=w * res.legitimacy, minlength=frame.n_beats) / np.maximum(
            np.bincount(res.beat, weights=w, minlength=frame.n_beats), 1e-12
        )
        weighted += rate * mean
        total += rate
    return total, weighted / np.maximum(total, 1e-12)


def _enforcement_badness(world, p, frame: Frame, arrests_per_day: float) -> float:
    """Expected sum of badness (cpsim.mechanisms.incidents.badness) of the stops and arrests of a day at the start.

    The start's hours give the day's stops, its crimes the arrests that clear them, city-wide; each
    stop is of a resident drawn by stop weight, of quality ``N(skill_mean + the group's shift +
    demeanor, skill_sd^2 + contact_sd^2)``: the base on which local incidents are set.
    """
    res = world.residents
    pol, enf = p.policing, p.enforcement
    on_duty = frame.officers_per_team.sum() * pol.duty_share
    per_day = on_duty * enf.proactive_hours * enf.stops_per_hour + arrests_per_day
    mean = pol.skill_mean + frame.group_quality[res.group]
    mean = mean + climate_mech.demeanor_shift(res.legitimacy, p.reporting.reference_legitimacy, pol)
    spread = float(np.hypot(pol.skill_sd, pol.contact_sd))
    if res.stop_weight.sum() <= 0:  # nobody can be stopped: no stop goes badly
        return float(arrests_per_day * np.mean(incidents_mech.expected_badness(mean, spread)))
    expected = np.average(incidents_mech.expected_badness(mean, spread), weights=res.stop_weight)
    return float(per_day * expected)

"""CommunityModel: residents and officers building and losing trust, one day per step.

``step()`` is the table of contents of docs/ODD.md's process overview: one named phase
per process step, in order, each passing the day's intermediate values on in one record
(``Day``). All per-resident work is vectorised over the arrays in ``self.residents``;
Mesa agents are views onto them, created the first time something asks for them
(cpsim/agents.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import networkx as nx
import numpy as np

from cpsim.agents import AgentViews
from cpsim.kernels import attitudes, beats, figures
from cpsim.kernels import safety as safety_kernel
from cpsim.kernels.draws import chances
from cpsim.kernels.ledger import book_hours
from cpsim.mechanisms import climate as climate_mech
from cpsim.mechanisms import complaints as complaints_mech
from cpsim.mechanisms import conditions as conditions_mech
from cpsim.mechanisms import crime as crime_mech
from cpsim.mechanisms import crisis as crisis_mech
from cpsim.mechanisms import enforcement as enf_mech
from cpsim.mechanisms import incidents as incidents_mech
from cpsim.mechanisms import norms
from cpsim.mechanisms import patrol as patrol_mech
from cpsim.mechanisms import policing as policing_mech
from cpsim.mechanisms import reporting as reporting_mech
from cpsim.mechanisms import response as response_mech
from cpsim.mechanisms import safety as safety_mech
from cpsim.mechanisms import trust as trust_mech
from cpsim.mechanisms import word_of_mouth as wom_mech
from cpsim.mechanisms.contacts import Contacts, apply_experiences, apply_heard, kind_mask, stories
from cpsim.metrics import BY_KEY, PREVALENCE_DAYS, TOTALS, DailyCollector, GroupTables, day_figures, ratio
from cpsim.programs import build_programs, program_names
from cpsim.programs.program import Surface
from cpsim.scenario import Scenario
from cpsim.scenario.levers import usual_policing
from cpsim.streams import DayStreams, StreamBank, make_streams
from cpsim.survey import make_survey
from cpsim.world import build_world
from cpsim.world.areas import people_per_resident
from cpsim.world.layout import beat_index, sample_weighted_within
from cpsim.world.state import state

WEEK = 7  # days between updates of what moves slowly: attitudes' anchors, what residents see
START_ROUNDS = 6  # rounds that settle residents at their anchors and the memories at their groups' start levels


def _join(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.concatenate([a, b])`` of two fresh arrays of one dtype, without the call when one is empty."""
    if a.size == 0:
        return b
    return a if b.size == 0 else np.concatenate([a, b])


def _none(dtype: type = float, shape: tuple[int, ...] = (0,)) -> np.ndarray:
    """An empty array nobody can write to: the default of a Day field no phase has set."""
    empty = np.empty(shape, dtype)
    empty.flags.writeable = False
    return empty


class Day:
    """The day's intermediate values, filled phase by phase (one record per step).

    A field no phase sets reads as its class default, an empty array shared by every day
    (read-only, so no phase can fill it by mistake): building twenty fresh empty arrays a
    day cost more than some phases.
    """

    number: int
    streams: DayStreams
    on_duty: np.ndarray = _none()
    victims: np.ndarray = _none(np.int64)
    crime_place: np.ndarray = _none(np.int64)
    violent: np.ndarray = _none(bool)
    reported: np.ndarray = _none(bool)
    other_calls: np.ndarray = _none(np.int64)
    calls: int = 0
    hours_needed: float = 0.0
    routine: np.ndarray = _none()
    admin: np.ndarray = _none()
    answered_share: float = 1.0
    recorded: np.ndarray = _none(bool)
    recorded_beats: np.ndarray = _none(np.int64)
    cleared: np.ndarray = _none(bool)
    arrested: np.ndarray = _none(np.int64)
    stopped: np.ndarray = _none(np.int64)
    enforced: np.ndarray = _none(np.int64)
    enforced_quality: np.ndarray = _none()
    complained: np.ndarray = _none(bool)
    complaint_risk: np.ndarray = _none()
    prior_legitimacy: np.ndarray = _none()
    listeners: np.ndarray = _none(np.int64)
    heard: np.ndarray = _none(float, (0, 3))

    def __init__(self, number: int, streams: DayStreams) -> None:
        """Day ``number``, drawing from ``streams``."""
        self.number, self.streams = number, streams
        self.hours: dict = {}
        self.experiences: dict = {}
        self.effects: dict = {}


@dataclass
class Neighbourhoods:
    """Running averages of what officers, departments and residents sense, per beat, place or city."""

    audience_sum: np.ndarray = state(
        "0–1 x contacts", "Per beat, the decaying sum of the legitimacy of residents met on routine work"
    )
    audience_count: np.ndarray = state("contacts", "Per beat, the decaying count of residents met on routine work")
    audience: np.ndarray = state("0–1", "Per beat, the legitimacy of the residents officers met (sum / count)")
    normal: np.ndarray = state("0–1", "Per beat, the audience legitimacy officers are used to (follows `audience`)")
    recorded: np.ndarray = state("crimes/day", "Per beat, recorded crimes a day (what crime reviews see)")
    expected: np.ndarray = state(
        "crimes/day", "Per beat, the recorded crimes a day the department expects (follows `recorded`)"
    )
    victimisation: np.ndarray = state("per resident/day", "Per beat, true victimisations per resident a day")
    foot: np.ndarray = state("hours/day", "Per place, hours of police seen on foot a day")
    reference: dict[str, float] = state(
        "per key",
        'What residents are used to, city means that follow what the city shows ("disorder", "seen", "effectiveness")',
    )


class CommunityModel(AgentViews, mesa.Model):
    """Agent-based model of community-police interaction (one step = one day).

    Attributes:
        params: The validated scenario.
        residents: Per-resident state arrays (Resident agents are views onto them).
        officers: Per-officer state arrays (Officer agents are views onto them).
        places: Per-place (street segment) state arrays.
        social: The social graph as CSR arrays (``graph`` gives a networkx view).
        contacts: Buffer where mechanisms and programs record the day's experiences.
        hood: Running averages of what officers and residents sense (Neighbourhoods).
        today: The day's figures (read by the DataCollector).
        experiences_today: The day's experiences as applied (Contacts.take()), read by the
            classroom page to mark who was touched today.
        heard_today: Residents who heard a story today (word of mouth), read likewise.

    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        seed: int | None = None,
        graph: nx.Graph | None = None,
    ) -> None:
        """Build the world of a scenario.

        Args:
            scenario: The validated scenario (defaults: the built-in baseline values).
            seed: Run seed; defaults to the scenario's ``run.seed``.
            graph: Optional networkx social graph with one node per resident.

        """
        params = scenario if scenario is not None else Scenario()
        seed = int(params.run.seed if seed is None else seed)
        super().__init__(rng=seed)
        self.params = params
        self.seed = seed
        self.streams = StreamBank(seed, programs=program_names())
        world = build_world(params, self.streams, graph)
        self.residents, self.places, self.officers = world.residents, world.places, world.officers
        self.social, self.n_beats = world.graph, world.n_beats
        self.beat_risk = world.beat_risk
        res, pl = self.residents, self.places

        self.contacts = Contacts()
        # Stories to pass on today: (resident, [legitimacy, effectiveness, fear]) kept sparse,
        # since only a few residents have something to tell on a given day.
        self._story_parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.community_requests = np.zeros(self.n_beats)
        self.extra_stops = np.zeros(self.n_beats)
        self.foot_requests = np.zeros(self.n_beats)  # directed foot patrol (hot spots)
        self.directed_foot = np.zeros(self.n_beats)  # ... and the share of foot hours it got
        # Program hooks: officers who never rotate (steady beat officers), the chance that a
        # victimisation at a place is reported by someone else (watch), crisis calls a team claims.
        self.steady_officers = np.zeros(self.officers.n, bool)
        self.place_reporting = np.zeros(pl.n)
        self.crisis_calls = np.empty(0, np.int64)
        self.crisis_draws = np.empty(0)
        self.crisis_claimed = np.empty(0, bool)
        self.beat_residents = np.bincount(res.beat, minlength=self.n_beats)
        self.group_residents = np.bincount(res.group, minlength=len(params.population.group_names))
        self.group_residents_list = self.group_residents.tolist()  # (the day's figures read it as numbers)
        self.presence_per_1000 = np.zeros(self.n_beats)  # each beat's own, once officers are known (below)
        self.offender_idx = np.flatnonzero(res.offending > 0)
        self.offender_beats = res.beat[self.offender_idx]  # residents keep their beat
        self.offenders_by_beat = beat_index(self.offender_beats, self.n_beats)
        # crime.*_per_1000 are the rates of a beat whose offenders are all free and at the reference legitimacy.
        self.initial_offending = np.maximum(
            np.bincount(self.offender_beats, weights=res.offending[self.offender_idx], minlength=self.n_beats),
            1e-12,
        )
        self.guard_mean = float(np.average(pl.guardianship, weights=pl.residents))
        self.group_quality = np.asarray(params.policing.group_quality_shift, float)
        n_groups = len(params.population.group_names)
        self.classes = incidents_mech.Classes.of(res.group, res.beat, n_groups, self.n_beats)
        # The stories in the news: local incidents and national ones, each from its own stream, so a
        # policy that changes stops here leaves the national news as it was (common random numbers).
        self.news = {"local": incidents_mech.News(), "national": incidents_mech.News()}
        self.stop_cumw = enf_mech.stop_cumweights(res)
        self.street_cumw = patrol_mech.street_cumweights(res)
        self.place_beat_risk = patrol_mech.beat_risk_at_places(pl, self.n_beats)  # foot patrol's spread (risk is fixed)
        # Officers' hours by activity: rows of one array (booked in one pass a day), named by activity.
        self._booked = np.zeros((len(policing_mech.ACTIVITIES) + 1, self.officers.n))
        self.officers.hours = dict(zip((*policing_mech.ACTIVITIES, "admin"), self._booked, strict=True))
        self.rota = policing_mech.rota_phases(self.officers, self.n_beats)
        self.roster = policing_mech.Roster(self.n_beats)
        self.officers_per_team = self.officers_per_beat()  # rotation swaps officers, teams keep their size
        pol = params.policing
        # Street hours a beat's team gives on an average day: everything but administration.
        self.presence_per_1000 = (
            self.officers_per_beat()
            * pol.duty_share
            * pol.shift_hours
            * (1 - pol.admin_share)
            * 1000.0
            / np.maximum(self.beat_residents, 1)
        )
        p = params
        self._decay = {
            "trust": trust_mech.decay_factor(p.trust.half_life_days),
            "attitude": trust_mech.decay_factor(p.trust.attitude_half_life_days) ** WEEK,
            "reference": trust_mech.decay_factor(p.trust.reference_half_life_days) ** WEEK,
            "fam": trust_mech.decay_factor(p.patrol.familiarity_half_life_days),
            "safety": trust_mech.decay_factor(p.safety.half_life_days),
            "disorder": trust_mech.decay_factor(p.crime.disorder_half_life_days),
            "presence": trust_mech.decay_factor(p.patrol.presence_half_life_days),
            "climate": trust_mech.decay_factor(p.policing.climate_half_life_days),
            "normal": trust_mech.decay_factor(p.policing.audience_adaptation_days),
            "review": trust_mech.decay_factor(p.enforcement.review_half_life_days),
            "expectation": trust_mech.decay_factor(p.enforcement.expectation_half_life_days) ** WEEK,
            "wave": trust_mech.decay_factor(p.crime.wave_half_life_days) ** WEEK,
        }
        # The start is where the city's usual policing has left it; the scenario's levers act from day 1
        # (cpsim.scenario.levers), so scenarios that differ in policy start alike.
        self.params = usual_policing(params)
        self.national = 0.0  # the national mood about police, added to every group's memory
        # Each beat's violence wave (log factor of violent offending), from its stationary spread.
        self.waves = crime_mech.stationary_waves(self.n_beats, p.crime, self.streams["waves"])
        self.wave_factor = crime_mech.wave_factors(self.waves, p.crime)  # moves weekly, with the waves
        self._start_custody()
        self.hood = self._start_neighbourhoods()
        self.memory = self._start_attitudes()  # residents' attitudes and the memories history left
        self._start_audience()
        self._beat_shift = self.beat_quality_shift()  # renewed each day before the contacts (phase 5)
        self.targeting = climate_mech.targeting(
            self.hood.expected, self.beat_residents, self.officers_per_team, self.params.enforcement
        )
        people = res.n * people_per_resident(p)
        self.national_incidents = incidents_mech.NationalIncidents(self.streams["national_incidents"], p.incidents)
        self.local_incident_chance = incidents_mech.local_chance(p.incidents, people, self._enforcement_badness())
        self.safety_target = self._safety_target()
        res.safety[:] = self.safety_target  # residents start where their surroundings put them
        self.params = params
        self.initial = {"trust_mean": float(res.trust.mean())}
        self.totals: dict[str, float] = {}
        self.initiated = {"crime": 0, "other": 0}
        self.today: dict[str, float] = {}
        self.experiences_today: dict[str, np.ndarray] = {}
        self.heard_today = np.empty(0, np.int64)
        self.survey = make_survey(params, res, self.n_beats)  # reads residents on fieldwork days; own stream

        self.surface = Surface(self)  # the only door programs have to the model
        self.programs = build_programs(params)
        for program in self.programs:
            program.attach(self.surface)
        self.tables = GroupTables(res.beat, res.group, self.n_beats, len(self.group_residents))
        self.datacollector = DailyCollector()

    @property
    def day(self) -> int:
        """The current day (1 during the first step; 0 before any step)."""
        return self.steps

    @property
    def by_group_rows(self) -> np.ndarray:
        """The daily figures by group so far: days x groups x BY_KEY (cpsim.metrics.GroupTables)."""
        return self.tables.table("group")

    @property
    def by_beat_rows(self) -> np.ndarray:
        """The daily figures by beat so far: days x beats x BY_KEY (cpsim.metrics.GroupTables)."""
        return self.tables.table("beat")

    @property
    def graph(self) -> nx.Graph:
        """The social graph as a networkx Graph (built on demand)."""
        return self.social.to_networkx()

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """Simulate one day, in the order of the ODD process overview (docs/ODD.md §3)."""
        d = Day(self.day, self.streams.day(self.day, reuse=True))  # the day's streams, valid for today
        self._officers(d)  # 1. who works, beat reassignments
        self._programs_plan(d)  # 2. programs request hours
        self._crime(d)  # 3. true victimisations
        self._calls(d)  # 4. reports and other calls
        self._time_budget(d)  # 5. officers' hours by activity
        self._response(d)  # 6. answering, recording, clearing
        self._patrol(d)  # 7. foot and car patrol
        self._enforcement(d)  # 8. stops and arrests
        self._incidents(d)  # 9. publicized incidents, here and far away; the news
        self._programs_act(d)  # 10. programs deliver
        self._experiences(d)  # 11. experiences move trust; complaints
        self._word_of_mouth(d)  # 12. stories reach ties
        self._climate(d)  # 13. what officers and departments sense
        self._safety(d)  # 14. what residents see; perceived safety
        self._memory(d)  # 15. memory: trust toward attitudes, attitudes toward anchors, collective memories
        self._record(d)  # 16. the day's figures
        if self.survey is not None:  # the simulated survey reads residents on fieldwork days (own stream)
            self.survey.observe(d.number, self.residents, d.streams["survey"])
        self.datacollector.collect(self)

    def _officers(self, d: Day) -> None:
        """1. Officers: beat reassignments (familiarity with the team fades), today's rota."""
        pol, res = self.params.policing, self.residents
        replaced = policing_mech.rotate(
            self.officers, self.n_beats, pol.rotation_days, d.streams["duty"], self.steady_officers
        )
        moved = bool(replaced.any())
        if moved:
            self.rota = policing_mech.rota_phases(self.officers, self.n_beats)
        d.on_duty = policing_mech.draw_duty(self.officers, pol.duty_share, d.number, self.rota, self.n_beats)
        if moved:
            res.familiarity *= self._decay["fam"] * (1.0 - replaced[res.beat])
        else:  # the same product (decay x 1.0 is decay), without a gather over every resident
            res.familiarity *= self._decay["fam"]

    def _programs_plan(self, d: Day) -> None:
        """2. Programs plan their day: hour requests, places to cover, extra stops."""
        self.community_requests[:] = 0.0
        self.extra_stops[:] = 0.0
        self.foot_requests[:] = 0.0
        for program in self.programs:
            program.plan(self.surface)

    def expected_victimizations(self) -> tuple[np.ndarray, np.ndarray]:
        """Expected violent and property victimisations per place today (before Poisson noise)."""
        violent, prop = self._expected_by_type(self.day)
        return violent, prop

    def _expected_by_type(self, day: int) -> np.ndarray:
        """Expected victimisations per type (row 0 violent, row 1 property) and place on a day."""
        # np.bincount(offender_beats, weights=active) / initial_offending, compiled (cpsim.kernels.beats)
        factor = beats.relative_by_beat(self.offender_beats, self._active_offending(day), self.initial_offending)
        return crime_mech.expected_by_type(
            self.places, factor, self.presence_per_1000, self.params.crime, self.guard_mean, self.wave_factor
        )

    def _active_offending(self, day: int) -> np.ndarray:
        """Offending of each offender today: free, and lower the more legitimate they find police."""
        res, oi, p = self.residents, self.offender_idx, self.params
        # offending[oi] * (free_day[oi] <= day) * exp(-compliance * (legitimacy[oi] - reference)): exp in
        # numpy (its last bit may differ from C's), the gathers and products compiled (cpsim.kernels.beats)
        argument = beats.compliance_argument(res.legitimacy, oi, p.reporting.reference_legitimacy, -p.crime.compliance)
        return beats.active_offending(res.offending, res.free_day, oi, np.exp(argument), day)

    def _crime(self, d: Day) -> None:
        """3. Crime: true victimisations at places (deterred by yesterday's presence)."""
        lam = self._expected_by_type(d.number)
        victims, place, kind = crime_mech.draw_victims(lam, self.residents, d.streams["crime"])
        if victims.size == 0:  # nobody victimised: the day's empty defaults stand, disorder is unchanged
            return
        d.victims, d.crime_place, d.violent = victims, place, kind == 0
        # disorder += disorder_per_crime * np.bincount(place, minlength=places), compiled
        beats.add_disorder(self.places.disorder, place, self.params.crime.disorder_per_crime)

    def _calls(self, d: Day) -> None:
        """4. Reporting: victims decide to call (by legitimacy, F3), others call for help."""
        p, s, n = self.params, d.streams, self.residents.n
        rng = s["reporting"]
        n_reports = 0
        if d.victims.size:  # without victims nobody reports (and no draw is made)
            d.reported = reporting_mech.draw_reports(
                d.victims, d.violent, self.residents.legitimacy, p.reporting, rng, self.report_intercepts
            )
            if self.place_reporting.any():  # someone else (a watch member) reports it
                d.reported |= chances(s["watch"], self.place_reporting[d.crime_place], d.victims.size)
            n_reports = int(np.count_nonzero(d.reported))
        d.other_calls = reporting_mech.draw_other_calls(n, p.response.other_calls_per_1000, rng)
        workload = rng.poisson(n * p.response.workload_per_1000 / 1000 / 365)
        d.calls = n_reports + d.other_calls.size + workload
        d.hours_needed = (
            n_reports * p.response.hours_per_crime_call + (d.other_calls.size + workload) * p.response.hours_per_call
        )

    def _time_budget(self, d: Day) -> None:
        """5. Officer time: calls first, then foot, enforcement, community, car; the climate shapes routine work."""
        p, hood = self.params, self.hood
        d.routine = climate_mech.routine_share(hood.audience, hood.normal, p.policing)
        # The climate officers sense moves only in phase 13: today's contacts all have this shift.
        self._beat_shift = self.beat_quality_shift()
        proactive = climate_mech.proactive_multiplier(hood.recorded, hood.expected, p.enforcement) * d.routine
        proactive *= self.targeting
        d.hours, d.admin, d.answered_share = policing_mech.allocate_hours(
            d.on_duty,
            d.hours_needed,
            self.community_requests,
            p.policing,
            p.patrol,
            p.enforcement,
            self.foot_requests,
            d.routine,
            proactive,
        )

    def _response(self, d: Day) -> None:
        """6. Response: answered calls are contacts; reports are recorded; recorded crimes may be cleared."""
        p, s = self.params, d.streams
        self.crisis_calls, self.crisis_draws = np.empty(0, np.int64), np.empty(0)  # none unless a help call is answered
        self.crisis_claimed = np.empty(0, bool)
        reporters = d.victims[d.reported]
        n_reports, n_other = reporters.size, d.other_calls.size
        if n_reports == 0 and n_other == 0:  # no call today: nothing to answer, record or clear (no draw)
            return
        rr = s["response"]
        rep_violent, rep_place = d.violent[d.reported], d.crime_place[d.reported]
        # chances(rng, p, n) is rng.random(n) < p, compiled (cpsim.kernels.draws): the same uniforms.
        answered = chances(rr, d.answered_share, n_reports)
        d.recorded = answered & chances(rr, p.reporting.recording_share, n_reports)
        other_answered = chances(rr, d.answered_share, n_other)
        answered_reports, helped = reporters[answered], d.other_calls[other_answered]
        callers = _join(answered_reports, helped)
        if callers.size:
            q = self._quality(callers, s["quality"])
            self.contacts.add("call", callers, *response_mech.answered_valences(q, p.response), q)
        unanswered = _join(reporters[~answered], d.other_calls[~other_answered])
        self.contacts.add("unanswered", unanswered, np.nan, p.response.unanswered_valence, police=False)
        self.initiated["crime"] += answered_reports.size
        self.initiated["other"] += helped.size
        if helped.size:  # (no help call answered, no crisis and no draw)
            self.crisis_calls, self.crisis_draws = crisis_mech.draw_crisis_calls(helped, p.crisis, s["crisis"])
            self.crisis_claimed = np.zeros(self.crisis_calls.size, bool)
        if d.recorded.any():  # only recorded crimes can be cleared
            self._clear(d, reporters[d.recorded], rep_violent[d.recorded], rep_place[d.recorded])

    def _clear(self, d: Day, victims: np.ndarray, violent: np.ndarray, place: np.ndarray) -> None:
        """6b. Clearing recorded crimes (by the neighbours' legitimacy); a cleared crime is an arrest."""
        p, res = self.params, self.residents
        neighbour_legit = response_mech.place_mean_at(
            res.legitimacy, place, res.by_place, res.place_start, self.places.residents
        )
        p_clear = response_mech.clearance_probability(
            violent, neighbour_legit, p.response, p.reporting.reference_legitimacy
        )
        d.cleared = chances(d.streams["response"], p_clear, p_clear.size)
        d.recorded_beats = self.places.beat[place]
        if not d.cleared.any():  # nothing cleared: nobody to tell, nobody to arrest
            return
        cleared = victims[d.cleared]
        self.contacts.add("cleared", cleared, np.nan, p.response.cleared_valence, police=False)
        arrested = enf_mech.pick_offenders(
            res.beat[cleared], res, d.number, d.streams["enforcement"], self.offender_idx, self.offenders_by_beat
        )
        d.arrested = arrested[arrested >= 0]

    def _patrol(self, d: Day) -> None:
        """7. Patrol: foot presence at places (deters crime tomorrow), casual contacts on foot and in cars."""
        p, res, hours = self.params, self.residents, d.hours
        # Directed foot hours (programs place them in act) get the same share of their request as
        # routine ones; the routine rest is spread over places by risk (patrol.spread_foot_hours).
        # Both in one compiled pass (cpsim.kernels.beats.foot_hours), numpy's to the bit.
        self.directed_foot, self.places.hotspot_hours = beats.foot_hours(
            d.on_duty,
            p.patrol.foot_hours,
            d.routine,
            self.foot_requests,
            hours["foot"],
            self.places.beat,
            self.places.risk,
            self.place_beat_risk,
        )
        met, on_foot = patrol_mech.draw_patrol_contacts(
            hours["foot"], hours["car"], res, self.street_cumw, p.patrol, d.streams["patrol"]
        )
        if met.size == 0:  # nobody met today (most days of a small city): no officer to pick, nothing to record
            return
        q = self._quality(met, d.streams["quality"])
        v_leg, v_eff = patrol_mech.casual_valences(q, p.patrol)
        f = int(on_foot.sum())  # contacts on foot come first
        self.contacts.add("patrol_foot", met[:f], v_leg[:f], v_eff[:f], q[:f], familiar=True)
        self.contacts.add("patrol_car", met[f:], v_leg[f:], v_eff[f:], q[f:])

    def _enforcement(self, d: Day) -> None:
        """8. Enforcement: stops (and arrests from stops); arrested offenders are incapacitated."""
        p, res, s = self.params, self.residents, d.streams
        enf = p.enforcement
        stopped = enf_mech.draw_stops(
            d.hours["enforcement"] + self.extra_stops / max(enf.stops_per_hour, 1e-9),
            res,
            self.stop_cumw,
            enf,
            s["enforcement"],
        )
        d.stopped = stopped
        if stopped.size:  # (no stop, no draw)
            stop_arrest = chances(s["enforcement"], enf.stop_arrest_share, stopped.size)
            d.arrested = _join(d.arrested, stopped[stop_arrest])
            stopped = stopped[~stop_arrest]  # stopped and let go
        if stopped.size == 0 and d.arrested.size == 0:  # nobody stopped or arrested today
            return
        reference = p.reporting.reference_legitimacy
        for kind, idx, outcome in (("stop", stopped, enf.outcome_valence), ("arrest", d.arrested, enf.arrest_valence)):
            if idx.size == 0:  # (no contact, no draw)
                continue
            demeanor = climate_mech.demeanor_shift(res.legitimacy[idx], reference, p.policing)
            q = self._quality(idx, s["quality"], demeanor)
            self.contacts.add(
                kind, idx, *enf_mech.enforcement_valences(q, outcome, enf.intrusion, enf.procedural_tint), q
            )
            d.enforced, d.enforced_quality = _join(d.enforced, idx), _join(d.enforced_quality, q)
        if d.arrested.size:
            enf_mech.incapacitate(res, d.arrested, d.number, p.crime.incapacitation_days, s["enforcement"])

    def _incidents(self, d: Day) -> None:
        """9. Publicized incidents: a bad stop or arrest on camera here, one far away; the news reaches residents."""
        p, res = self.params, self.residents
        inc = p.incidents
        rng = d.streams["incidents"]
        if d.enforced.size:  # (no stop, no draw)
            chance = incidents_mech.badness(d.enforced_quality)
            chance *= self.local_incident_chance
            for who in d.enforced[chances(rng, chance, chance.size)]:
                self.contacts.add("incident", np.array([who]), -inc.strength, -inc.strength, 1.0 - inc.strength)
                self.tell(np.array([who]), -inc.strength * inc.story_weight, -inc.strength * inc.story_weight, 0.0)
                self._publish("local", d.number, int(res.group[who]), int(res.beat[who]), int(who), rng)
        for group in self.national_incidents.due(d.number):
            self._publish("national", d.number, group, -1, -1, d.streams["headlines"])
        for kind in ("local", "national"):
            for viewers, weight, v_leg, v_eff in self.news[kind].today(d.number, inc):
                self.contacts.add("incident_news", viewers, v_leg, v_eff, weight=weight, police=False)

    def _publish(self, kind: str, day: int, group: int, beat: int, harmed: int, rng) -> None:
        """Put an incident in the news: who meets it, each weighed by shared identity (cpsim.mechanisms.incidents)."""
        inc = self.params.incidents
        local = kind == "local"
        reach, strength = (inc.local_reach, inc.strength) if local else (inc.national_reach, 1.0)
        exposures = inc.local_exposures if local else inc.national_exposures
        viewers, same = incidents_mech.news_viewers(rng, self.classes, group, beat, reach, inc)
        keep = viewers != harmed
        self.news[kind].publish(day, viewers[keep], same[keep], strength, exposures, inc, rng)
        self.news[kind].log.append((day, beat, harmed, group, int(keep.sum())))

    def _programs_act(self, d: Day) -> None:
        """10. Programs deliver what the hours allow; crisis calls not claimed by a team may end in force."""
        for program in self.programs:
            program.act(self.surface, d.hours)
        crisis = self.params.crisis
        alone = ~self.crisis_claimed & (self.crisis_draws < crisis.force_share)
        crisis_mech.record_force(self.contacts, self.tell, self.crisis_calls[alone], crisis)

    def _experiences(self, d: Day) -> None:
        """11. Experiences: victimisation and every contact move trust at once; poor contacts bring complaints."""
        p, res = self.params, self.residents
        self.contacts.add("victim", d.victims, np.nan, p.trust.victimization_valence, police=False)
        c = d.experiences = self.contacts.take()
        if c["idx"].size == 0:  # nobody had an experience (some days of a small city): nothing moves, nobody tells
            d.effects = {"v_leg": np.empty(0), "v_eff": np.empty(0), "d_trust": np.empty(0)}
            return
        prior_legit = d.prior_legitimacy = res.legitimacy[c["idx"]]  # a gather is a copy: the value before
        familiarity = res.familiarity[c["idx"]]
        d.effects = apply_experiences(res, c, p.trust, p.patrol)
        norms.tally(self.memory, res, c["idx"], d.effects["kept"], kind_mask(norms.SHARED_KINDS)[c["kind"]])
        formal = kind_mask(complaints_mech.FORMAL_KINDS)[c["kind"]]
        d.complaint_risk = complaints_mech.complaint_probability(
            c["quality"], prior_legit, p.complaints, formal, familiarity
        )
        d.complained = complaints_mech.draw_complaints(d.complaint_risk, d.streams["complaints"])
        res.contacted[c["idx"][c["police"]]] = True
        # Everyone tells what they read, by weight (tell()'s rows, built at once); one's own
        # victimisation goes to the fear channel instead.
        self._story_parts.append((c["idx"], stories(c, d.effects)))
        self.tell(d.victims, 0.0, 0.0, 1.0)
        res.victimized[d.victims] = True

    def _word_of_mouth(self, d: Day) -> None:
        """12. Word of mouth: stories reach ties and move them vicariously (F4); a share is retold tomorrow."""
        p, res = self.params, self.residents
        speakers, stories = self._take_stories()
        d.listeners, d.heard = wom_mech.hear(self.social, speakers, stories, p.word_of_mouth.tell_probability)
        if d.listeners.size:
            v = d.heard[:, :2].T  # legitimacy and effectiveness rows
            # A faint story says nothing about that component (|v| at most MIN_STORY: as no valence).
            kept = apply_heard(res, d.listeners, v, wom_mech.MIN_STORY, p.trust, p.word_of_mouth.vicarious_weight)
            norms.tally(self.memory, res, d.listeners, kept)
            # Retold tomorrow: tell()'s rows, built in one product (listeners are unique int64 already).
            self._story_parts.append((d.listeners, p.word_of_mouth.retell_share * d.heard))
        self.experiences_today, self.heard_today = d.experiences, d.listeners

    def _climate(self, d: Day) -> None:
        """13. What officers sense (the legitimacy of whom they meet on routine work) and what crime reviews see."""
        p, res, hood, c = self.params, self.residents, self.hood, d.experiences
        # Officers sense the demeanor residents bring to routine encounters (their legitimacy
        # before it), every contact alike; programs' chosen audiences are not the public's turn.
        routine = kind_mask(climate_mech.ROUTINE_KINDS)[c["kind"]] if c["idx"].size else c["police"]
        climate_mech.sense(
            hood,
            res.beat[c["idx"][routine]],
            d.prior_legitimacy[routine],
            self._decay["climate"],
            self._decay["normal"],
        )
        # recorded += (1 - decay) * (bincount(recorded_beats) - recorded), and victimisations per resident
        # likewise: the bincounts and the steps compiled (cpsim.kernels.beats)
        beats.review(
            hood.recorded,
            hood.victimisation,
            d.recorded_beats,
            res.beat,
            d.victims,
            self.beat_residents,
            self._decay["review"],
        )
        if d.number % WEEK == 0:  # crime reviews are weekly (CompStat): what is expected, then where effort goes
            climate_mech.expect(hood, self._decay["expectation"])
            self.targeting = climate_mech.targeting(
                hood.expected, self.beat_residents, self.officers_per_team, p.enforcement
            )

    def _safety(self, d: Day) -> None:
        """14. Presence and what residents see; disorder relaxes toward its base; perceived safety moves."""
        p, res, pl, hours = self.params, self.residents, self.places, d.hours
        ema = self._decay["presence"]
        # Street hours (response, foot, enforcement, car, and community work as it shows) per 1000
        # residents, a running average; each of these updates is one compiled pass (cpsim.kernels.safety).
        self.presence_per_1000 = safety_kernel.presence(
            self.presence_per_1000,
            ema,
            hours["response"],
            hours["foot"],
            hours["enforcement"],
            hours["car"],
            hours["community"],
            p.patrol.community_presence,
            self.beat_residents,
        )
        # Police seen on foot at each place: routine and directed foot patrol, and program work on the street.
        safety_kernel.approach(self.hood.foot, pl.hotspot_hours, 1.0 - ema)
        safety_kernel.approach(pl.disorder, pl.base_disorder, 1 - self._decay["disorder"], clip=True)
        if d.number % WEEK == 0:
            self.safety_target = self._safety_target()
        safety_mech.update_safety(
            res, self.safety_target, d.victims, d.listeners, d.heard, p.safety, self._decay["safety"]
        )

    def _memory(self, d: Day) -> None:
        """15. Memory: trust relaxes to the attitude daily; weekly, attitudes settle toward their anchors.

        Before the weekly step, what residents are used to follows what the city shows, the
        collective memories take in the week's shared experience, and violence waves move on.
        """
        res, t = self.residents, self.params.trust
        # The trust index is rebuilt here, before the weekly step: it reads only the current
        # components, which that step leaves alone.
        trust_mech.remember(res, self._decay["trust"], t.legitimacy_weight)
        if d.number % WEEK == 0:
            if t.national_sd > 0:  # an Ornstein-Uhlenbeck wander, one step a week
                keep = 0.5 ** (WEEK / t.national_half_life_days)
                shock = d.streams["national"].standard_normal()
                self.national = keep * self.national + t.national_sd * np.sqrt(1 - keep**2) * shock
            conditions_mech.follow(self.hood.reference, self._city_means(), self._decay["reference"])
            norms.settle(self.memory, res, t, WEEK)
            crime_mech.wander(self.waves, self.params.crime, self._decay["wave"], d.streams["waves"])
            self.wave_factor = crime_mech.wave_factors(self.waves, self.params.crime)
            for attitude, target in zip(
                (res.attitude_legitimacy, res.attitude_effectiveness), self.anchors(), strict=True
            ):
                attitudes.settle(attitude, target, self._decay["attitude"])  # trust_mech.relax, compiled

    def anchors(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each resident's legitimacy and effectiveness attitudes settle (cpsim.mechanisms.trust).

        Each component: the group's collective memory and the neighbourhood's departure from it
        (cpsim.mechanisms.norms), the national mood, the resident's disposition and, for
        legitimacy, how effective police seem, for effectiveness, what residents see
        (cpsim.mechanisms.conditions); each pulled toward the ties' climate (``trust.tie_mean``,
        ``trust.anchor``). One compiled pass (cpsim.kernels.attitudes), numpy's to the bit.
        """
        res, t, hood = self.residents, self.params.trust, self.hood
        return attitudes.anchors(
            res, self.memory, self.national, hood.reference, self.places.disorder, self.seen, self.social, t
        )

    def _city_means(self) -> dict[str, float]:
        """What the city shows now: mean disorder at home, police seen on foot, perceived effectiveness."""
        res, pl = self.residents, self.places
        return {
            "disorder": float(np.dot(pl.disorder, pl.residents) / max(res.n, 1)),
            "seen": float(self.seen.mean()),
            "effectiveness": float(res.attitude_effectiveness.mean()),
        }

    # ------------------------------------------------------------------ set-up helpers
    def _start_neighbourhoods(self) -> Neighbourhoods:
        """Running averages at the values the start implies (so the baseline does not drift).

        The audience officers sense and the recorded crime the department expects are set
        once residents' attitudes are (``_start_audience``).
        """
        p, res, pl = self.params, self.residents, self.places
        self.report_intercepts = reporting_mech.intercepts(p.reporting)
        lam_v, lam_p = self.expected_victimizations()
        victimisation = np.bincount(pl.beat, weights=lam_v + lam_p, minlength=self.n_beats) / np.maximum(
            self.beat_residents, 1
        )
        # Foot presence at the start: each on-duty officer's routine foot hours, spread by risk.
        foot = patrol_mech.spread_foot_hours(pl, self.officers_per_beat() * p.policing.duty_share * p.patrol.foot_hours)
        seen = conditions_mech.seen_weekly(res, foot, p.patrol.sighting_rate)
        # Disorder starts where the crime of the start keeps it (its base plus what crime adds).
        pl.disorder[:] = np.clip(
            pl.base_disorder + p.crime.disorder_per_crime * (lam_v + lam_p) / (1.0 - self._decay["disorder"]),
            0.0,
            1.0,
        )
        # What residents are used to: the city as it is when the run starts.
        reference = {
            "disorder": float(np.dot(pl.disorder, pl.residents) / max(res.n, 1)),
            "seen": float(seen.mean()),
            "effectiveness": float(res.attitude_effectiveness.mean()),
        }
        empty = np.zeros(self.n_beats)
        return Neighbourhoods(
            empty.copy(), empty.copy(), empty.copy(), empty.copy(), empty.copy(), empty.copy(), victimisation, foot,
            reference,
        )  # fmt: skip

    def _start_attitudes(self) -> norms.Memory:
        """Residents start as the city's flows keep them; each group's memory where it puts them at its start level.

        History is what the groups' collective memories hold today: each group's memory is set
        so that its residents have the group's mean starting trust ``trust.initial_by_group``
        (F7). Residents' attitudes start at their anchors (memory, disposition, what they see,
        their ties; a few rounds settle the ties), spread as the pull of the news keeps them
        (``_start_news``), and current trust below the attitudes by what recent stories left.
        """
        p, res = self.params, self.residents
        t = p.trust
        target = np.asarray(t.initial_by_group, float)
        n_groups = target.size
        memory = norms.start(res.group, res.beat, n_groups, self.n_beats, np.repeat(target[:, None], 2, axis=1))
        self.memory = memory
        self.seen = conditions_mech.seen_weekly(res, self.hood.foot, p.patrol.sighting_rate)
        members = np.maximum(self.group_residents, 1)
        w = t.legitimacy_weight
        attitudes_now = (res.attitude_legitimacy, res.attitude_effectiveness)
        for _ in range(START_ROUNDS):
            self.hood.reference["effectiveness"] = float(res.attitude_effectiveness.mean())
            for attitude, anchor in zip(attitudes_now, self.anchors(), strict=True):
                attitude[:] = anchor
            mean = np.bincount(res.group, weights=w * res.attitude_legitimacy + (1 - w) * res.attitude_effectiveness,
                               minlength=n_groups) / members  # fmt: skip
            memory.group += (target - mean)[:, None]
        transient, kept, days = self._start_news()
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
        self.hood.reference["effectiveness"] = float(res.attitude_effectiveness.mean())
        return memory

    def _start_news(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The news the city met before day 1: what it left in current trust, and in attitudes.

        The incidents of the days before the run (national ones, and local ones at the start's
        rate where stops are) are drawn from their own stream and met as the day meets them, on
        the residents' start values (cpsim.mechanisms.trust's numpy reading, step and
        consolidation). Each meeting's unconsolidated part fades with ``trust.half_life_days``;
        what is left on day 1 is the transient. The kept part sets the attitudes' stationary
        spread (``_start_attitudes``). Stories still in the news on day 1 continue into the run.

        Returns:
            The transient and the kept changes per component and resident (2 x residents each),
            and the days the news ran before day 1.
        """
        p, res = self.params, self.residents
        t, inc = p.trust, p.incidents
        rng = self.streams["news_history"]
        local_rng = self.streams["incident_history"]
        days = inc.news_days + int(np.ceil(4 * t.half_life_days))
        keep = trust_mech.decay_factor(t.half_life_days)
        transient = np.zeros((2, res.n))
        kept = np.zeros((2, res.n))
        now = (res.attitude_legitimacy, res.attitude_effectiveness)
        steps = (t.positive_step_legitimacy, t.positive_step_effectiveness)
        ratios = (t.negativity_ratio_legitimacy, t.negativity_ratio_effectiveness)
        prior = t.legitimacy_weight * now[0] + (1 - t.legitimacy_weight) * now[1]
        beat_stops = np.bincount(res.beat, weights=res.stop_weight, minlength=self.n_beats)
        news = {"local": incidents_mech.News(), "national": incidents_mech.News()}
        for day in range(1 - days, 1):
            local = (
                inc.local_per_100k * res.n * people_per_resident(p) / 100_000 / 365.0 if beat_stops.sum() > 0 else 0.0
            )
            for _ in range(local_rng.poisson(local)):
                beat = int(local_rng.choice(self.n_beats, p=beat_stops / beat_stops.sum()))
                who = sample_weighted_within(res.by_beat, res.beat_start, self.stop_cumw, np.array([beat]), local_rng)[
                    0
                ]
                if who >= 0:
                    viewers, same = incidents_mech.news_viewers(local_rng, self.classes, int(res.group[who]), beat,
                                                                inc.local_reach, inc)  # fmt: skip
                    others = viewers != who
                    news["local"].publish(
                        day, viewers[others], same[others], inc.strength, inc.local_exposures, inc, local_rng
                    )
            for group in incidents_mech.draw_national(rng, inc):
                viewers, same = incidents_mech.news_viewers(rng, self.classes, group, -1, inc.national_reach, inc)
                news["national"].publish(day, viewers, same, 1.0, inc.national_exposures, inc, rng)
            transient *= keep
            met = [*news["local"].today(day, inc), *news["national"].today(day, inc)]
            for viewers, weight, v_leg, v_eff in met:
                read = [
                    trust_mech.read_valence(np.full(viewers.size, v), prior[viewers], t.prior_bias)
                    for v in (v_leg, v_eff)
                ]
                share = trust_mech.consolidation(t, 0.0, np.maximum(np.abs(read[0]), np.abs(read[1])), weight)
                for c in range(2):
                    delta = trust_mech.experience_delta(now[c][viewers], read[c], steps[c] * weight, ratios[c])
                    transient[c, viewers] += (1.0 - share) * delta
                    kept[c, viewers] += share * delta
        for kind, part in news.items():
            self.news[kind].stories = [st for st in part.stories if st.start + inc.news_days > 0]
        return transient, kept, days

    def _start_audience(self) -> None:
        """What officers sense and what the department expects, at the values the start implies."""
        p, res, pl, hood = self.params, self.residents, self.places, self.hood
        rates, mean = self._expected_audience()
        # A running count of contacts that each weigh alike: the steady state of rate / (1 - decay).
        hood.audience_count[:] = rates / (1.0 - self._decay["climate"])
        hood.audience_sum[:] = hood.audience_count * mean
        hood.audience[:] = mean
        hood.normal[:] = mean
        lam_v, lam_p = self.expected_victimizations()
        legit_place = response_mech.place_mean(res.legitimacy, res.place, pl.residents)
        share_v = reporting_mech.report_probability(legit_place, p.reporting.violent_share, p.reporting)
        share_p = reporting_mech.report_probability(legit_place, p.reporting.property_share, p.reporting)
        recorded = (lam_v * share_v + lam_p * share_p) * p.reporting.recording_share
        hood.expected[:] = np.bincount(pl.beat, weights=recorded, minlength=self.n_beats)
        hood.recorded[:] = hood.expected

    def _expected_audience(self) -> tuple[np.ndarray, np.ndarray]:
        """Routine contacts a day each beat's officers have at the start, and the mean legitimacy of those met.

        Contacts come from patrol (by time out on the street), stops (by stop weight) and calls
        (anyone), in the numbers the start's hours give.
        """
        p, res = self.params, self.residents
        on_duty = self.officers_per_beat() * p.policing.duty_share
        working = on_duty * p.policing.shift_hours * (1 - p.policing.admin_share)
        foot, stops = on_duty * p.patrol.foot_hours, on_duty * p.enforcement.proactive_hours
        car = np.maximum(working - foot - stops, 0.0)  # before calls: an upper bound, car contacts are rare
        rates = {
            "street_time": foot * p.patrol.contacts_per_foot_hour + car * p.patrol.contacts_per_car_hour,
            "stop_weight": stops * p.enforcement.stops_per_hour,
            None: self.beat_residents * p.response.other_calls_per_1000 / 1000 / 365,
        }
        total = np.zeros(self.n_beats)
        weighted = np.zeros(self.n_beats)
        for weight_name, rate in rates.items():
            w = np.ones(res.n) if weight_name is None else getattr(res, weight_name)
            mean = np.bincount(res.beat, weights=w * res.legitimacy, minlength=self.n_beats) / np.maximum(
                np.bincount(res.beat, weights=w, minlength=self.n_beats), 1e-12
            )
            weighted += rate * mean
            total += rate
        return total, weighted / np.maximum(total, 1e-12)

    def _enforcement_badness(self) -> float:
        """Expected sum of badness (cpsim.mechanisms.incidents.badness) of the stops and arrests of a day at the start.

        The start's hours give the day's stops, its crimes the arrests that clear them, city-wide; each
        stop is of a resident drawn
        by stop weight, of quality ``N(skill_mean + the group's shift + demeanor, skill_sd^2 +
        contact_sd^2)``: the base on which local incidents are set.
        """
        p, res = self.params, self.residents
        pol, enf = p.policing, p.enforcement
        on_duty = self.officers_per_beat().sum() * pol.duty_share
        per_day = on_duty * enf.proactive_hours * enf.stops_per_hour + self.arrests_per_day
        mean = pol.skill_mean + self.group_quality[res.group]
        mean = mean + climate_mech.demeanor_shift(res.legitimacy, p.reporting.reference_legitimacy, pol)
        spread = float(np.hypot(pol.skill_sd, pol.contact_sd))
        if res.stop_weight.sum() <= 0:  # nobody can be stopped: no stop goes badly
            return float(self.arrests_per_day * np.mean(incidents_mech.expected_badness(mean, spread)))
        expected = np.average(incidents_mech.expected_badness(mean, spread), weights=res.stop_weight)
        return float(per_day * expected)

    def _start_custody(self) -> None:
        """Offenders in custody at the start, as many as the arrest process keeps there."""
        p, res, pl = self.params, self.residents, self.places
        oi = self.offender_idx
        lam_v, lam_p = self.expected_victimizations()
        legit_place = response_mech.place_mean(res.legitimacy, res.place, pl.residents)
        rep, resp = p.reporting, p.response
        cleared = rep.recording_share * (
            lam_v * reporting_mech.report_probability(legit_place, rep.violent_share, rep) * resp.clearance_violent
            + lam_p * reporting_mech.report_probability(legit_place, rep.property_share, rep) * resp.clearance_property
        )
        self.arrests_per_day = float(cleared.sum())  # clearance arrests a day at the start (local incidents' base)
        beat = res.beat[oi]
        weight = self._active_offending(0)
        by_offending = np.bincount(pl.beat, weights=cleared, minlength=self.n_beats) / np.maximum(
            np.bincount(beat, weights=weight, minlength=self.n_beats), 1e-12
        )
        enf = p.enforcement
        stop_arrests = (
            self.officers_per_beat()
            * p.policing.duty_share
            * enf.proactive_hours
            * enf.stops_per_hour
            * enf.stop_arrest_share
        )
        by_stops = stop_arrests / np.maximum(
            np.bincount(res.beat, weights=res.stop_weight, minlength=self.n_beats), 1e-12
        )
        hazard = by_offending[beat] * weight + by_stops[beat] * res.stop_weight[oi]
        enf_mech.custody_at_equilibrium(res, oi, hazard, p.crime.incapacitation_days, self.streams["custody"])

    def officers_per_beat(self) -> np.ndarray:
        """Beat officers assigned to each beat."""
        off = self.officers
        return np.bincount(off.beat[off.beat >= 0], minlength=self.n_beats).astype(float)

    def _safety_target(self) -> np.ndarray:
        res, p = self.residents, self.params
        self.seen = conditions_mech.seen_weekly(res, self.hood.foot, p.patrol.sighting_rate)
        return safety_mech.safety_target(res, self.places.disorder[res.place], self.seen, self.hood.reference, p.safety)

    def _quality(self, idx: np.ndarray, rng, shift: np.ndarray | float = 0.0) -> np.ndarray:
        """Procedural quality of routine contacts with these residents.

        An officer of their beat, its climate, how officers treat the resident's group, and a shift.
        """
        res, pol = self.residents, self.params.policing
        beats = res.beat[idx]
        who = policing_mech.pick_officers(self.officers, beats, rng, self.roster)
        shift = self._beat_shift[beats] + self.group_quality[res.group[idx]] + shift
        return policing_mech.contact_quality(self.officers, who, pol.contact_sd, rng, shift)

    def beat_quality_shift(self) -> np.ndarray:
        """Today's change of procedural quality of each beat's officers (the climate they sense)."""
        return climate_mech.quality_shift(self.hood.audience, self.hood.normal, self.params.policing)

    # ------------------------------------------------------------------ stories
    def tell(self, idx, v_legitimacy, v_effectiveness, fear) -> None:
        """Give residents a story to pass to their ties today (word of mouth).

        Args:
            idx: Resident indices.
            v_legitimacy: Legitimacy valence of the story, -1..1 (scalar or per resident).
            v_effectiveness: Effectiveness valence of the story.
            fear: Victimisation news, 0..1 (moves perceived safety of listeners).

        """
        idx = np.ascontiguousarray(idx, np.int64)
        if idx.size:
            vals = np.empty((idx.size, 3))
            vals[:, 0], vals[:, 1], vals[:, 2] = v_legitimacy, v_effectiveness, fear
            self._story_parts.append((idx, vals))

    def _take_stories(self) -> tuple[np.ndarray, np.ndarray]:
        parts, self._story_parts = self._story_parts, []
        return wom_mech.merge(parts)

    # ------------------------------------------------------------------ figures
    def _record(self, d: Day) -> None:
        """15. Officer hours by activity, and the day's figures (computed in cpsim/metrics.py)."""
        self._book_hours(d.hours, d.admin, d.on_duty)
        res, c = self.residents, d.experiences
        events = {
            "victims": d.victims,
            "reporters": d.victims[d.reported],
            "contacts": c["idx"][c["police"]],
            "stops": d.stopped,
            "complainants": c["idx"][d.complained],
        }
        by_group = self.tables.add(res, events)  # the day's sums by group and beat; the city's means from them
        t = self.today = day_figures(d, self, by_group)
        totals = self.totals
        for key in TOTALS:
            totals[key] = totals.get(key, 0) + t[key]
        # np.count_nonzero(reported & violent) and complaint_risk[enforcement kinds].sum(), compiled
        totals["reported_violent"] = totals.get("reported_violent", 0) + figures.both(d.reported, d.violent)
        enforcement = kind_mask(complaints_mech.ENFORCEMENT_KINDS)
        totals["complaints_expected_enforcement"] = totals.get(
            "complaints_expected_enforcement", 0.0
        ) + figures.selected_total(d.complaint_risk, c["kind"], enforcement)
        if self.day == PREVALENCE_DAYS:
            self.initial["contact_prevalence"] = float(res.contacted.mean())

    def _book_hours(self, hours: dict, admin: np.ndarray, on_duty: np.ndarray) -> None:
        """Each working officer's share of their beat's hours, by activity."""
        off = self.officers
        # One compiled pass (cpsim.kernels.ledger): each working officer's share, as the numpy
        # booked[:, working] += per_beat[:, beat] * (1.0 / np.maximum(on_duty[beat], 1)), to the bit.
        book_hours(
            self._booked,
            off.on_duty,
            off.beat,
            (*[hours[a] for a in policing_mech.ACTIVITIES], admin),
            on_duty,
        )

    def summary(self) -> dict:
        """Whole-run and end-of-run figures (defined in docs/metrics.md)."""
        res, t, days = self.residents, self.totals, max(self.day, 1)
        n = res.n
        names = self.params.population.group_names
        g_trust = np.bincount(res.group, weights=res.trust, minlength=len(names)) / np.maximum(self.group_residents, 1)
        per_year = 1000.0 * 365.0 / (n * days)
        vic, viol = t.get("victimizations", 0), t.get("victimizations_violent", 0)
        initiated = self.initiated["crime"] + self.initiated["other"]
        trust_change = float(res.trust.mean()) - self.initial["trust_mean"]
        return {
            "days": self.day,
            "residents": n,
            "officers": self.officers.n,
            "officers_per_1000": 1000.0 * self.officers.n / n,
            "trust_start": self.initial["trust_mean"],
            "trust_end": float(res.trust.mean()),
            "trust_change": trust_change,
            "legitimacy_end": float(res.legitimacy.mean()),
            "effectiveness_end": float(res.effectiveness.mean()),
            "safety_end": float(res.safety.mean()),
            "foot_seen_weekly_end": float(self.seen.mean()),
            "trust_gap_end": float(g_trust[self.group_residents > 0].max() - g_trust[self.group_residents > 0].min()),
            "trust_end_by_group": {name: float(g_trust[i]) for i, name in enumerate(names)},
            "victimizations": int(vic),
            "violent_per_1000_year": viol * per_year,
            "property_per_1000_year": (vic - viol) * per_year,
            "crimes_reported": int(t.get("crimes_reported", 0)),
            "crimes_recorded": int(t.get("crimes_recorded", 0)),
            "recorded_per_1000_year": t.get("crimes_recorded", 0) * per_year,
            "reporting_rate": ratio(t.get("crimes_reported", 0), vic),
            "reporting_rate_violent": ratio(t.get("reported_violent", 0), viol),
            "reporting_rate_property": ratio(t.get("crimes_reported", 0) - t.get("reported_violent", 0), vic - viol),
            "clearance_rate": ratio(t.get("crimes_cleared", 0), t.get("crimes_recorded", 0)),
            "contact_prevalence": self.initial.get("contact_prevalence", float(res.contacted.mean())),
            "crime_report_share_of_initiated": ratio(self.initiated["crime"], initiated),
            "contacts": int(t.get("contacts", 0)),
            "stops": int(t.get("stops", 0)),
            "arrests": int(t.get("arrests", 0)),
            "complaints": int(t.get("complaints", 0)),
            "complaints_expected": float(t.get("complaints_expected", 0.0)),
            "complaints_per_1000_contacts": 1000 * ratio(t.get("complaints", 0), t.get("contacts", 0)),
            "hours_total": float(t.get("hours_total", 0.0)),
            "hours_response": float(t.get("hours_response", 0.0)),
            "hours_patrol": float(t.get("hours_patrol", 0.0)),
            "hours_enforcement": float(t.get("hours_enforcement", 0.0)),
            "hours_community": float(t.get("hours_community", 0.0)),
            "trust_change_per_1000_hours": 1000 * ratio(trust_change, t.get("hours_total", 0.0)),
        }


__all__ = ["BY_KEY", "CommunityModel", "Day", "make_streams"]

"""CommunityModel: residents and officers building and losing trust, one day per step.

``step()`` is the table of contents of docs/ODD.md's process overview: one named phase
per process step, in order, each passing the day's intermediate values on in one record
(``Day``). All per-resident work is vectorised over the arrays in ``self.residents``;
Mesa agents are views onto them, created the first time something asks for them
(cpsim/agents.py).
"""

from __future__ import annotations

import mesa
import networkx as nx
import numpy as np

from cpsim.agents import AgentViews
from cpsim.city import WEEK, Frame, decay_factors, expected_by_type, look
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
from cpsim.metrics import BY_KEY, PREVALENCE_DAYS, DailyCollector, GroupTables, add_totals, day_figures
from cpsim.programs import build_programs, program_names
from cpsim.programs.program import Surface
from cpsim.scenario import Scenario
from cpsim.scenario.units import per_day
from cpsim.start import equilibrium
from cpsim.streams import DayStreams, StreamBank, make_streams
from cpsim.summary import Tally, summary
from cpsim.survey import make_survey
from cpsim.world import build_world
from cpsim.world.state import check_dtypes


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


class CommunityModel(AgentViews, mesa.Model):
    """Agent-based model of community-police interaction (one step = one day).

    Attributes:
        params: The validated scenario.
        residents: Per-resident state arrays (Resident agents are views onto them).
        officers: Per-officer state arrays (Officer agents are views onto them).
        places: Per-place (street segment) state arrays.
        social: The social graph as CSR arrays (``graph`` gives a networkx view).
        contacts: Buffer where mechanisms and programs record the day's experiences.
        frame: What the world implies and the run never changes (cpsim.city.Frame).
        hood: Running averages of what officers and residents sense (cpsim.city.Neighbourhoods).
        city: The rest of the state the city carries from day to day (cpsim.city.City).
        tally: The run's totals, calls and starting values, for its summary (cpsim.summary.Tally).
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
        world = self.world = build_world(params, self.streams, graph)
        self.residents, self.places, self.officers = world.residents, world.places, world.officers
        self.social, self.n_beats = world.graph, world.n_beats
        self.beat_risk = world.beat_risk
        frame = self.frame = Frame.of(world, params)
        self.beat_residents = frame.beat_residents  # (programs and studies read it here)
        self.stop_cumw = frame.stop_cumw  # programs that weigh stops replace it (Surface.weight_stops)
        self.contacts = Contacts()
        # Stories to pass on today: (resident, [legitimacy, effectiveness, fear]) kept sparse,
        # since only a few residents have something to tell on a given day.
        self._story_parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.community_requests = np.zeros(self.n_beats)
        self.extra_stops = np.zeros(self.n_beats)
        self.foot_requests = np.zeros(self.n_beats)  # directed foot patrol (hot spots)
        self.directed_foot = np.zeros(self.n_beats)  # ... and the share of foot hours it got
        # Program hooks: officers who never rotate (steady beat officers), the chance that a
        # victimisation at a place is reported by someone else (watch).
        self.steady_officers = np.zeros(self.officers.n, bool)
        self.place_reporting = np.zeros(self.places.n)
        # Officers' hours by activity: rows of one array (booked in one pass a day), named by activity.
        self._booked = np.zeros((len(policing_mech.ACTIVITIES) + 1, self.officers.n))
        self.officers.hours = dict(zip((*policing_mech.ACTIVITIES, "admin"), self._booked, strict=True))
        self.rota = policing_mech.rota_phases(self.officers, self.n_beats)
        self.roster = policing_mech.Roster(self.n_beats)
        self._decay = decay_factors(params)
        start = equilibrium(world, params, frame, self.streams, self._decay)
        self.city, self.hood, self.memory, self.news = start.city, start.hood, start.memory, start.news
        self.report_intercepts, self.local_incident_chance = start.report_intercepts, start.local_incident_chance
        for holder in (frame, self.city, self.hood):
            check_dtypes(holder)
        self._beat_shift = np.zeros(self.n_beats)  # set in phase 5, before the day's first contact
        # The stories in the news: local incidents and national ones, each from its own stream, so a
        # policy that changes stops here leaves the national news as it was (common random numbers).
        self.national_incidents = incidents_mech.NationalIncidents(self.streams["national_incidents"], params.incidents)
        self.tally = Tally(initial={"trust_mean": float(self.residents.trust.mean())})
        self.totals = self.tally.totals  # (programs read the totals so far)
        self.today: dict[str, float] = {}
        self.experiences_today: dict[str, np.ndarray] = {}
        self.heard_today = np.empty(0, np.int64)
        self.survey = make_survey(params, self.residents, self.n_beats)  # reads residents on fieldwork days; own stream

        self.surface = Surface(self)  # the only door programs have to the model
        self.programs = build_programs(params)
        for program in self.programs:  # every program's areas from the city as built, before any sets up
            program.confine(self.surface)
        for program in self.programs:
            program.attach(self.surface)
        self.tables = GroupTables(self.residents.beat, self.residents.group, self.n_beats, len(frame.group_residents))
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
        return expected_by_type(self.world, self.params, self.frame, self.city, day)

    def _crime(self, d: Day) -> None:
        """3. Crime: true victimisations at places (deterred by yesterday's presence)."""
        lam = self._expected_by_type(d.number)
        victims, place, kind = crime_mech.draw_victims(lam, self.residents, d.streams["crime"])
        if victims.size == 0:  # nobody victimised: the day's empty defaults stand, disorder is unchanged
            return
        d.victims, d.crime_place, d.violent = victims, place, kind == 0
        crime_mech.add_disorder(self.places, place, self.params.crime.disorder_per_crime)

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
                d.reported |= reporting_mech.reported_by_others(s["watch"], self.place_reporting, d.crime_place)
            n_reports = int(np.count_nonzero(d.reported))
        d.other_calls = reporting_mech.draw_other_calls(n, p.response.other_calls_per_1000, rng)
        workload = rng.poisson(per_day(n, p.response.workload_per_1000))
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
        proactive *= self.city.targeting
        d.hours, d.admin, d.answered_share, self.directed_foot = policing_mech.allocate_hours(
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
        self.city.crisis_calls, self.city.crisis_draws = (
            np.empty(0, np.int64),
            np.empty(0),
        )  # none unless a help call is answered
        self.city.crisis_claimed = np.empty(0, bool)
        reporters = d.victims[d.reported]
        n_reports, n_other = reporters.size, d.other_calls.size
        if n_reports == 0 and n_other == 0:  # no call today: nothing to answer, record or clear (no draw)
            return
        rr = s["response"]
        rep_violent, rep_place = d.violent[d.reported], d.crime_place[d.reported]
        answered, d.recorded, other_answered = response_mech.answer_calls(
            rr, d.answered_share, p.reporting.recording_share, n_reports, n_other
        )
        answered_reports, helped = reporters[answered], d.other_calls[other_answered]
        callers = _join(answered_reports, helped)
        if callers.size:
            q = self._quality(callers, s["quality"])
            self.contacts.add("call", callers, *response_mech.answered_valences(q, p.response), q)
        unanswered = _join(reporters[~answered], d.other_calls[~other_answered])
        self.contacts.add("unanswered", unanswered, np.nan, p.response.unanswered_valence, police=False)
        self.tally.initiated["crime"] += answered_reports.size
        self.tally.initiated["other"] += helped.size
        if helped.size:  # (no help call answered, no crisis and no draw)
            self.city.crisis_calls, self.city.crisis_draws = crisis_mech.draw_crisis_calls(
                helped, p.crisis, s["crisis"]
            )
            self.city.crisis_claimed = np.zeros(self.city.crisis_calls.size, bool)
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
        d.cleared = response_mech.draw_cleared(d.streams["response"], p_clear)
        d.recorded_beats = self.places.beat[place]
        if not d.cleared.any():  # nothing cleared: nobody to tell, nobody to arrest
            return
        cleared = victims[d.cleared]
        self.contacts.add("cleared", cleared, np.nan, p.response.cleared_valence, police=False)
        arrested = enf_mech.pick_offenders(
            res.beat[cleared],
            res,
            d.number,
            d.streams["enforcement"],
            self.frame.offender_idx,
            self.frame.offenders_by_beat,
        )
        d.arrested = arrested[arrested >= 0]

    def _patrol(self, d: Day) -> None:
        """7. Patrol: foot presence at places (deters crime tomorrow), casual contacts on foot and in cars."""
        p, res, hours = self.params, self.residents, d.hours
        # The routine foot hours spread over places by risk; the directed ones (phase 5's split)
        # programs place in act.
        self.places.hotspot_hours = patrol_mech.spread_foot_hours(
            self.places, hours["foot"] - self.directed_foot, self.frame.place_beat_risk
        )
        met, on_foot = patrol_mech.draw_patrol_contacts(
            hours["foot"], hours["car"], res, self.frame.street_cumw, p.patrol, d.streams["patrol"]
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
            stop_arrest = enf_mech.draw_stop_arrests(s["enforcement"], enf.stop_arrest_share, stopped.size)
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
        inc, res = self.params.incidents, self.residents
        if d.enforced.size:  # (no stop, no draw)
            rng = d.streams["incidents"]
            for who in d.enforced[incidents_mech.draw_local(rng, d.enforced_quality, self.local_incident_chance)]:
                self.contacts.add("incident", np.array([who]), -inc.strength, -inc.strength, 1.0 - inc.strength)
                self.tell(np.array([who]), -inc.strength * inc.story_weight, -inc.strength * inc.story_weight, 0.0)
                self._publish("local", d.number, int(res.group[who]), int(res.beat[who]), int(who), rng)
        for group in self.national_incidents.due(d.number):
            self._publish("national", d.number, group, -1, -1, d.streams["headlines"])
        for news in self.news.values():  # local, then national
            for viewers, weight, v_leg, v_eff in news.today(d.number, inc):
                self.contacts.add("incident_news", viewers, v_leg, v_eff, weight=weight, police=False)

    def _publish(self, kind: str, day: int, group: int, beat: int, harmed: int, rng) -> None:
        """Put an incident in the news: who meets it, each weighed by shared identity (cpsim.mechanisms.incidents)."""
        inc = self.params.incidents
        local = kind == "local"
        reach, strength = (inc.local_reach, inc.strength) if local else (inc.national_reach, 1.0)
        exposures = inc.local_exposures if local else inc.national_exposures
        viewers, same = incidents_mech.news_viewers(rng, self.frame.classes, group, beat, reach, inc)
        keep = viewers != harmed
        self.news[kind].publish(day, viewers[keep], same[keep], strength, exposures, inc, rng)
        self.news[kind].log.append((day, beat, harmed, group, int(keep.sum())))

    def _programs_act(self, d: Day) -> None:
        """10. Programs deliver what the hours allow; crisis calls not claimed by a team may end in force."""
        for program in self.programs:
            program.act(self.surface, d.hours)
        crisis = self.params.crisis
        alone = ~self.city.crisis_claimed & (self.city.crisis_draws < crisis.force_share)
        crisis_mech.record_force(self.contacts, self.tell, self.city.crisis_calls[alone], crisis)

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
        climate_mech.review(hood, d.recorded_beats, res.beat, d.victims, self.beat_residents, self._decay["review"])
        if d.number % WEEK == 0:  # crime reviews are weekly (CompStat): what is expected, then where effort goes
            climate_mech.expect(hood, self._decay["expectation"])
            self.city.targeting = climate_mech.targeting(
                hood.expected, self.beat_residents, self.frame.officers_per_team, p.enforcement
            )

    def _safety(self, d: Day) -> None:
        """14. Presence and what residents see; disorder relaxes toward its base; perceived safety moves."""
        p, res, pl, hours = self.params, self.residents, self.places, d.hours
        ema = self._decay["presence"]
        self.city.presence_per_1000 = patrol_mech.presence(
            self.city.presence_per_1000, ema, hours, p.patrol.community_presence, self.beat_residents
        )
        # Police seen on foot at each place: routine and directed foot patrol, and program work on the street.
        patrol_mech.follow_foot(self.hood.foot, pl.hotspot_hours, ema)
        crime_mech.relax_disorder(pl, self._decay["disorder"])
        if d.number % WEEK == 0:
            self.city.seen, self.city.safety_target = look(self.world, self.params, self.hood)
        safety_mech.update_safety(
            res, self.city.safety_target, d.victims, d.listeners, d.heard, p.safety, self._decay["safety"]
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
                self.city.national = keep * self.city.national + t.national_sd * np.sqrt(1 - keep**2) * shock
            conditions_mech.follow(self.hood.reference, self._city_means(), self._decay["reference"])
            norms.settle(self.memory, res, t, WEEK)
            crime_mech.wander(self.city.waves, self.params.crime, self._decay["wave"], d.streams["waves"])
            self.city.wave_factor = crime_mech.wave_factors(self.city.waves, self.params.crime)
            for attitude, target in zip(
                (res.attitude_legitimacy, res.attitude_effectiveness), self.anchors(), strict=True
            ):
                trust_mech.settle(attitude, target, self._decay["attitude"])

    def anchors(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each resident's legitimacy and effectiveness attitudes settle (cpsim.mechanisms.trust).

        Each component: the group's collective memory and the neighbourhood's departure from it
        (cpsim.mechanisms.norms), the national mood, the resident's disposition and, for
        legitimacy, how effective police seem, for effectiveness, what residents see
        (cpsim.mechanisms.conditions); each pulled toward the ties' climate (``trust.tie_mean``,
        ``trust.anchor``).
        """
        return trust_mech.anchors(
            self.residents, self.memory, self.city.national, self.params.trust, self.hood.reference,
            self.places.disorder, self.city.seen, self.social,
        )  # fmt: skip

    def _city_means(self) -> dict[str, float]:
        """What the city shows now: mean disorder at home, police seen on foot, perceived effectiveness."""
        res, pl = self.residents, self.places
        return {
            "disorder": conditions_mech.home_disorder(pl.disorder, pl.residents, res.n),
            "seen": float(self.city.seen.mean()),
            "effectiveness": float(res.attitude_effectiveness.mean()),
        }

    # ------------------------------------------------------------------ helpers
    def officers_per_beat(self) -> np.ndarray:
        """Beat officers assigned to each beat."""
        off = self.officers
        return np.bincount(off.beat[off.beat >= 0], minlength=self.n_beats).astype(float)

    def _quality(self, idx: np.ndarray, rng, shift: np.ndarray | float = 0.0) -> np.ndarray:
        """Procedural quality of routine contacts with these residents.

        An officer of their beat, its climate, how officers treat the resident's group, and a shift.
        """
        res, pol = self.residents, self.params.policing
        beats = res.beat[idx]
        who = policing_mech.pick_officers(self.officers, beats, rng, self.roster)
        shift = self._beat_shift[beats] + self.frame.group_quality[res.group[idx]] + shift
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
        self.today = day_figures(d, self, by_group)
        add_totals(self.totals, self.today, d, kind_mask(complaints_mech.ENFORCEMENT_KINDS))
        if self.day == PREVALENCE_DAYS:
            self.tally.initial["contact_prevalence"] = float(res.contacted.mean())

    def _book_hours(self, hours: dict, admin: np.ndarray, on_duty: np.ndarray) -> None:
        """Each working officer's share of their beat's hours, by activity."""
        policing_mech.book_hours(self._booked, self.officers, hours, admin, on_duty)

    def summary(self) -> dict:
        """Whole-run and end-of-run figures (defined in docs/metrics.md; cpsim.summary)."""
        return summary(self.world, self.params, self.tally, self.city.seen, self.day)


__all__ = ["BY_KEY", "CommunityModel", "Day", "make_streams"]

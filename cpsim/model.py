"""CommunityModel: residents and officers building and losing trust, one day per step.

``step()`` follows the process overview of docs/ODD.md, in order. All per-resident work
is vectorised over the arrays in ``self.residents``; Mesa agents are views onto them.
"""

from __future__ import annotations

import zlib

import mesa
import networkx as nx
import numpy as np

from cpsim.agents import Officer, Resident
from cpsim.mechanisms import complaints as complaints_mech
from cpsim.mechanisms import crime as crime_mech
from cpsim.mechanisms import crisis as crisis_mech
from cpsim.mechanisms import enforcement as enf_mech
from cpsim.mechanisms import patrol as patrol_mech
from cpsim.mechanisms import policing as policing_mech
from cpsim.mechanisms import reporting as reporting_mech
from cpsim.mechanisms import response as response_mech
from cpsim.mechanisms import safety as safety_mech
from cpsim.mechanisms import word_of_mouth as wom_mech
from cpsim.mechanisms.contacts import Contacts, apply_experiences, kind_code
from cpsim.mechanisms.trust import combine, decay_factor, relax
from cpsim.metrics import BY_KEY, grouped, model_reporters, ratio
from cpsim.programs import build_programs
from cpsim.scenario import Scenario
from cpsim.world import build_world
from cpsim.world.layout import beat_index

STREAMS = (
    "population",
    "graph",
    "officers",
    "duty",
    "crime",
    "reporting",
    "response",
    "patrol",
    "enforcement",
    "quality",
    "complaints",
    "programs",
    "trial",
    "crisis",
    "watch",
)


def day_streams(seed: int, day: int, names=STREAMS) -> dict[str, np.random.Generator]:
    """Fresh streams for one day, keyed by (mechanism, day).

    A mechanism that draws a different number of numbers in two scenarios (more stops,
    more calls) would otherwise push every later draw out of step; re-keying by day keeps
    scenarios run with the same seed coupled for the rest of the run.
    """
    return _DayStreams(seed, day)


class _DayStreams(dict):
    """Day streams created on first use (a day touches only some mechanisms' streams)."""

    def __init__(self, seed: int, day: int) -> None:
        super().__init__()
        self.seed, self.day = seed, day

    def __missing__(self, name: str) -> np.random.Generator:
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(zlib.crc32(name.encode()), self.day)))
        self[name] = rng
        return rng


def make_streams(seed: int, names=STREAMS) -> dict[str, np.random.Generator]:
    """One independent Generator per named mechanism, derived from the run seed.

    Streams are keyed by name (not by position), so two scenarios run with the same seed
    share every stream they both use: common random numbers.
    """
    return {
        name: np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode()),)))
        for name in names
    }


class CommunityModel(mesa.Model):
    """Agent-based model of community-police interaction (one step = one day).

    Attributes:
        params: The validated scenario.
        residents: Per-resident state arrays (Resident agents are views onto them).
        officers: Per-officer state arrays (Officer agents are views onto them).
        places: Per-place (street segment) state arrays.
        social: The social graph as CSR arrays (``graph`` gives a networkx view).
        contacts: Buffer where mechanisms and programs record the day's experiences.
        today: The day's figures (read by the DataCollector).

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
        self.streams = make_streams(seed)
        world = build_world(params, self.streams, graph)
        self.residents, self.places, self.officers = world.residents, world.places, world.officers
        self.social, self.n_beats = world.graph, world.n_beats
        self.beat_risk = world.beat_risk
        res, pl = self.residents, self.places
        n = res.n

        Resident.create_agents(self, n, np.arange(n))
        Officer.create_agents(self, self.officers.n, np.arange(self.officers.n))

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
        self.presence_per_1000 = np.full(self.n_beats, params.crime.reference_presence)
        self.initial_offending = np.maximum(np.bincount(res.beat, weights=res.offending, minlength=self.n_beats), 1e-12)
        self.offender_idx = np.flatnonzero(res.offending > 0)
        self.offenders_by_beat = beat_index(res.beat[self.offender_idx], self.n_beats)
        self.guard_mean = float(np.average(pl.guardianship, weights=pl.residents))
        self.disorder_mean = float(np.average(pl.base_disorder, weights=pl.residents))
        self.stop_cumw = enf_mech.stop_cumweights(res)
        self.street_cumw = patrol_mech.street_cumweights(res)
        self.officers.hours = {a: np.zeros(self.officers.n) for a in (*policing_mech.ACTIVITIES, "admin")}
        self._decay = {
            "trust": decay_factor(params.trust.half_life_days),
            "base": decay_factor(params.trust.baseline_half_life_days),
            "fam": decay_factor(params.patrol.familiarity_half_life_days),
            "safety": decay_factor(params.safety.half_life_days),
            "presence": decay_factor(params.patrol.presence_half_life_days),
        }
        self.initial = {"trust_mean": float(res.trust.mean())}
        self.totals: dict[str, float] = {}
        self.initiated = {"crime": 0, "other": 0}
        self.by_group_rows: list[np.ndarray] = []
        self.by_beat_rows: list[np.ndarray] = []
        self.today: dict[str, float] = {}

        self.programs = build_programs(params)
        for program in self.programs:
            program.attach(self)
        self.datacollector = mesa.DataCollector(model_reporters=model_reporters())

    @property
    def day(self) -> int:
        """The current day (1 during the first step; 0 before any step)."""
        return self.steps

    @property
    def graph(self) -> nx.Graph:
        """The social graph as a networkx Graph (built on demand)."""
        return self.social.to_networkx()

    def step(self) -> None:
        """Simulate one day, in the order of the ODD process overview."""
        p, res, day = self.params, self.residents, self.day
        s = day_streams(self.seed, day)

        # 1. Officers: who works today, beat reassignments (familiarity with the team fades).
        policing_mech.draw_duty(self.officers, p.policing.duty_share, s["duty"])
        replaced = policing_mech.rotate(
            self.officers, self.n_beats, p.policing.rotation_days, s["duty"], self.steady_officers
        )
        res.familiarity *= self._decay["fam"] * (1.0 - replaced[res.beat])

        # 2. Programs plan their day (hour requests, places to cover).
        self.community_requests[:] = 0.0
        self.extra_stops[:] = 0.0
        self.foot_requests[:] = 0.0
        for program in self.programs:
            program.plan(self)

        # 3. Crime: true victimisations at places (deterrence from yesterday's presence).
        oi = self.offender_idx  # offending only ever falls, so non-offenders stay at zero
        active = res.offending[oi] * (res.free_day[oi] <= day)
        offender_factor = np.bincount(res.beat[oi], weights=active, minlength=self.n_beats) / self.initial_offending
        lam_v, lam_p = crime_mech.expected_victimizations(
            self.places, offender_factor, self.presence_per_1000, p.crime, self.guard_mean
        )
        vic_v, place_v = crime_mech.draw_victims(lam_v, res, s["crime"])
        vic_p, place_p = crime_mech.draw_victims(lam_p, res, s["crime"])
        victims = np.concatenate([vic_v, vic_p])
        crime_place = np.concatenate([place_v, place_p])
        violent = np.concatenate([np.ones(vic_v.size, bool), np.zeros(vic_p.size, bool)])
        self.places.disorder += p.crime.disorder_per_crime * np.bincount(crime_place, minlength=self.places.n)

        # 4. Reporting: victims decide to call, others call for help.
        reported = reporting_mech.draw_reports(victims, violent, res.legitimacy, p.reporting, s["reporting"])
        if self.place_reporting.any():  # someone else (a watch member) reports it
            reported |= s["watch"].random(victims.size) < self.place_reporting[crime_place]
        other = reporting_mech.draw_other_calls(res.n, p.response.other_calls_per_1000, s["reporting"])
        workload = s["reporting"].poisson(res.n * p.response.workload_per_1000 / 1000 / 365)
        n_reports = int(reported.sum())
        needed = n_reports * p.response.hours_per_crime_call + (other.size + workload) * p.response.hours_per_call

        # 5. Officer time budget: calls first, then foot, enforcement, community, car.
        on_duty = np.bincount(
            self.officers.beat[self.officers.on_duty & (self.officers.beat >= 0)], minlength=self.n_beats
        ).astype(float)
        hours, admin, answered_share = policing_mech.allocate_hours(
            on_duty, needed, self.community_requests, p.policing, p.patrol, p.enforcement, self.foot_requests
        )

        # 6. Response: answered reports are recorded; recorded crimes may be cleared.
        rr = s["response"]
        reporters, rep_violent, rep_place = victims[reported], violent[reported], crime_place[reported]
        answered = rr.random(n_reports) < answered_share
        recorded = answered & (rr.random(n_reports) < p.reporting.recording_share)
        other_answered = rr.random(other.size) < answered_share
        callers = np.concatenate([reporters[answered], other[other_answered]])
        who = policing_mech.pick_officers(self.officers, res.beat[callers], s["quality"])
        q = policing_mech.contact_quality(self.officers, who, p.policing.contact_sd, s["quality"])
        self.contacts.add(
            "call", callers, 2 * q - 1, np.clip(p.response.answered_valence + 0.3 * (2 * q - 1), -1, 1), q
        )
        unanswered = np.concatenate([reporters[~answered], other[~other_answered]])
        self.contacts.add("unanswered", unanswered, np.nan, p.response.unanswered_valence, police=False)
        self.initiated["crime"] += int(answered.sum())
        self.initiated["other"] += int(other_answered.sum())
        self.crisis_calls, self.crisis_draws = crisis_mech.draw_crisis_calls(
            other[other_answered], p.crisis, s["crisis"]
        )
        self.crisis_claimed = np.zeros(self.crisis_calls.size, bool)

        neighbour_legit = response_mech.place_mean(res.legitimacy, res.place, self.places.residents)
        p_clear = response_mech.clearance_probability(
            rep_violent[recorded], neighbour_legit[rep_place[recorded]], p.response, p.reporting.reference_legitimacy
        )
        cleared = rr.random(p_clear.size) < p_clear
        rec_victims = reporters[recorded]
        self.contacts.add("cleared", rec_victims[cleared], np.nan, p.response.cleared_valence, police=False)
        arrested = enf_mech.pick_offenders(
            res.beat[rec_victims[cleared]], res, day, s["enforcement"], self.offender_idx, self.offenders_by_beat
        )
        arrested = arrested[arrested >= 0]

        # 7. Patrol: foot presence at places, casual contacts.
        # Directed foot hours (programs place them in act) get the same share of their request as routine ones.
        requested_foot = on_duty * p.patrol.foot_hours + self.foot_requests
        self.directed_foot = hours["foot"] * np.divide(
            self.foot_requests, requested_foot, out=np.zeros(self.n_beats), where=requested_foot > 0
        )
        routine_foot = hours["foot"] - self.directed_foot
        self.places.hotspot_hours = patrol_mech.spread_foot_hours(self.places, routine_foot)
        met, on_foot = patrol_mech.draw_patrol_contacts(
            hours["foot"], hours["car"], res, self.street_cumw, p.patrol, s["patrol"]
        )
        who = policing_mech.pick_officers(self.officers, res.beat[met], s["quality"])
        q = policing_mech.contact_quality(self.officers, who, p.policing.contact_sd, s["quality"])
        v_leg, v_eff = patrol_mech.casual_valences(q, p.patrol)
        self.contacts.add("patrol_foot", met[on_foot], v_leg[on_foot], v_eff[on_foot], q[on_foot], familiar=True)
        self.contacts.add("patrol_car", met[~on_foot], v_leg[~on_foot], v_eff[~on_foot], q[~on_foot])

        # 8. Enforcement: stops and arrests.
        stopped = enf_mech.draw_stops(
            hours["enforcement"] + self.extra_stops / max(p.enforcement.stops_per_hour, 1e-9),
            res,
            self.stop_cumw,
            p.enforcement,
            s["enforcement"],
        )
        stop_arrest = s["enforcement"].random(stopped.size) < p.enforcement.stop_arrest_share
        arrested = np.concatenate([arrested, stopped[stop_arrest]])
        for kind, idx, outcome in (
            ("stop", stopped[~stop_arrest], p.enforcement.outcome_valence),
            ("arrest", arrested, p.enforcement.arrest_valence),
        ):
            who = policing_mech.pick_officers(self.officers, res.beat[idx], s["quality"])
            q = policing_mech.contact_quality(self.officers, who, p.policing.contact_sd, s["quality"])
            self.contacts.add(kind, idx, *enf_mech.enforcement_valences(q, outcome), q)
        enf_mech.incapacitate(res, arrested, day, p.crime.incapacitation_days, s["enforcement"])

        # 9. Programs deliver what the hours allow (events, liaison, mentoring, ...).
        for program in self.programs:
            program.act(self, hours)
        alone = ~self.crisis_claimed & (self.crisis_draws < p.crisis.force_share)
        crisis_mech.record_force(self.contacts, self.tell, self.crisis_calls[alone], p.crisis)

        # 10. Victimisation is an experience too (not a police contact).
        self.contacts.add("victim", victims, np.nan, p.trust.victimization_valence, police=False)

        # 11. Direct experiences move trust; poor contacts may bring complaints.
        c = self.contacts.take()
        prior_legit = res.legitimacy[c["idx"]].copy()
        out = apply_experiences(res, c, p.trust, p.patrol)
        police = c["police"]
        formal = np.isin(c["kind"], [kind_code(k) for k in complaints_mech.FORMAL_KINDS])
        complained = complaints_mech.draw_complaints(c["quality"], prior_legit, p.complaints, s["complaints"], formal)
        contact_idx = c["idx"][police]
        res.contacted[contact_idx] = True
        tell = c["weight"] * (c["kind"] != kind_code("victim"))  # own victimisation goes to the fear channel
        self.tell(c["idx"], out["v_leg"] * tell, out["v_eff"] * tell, 0.0)
        self.tell(victims, 0.0, 0.0, 1.0)
        res.victimized[victims] = True

        # 12. Word of mouth: stories reach ties; a share is retold tomorrow.
        speakers, stories = self._take_stories()
        listeners, heard = wom_mech.hear(self.social, speakers, stories, p.word_of_mouth.tell_probability)
        if listeners.size:
            quiet = np.abs(heard) <= wom_mech.MIN_STORY
            vic = {
                "idx": listeners,
                "v_leg": np.where(quiet[:, 0], np.nan, heard[:, 0]),
                "v_eff": np.where(quiet[:, 1], np.nan, heard[:, 1]),
                "quality": np.full(listeners.size, np.nan),
                "familiar": np.zeros(listeners.size, bool),
                "weight": np.ones(listeners.size),
            }
            apply_experiences(res, vic, p.trust, None, vicarious=p.word_of_mouth.vicarious_weight)
            self.tell(listeners, *(p.word_of_mouth.retell_share * heard.T))

        # 13. Perceived safety; disorder relaxes toward its base.
        street = hours["response"] + hours["foot"] + hours["enforcement"] + hours["car"] + 0.5 * hours["community"]
        per_1000 = 1000.0 / np.maximum(self.beat_residents, 1)
        ema = self._decay["presence"]
        self.presence_per_1000 = ema * self.presence_per_1000 + (1 - ema) * street * per_1000
        vis = p.patrol.car_visibility
        visible = (
            self.presence_per_1000
            * (1.0 + (1.0 / vis - 1.0) * hours["foot"] / np.maximum(street, 1e-9))
            / max(p.crime.reference_presence, 1e-9)
        )
        self.places.disorder += (1 - self._decay["safety"]) * (self.places.base_disorder - self.places.disorder)
        np.clip(self.places.disorder, 0, 1, out=self.places.disorder)
        safety_mech.update_safety(
            res,
            self.places.disorder[res.place],
            self.disorder_mean,
            visible[res.beat],
            victims,
            listeners,
            heard[:, 2] if listeners.size else heard,
            p.safety,
            self._decay["safety"],
        )

        # 14. Memory: trust relaxes toward each resident's baseline; baselines follow slowly.
        relax(res.legitimacy, res.base_legitimacy, self._decay["trust"])
        relax(res.effectiveness, res.base_effectiveness, self._decay["trust"])
        relax(res.base_legitimacy, res.legitimacy, self._decay["base"])
        relax(res.base_effectiveness, res.effectiveness, self._decay["base"])
        combine(res.legitimacy, res.effectiveness, p.trust.legitimacy_weight, res.trust)

        # 15. Officer hours by activity, and the day's figures.
        self._book_hours(hours, admin, on_duty)
        self._record(
            hours,
            admin,
            on_duty,
            victims,
            violent,
            reported,
            recorded,
            cleared,
            answered_share,
            n_calls=n_reports + other.size + workload,
            c=c,
            out=out,
            complained=complained,
            stopped=stopped,
            arrested=arrested,
            listeners=listeners,
        )
        self.datacollector.collect(self)

    def tell(self, idx, v_legitimacy, v_effectiveness, fear) -> None:
        """Give residents a story to pass to their ties today (word of mouth).

        Args:
            idx: Resident indices.
            v_legitimacy: Legitimacy valence of the story, -1..1 (scalar or per resident).
            v_effectiveness: Effectiveness valence of the story.
            fear: Victimisation news, 0..1 (moves perceived safety of listeners).

        """
        idx = np.asarray(idx, np.int64)
        if idx.size:
            vals = np.column_stack(
                [np.broadcast_to(np.asarray(v, float), idx.shape) for v in (v_legitimacy, v_effectiveness, fear)]
            )
            self._story_parts.append((idx, vals))

    def _take_stories(self) -> tuple[np.ndarray, np.ndarray]:
        if not self._story_parts:
            return np.empty(0, np.int64), np.empty((0, 3))
        idx = np.concatenate([i for i, _ in self._story_parts])
        vals = np.concatenate([v for _, v in self._story_parts])
        self._story_parts = []
        return wom_mech.merge(idx, vals)

    def _book_hours(self, hours: dict, admin: np.ndarray, on_duty: np.ndarray) -> None:
        working = np.flatnonzero(self.officers.on_duty & (self.officers.beat >= 0))
        share = 1.0 / np.maximum(on_duty[self.officers.beat[working]], 1)
        for name, per_beat in (*hours.items(), ("admin", admin)):
            self.officers.hours[name][working] += per_beat[self.officers.beat[working]] * share

    def _record(
        self,
        hours,
        admin,
        on_duty,
        victims,
        violent,
        reported,
        recorded,
        cleared,
        answered_share,
        n_calls,
        c,
        out,
        complained,
        stopped,
        arrested,
        listeners,
    ) -> None:
        res = self.residents
        police = c["police"]
        d = out["d_trust"][police]
        groups = res.group
        n_groups = len(self.group_residents)
        g_trust = np.bincount(groups, weights=res.trust, minlength=n_groups) / np.maximum(self.group_residents, 1)
        present = self.group_residents > 0
        t = {
            "trust_mean": float(res.trust.mean()),
            "legitimacy_mean": float(res.legitimacy.mean()),
            "effectiveness_mean": float(res.effectiveness.mean()),
            "safety_mean": float(res.safety.mean()),
            "trust_gap": float(g_trust[present].max() - g_trust[present].min()),
            "victimizations": int(victims.size),
            "victimizations_violent": int(violent.sum()),
            "victimizations_property": int((~violent).sum()),
            "crimes_reported": int(reported.sum()),
            "crimes_recorded": int(recorded.sum()),
            "crimes_cleared": int(cleared.sum()),
            "reporting_rate": ratio(reported.sum(), victims.size),
            "clearance_rate": ratio(cleared.sum(), recorded.sum()),
            "calls": int(n_calls),
            "calls_answered_share": float(answered_share),
            "contacts": int(police.sum()),
            "contacts_positive": int((d > 0).sum()),
            "contacts_negative": int((d < 0).sum()),
            "stops": int(stopped.size),
            "arrests": int(arrested.size),
            "complaints": int(complained.sum()),
            "heard_stories": int(listeners.size),
            "officers_on_duty": int(on_duty.sum()),
            "hours_response": float(hours["response"].sum()),
            "hours_patrol": float(hours["foot"].sum() + hours["car"].sum()),
            "hours_foot": float(hours["foot"].sum()),
            "hours_car": float(hours["car"].sum()),
            "hours_enforcement": float(hours["enforcement"].sum()),
            "hours_community": float(hours["community"].sum()),
            "hours_admin": float(admin.sum()),
        }
        t["hours_total"] = sum(
            t[k] for k in ("hours_response", "hours_patrol", "hours_enforcement", "hours_community", "hours_admin")
        )
        self.today = t
        for key in (
            "victimizations",
            "victimizations_violent",
            "crimes_reported",
            "crimes_recorded",
            "crimes_cleared",
            "contacts",
            "stops",
            "arrests",
            "complaints",
            "hours_total",
            "hours_response",
            "hours_patrol",
            "hours_enforcement",
            "hours_community",
        ):
            self.totals[key] = self.totals.get(key, 0) + t[key]
        self.totals["reported_violent"] = self.totals.get("reported_violent", 0) + int((reported & violent).sum())
        if self.day == 365:
            self.initial["contact_prevalence"] = float(res.contacted.mean())
        events = {
            "victims": victims,
            "reporters": victims[reported],
            "contacts": c["idx"][police],
            "stops": stopped,
            "complainants": c["idx"][complained],
        }
        by_group, by_beat = grouped(res.beat, res.group, self.n_beats, n_groups, res, events)
        self.by_group_rows.append(by_group)
        self.by_beat_rows.append(by_beat)

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
            "complaints_per_1000_contacts": 1000 * ratio(t.get("complaints", 0), t.get("contacts", 0)),
            "hours_total": float(t.get("hours_total", 0.0)),
            "hours_response": float(t.get("hours_response", 0.0)),
            "hours_patrol": float(t.get("hours_patrol", 0.0)),
            "hours_enforcement": float(t.get("hours_enforcement", 0.0)),
            "hours_community": float(t.get("hours_community", 0.0)),
            "trust_change_per_1000_hours": 1000 * ratio(trust_change, t.get("hours_total", 0.0)),
        }


__all__ = ["BY_KEY", "CommunityModel", "make_streams"]

"""Voluntary community events held in every beat.

Beat meetings, listening sessions, Coffee with a Cop, block parties and cleanups, and the
police athletic league share one mechanism with different defaults.

Each event recurs every ``interval_days`` (scheduled with Mesa's recurring events;
the event is held the day after the callback fires, once its officer hours are granted).
Attendance is self-selected (F10): an eligible resident attends with probability

    logistic(logit(reach) + b_e * z(engagement) + b_t * z(trust) - b_d * z(distance))

where distance is the home's distance to the beat's venue (homes spread uniformly over a
round beat: distance = sqrt(U) beat radii, per street segment). When fewer officer hours
are granted than requested, the event is smaller in that proportion. Attendees get a
police contact, as designed with probability ``fidelity`` (the program's valences) or as
a perfunctory appearance. Attendees delivered as designed name the places that trouble
them (their home segment, weighted by its visible disorder); the top ``named_places``
per beat get ``problem_solving_hours`` a day of directed presence for ``follow_up_days``
(deterrence there tomorrow, F9) and lose disorder, or, for a cleanup, are cleaned at once.
Offenders attending an event with ``offending_reduction`` > 0 (the athletic league) offend
less with the sessions they attend.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.mechanisms.reporting import logit
from cpsim.programs.delivery import (
    BeatSessions,
    attendance_probability,
    deliver,
    granted_share,
    program_stream,
    reduce_offending,
    thin,
    top_k_per_group,
    zscore,
)
from cpsim.programs.program import Program, Surface


class Event(Program):
    """A recurring voluntary event in every beat, configured by one scenario section."""

    name = "event"
    doses = ("officers_per_event", "hours_per_event")

    def attach(self, model: Surface) -> None:
        """Draw venue distances, remember offending, schedule the events."""
        res, sec = model.residents, self.sec
        self.rng = program_stream(model, self.name)
        self.distance = np.sqrt(self.rng.random(model.places.n))[res.place]
        self.eligible = res.youth.copy() if sec.youth_only else np.ones(res.n, bool)
        if self.where is not None:  # held only in the program's areas, for their residents
            self.eligible &= self.where[res.beat]
        self.attended = np.zeros(res.n, np.int32)
        self.base_offending = res.offending.copy()
        self.named = np.empty(0, np.int64)
        self.follow_until = -1
        self.request = np.zeros(model.n_beats)
        self.sessions = BeatSessions(model.n_beats)  # each beat's event on its first day with hours
        self.cycle = 0
        model.schedule(self._due, sec.interval_days, sec.start_day)

    def _due(self) -> None:
        self.sessions.fall_due(self.where)
        self.cycle += 1

    def plan(self, model: Surface) -> None:
        """Request event hours on event days and problem-solving hours during follow-up."""
        sec = self.sec
        self.request[:] = 0.0
        self.request[self.sessions.pending] += sec.officers_per_event * sec.hours_per_event
        if self.named.size and model.day <= self.follow_until:
            beats = np.unique(model.places.beat[self.named])
            self.request[beats] += sec.problem_solving_hours
        model.request_community_hours(self.request)

    def act(self, model: Surface, hours: dict) -> None:
        """Hold today's event and do the follow-up work, within the hours granted."""
        share = granted_share(model, hours)
        sec = self.sec
        if self.named.size and model.day <= self.follow_until and sec.problem_solving_hours > 0:
            self._problem_solving(model, share)
        held = self.sessions.hold(share)
        if held.any():
            self._hold(model, share, held)

    def _hold(self, model: Surface, share: np.ndarray, held: np.ndarray) -> None:
        res, sec, rng = model.residents, self.sec, self.rng
        pool = np.flatnonzero(self.eligible & held[res.beat])
        p = attendance_probability(
            logit(sec.reach) + sec.habit_log_odds * (self.attended[pool] > 0),
            zscore(res.engagement)[pool],
            zscore(res.trust)[pool],
            zscore(self.distance)[pool],
            sec,
        )
        came = pool[rng.random(pool.size) < p]
        came = thin(came, share[res.beat[came]], rng)
        self.attended[came] += 1
        designed = deliver(
            model, self.name, came, sec.v_legitimacy, sec.v_effectiveness, sec.fidelity, rng, sec.familiar
        )
        voiced = came[designed]
        if sec.problem_solving_hours > 0 or sec.disorder_fix > 0:
            pl = model.places
            votes = np.bincount(res.place[voiced], weights=pl.disorder[res.place[voiced]] + 1e-6, minlength=pl.n)
            named = np.flatnonzero(votes > 0)
            kept = self.named[~held[pl.beat[self.named]]]  # places named at other beats' meetings this cycle
            self.named = np.concatenate([kept, top_k_per_group(named, pl.beat[named], votes[named], sec.named_places)])
            self.follow_until = model.day + int(sec.follow_up_days)
            if sec.problem_solving_hours <= 0:  # a cleanup day: the named places are cleaned now
                model.reduce_disorder(self.named, 1.0 - sec.disorder_fix * share[pl.beat[self.named]])
        if sec.offending_reduction > 0:
            who = voiced[res.offender[voiced]]
            reduce_offending(
                model,
                who,
                self.base_offending[who],
                self.attended[who].astype(float),
                sec.offending_reduction,
                sec.sessions_to_effect,
            )
        self.log.append(
            (
                model.day,
                self.cycle,
                int(held.sum()),
                pool.size,
                came.size,
                int(designed.sum()),
                float(res.engagement[came].mean()) if came.size else np.nan,
                float(res.trust[came].mean()) if came.size else np.nan,
                float(res.engagement[pool].mean()),
                float(res.trust[pool].mean()),
            )
        )

    def _problem_solving(self, model: Surface, share: np.ndarray) -> None:
        pl, sec = model.places, self.sec
        beats = pl.beat[self.named]
        per_beat = np.bincount(beats, minlength=model.n_beats)
        h = sec.problem_solving_hours * share[beats] / np.maximum(per_beat[beats], 1)
        model.add_foot_presence(self.named, h)
        model.reduce_disorder(self.named, (1.0 - sec.disorder_fix) ** h)

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Per event day (a cycle's beats may hold theirs on different days): who came and how they differ (F10)."""
        cols = [
            "day",
            "cycle",
            "beats",
            "eligible",
            "attendees",
            "as_designed",
            "attendee_engagement",
            "attendee_trust",
            "eligible_engagement",
            "eligible_trust",
        ]
        table = pd.DataFrame(self.log, columns=cols)
        table.attrs["ever_attended_share"] = float((self.attended[self.eligible] > 0).mean())
        return {self.name: table}


class BeatMeetings(Event):
    """Beat meetings / town halls (Chicago CAPS)."""

    name = "beat_meetings"


class ListeningSessions(Event):
    """Listening sessions with command staff."""

    name = "listening_sessions"


class CoffeeWithCop(Event):
    """Coffee with a Cop."""

    name = "coffee_with_cop"


class BlockParties(Event):
    """Block parties and cleanup days."""

    name = "block_parties"


class AthleticLeague(Event):
    """Police athletic league (youth)."""

    name = "athletic_league"


EVENTS = (BeatMeetings, ListeningSessions, CoffeeWithCop, BlockParties, AthleticLeague)

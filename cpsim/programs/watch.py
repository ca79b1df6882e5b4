"""Neighbourhood watch: residents as guardians and a reporting channel (F11).

Watch groups form on ``coverage`` of the street segments, those whose residents are the
most civically engaged (watches form where people already take part). Each
group is active with probability ``fidelity`` (many schemes lapse). An active group adds
``guardianship_boost`` to its place's guardianship (fewer victimisations there, through
the crime mechanism's guardianship term) and is a reporting channel: a victimisation at
the place that the victim does not report is reported by a member with probability
``reporting_share``. Members (``member_share`` of the residents of active places,
weighted by engagement) meet police every ``meeting_interval_days`` (a Mesa recurring
event); the meeting costs ``hours_per_meeting`` officer hours per beat with active
groups, each beat meets on its first day from the due day with hours granted
(delivery.BeatSessions), and members attend in proportion to the hours granted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.programs.delivery import BeatSessions, deliver, granted_share, program_stream
from cpsim.programs.program import Program, Surface


class Watch(Program):
    """Neighbourhood watch groups."""

    name = "watch"

    doses = ("coverage",)

    def attach(self, model: Surface) -> None:
        """Form the groups: guardians and a reporting channel at active places; pick members."""
        pl, res, sec = model.places, model.residents, self.sec
        self.rng = rng = program_stream(model, self.name)
        # confined: coverage of the program's areas' segments, the most engaged of them
        places = np.arange(pl.n) if self.where is None else np.flatnonzero(self.where[pl.beat])
        n_cover = int(round(sec.coverage * places.size))
        covered = places[np.argsort(-pl.guardianship[places], kind="stable")[:n_cover]]
        self.active = covered[rng.random(covered.size) < sec.fidelity]
        model.add_guardianship(self.active, sec.guardianship_boost)
        model.add_reporting_channel(self.active, sec.reporting_share)
        at_active = np.zeros(pl.n, bool)
        at_active[self.active] = True
        p_member = np.clip(sec.member_share * res.engagement / max(res.engagement.mean(), 1e-9), 0, 1)
        self.members = np.flatnonzero(at_active[res.place] & (rng.random(res.n) < p_member))
        self.request = np.zeros(model.n_beats)
        self.request[np.unique(pl.beat[self.active])] = sec.hours_per_meeting
        # A beat's meeting waits for a day its team has hours rather than being lost (a beat
        # whose due day had none would not meet for a whole interval), until the next meeting
        # falls due at the latest, as events wait (delivery.BeatSessions).
        self.sessions = BeatSessions(model.n_beats)
        self.cycle = 0
        every = sec.meeting_interval_days
        model.schedule(self._due, every, every)

    def _due(self) -> None:
        self.sessions.fall_due(self.request > 0)
        self.cycle += 1

    def plan(self, model: Surface) -> None:
        """Request meeting hours in the beats whose meeting is due or still waiting."""
        if self.sessions.pending.any():
            model.request_community_hours(np.where(self.sessions.pending, self.request, 0.0))

    def act(self, model: Surface, hours: dict) -> None:
        """Hold the beats' meetings: members attend in proportion to the hours granted."""
        if not self.sessions.pending.any():
            return
        sec, res = self.sec, model.residents
        share = granted_share(model, hours)
        held = self.sessions.hold(share)
        if not held.any():
            return
        beat = res.beat[self.members]
        came = self.members[held[beat] & (self.rng.random(self.members.size) < share[beat])]
        deliver(model, self.name, came, sec.v_legitimacy, sec.v_effectiveness, 1.0, self.rng, familiar=True)
        groups = int(held[model.places.beat[self.active]].sum())
        self.log.append((model.day, self.cycle, int(held.sum()), groups, int(held[beat].sum()), came.size))

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Per meeting day (a round's beats may meet on different days): beats, their groups, members, attendees."""
        cols = ["day", "cycle", "beats", "active_places", "members", "attendees"]
        return {self.name: pd.DataFrame(self.log, columns=cols)}

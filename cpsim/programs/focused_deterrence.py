"""Focused deterrence (Newark style): call-ins of the highest-rate offenders.

Every ``interval_days`` (a Mesa recurring event) the top ``offender_share`` of active
offenders by offending rate who are not yet participants are called in, each on a day
within the next ``callin_days``. Each call-in costs ``hours_per_participant`` officer
hours in the participant's beat; a call-in the day's granted hours do not cover moves to
the next day. A participant gets a police contact (a respectful warning as
designed with probability ``fidelity``), offends ``deterrence_reduction`` less (a credible
warning), and, when services are delivered (``fidelity``) and taken up
(``services_takeup``), ``services_reduction`` less again (Braga, Weisburd & Turchan 2018).
Pulling levers: a participant's stop propensity is multiplied by ``enforcement_ratio``,
so the enforcement mechanism's stops fall on participants more often.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.programs.delivery import deliver, granted_share, program_stream
from cpsim.programs.program import Program, Surface


class FocusedDeterrence(Program):
    """Call-ins, services and levers for the highest-rate offenders."""

    name = "focused_deterrence"

    doses = ("offender_share", "hours_per_participant")

    def attach(self, model: Surface) -> None:
        """Schedule the call-ins."""
        self.rng = program_stream(model, self.name)
        self.participant = np.zeros(model.residents.n, bool)
        self.called = np.empty(0, np.int64)
        self.due_day = np.empty(0, np.int64)
        self.today = np.empty(0, np.int64)
        self.request = np.zeros(model.n_beats)
        self.stops = 0
        model.schedule(self._due, self.sec.interval_days, self.sec.start_day)

    def _due(self) -> None:
        self.pending = True

    def plan(self, model: Surface) -> None:
        """On call-in days pick the participants; request the hours of today's call-ins."""
        res, sec = model.residents, self.sec
        if self.pending:
            self.pending = False
            local = res.offender & self.works_in(res.beat)  # confined: offenders living in the areas
            pool = np.flatnonzero(local & ~self.participant)
            n_call = int(round(sec.offender_share * local.sum()))
            self.called = pool[np.argsort(-res.offending[pool], kind="stable")[:n_call]]
            self.due_day = model.day + self.rng.integers(0, max(int(sec.callin_days), 1), self.called.size)
        self.today = self.called[self.due_day == model.day]
        self.request = np.bincount(res.beat[self.today], minlength=model.n_beats) * sec.hours_per_participant
        model.request_community_hours(self.request)

    def act(self, model: Surface, hours: dict) -> None:
        """Hold the call-ins the hours allow; count stops of participants."""
        res = model.residents
        self.stops += int(self.participant[model.stops_today()].sum())  # already drawn today
        if self.today.size == 0:
            return
        sec, rng = self.sec, self.rng
        share = granted_share(model, hours)
        ok = rng.random(self.today.size) < share[res.beat[self.today]]
        came = self.today[ok]
        self.due_day[np.isin(self.called, self.today[~ok])] += 1
        designed = deliver(model, self.name, came, sec.v_legitimacy, sec.v_effectiveness, sec.fidelity, rng)
        served = designed & (rng.random(came.size) < sec.services_takeup)
        cut = (1.0 - sec.deterrence_reduction) * np.where(served, 1.0 - sec.services_reduction, 1.0)
        model.lower_offending(came, res.offending[came] * cut)
        model.weight_stops(came, sec.enforcement_ratio)
        self.participant[came] = True
        self.log.append((model.day, self.today.size, came.size, int(served.sum())))

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Per call-in day: due, attended, served; attrs: participants and their stops."""
        table = pd.DataFrame(self.log, columns=["day", "due", "attended", "served"])
        table.attrs["participants"] = int(self.participant.sum())
        table.attrs["participant_stops"] = self.stops
        return {self.name: table}

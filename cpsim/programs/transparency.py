"""Transparency reporting: public dashboards of police activity and outcomes.

Every ``interval_days`` (a Mesa recurring event) the department publishes what it
achieved since the last release, at a cost of ``staff_hours`` officer hours city-wide; a
release that falls due on a day that grants none of those hours is published on the next day
that does (the staff put it together then), not lost.
What was achieved is summarised as a performance ratio against the scenario's own
benchmarks, the geometric mean of: the share of call hours that could be given, the
clearance rate relative to the benchmark clearance (``response.clearance_*``), and the
reference victimisation rate relative to the true rate (``crime.*_per_1000``). The
effectiveness that performance warrants is the population's starting mean effectiveness
times that ratio (benchmark performance warrants the opinion residents start with).

A share ``reach`` of residents (more of the civically engaged) see a release; an
accurate one (``fidelity``) moves each viewer's perceived effectiveness toward the
warranted value, with valence ``strength x (warranted - perceived)``, and gives a small
legitimacy valence for openness. These are not police contacts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.mechanisms.reporting import logit
from cpsim.programs.delivery import granted_share, program_stream, zscore
from cpsim.programs.program import Program, Surface


class Transparency(Program):
    """Monthly public dashboards."""

    name = "transparency"

    doses = ("staff_hours", "reach")

    def attach(self, model: Surface) -> None:
        """Remember the reference opinion; schedule the releases."""
        self.rng = program_stream(model, self.name)
        self.reference = float(model.residents.effectiveness.mean())
        self.since = self._counts(model)
        self.answered: list[float] = []
        self.request = self.sec.staff_hours * model.beat_residents / max(model.beat_residents.sum(), 1)
        model.schedule(self._due, self.sec.interval_days, self.sec.interval_days)

    def _due(self) -> None:
        self.pending = True

    @staticmethod
    def _counts(model: Surface) -> dict[str, float]:
        t = model.totals
        keys = ("victimizations", "victimizations_violent", "crimes_recorded", "crimes_cleared")
        return {k: float(t.get(k, 0)) for k in keys}

    def warranted(self, model: Surface) -> tuple[float, float]:
        """The performance ratio since the last release and the effectiveness it warrants."""
        now = self._counts(model)
        d = {k: now[k] - self.since[k] for k in now}
        p = model.params
        days = max(len(self.answered), 1)
        answered = float(np.mean(self.answered)) if self.answered else 1.0
        vic = max(d["victimizations"], 1.0)
        violent_share = d["victimizations_violent"] / vic
        bench = violent_share * p.response.clearance_violent + (1 - violent_share) * p.response.clearance_property
        clearance = d["crimes_cleared"] / d["crimes_recorded"] if d["crimes_recorded"] else bench
        expected = model.residents.n * days / 365.0 * (p.crime.violent_per_1000 + p.crime.property_per_1000) / 1000.0
        ratio = (answered * (clearance / max(bench, 1e-9)) * (expected / vic)) ** (1.0 / 3.0)
        return ratio, float(np.clip(self.reference * ratio, 0.0, 1.0))

    def plan(self, model: Surface) -> None:
        """Request the staff hours on release days."""
        if self.pending:
            model.request_community_hours(self.request)

    def act(self, model: Surface, hours: dict) -> None:
        """Track call answering; on release days publish to those who look."""
        if model.today:
            self.answered.append(model.today["calls_answered_share"])
        if not self.pending:
            return
        share = float(np.average(granted_share(model, hours), weights=self.request))
        if share <= 0.0:  # nobody to put it together today (a thin day): published on the next day with hours
            return
        self.pending = False
        res, sec, rng = model.residents, self.sec, self.rng
        ratio, warranted = self.warranted(model)
        p = 1.0 / (1.0 + np.exp(-(logit(sec.reach) + sec.engagement_log_odds * zscore(res.engagement))))
        seen = np.flatnonzero(rng.random(res.n) < p * share)
        accurate = seen[rng.random(seen.size) < sec.fidelity]
        v_eff = np.clip(sec.strength * (warranted - res.effectiveness[accurate]), -1, 1)
        model.add_experiences(self.name, accurate, sec.openness_valence, v_eff, police=False)
        self.log.append((model.day, ratio, warranted, float(res.effectiveness.mean()), seen.size))
        self.since = self._counts(model)
        self.answered = []

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Per release: performance ratio, warranted effectiveness, mean perceived, viewers."""
        cols = ["day", "performance_ratio", "warranted_effectiveness", "perceived_effectiveness", "viewers"]
        return {self.name: pd.DataFrame(self.log, columns=cols)}

"""Neighbourhood policing: steady beat officers with protected community time (NYC NCOs).

In each beat ``officers_per_beat`` of its officers are named steady: they are not rotated
to another beat (``Surface.keep_on_beat``), so residents' familiarity with the beat team
is not reset when they would have moved. On duty, a steady officer is to spend
``community_share`` of the shift's working hours off-radio walking the beat and meeting
residents, ``contacts_per_hour`` an hour, drawn by time spent on the street; each is a
familiar contact with that officer, as designed, and the hours are foot presence where
those residents live (seen on foot, deterring crime there the next day).

``fidelity`` gates delivery once, as abstraction does in practice (Rix et al. 2009): each
named officer is actually delivered with probability ``fidelity`` — kept on the beat, their
off-radio time protected from calls — and the others stay regular officers (rotated, on
routine car patrol and response). The program's hours are thus ``fidelity`` of the designed
hours, not its square. At fidelity 0 the program is the baseline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.mechanisms.policing import street_hours
from cpsim.programs.delivery import deliver, granted_share, program_stream, top_k_per_group
from cpsim.programs.program import Program, Surface
from cpsim.world.layout import beat_index, sample_weighted_within, sample_within


class Neighbourhood(Program):
    """Steady beat officers."""

    name = "neighbourhood"

    doses = ("officers_per_beat", "community_share")

    def attach(self, model: Surface) -> None:
        """Make the first ``officers_per_beat`` officers of each beat steady."""
        off = model.officers
        self.rng = program_stream(model, self.name)
        on_beat = np.flatnonzero(off.beat >= 0)
        named = top_k_per_group(on_beat, off.beat[on_beat], -on_beat.astype(float), self.sec.officers_per_beat)
        self.steady = named[self.rng.random(named.size) < self.sec.fidelity]
        if self.where is not None:  # drawn city-wide first, so the areas' officers are the city-wide run's
            self.steady = self.steady[self.where[off.beat[self.steady]]]
        if self.sec.start_day <= 1:
            model.keep_on_beat(self.steady)
        pol = model.params.policing
        self.hours_per_shift = street_hours(1.0, pol) * self.sec.community_share
        self.request = np.zeros(model.n_beats)

    def plan(self, model: Surface) -> None:
        """Request the community hours of the steady officers on duty today (from the start day)."""
        if model.day < self.sec.start_day:
            self.working, self.request = self.steady[:0], np.zeros(model.n_beats)
            return
        if model.day == self.sec.start_day > 1:
            model.keep_on_beat(self.steady)
        off = model.officers
        working = self.steady[off.on_duty[self.steady]]
        self.working = working
        self.request = np.bincount(off.beat[working], minlength=model.n_beats) * self.hours_per_shift
        model.request_community_hours(self.request)

    def act(self, model: Surface, hours: dict) -> None:
        """Meet as many residents as the granted hours allow."""
        if model.day < self.sec.start_day:
            return
        res, sec, rng = model.residents, self.sec, self.rng
        granted = self.request * granted_share(model, hours)
        k = rng.poisson(granted * sec.contacts_per_hour)
        beats = np.repeat(np.arange(model.n_beats), k)
        who = sample_weighted_within(res.by_beat, res.beat_start, model.street_cumw, beats, rng)
        ok = who >= 0
        who, beats = who[ok], beats[ok]
        order, start = beat_index(model.officers.beat[self.working], model.n_beats)
        officer = self.working[sample_within(order, start, beats, rng)] if self.working.size else beats[:0]
        designed = deliver(
            model, self.name, who, sec.v_legitimacy, sec.v_effectiveness, 1.0, rng, familiar=True, officers=officer
        )
        # The time is spent walking the beat: seen on foot where the residents met live.
        per_contact = np.divide(granted, k, out=np.zeros(model.n_beats), where=k > 0)
        model.add_foot_presence(res.place[who], per_contact[beats])
        self.log.append((model.day, float(granted.sum()), who.size, int(designed.sum())))

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Per day: community hours granted, residents met, as designed."""
        return {self.name: pd.DataFrame(self.log, columns=["day", "hours", "contacts", "as_designed"])}

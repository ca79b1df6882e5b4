"""Officer training: procedural-justice training and new-officer community orientation.

Both act on officers' procedural skill, the mean of the quality of every contact an
officer has (cpsim.mechanisms.policing.contact_quality), so the effect reaches residents
only through contacts, gradually, as trained officers take calls, stop people and rotate
between beats.

Procedural-justice training: each month (a Mesa recurring event) ``share_per_month`` of
the untrained beat officers are put forward; their ``hours_per_officer`` are requested as
community work in their beat, and those the granted hours cover are trained. A trained
officer applies it with probability ``fidelity`` and then gains ``skill_gain``, fading with
half-life ``half_life_days`` (Wood, Tyler & Papachristos 2020).

New-officer orientation: an officer newly assigned to a beat (a rotation) spends
``hours_per_officer`` over ``days`` days being introduced to the beat's residents
(engagement-weighted: community leaders first). Each hour brings ``contacts_per_hour``
familiar contacts with that officer, as designed with probability ``fidelity``, which
rebuilds the familiarity a rotation cost; completing it adds ``skill_gain``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.mechanisms.trust import decay_factor
from cpsim.programs.delivery import deliver, granted_share, program_stream
from cpsim.programs.program import Program, Surface
from cpsim.world.layout import sample_weighted_within

MONTH = 30  # days between cohorts: training.share_per_month is a monthly rate (a unit, not a choice)


class Training(Program):
    """Procedural-justice training in monthly cohorts."""

    name = "training"

    doses = ("share_per_month", "hours_per_officer")

    def attach(self, model: Surface) -> None:
        """Schedule the monthly cohorts."""
        n = model.officers.n
        self.rng = program_stream(model, self.name)
        self.trained = np.zeros(n, bool)
        self.gain = np.zeros(n)
        self.fade = decay_factor(self.sec.half_life_days)
        self.cohort = np.empty(0, np.int64)
        # Put forward and not yet trained: each trains on a day they work (a rostered course).
        self.waiting = np.zeros(n, bool)
        self.request = np.zeros(model.n_beats)
        model.schedule(self._due, MONTH, 1)

    def _due(self) -> None:
        self.pending = True

    def plan(self, model: Surface) -> None:
        """Fade past gains; on cohort days put officers forward and request their hours."""
        off = model.officers
        fading = np.flatnonzero(self.gain)
        model.change_skill(fading, -self.gain[fading] * (1.0 - self.fade))
        self.gain *= self.fade
        self.request[:] = 0.0
        if self.pending:
            self.pending = False
            # confined: the officers of the areas' beat teams when they are put forward
            candidates = np.flatnonzero(~self.trained & ~self.waiting & (off.beat >= 0) & self.works_in(off.beat))
            self.waiting[candidates[self.rng.random(candidates.size) < self.sec.share_per_month]] = True
        self.cohort = np.flatnonzero(self.waiting & off.on_duty & (off.beat >= 0))
        if self.cohort.size:
            self.request += np.bincount(off.beat[self.cohort], minlength=model.n_beats) * self.sec.hours_per_officer
            model.request_community_hours(self.request)

    def act(self, model: Surface, hours: dict) -> None:
        """Train the officers on duty the granted hours cover; the others wait for another working day."""
        if not self.cohort.size:
            return
        off, sec, rng = model.officers, self.sec, self.rng
        share = granted_share(model, hours)
        done = self.cohort[rng.random(self.cohort.size) < share[off.beat[self.cohort]]]
        self.trained[done] = True
        self.waiting[done] = False
        applies = done[rng.random(done.size) < sec.fidelity]
        gain = np.minimum(sec.skill_gain, 1.0 - off.skill[applies])
        model.change_skill(applies, gain)
        self.gain[applies] += gain
        self.log.append((model.day, self.cohort.size, done.size, applies.size, float(self.trained.mean())))

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Per training day: put forward (on duty), trained, applying it, share of officers trained so far."""
        cols = ["day", "put_forward", "trained", "applying", "trained_share"]
        return {self.name: pd.DataFrame(self.log, columns=cols)}


class Orientation(Program):
    """Community orientation for officers new to a beat."""

    name = "orientation"

    doses = ("hours_per_officer",)

    def attach(self, model: Surface) -> None:
        """Remember every officer's beat, to notice arrivals."""
        self.rng = program_stream(model, self.name)
        self.last_beat = model.officers.beat.copy()
        self.remaining = np.zeros(model.officers.n)
        self.engaged_cumw = np.concatenate([[0.0], np.cumsum(model.residents.engagement[model.residents.by_beat])])
        self.today = np.zeros(model.officers.n)

    def plan(self, model: Surface) -> None:
        """Start orientations for arrivals; request today's hours of the officers on duty."""
        off, sec = model.officers, self.sec
        arrived = (off.beat != self.last_beat) & (off.beat >= 0)
        # confined: a newcomer to one of the program's beats is introduced; a move elsewhere ends it
        self.remaining[arrived] = np.where(self.works_in(off.beat[arrived]), sec.hours_per_officer, 0.0)
        self.last_beat = off.beat.copy()
        daily = np.minimum(self.remaining, sec.hours_per_officer / sec.days)
        self.today = np.where(off.on_duty & (off.beat >= 0), daily, 0.0)
        busy = self.today > 0
        model.request_community_hours(np.bincount(off.beat[busy], weights=self.today[busy], minlength=model.n_beats))

    def act(self, model: Surface, hours: dict) -> None:
        """Spend the granted orientation hours meeting residents."""
        off, res, sec, rng = model.officers, model.residents, self.sec, self.rng
        busy = np.flatnonzero(self.today > 0)
        if busy.size == 0:
            return
        spent = self.today[busy] * granted_share(model, hours)[off.beat[busy]]
        left = self.remaining[busy] - spent
        self.remaining[busy] = np.where(left > 1e-9, left, 0.0)
        k = rng.poisson(spent * sec.contacts_per_hour)
        officer = np.repeat(busy, k)
        who = sample_weighted_within(res.by_beat, res.beat_start, self.engaged_cumw, off.beat[officer], rng)
        ok = who >= 0
        deliver(
            model,
            self.name,
            who[ok],
            sec.v_legitimacy,
            sec.v_effectiveness,
            sec.fidelity,
            rng,
            familiar=True,
            officers=officer[ok],
        )
        finished = busy[(self.remaining[busy] == 0) & (spent > 0)]
        applies = finished[rng.random(finished.size) < sec.fidelity]
        model.change_skill(applies, sec.skill_gain)
        self.log.append((model.day, busy.size, float(spent.sum()), int(ok.sum()), finished.size))

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Per day: officers in orientation, hours spent, residents met, orientations completed."""
        cols = ["day", "officers", "hours", "contacts", "completed"]
        return {self.name: pd.DataFrame(self.log, columns=cols)}

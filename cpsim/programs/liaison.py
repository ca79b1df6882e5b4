"""Community liaison officers: non-urgent concerns and conflict mediation.

Each beat has ``officers_per_beat`` liaison officers (fractional means shared between
beats); their working hours (on-duty share x shift x (1 - admin share)) are requested
each day as community work and come out of what would otherwise be car patrol. Each
granted hour helps ``contacts_per_hour`` residents of the beat, drawn with weight
``(1 - legitimacy) ** low_trust_targeting``: liaisons work through referrals and
community groups and so reach the distrustful residents that voluntary events miss. A
concern is resolved with probability ``resolution_share`` (effectiveness up, and visible
disorder at the resident's street segment falls); otherwise effectiveness dips a little.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.mechanisms.policing import street_hours
from cpsim.programs.delivery import deliver, granted_share, program_stream
from cpsim.programs.program import Program, Surface
from cpsim.world.layout import sample_weighted_within


class Liaison(Program):
    """Community liaison officers."""

    name = "liaison"

    doses = ("officers_per_beat", "contacts_per_hour")

    def attach(self, model: Surface) -> None:
        """Work out the liaison hours each beat requests a day."""
        pol = model.params.policing
        self.rng = program_stream(model, self.name)
        self.hours_per_beat = street_hours(self.sec.officers_per_beat * pol.duty_share, pol)
        if self.where is not None:  # liaisons only in the program's areas
            self.hours_per_beat = self.hours_per_beat * self.where
        self.reached = np.zeros(model.residents.n, bool)

    def plan(self, model: Surface) -> None:
        """Request the liaisons' hours."""
        model.request_community_hours(self.hours_per_beat)

    def act(self, model: Surface, hours: dict) -> None:
        """Help as many residents as the granted hours allow."""
        res, sec, rng = model.residents, self.sec, self.rng
        granted = self.hours_per_beat * granted_share(model, hours)
        k = rng.poisson(granted * sec.contacts_per_hour)
        beats = np.repeat(np.arange(model.n_beats), k)
        weight = (1.0 - res.legitimacy) ** sec.low_trust_targeting + 1e-9
        cumw = np.concatenate([[0.0], np.cumsum(weight[res.by_beat])])
        who = sample_weighted_within(res.by_beat, res.beat_start, cumw, beats, rng)
        who = who[who >= 0]
        resolved = rng.random(who.size) < sec.resolution_share
        v_eff = np.where(resolved, sec.v_resolved, sec.v_unresolved)
        designed = deliver(model, self.name, who, sec.v_legitimacy, v_eff, sec.fidelity, rng, familiar=True)
        fixed = res.place[who[resolved & designed]]
        model.reduce_disorder(fixed, 1.0 - sec.disorder_fix)
        self.reached[who] = True
        self.log.append(
            (
                model.day,
                float(granted.sum()),
                who.size,
                int(designed.sum()),
                float(res.legitimacy[who].mean()) if who.size else np.nan,
                float(res.legitimacy.mean()),
            )
        )

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Per day: hours granted, residents helped, as designed, their legitimacy vs everyone's."""
        cols = ["day", "hours", "contacts", "as_designed", "contact_legitimacy", "mean_legitimacy"]
        table = pd.DataFrame(self.log, columns=cols)
        table.attrs["reached_share"] = float(self.reached.mean())
        return {self.name: table}

"""Co-responder teams (Seattle style): a clinician rides with an officer to crisis calls.

The team is on shift ``team_hours_per_day`` officer hours a day city-wide (requested as
community work, spread over beats by population), so it can take that share of the day's
crisis calls (calls come round the clock), up to ``granted hours / hours_per_call`` calls
per beat. A claimed call is handled with a clinician with probability ``fidelity``; then
its outcome draw (cpsim.mechanisms.crisis) ends in force only below
``force_share * (1 - force_reduction)``, and otherwise it is a police contact with the
program's valences (linked to services). A claimed call without the clinician goes as it
would have with police alone. Unclaimed calls are handled by the core crisis mechanism.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.programs.delivery import deliver, granted_share, program_stream
from cpsim.programs.program import Program, Surface


class CoResponder(Program):
    """Co-responder teams."""

    name = "co_responder"

    doses = ("team_hours_per_day",)

    def attach(self, model: Surface) -> None:
        """Spread the team's hours over beats by population."""
        self.rng = program_stream(model, self.name)
        people = model.beat_residents if self.where is None else model.beat_residents * self.where
        # Confined, the team covers the areas' crisis calls only: no hours elsewhere, so no capacity there.
        self.request = self.sec.team_hours_per_day * people / max(people.sum(), 1)

    def plan(self, model: Surface) -> None:
        """Request the team's shift."""
        model.request_community_hours(self.request)

    def act(self, model: Surface, hours: dict) -> None:
        """Claim the crisis calls the team can take and handle them."""
        sec, rng, res = self.sec, self.rng, model.residents
        calls = model.crisis_calls
        capacity = np.floor(self.request * granted_share(model, hours) / sec.hours_per_call + rng.random(model.n_beats))
        on_shift = rng.random(calls.size) < min(1.0, sec.team_hours_per_day / 24.0)
        beat = res.beat[calls]
        rank = np.zeros(calls.size, np.int64)
        if calls.size:
            order = np.lexsort((~on_shift, beat))
            first = np.searchsorted(beat[order], beat[order], side="left")
            rank[order] = np.arange(calls.size) - first
        claimed = on_shift & (rank < capacity[beat])
        with_clinician = claimed & (rng.random(calls.size) < sec.fidelity)
        model.claim_crisis_calls(with_clinician)
        u = model.crisis_draws
        force = with_clinician & (u < model.params.crisis.force_share * (1.0 - sec.force_reduction))
        model.record_force(calls[force])
        helped = calls[with_clinician & ~force]
        deliver(model, self.name, helped, sec.v_legitimacy, sec.v_effectiveness, 1.0, rng)
        self.log.append((model.day, calls.size, int(claimed.sum()), int(with_clinician.sum()), int(force.sum())))

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Per day: crisis calls, claimed, handled with a clinician, ending in force."""
        cols = ["day", "crisis_calls", "claimed", "with_clinician", "force"]
        return {self.name: pd.DataFrame(self.log, columns=cols)}

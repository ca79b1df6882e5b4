"""Hot-spot patrol: officers (on foot by default) at the riskiest places (F9).

The riskiest ``spots_share`` of street segments get ``hours_per_spot`` officer hours a
day, requested in their beat. Of the hours granted, ``fidelity`` are actually spent at
the spots: that presence deters crime there the next day (the crime mechanism's local
deterrence, ``crime.hotspot_deterrence``; F9: -23% violent crime in Philadelphia's foot
beats). Officers on foot talk with people at the spot (``contacts_per_hour``, casual
contacts with familiar faces) and also stop more people: ``stops_per_hour`` extra stops
per hour at the spots are made the next day through the enforcement mechanism (F9:
pedestrian stops +64%), the trust cost of the strategy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.mechanisms.patrol import casual_valences
from cpsim.mechanisms.policing import contact_quality, pick_officers
from cpsim.programs.base import Program
from cpsim.programs.delivery import granted_share, program_stream


class HotSpots(Program):
    """Directed patrol at hot spots."""

    name = "hotspots"

    def __init__(self, sec) -> None:
        """Keep the section."""
        self.sec = sec
        self.log: list[tuple] = []

    @classmethod
    def from_scenario(cls, params):
        """The program, or None when off."""
        sec = params.hotspots
        if not sec.enabled or sec.fidelity <= 0 or sec.spots_share <= 0 or sec.hours_per_spot <= 0:
            return None
        return cls(sec)

    def attach(self, model) -> None:
        """Pick the spots: the riskiest places."""
        pl = model.places
        self.rng = program_stream(model, self.name)
        n_spots = max(1, int(round(self.sec.spots_share * pl.n)))
        self.spots = np.argsort(-pl.risk, kind="stable")[:n_spots]
        self.request = np.bincount(pl.beat[self.spots], minlength=model.n_beats) * self.sec.hours_per_spot
        self.yesterday = np.zeros(model.n_beats)

    def plan(self, model) -> None:
        """Request the spots' hours; yesterday's hours at the spots bring today's extra stops."""
        model.community_requests += self.request
        model.extra_stops += self.sec.stops_per_hour * self.yesterday

    def act(self, model, hours: dict) -> None:
        """Spend the granted hours at the spots: presence, and on foot, casual contacts."""
        pl, res, sec, rng = model.places, model.residents, self.sec, self.rng
        at_spots = self.request * granted_share(model, hours) * sec.fidelity
        beat = pl.beat[self.spots]
        per_spot = at_spots[beat] * sec.hours_per_spot / np.maximum(self.request[beat], 1e-12)
        pl.hotspot_hours[self.spots] += per_spot
        self.yesterday = at_spots
        met = np.empty(0, np.int64)
        if sec.on_foot and sec.contacts_per_hour > 0:
            k = rng.poisson(per_spot * sec.contacts_per_hour)
            where = np.repeat(self.spots, k)
            lo, hi = res.place_start[where], res.place_start[where + 1]
            met = res.by_place[lo + (rng.random(where.size) * (hi - lo)).astype(np.int64)]
            who = pick_officers(model.officers, res.beat[met], rng)
            q = contact_quality(model.officers, who, model.params.policing.contact_sd, rng)
            v_leg, v_eff = casual_valences(q, model.params.patrol)
            model.contacts.add("hotspot_foot", met, v_leg, v_eff, q, familiar=True)
        self.log.append((model.day, float(at_spots.sum()), met.size))

    def results(self, model) -> dict[str, pd.DataFrame]:
        """Per day: hours spent at the spots and casual contacts there."""
        table = pd.DataFrame(self.log, columns=["day", "hours_at_spots", "contacts"])
        table.attrs["spots"] = self.spots.tolist()
        return {self.name: table}

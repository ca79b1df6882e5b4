"""Hot-spot foot patrol: officers walking the riskiest places (F9).

The riskiest ``spots_share`` of street segments get ``hours_per_spot`` foot-patrol hours a
day, requested in their beat as foot patrol (``Surface.request_foot_hours``): they get the same
share as routine foot patrol in the day's split, are cut with it in a budget cut, count
as visible foot presence, and the core patrol mechanism draws the casual contacts of
every foot hour. Only ``fidelity`` of the assigned hours are walked (the rest stay in the
car, as routine patrol): they are spent at the spots and deter crime there the next day
(the crime mechanism's local deterrence, ``crime.hotspot_deterrence``; F9: -23% violent
crime in Philadelphia's foot beats). Officers at the spots stop
more people: ``stops_per_hour`` extra stops per hour at the spots are made through the
enforcement mechanism the next day (F9: pedestrian stops +64%), the trust cost.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.programs.program import Program, Surface


class HotSpots(Program):
    """Directed foot patrol at hot spots."""

    name = "hotspots"

    doses = ("spots_share", "hours_per_spot")

    def attach(self, model: Surface) -> None:
        """Pick the spots: the riskiest places."""
        pl = model.places
        # Confined, the spots are the riskiest spots_share of the areas' own places: the city's
        # riskiest places need not lie in them at all.
        places = np.arange(pl.n) if self.where is None else np.flatnonzero(self.where[pl.beat])
        n_spots = max(1, int(round(self.sec.spots_share * places.size)))
        self.spots = places[np.argsort(-pl.risk[places], kind="stable")[:n_spots]]
        per_beat = np.bincount(pl.beat[self.spots], minlength=model.n_beats)
        self.request = per_beat * self.sec.hours_per_spot * self.sec.fidelity
        self.yesterday = np.zeros(model.n_beats)

    def plan(self, model: Surface) -> None:
        """Request the spots' foot hours; yesterday's hours at the spots bring today's extra stops."""
        if model.day < self.sec.start_day:
            return
        model.request_foot_hours(self.request)
        model.request_stops(self.sec.stops_per_hour * self.yesterday)

    def act(self, model: Surface, hours: dict) -> None:
        """Place the directed foot hours granted at the spots."""
        if model.day < self.sec.start_day:
            return
        pl = model.places
        at_spots = model.directed_foot
        beat = pl.beat[self.spots]
        share = np.divide(at_spots, self.request, out=np.zeros(model.n_beats), where=self.request > 0)
        model.add_foot_presence(self.spots, share[beat] * self.sec.hours_per_spot * self.sec.fidelity)
        granted = at_spots
        self.yesterday = at_spots
        self.log.append((model.day, float(granted.sum()), float(at_spots.sum())))

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Per day: directed foot hours granted and hours spent at the spots."""
        table = pd.DataFrame(self.log, columns=["day", "hours_granted", "hours_at_spots"])
        table.attrs["spots"] = self.spots.tolist()
        return {self.name: table}

"""A publicized incident on a set day: one badly handled encounter, on video, that spreads.

On ``day`` a resident of ``beat`` (default: the beat with the lowest mean trust), drawn by who
gets stopped, has an encounter of the worst procedure (quality ``1 - strength``; valences
``-strength``): a police contact that may bring a complaint. The video is retold
``story_weight`` times as much as an ordinary contact (word of mouth over the social graph,
F4), and the news reaches ``news_reach`` of residents, weighed as every publicized incident's
news is (cpsim.mechanisms.incidents and the core ``incidents`` section: members of the harmed
person's group and residents of the beat see it more often, and those who share the harmed
person's group take it harder, linked fate). Strong experiences are remembered
(trust.salience_consolidation) and feed the collective memories (cpsim.mechanisms.norms), so
the incident is not forgotten within weeks (Desmond, Papachristos & Kirk 2016: a publicized
beating lowered 911 calls from Black neighbourhoods for over a year). No outcome is set:
every change runs through contacts and stories. Incidents at random, here and far away, are
part of every city (cpsim.mechanisms.incidents); this program adds one on a set day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.mechanisms import incidents
from cpsim.programs.delivery import program_stream
from cpsim.programs.program import Program, Surface
from cpsim.world.layout import sample_weighted_within


class Incident(Program):
    """A publicized incident on a set day."""

    name = "incident"

    doses = ("strength",)

    def attach(self, model: Surface) -> None:
        """Prepare the stream, the residents by group and beat, and the news."""
        self.rng = program_stream(model, self.name)
        res = model.residents
        self.classes = incidents.Classes.of(
            res.group, res.beat, len(model.params.population.group_names), model.n_beats
        )
        self.news = incidents.News()

    def act(self, model: Surface, hours: dict) -> None:
        """The incident on its day, then every day its story is still in the news."""
        inc = model.params.incidents
        if model.day == self.sec.day:
            self._encounter(model, self._beat(model))
        for viewers, weight, v_leg, v_eff in self.news.today(model.day, inc):
            model.add_experiences("incident_news", viewers, v_leg, v_eff, weight=weight, police=False)

    def _beat(self, model: Surface) -> int:
        res = model.residents
        trust = np.bincount(res.beat, weights=res.trust, minlength=model.n_beats) / np.maximum(model.beat_residents, 1)
        return int(np.argmin(trust)) if self.sec.beat < 0 else self.sec.beat

    def _encounter(self, model: Surface, beat: int) -> None:
        sec, res, rng = self.sec, model.residents, self.rng
        victim = sample_weighted_within(res.by_beat, res.beat_start, model.stop_cumw, np.array([beat]), rng)
        if victim[0] < 0:
            return
        model.add_experiences(self.name, victim, -sec.strength, -sec.strength, 1.0 - sec.strength)
        model.tell(victim, -sec.strength * sec.story_weight, -sec.strength * sec.story_weight, 0.0)
        seen = 0
        if sec.news_reach > 0:
            group = int(res.group[victim[0]])
            viewers, same = incidents.news_viewers(
                rng, self.classes, group, beat, sec.news_reach, model.params.incidents
            )
            keep = viewers != victim[0]
            self.news.publish(
                model.day, viewers[keep], same[keep], sec.strength, sec.news_exposures, model.params.incidents, rng
            )
            seen = int(keep.sum())
        self.log.append((model.day, beat, int(victim[0]), seen))

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """The incident: day, beat, the resident, how many saw the news."""
        return {self.name: pd.DataFrame(self.log, columns=["day", "beat", "resident", "news_viewers"])}

"""A publicized incident: one badly handled encounter, on video, that spreads.

On ``day`` a resident of ``beat`` (default: the beat with the lowest mean trust), drawn by
who gets stopped, has an encounter of the worst procedure (quality 0; valences
``-strength``): a police contact that may bring a complaint. The video is retold
``story_weight`` times as much as an ordinary contact (word of mouth over the social
graph, F4), and the news reaches ``news_reach`` of residents, members of the victim's
group ``group_salience`` times the odds of others. Seeing it is a vicarious experience
(``news_weight`` of a direct one, read through each viewer's prior trust) that viewers
retell in turn. No outcome is set: every change runs through contacts and stories.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.mechanisms.reporting import logit
from cpsim.programs.base import Program
from cpsim.programs.delivery import program_stream
from cpsim.world.layout import sample_weighted_within


class Incident(Program):
    """A single publicized incident."""

    name = "incident"

    doses = ("strength",)

    def attach(self, model) -> None:
        """Prepare the stream."""
        self.rng = program_stream(model, self.name)

    def act(self, model, hours: dict) -> None:
        """On the day: the encounter, its retelling and the news."""
        sec, res, rng = self.sec, model.residents, self.rng
        if model.day != sec.day:
            return
        trust_by_beat = np.bincount(res.beat, weights=res.trust, minlength=model.n_beats) / np.maximum(
            model.beat_residents, 1
        )
        beat = int(np.argmin(trust_by_beat)) if sec.beat < 0 else sec.beat
        victim = sample_weighted_within(res.by_beat, res.beat_start, model.stop_cumw, np.array([beat]), rng)
        model.contacts.add(self.name, victim, -sec.strength, -sec.strength, 1.0 - sec.strength)
        model.tell(victim, -sec.strength * sec.story_weight, -sec.strength * sec.story_weight, 0.0)
        news = np.empty(0, np.int64)
        if sec.news_reach > 0:
            z = logit(sec.news_reach) + np.log(sec.group_salience) * (res.group == res.group[victim[0]])
            news = np.flatnonzero(rng.random(res.n) < 1.0 / (1.0 + np.exp(-z)))
            news = news[news != victim[0]]
            model.contacts.add("incident_news", news, sec.strength * sec.news_legitimacy,
                               sec.strength * sec.news_effectiveness, weight=sec.news_weight, police=False)
        self.log.append((model.day, beat, int(victim[0]), news.size))

    def results(self, model) -> dict[str, pd.DataFrame]:
        """The incident: day, beat, the resident, how many saw the news."""
        return {self.name: pd.DataFrame(self.log, columns=["day", "beat", "resident", "news_viewers"])}

"""Publicized incidents: badly handled encounters, on video, that spread.

On ``day`` (0: none) a resident of ``beat`` (default: the beat with the lowest mean trust),
drawn by who gets stopped, has an encounter of the worst procedure (quality 0; valences
``-strength``): a police contact that may bring a complaint. The video is retold
``story_weight`` times as much as an ordinary contact (word of mouth over the social
graph, F4), and the news reaches ``news_reach`` of residents, members of the victim's
group ``group_salience`` times the odds of others and residents of the beat
``local_salience`` times (neighbours hear of it first). The story stays in the news for
``news_days`` days, in which a viewer meets it ``news_exposures`` times on average (the
video, follow-ups, protests); each time is a vicarious experience (``news_weight`` of a
direct one, read through each viewer's prior trust) that viewers retell in turn. Strong
experiences are remembered (trust.salience_consolidation), so the incident is not
forgotten within weeks (Desmond, Papachristos & Kirk 2016: a publicized beating lowered
911 calls from Black neighbourhoods for over a year). No outcome is set: every change
runs through contacts and stories. With ``rate_per_beat_year`` > 0 incidents also happen at
random, each in a beat drawn by where stops are, so neighbourhoods' trust moves from year to
year as real areas' does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.mechanisms.reporting import logit
from cpsim.programs.delivery import program_stream
from cpsim.programs.program import Program, Surface
from cpsim.world.layout import sample_weighted_within


class Incident(Program):
    """Publicized incidents: one on a set day, and/or at random at a rate per beat."""

    name = "incident"

    doses = ("strength",)

    def attach(self, model: Surface) -> None:
        """Prepare the stream and the list of stories in the news."""
        self.rng = program_stream(model, self.name)
        self.cycles: list[tuple[int, np.ndarray]] = []  # (first day in the news, viewers)

    def act(self, model: Surface, hours: dict) -> None:
        """Today's incidents (the set day, random ones), then every story still in the news."""
        sec = self.sec
        if model.day == sec.day:
            self._encounter(model, self._beat(model))
        if sec.rate_per_beat_year > 0:
            for beat in self._random_beats(model):
                self._encounter(model, int(beat))
        self.cycles = [(start, v) for start, v in self.cycles if model.day < start + sec.news_days]
        for _, viewers in self.cycles:
            seen = viewers[self.rng.random(viewers.size) < min(1.0, sec.news_exposures / sec.news_days)]
            model.add_experiences(
                "incident_news",
                seen,
                sec.strength * sec.news_legitimacy,
                sec.strength * sec.news_effectiveness,
                weight=sec.news_weight,
                police=False,
            )

    def _beat(self, model: Surface) -> int:
        res = model.residents
        trust = np.bincount(res.beat, weights=res.trust, minlength=model.n_beats) / np.maximum(model.beat_residents, 1)
        return int(np.argmin(trust)) if self.sec.beat < 0 else self.sec.beat

    def _random_beats(self, model: Surface) -> np.ndarray:
        """Beats of today's random incidents: where stops are (the encounters that can go wrong)."""
        k = self.rng.poisson(model.n_beats * self.sec.rate_per_beat_year / 365.0)
        if k == 0:
            return np.empty(0, np.int64)
        stops = np.diff(model.stop_cumw[model.residents.beat_start])
        return self.rng.choice(model.n_beats, size=k, p=stops / stops.sum())

    def _encounter(self, model: Surface, beat: int) -> None:
        sec, res, rng = self.sec, model.residents, self.rng
        victim = sample_weighted_within(res.by_beat, res.beat_start, model.stop_cumw, np.array([beat]), rng)
        if victim[0] < 0:
            return
        model.add_experiences(self.name, victim, -sec.strength, -sec.strength, 1.0 - sec.strength)
        model.tell(victim, -sec.strength * sec.story_weight, -sec.strength * sec.story_weight, 0.0)
        news = np.empty(0, np.int64)
        if sec.news_reach > 0:
            z = (
                logit(sec.news_reach)
                + np.log(sec.group_salience) * (res.group == res.group[victim[0]])
                + np.log(sec.local_salience) * (res.beat == beat)
            )
            news = np.flatnonzero(rng.random(res.n) < 1.0 / (1.0 + np.exp(-z)))
            news = news[news != victim[0]]
            self.cycles.append((model.day, news))
        self.log.append((model.day, beat, int(victim[0]), news.size))

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Every incident: day, beat, the resident, how many saw the news."""
        return {self.name: pd.DataFrame(self.log, columns=["day", "beat", "resident", "news_viewers"])}

"""Publicized incidents: badly handled encounters that make the news, here and far away.

A publicized incident is an encounter of the worst procedure that is filmed or reported and
spreads. Two kinds happen in every city (the core ``incidents`` section):

- **Local**: each stop or arrest today becomes one with a chance proportional to how badly it
  went (``badness``: 0 at quality 0.5 and above, 1 at quality 0), set so the city has
  ``local_per_100k`` a year per 100,000 of the people it stands for (cpsim.world.areas:
  ``people_per_resident``) at the start's stops and their quality; they happen where stops are,
  and follow both how many there are and how they are done. The person harmed has a police contact
  of quality ``1 - strength`` (valences ``-strength``) and retells it ``story_weight`` times as
  widely as an ordinary contact (word of mouth).
- **National**: ``national_per_year`` incidents elsewhere reach the national news; the person
  harmed is of group g with share ``national_group_share[g]``. Nobody here met them.

Either way the news reaches residents: resident i meets it with probability
``logistic(logit(reach) + ln(group_salience) [same group as the person harmed] +
ln(local_salience) [lives in the incident's beat])`` (``reach`` = ``local_reach`` or
``national_reach``), and then meets it ``Binomial(news_days, exposures / news_days)`` times
on days spread uniformly over the ``news_days`` it is in the news, drawn when it breaks (the
video, follow-ups, protests; ``local_exposures`` for a local story, which its neighbourhood
follows for weeks, ``national_exposures`` for one from elsewhere). Each meeting is a vicarious
experience with valences ``strength x news_legitimacy`` and ``strength x news_effectiveness``,
read through the viewer's prior trust like any other (cpsim.mechanisms.trust), with weight
``news_weight x (1 + linked_fate)`` for viewers who share the harmed person's group or, for a
local incident, neighbourhood, and ``news_weight`` for others: an incident is read through
shared identity (Dawson 1994, linked fate; Bor et al. 2018; it happened here: Weitzer 2002) and,
through prior trust and the group's collective memory (cpsim.mechanisms.norms), through the
group's history with police. Strong experiences are remembered (trust.salience_consolidation),
so an incident moves a neighbourhood for months and its group's memory for years (Weitzer 2002;
Desmond, Papachristos & Kirk 2016).

Viewers are drawn class by class (a group inside or outside the beat): each resident of the
class is kept with the class's chance in one compiled pass (cpsim.kernels.draws.chances), so a
story costs one uniform per resident of the classes it reaches and nothing per day after it
breaks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from cpsim.kernels.draws import badness_chances, chances
from cpsim.kernels.normal import erfc
from cpsim.scenario.units import DAYS_PER_YEAR, per_day
from cpsim.world.layout import stable_order


def logit(p: float) -> float:
    """Log-odds of a probability (clipped away from 0 and 1)."""
    p = min(max(p, 1e-9), 1 - 1e-9)
    return float(np.log(p / (1 - p)))


@dataclass(frozen=True)
class Classes:
    """Residents sorted by (group, beat): cell (g, b) is ``order[start[g * beats + b]:start[g * beats + b + 1]]``."""

    order: np.ndarray
    start: np.ndarray
    n_groups: int
    n_beats: int

    @classmethod
    def of(cls, group: np.ndarray, beat: np.ndarray, n_groups: int, n_beats: int) -> Classes:
        """Index residents by group, then beat."""
        cell = group.astype(np.int64) * n_beats + beat
        order = stable_order(cell)
        start = np.concatenate([[0], np.cumsum(np.bincount(cell, minlength=n_groups * n_beats))])
        return cls(order, start, n_groups, n_beats)


def news_viewers(
    rng: np.random.Generator, classes: Classes, harmed_group: int, beat: int, reach: float, inc
) -> tuple[np.ndarray, np.ndarray]:
    """The residents who meet an incident's news, and whether each shares the harmed person's group.

    Args:
        rng: The stream to draw from.
        classes: Residents by group and beat.
        harmed_group: Group of the person harmed.
        beat: Beat of the incident (-1: far away, no beat is local).
        reach: Share of residents who meet it, before saliences.
        inc: The incidents section (group_salience, local_salience).

    Returns:
        Viewers (sorted) and a flag per viewer: they share the harmed person's group or, for a
        local incident, neighbourhood ("one of us").
    """
    base = logit(reach)
    # Marked on the residents and read off in order: sorting the viewers cost more than the draw.
    met, ours_all = np.zeros(classes.order.size, bool), np.zeros(classes.order.size, bool)
    for g in range(classes.n_groups):
        z = base + (np.log(inc.group_salience) if g == harmed_group else 0.0)
        lo, hi = classes.start[g * classes.n_beats], classes.start[(g + 1) * classes.n_beats]
        if beat >= 0:  # the beat's residents of the group, then the group's others (the cell cut out)
            a, b = classes.start[g * classes.n_beats + beat], classes.start[g * classes.n_beats + beat + 1]
            inside = _choose(rng, b - a, _logistic(z + np.log(inc.local_salience))) + a
            outside = _choose(rng, (hi - lo) - (b - a), _logistic(z)) + lo
            outside[outside >= a] += b - a
            picked = np.concatenate([inside, outside])
            ours = np.concatenate([np.ones(inside.size, bool), np.full(outside.size, g == harmed_group)])
        else:
            picked = _choose(rng, hi - lo, _logistic(z)) + lo
            ours = np.full(picked.size, g == harmed_group)
        met[classes.order[picked]] = True
        ours_all[classes.order[picked[ours]]] = True
    viewers = np.flatnonzero(met)
    return viewers, ours_all[viewers]


def _logistic(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-z)))


def _choose(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """Positions 0..n-1, each kept with probability p (in order)."""
    # one uniform per position, compiled (cpsim.kernels.draws): a binomial count and a uniform subset
    # of that size, the same law, cost a sort and numpy's choice without replacement
    return np.flatnonzero(chances(rng, p, n)) if n > 0 else np.empty(0, np.int64)


@dataclass
class Story:
    """One story in the news: when each of its meetings falls, who meets it and how much it weighs for them."""

    start: int
    days: np.ndarray  # each meeting's day, from the story's first (sorted)
    viewers: np.ndarray  # who meets it then
    weight: np.ndarray  # how much it weighs for them
    bounds: np.ndarray  # meetings of day k are [bounds[k], bounds[k + 1])
    v_legitimacy: float
    v_effectiveness: float


@dataclass
class News:
    """Stories in the news, each with the meetings it will have (drawn when it breaks)."""

    stories: list[Story] = field(default_factory=list)
    log: list[tuple[int, int, int, int, int]] = field(default_factory=list)  # day, beat, harmed, group, viewers

    def publish(
        self,
        day: int,
        viewers: np.ndarray,
        same_group: np.ndarray,
        strength: float,
        exposures: float,
        inc,
        rng: np.random.Generator,
    ) -> None:
        """Put a story in the news from ``day``: each viewer meets it about ``exposures`` times while it runs.

        Drawn at once: each viewer's number of meetings is ``Binomial(news_days, exposures / news_days)``
        (as if met on each news day with that chance) and each meeting's day is uniform over the news
        days (two on one day are two meetings: the video, then the talk about it). Each viewer's
        weight grows with shared identity (``same_group``: one of the harmed person's own).
        """
        span = inc.news_days
        chance = min(1.0, exposures / span)
        who = np.repeat(np.arange(viewers.size), rng.binomial(span, chance, viewers.size))
        when = rng.integers(0, span, who.size, dtype=np.uint16)  # (a 16-bit key: numpy's stable sort is a radix sort)
        order = np.argsort(when, kind="stable")
        when, who = when[order], who[order]
        weight = inc.news_weight * np.where(same_group, 1.0 + inc.linked_fate, 1.0)
        bounds = np.concatenate([[0], np.cumsum(np.bincount(when, minlength=span))])
        self.stories.append(
            Story(
                day, when, viewers[who], weight[who], bounds, strength * inc.news_legitimacy,
                strength * inc.news_effectiveness,
            )
        )  # fmt: skip

    def today(self, day: int, inc) -> list[tuple[np.ndarray, np.ndarray, float, float]]:
        """Today's meetings with stories still in the news: (residents, weights, v_legitimacy, v_effectiveness)."""
        if not self.stories:  # most days of a small city: nothing in the news
            return []
        self.stories = [st for st in self.stories if day < st.start + inc.news_days]
        out = []
        for st in self.stories:
            k = day - st.start
            if k < 0:
                continue
            a, b = st.bounds[k], st.bounds[k + 1]
            if b > a:
                out.append((st.viewers[a:b], st.weight[a:b], st.v_legitimacy, st.v_effectiveness))
        return out


def badness(quality: np.ndarray) -> np.ndarray:
    """How badly an encounter went: 0 at quality 0.5 and above, 1 at 0 (as complaints read it)."""
    bad = (0.5 - quality) * 2.0  # (0.5 - q) / 0.5, exactly
    # np.clip's Python layer costs more than the two ufuncs on a day's few stops
    return np.minimum(np.maximum(bad, 0.0, out=bad), 1.0, out=bad)


def expected_badness(mean: np.ndarray, sd: float) -> np.ndarray:
    """``E[badness(q)]`` for ``q ~ N(mean, sd^2)`` (the clip at 0 ignored: its tail is negligible)."""
    z = (0.5 - np.asarray(mean, float)) / max(sd, 1e-12)
    cdf = 0.5 * erfc(-z / math.sqrt(2.0))  # the normal CDF without scipy (cpsim.kernels.normal)
    pdf = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    # E[max(0, 0.5 - q)] = sd * (z Phi(z) + phi(z))
    return np.minimum(sd * (z * cdf + pdf) / 0.5, 1.0)


def local_chance(inc, people: float, badness_per_day: float) -> float:
    """Chance per unit of badness that a stop or arrest becomes a publicized incident.

    Set so the city has ``local_per_100k`` a year per 100,000 of the ``people`` it stands for,
    at the start's stops and arrests and their quality; incidents then follow both the volume of
    enforcement and how it is done.
    """
    if badness_per_day <= 0:
        return 0.0
    return per_day(people, inc.local_per_100k, per=100_000) / badness_per_day


class NationalIncidents:
    """Incidents elsewhere as a Poisson process in continuous time, drawn one gap ahead.

    The days between incidents are exponential with mean ``365 / national_per_year``, so a
    day holds a Poisson number of them, as ``draw_national`` draws; drawn from a run stream
    one incident ahead, a day without one draws nothing. Scenarios with one seed share them
    (the news is the same whatever the city does).
    """

    def __init__(self, rng: np.random.Generator, inc) -> None:
        """The process on ``rng`` at the incidents section's rate and groups."""
        self.rng, self.rate = rng, national_rate(inc)
        self.shares = np.asarray(inc.national_group_share, float)
        self.next = self._gap(0.0)

    def _gap(self, after: float) -> float:
        return after + self.rng.exponential(1.0 / self.rate) if self.rate > 0 else math.inf

    def due(self, day: int) -> list[int]:
        """The incidents of day ``day`` (times in (day - 1, day]): the group of the person harmed in each."""
        groups = []
        while self.next <= day:
            groups.append(harmed_group(self.rng, self.shares))
            self.next = self._gap(self.next)
        return groups


def draw_national(rng: np.random.Generator, inc) -> list[int]:
    """Today's national incidents: the group of the person harmed in each."""
    count = rng.poisson(national_rate(inc))
    if not count:  # most days
        return []
    shares = np.asarray(inc.national_group_share, float)
    return [harmed_group(rng, shares) for _ in range(count)]


def national_rate(inc) -> float:
    """Incidents elsewhere a day (``incidents.national_per_year`` over the year's days)."""
    return inc.national_per_year / DAYS_PER_YEAR


def harmed_group(rng: np.random.Generator, shares: np.ndarray) -> int:
    """The group of the person an incident elsewhere harmed, by the groups' shares of such incidents."""
    return int(rng.choice(shares.size, p=shares))


def draw_local(rng, quality: np.ndarray, chance_per_badness: float) -> np.ndarray:
    """Which of the day's stops and arrests become a publicized incident here (boolean each).

    Each with chance ``badness(quality) * chance_per_badness`` (``local_chance``): ``rng.random(n) <
    chance``, the badness, the product and the draw in one compiled pass
    (cpsim.kernels.draws.badness_chances), the same uniforms.
    """
    return badness_chances(rng, quality, chance_per_badness)

"""The simulated survey: residents sampled and measured the way real surveys measure them.

The model calls :meth:`SurveyLayer.observe` once a day (one line in its recording phase);
on fieldwork days the layer samples respondents per area and records their answers.
It reads only the residents' arrays (legitimacy, effectiveness, trust, safety, group,
beat, engagement) and draws only from its own random stream, so a survey never changes
the simulation: the same seed gives the same city with or without it.

Sampling (``survey.design``):

- ``random``: a simple random sample without replacement of a set number of residents
  per area on each fieldwork day (the period's sample is spread over its fieldwork days).
- ``online``: Poisson sampling. Resident i answers with probability
  ``min(1, c_a * pi_i)``, where ``pi_i = group_response[g] * exp(engagement_log_odds *
  (engagement_i - mean) + attitude_log_odds * (trust_i - 0.5))`` and ``c_a`` sets the
  expected number of answers in area a. Respondents are self-selected: engaged and
  trusting residents answer more often; weighting by group cannot undo the attitude part.
  ``youth_response`` multiplies pi_i for residents in the youth band.

With ``responses_per_month`` > 0 the survey collects the real survey's number of answers
city-wide (period: ``responses_per_month x period_days / (365.25 / 12)``, split over the
fieldwork days) and areas get them by where respondents live: the random design draws
that many residents uniformly with replacement, the online design a Poisson number per
resident with mean proportional to pi_i. A simulated resident of a scaled city stands for
many real people, so it may answer more than once; each answer is another real person with
the same latent state and their own response style and noise (assumption).

Measurement model (one per item j; latent x_i in 0-1)::

    z_ij = 0.5 + slope_j * (x_i - 0.5) + offset + item_offsets[j] + shift_j + u_i + item_noise[j] * e_ij
    answer_ij = clip(round(K_j * z_ij), 0, K_j)     u_i ~ N(0, person_sd), e_ij ~ N(0, 1)

slope_j = slope x trust_slope for listen and respect, x safety_slope for safe, x 1 for the
others; shift_j = trust_offset / 10 for listen and respect (plus item_change_shift / 10 from
wave item_change_wave on: the Chicago trust items were reworded in 2020), safety_offset / 10
for safe, 0 for the others (offsets in points of the 0-10 scale; item_terms).

K_j = 10 for the 0-10 items and 1 for the yes/no item (yes when z >= 0.5): a censored,
rounded normal link. Items and the latent each reads: "the police listen to the concerns
of local residents" (listen, 0-10) and "treat local residents with respect" (respect,
0-10) read legitimacy; "how safe do you feel" (safe, 0-10) reads perceived safety;
"confidence in the police" (confidence, 0-10) reads the trust index; "the police do a
good or excellent job" (good_job, yes/no) reads effectiveness. Scores are reported on
0-100 as the Chicago sentiment scores are: a 0-10 item's mean answer x 10, a yes/no
item's share of yes x 100; ``trust`` is the mean of listen and respect.

Estimates (``Result.survey``, one row per wave, area and group, plus the city as beat
-1 and all groups as group "all") are Hajek means with expansion weights N_h / n_h over
strata h: area x group cells when ``weighting = "group"`` (post-stratification), areas
when ``"none"``. Standard errors follow the design: sqrt(sum_h (N_h/N)^2 s_h^2 / n_h).
With ``weighting = "rake"`` each area's answers are raked to its residents by group and by
age band (youth or not); area means take the raked weights and the linearised variance of a
calibration estimator, cell means the raked weights held fixed (raked_moments); the city
combines areas (and cells) as strata, as above. The vendor's weighting is undocumented:
raking to several margins is the usual method for online samples (assumption). Estimates
with fewer than ``min_cell_n`` answers are NA, as the published scores leave small cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.world.layout import stable_order

# item -> (latent array name, scale points K)
ITEM_SOURCES: dict[str, tuple[str, int]] = {
    "listen": ("legitimacy", 10),
    "respect": ("legitimacy", 10),
    "safe": ("safety", 10),
    "confidence": ("trust", 10),
    "good_job": ("effectiveness", 1),
}
# Days in a month, for responses_per_month.
MONTH_DAYS = 365.25 / 12
# Raking and its residuals stop when a pass changes nothing beyond this (relative), or after so many passes.
RAKE_TOLERANCE, RAKE_PASSES = 1e-10, 200
# Reported scores (0-100), computed per respondent from the items.
SCORES = ("trust", "listen", "respect", "safety", "confidence", "good_job")
LATENT = ("trust", "legitimacy", "effectiveness", "safety")
SUMMARY_KEYS = (
    "survey_respondents",
    "survey_trust",
    "survey_trust_se",
    "survey_safety",
    "survey_good_job",
    "survey_trust_gap",
)
COLUMNS = [
    "wave",
    "day",
    "beat",
    "group",
    "residents",
    "n",
    *[c for s in SCORES for c in (s, f"{s}_se")],
    *[f"latent_{x}" for x in LATENT],
]


def item_terms(params, wave: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Each item's slope and own shift on the 0-1 scale.

    The measurement model's mean is mu_j = 0.5 + slope_j (x - 0.5) + offset + item_offsets[j]
    + shift_j: the trust items (listen, respect) and the safety item have their own offsets
    (in 0-10 points, so shift = points / 10) and slopes (slope_j = ``slope`` x the item's
    slope); the trust items shift by ``item_change_shift`` more from wave ``item_change_wave`` on.

    Args:
        params: The scenario's survey section.
        wave: The survey wave (0 = the first).

    Returns:
        Slopes and own shifts in ITEM_SOURCES order.

    """
    trust_shift = params.trust_offset / 10 + (params.item_change_shift / 10 if wave >= params.item_change_wave else 0.0)
    own = {
        "listen": (params.trust_slope, trust_shift),
        "respect": (params.trust_slope, trust_shift),
        "safe": (params.safety_slope, params.safety_offset / 10),
    }
    slopes = np.array([params.slope * own.get(item, (1.0, 0.0))[0] for item in ITEM_SOURCES])
    return slopes, np.array([own.get(item, (1.0, 0.0))[1] for item in ITEM_SOURCES])


def answer_items(latent: dict[str, np.ndarray], params, rng: np.random.Generator, wave: int = 0) -> np.ndarray:
    """Answers of respondents to the five items (the measurement model above).

    Args:
        latent: Respondents' latent arrays by name (legitimacy, safety, trust, effectiveness).
        params: The scenario's survey section.
        rng: The survey's random stream.
        wave: The survey wave (the trust items may have changed, ``item_change_wave``).

    Returns:
        An (n, 5) integer array of answers in item order (ITEM_SOURCES).

    """
    n = len(next(iter(latent.values())))
    style = params.person_sd * rng.standard_normal(n)
    noise = rng.standard_normal((n, len(ITEM_SOURCES)))
    out = np.empty((n, len(ITEM_SOURCES)), np.int16)
    slopes, shifts = item_terms(params, wave)
    for j, (source, k) in enumerate(ITEM_SOURCES.values()):
        # the own shift added last: 0.0 leaves a survey without item terms the same to the bit
        z = 0.5 + slopes[j] * (latent[source] - 0.5) + params.offset + params.item_offsets[j] + shifts[j] + style
        z += params.item_noise[j] * noise[:, j]
        out[:, j] = np.clip(np.floor(k * z + 0.5), 0, k)
    return out


def expected_answer(x: np.ndarray | float, item: str, params, wave: int = 0) -> np.ndarray:
    """Expected answer to one item of a resident with latent state x (no sampling error).

    E[answer] = sum_{k=1..K} P(answer >= k) = sum_k Phi((mu - (k - 0.5)/K) / sigma), with
    mu = 0.5 + slope_j (x - 0.5) + offset + item offset + shift_j (item_terms) and
    sigma^2 = item_noise^2 + person_sd^2.

    Args:
        x: Latent state(s), 0-1.
        item: An item name (ITEM_SOURCES).
        params: The scenario's survey section.
        wave: The survey wave (for ``item_change_wave``).

    Returns:
        The expected answer on the item's own scale (0-10, or 0-1 for yes/no).

    """
    from scipy.special import ndtr  # here: only analyses need it, not a run

    j = list(ITEM_SOURCES).index(item)
    k = ITEM_SOURCES[item][1]
    slopes, shifts = item_terms(params, wave)
    mu = 0.5 + slopes[j] * (np.asarray(x, float) - 0.5) + params.offset + params.item_offsets[j] + shifts[j]
    sigma = float(np.hypot(params.item_noise[j], params.person_sd))
    cuts = (np.arange(1, k + 1) - 0.5) / k
    if sigma == 0:
        return (mu[..., None] >= cuts).sum(-1).astype(float)
    return ndtr((mu[..., None] - cuts) / sigma).sum(-1)


def scores(answers: np.ndarray) -> np.ndarray:
    """Respondents' scores on 0-100 in SCORES order (trust is the mean of listen and respect)."""
    a = answers.astype(float)
    listen, respect, safe, conf, job = (a[:, j] for j in range(5))
    return np.column_stack([5 * (listen + respect), 10 * listen, 10 * respect, 10 * safe, 10 * conf, 100 * job])


class SurveyLayer:
    """Fieldwork, answers and estimates of the simulated survey of one run."""

    def __init__(self, params, residents, n_beats: int, group_names: tuple[str, ...]) -> None:
        """Plan the survey of a run.

        Args:
            params: The scenario's survey section.
            residents: The residents' arrays (beat, group; read again on fieldwork days).
            n_beats: Number of areas (police beats).
            group_names: Names of the resident groups.

        """
        self.p = params
        self.n_beats, self.groups = n_beats, tuple(group_names)
        self.n_groups = len(group_names)
        self.cell = residents.beat.astype(np.int64) * self.n_groups + residents.group
        self.cell_n = np.bincount(self.cell, minlength=n_beats * self.n_groups).astype(float)
        self.area_n = np.bincount(residents.beat, minlength=n_beats).astype(float)
        # age bands (youth or not) within areas: the second margin of raking
        youth = getattr(residents, "youth", None)
        self.youth = np.zeros(residents.beat.size, bool) if youth is None else youth.astype(bool)
        self.age_cell = residents.beat.astype(np.int64) * 2 + self.youth
        self.age_n = np.bincount(self.age_cell, minlength=2 * n_beats).astype(float)
        # answers a period city-wide when the survey collects the real survey's number (responses_per_month)
        self.per_period = params.responses_per_month * params.period_days / MONTH_DAYS
        if params.responses_per_month > 0:
            target = self.per_period * self.area_n / max(self.area_n.sum(), 1e-12)
        elif params.size_by_population:
            target = params.respondents_per_area * self.area_n / max(self.area_n.mean(), 1e-12)
        else:
            target = np.full(n_beats, params.respondents_per_area)
        self.target = target  # expected respondents per area and period (before propensities)
        self.order = stable_order(residents.beat)
        self.start = np.concatenate([[0], np.cumsum(self.area_n.astype(np.int64))])
        f = min(params.fieldwork_days, params.period_days)
        ends = np.round(np.arange(1, f + 1) * params.period_days / f).astype(int) - 1
        self._fieldwork_day: dict[int, int] = {}  # day of the period -> its fieldwork day (asked once a day)
        for k, end in enumerate(ends.tolist()):
            self._fieldwork_day.setdefault(end, k)
        self.rows: list[pd.DataFrame] = []
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (cell, scores, youth) of the wave so far
        self._latent: list[np.ndarray] = []
        self._wave, self._day = -1, 0
        self.respondents = 0

    def fieldwork(self, day: int) -> tuple[int, int] | None:
        """(wave, k) when ``day`` is the k-th fieldwork day of a wave, else None."""
        p = self.p
        if day < p.first_day:
            return None
        wave, offset = divmod(day - p.first_day, p.period_days)
        k = self._fieldwork_day.get(offset)
        return None if k is None else (int(wave), k)

    def observe(self, day: int, res, rng: np.random.Generator) -> None:
        """Survey residents if ``day`` is a fieldwork day (called by the model once a day)."""
        when = self.fieldwork(day)
        if when is None:
            return
        wave, k = when
        if wave != self._wave:
            self._close_wave()
            self._wave = wave
        self._day = day
        f = min(self.p.fieldwork_days, self.p.period_days)
        if self.p.responses_per_month > 0:
            # the city's answers of the period split over its fieldwork days, drawn city-wide
            total = round(self.per_period * (k + 1) / f) - round(self.per_period * k / f)
            chosen = self._draw_city(res, total, rng)
        else:
            # the period's target split over its fieldwork days (exact over a period for the random design)
            quota = np.round(self.target * (k + 1) / f) - np.round(self.target * k / f)
            chosen = self._sample(res, quota, rng)
        latent = {name: getattr(res, name)[chosen] for name in ("legitimacy", "safety", "trust", "effectiveness")}
        answers = answer_items(latent, self.p, rng, wave)
        self._parts.append((self.cell[chosen], scores(answers), self.youth[chosen]))
        sums = [np.bincount(self.cell, weights=getattr(res, x), minlength=self.cell_n.size) for x in LATENT]
        self._latent.append(np.column_stack(sums))
        self.respondents += chosen.size

    def _sample(self, res, quota: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if self.p.design == "random":
            # Random keys sorted within areas: the first quota[a] of area a are a simple random sample.
            keys = rng.random(self.order.size)
            order = self.order[np.lexsort((keys[self.order], res.beat[self.order]))]
            rank = np.arange(order.size) - self.start[res.beat[order]]
            return np.sort(order[rank < quota[res.beat[order]]])
        pi = self._propensity(res)
        scale = quota / np.maximum(np.bincount(res.beat, weights=pi, minlength=self.n_beats), 1e-300)
        return np.flatnonzero(rng.random(pi.size) < np.minimum(1.0, scale[res.beat] * pi))

    def _propensity(self, res) -> np.ndarray:
        """Online design: each resident's relative propensity to answer (module docstring)."""
        p = self.p
        log_pi = p.engagement_log_odds * (res.engagement - res.engagement.mean()) + p.attitude_log_odds * (
            res.trust - 0.5
        )
        pi = np.asarray(p.group_response, float)[res.group] * np.exp(log_pi)
        return pi if p.youth_response == 1.0 else pi * np.where(self.youth, p.youth_response, 1.0)

    def _draw_city(self, res, total: int, rng: np.random.Generator) -> np.ndarray:
        """Respondents of one fieldwork day drawn city-wide with replacement (``responses_per_month``).

        A simulated resident stands for many real people, so it may answer more than once:
        each answer is another real person with the same latent state (and their own response
        style and noise). The random design draws ``total`` residents uniformly; the online
        design a Poisson number per resident with mean ``total`` x its share of the city's
        propensity, so areas get answers by where respondents live and how keen they are.
        """
        if self.p.design == "random":
            return np.sort(rng.integers(0, res.beat.size, total))
        pi = self._propensity(res)
        counts = rng.poisson(total * pi / pi.sum())
        return np.repeat(np.arange(pi.size), counts)

    def _close_wave(self) -> None:
        if not self._parts:
            return
        cell, sc, youth = (np.concatenate(part) for part in zip(*self._parts, strict=True))
        latent = np.mean(self._latent, axis=0) / np.maximum(self.cell_n, 1)[:, None]
        self.rows.append(self._estimates(self._wave, self._day, cell, sc, latent, youth))
        self._parts, self._latent = [], []

    def _estimates(
        self, wave: int, day: int, cell: np.ndarray, sc: np.ndarray, latent: np.ndarray, youth: np.ndarray
    ) -> pd.DataFrame:
        nb, ng = self.n_beats, self.n_groups
        n_cells = nb * ng
        beat_of, group_of = np.arange(n_cells) // ng, np.arange(n_cells) % ng
        weighted = self.p.weighting == "group"
        strata = cell if weighted else cell // ng  # post-strata: area x group cells, or areas
        if self.p.weighting == "rake":
            # raked cell and area means, with variances of the mean x n, so _combine's v / n is theirs
            age_cell = (cell // ng) * 2 + youth
            stats_cell, stats_strata = raked_moments(cell, age_cell, sc, self.cell_n, self.age_n, self.area_n, ng)
        else:
            stats_cell = _moments(cell, sc, n_cells)
            stats_strata = stats_cell if weighted else _moments(strata, sc, nb)
        pop_strata = self.cell_n if weighted else self.area_n
        strata_beat = beat_of if weighted else np.arange(nb)
        lat_n = latent * self.cell_n[:, None]

        rows = []

        def add(beat: int, group: str, members: np.ndarray, pop: np.ndarray, st, lat_members: np.ndarray) -> None:
            est, se, n = _combine(st, members, pop)
            lat = lat_n[lat_members].sum(0) / max(self.cell_n[lat_members].sum(), 1)
            rows.append(
                [
                    wave,
                    day,
                    beat,
                    group,
                    float(self.cell_n[lat_members].sum()),
                    n,
                    *np.ravel(np.column_stack([est, se])),
                    *lat,
                ]
            )

        all_cells = np.arange(n_cells)
        for b in range(nb):
            in_b = all_cells[beat_of == b]
            for g in range(ng):
                add(b, self.groups[g], np.array([b * ng + g]), self.cell_n, stats_cell, np.array([b * ng + g]))
            add(b, "all", np.flatnonzero(strata_beat == b), pop_strata, stats_strata, in_b)
        for g in range(ng):
            members = all_cells[group_of == g]
            add(-1, self.groups[g], members, self.cell_n, stats_cell, members)
        add(-1, "all", np.arange(pop_strata.size), pop_strata, stats_strata, all_cells)
        out = pd.DataFrame(rows, columns=COLUMNS)
        if self.p.min_cell_n > 0:  # as the published scores, too few answers leave an estimate empty
            out.loc[out["n"] < self.p.min_cell_n, [c for s in SCORES for c in (s, f"{s}_se")]] = np.nan
        return out

    def table(self) -> pd.DataFrame:
        """Every wave's estimates (the pending wave too), one row per wave, area and group."""
        self._close_wave()
        if not self.rows:
            return pd.DataFrame(columns=COLUMNS)
        out = pd.concat(self.rows, ignore_index=True)
        out["n"] = out["n"].astype(np.int64)
        out["residents"] = out["residents"].astype(np.int64)
        return out


def _moments(keys: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, mean and sample variance of each score per key (variance NaN below 2 answers)."""
    n = np.bincount(keys, minlength=size).astype(float)
    s1 = np.column_stack([np.bincount(keys, weights=values[:, j], minlength=size) for j in range(values.shape[1])])
    s2 = np.column_stack([np.bincount(keys, weights=values[:, j] ** 2, minlength=size) for j in range(values.shape[1])])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / n[:, None]
        var = (s2 - n[:, None] * mean**2) / (n[:, None] - 1)
    var[n < 2] = np.nan
    return n, mean, np.maximum(var, 0.0)


def rake(keys: tuple[np.ndarray, ...], totals: tuple[np.ndarray, ...]) -> np.ndarray:
    """Weights per respondent whose sums over each key's classes match its totals (iterative proportional fitting).

    Args:
        keys: For each margin, the class of every respondent.
        totals: For each margin, the population of every class (0 for classes without
            respondents; every margin's totals must agree on each area's population).

    Returns:
        The raked weights (start 1, scaled margin by margin until no margin moves them).

    """
    w = np.ones(keys[0].size)
    for _ in range(RAKE_PASSES):
        worst = 0.0
        for key, total in zip(keys, totals, strict=True):
            got = np.bincount(key, w, total.size)
            factor = np.divide(total, got, out=np.ones_like(total), where=got > 0)
            w *= factor[key]
            worst = max(worst, float(np.abs(factor[got > 0] - 1).max(initial=0.0)))
        if worst < RAKE_TOLERANCE:
            break
    return w


def _reachable(pop: np.ndarray, counts: np.ndarray, area: np.ndarray, area_n: np.ndarray) -> np.ndarray:
    """Class totals for raking: classes without respondents get 0 and their area's others take their share."""
    kept = np.where(counts > 0, pop, 0.0)
    got = np.bincount(area, kept, area_n.size)
    return kept * np.divide(area_n, got, out=np.zeros_like(area_n), where=got > 0)[area]


def raked_moments(
    cell: np.ndarray,
    age_cell: np.ndarray,
    values: np.ndarray,
    cell_n: np.ndarray,
    age_n: np.ndarray,
    area_n: np.ndarray,
    n_groups: int,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Raked means of each area and each area x group cell, with linearised variances.

    Each area's respondents are raked to the area's residents by group and by age band
    (youth or not); classes without respondents give their share to the area's others. An
    area's mean is the raked-weighted mean; its variance is the linearisation of a
    calibration estimator (Deville & Särndal 1992), v = n/(n - p) sum_i w_i^2 e_i^2 / N^2,
    with e the residuals of a weighted regression of the answers on the group and age
    classes (fitted by backfitting; p its free coefficients). A cell's mean is its
    raked-weighted mean, its variance m/(m - 1) sum_i w_i^2 (y_i - mean)^2 / W^2 with the
    weights taken as fixed.

    Args:
        cell: Area x group cell of each answer (area * n_groups + group).
        age_cell: Area x age band of each answer (area * 2 + youth).
        values: Scores of each answer (answers x scores).
        cell_n: Residents per area x group cell.
        age_n: Residents per area x age band.
        area_n: Residents per area.
        n_groups: Groups.

    Returns:
        (count, mean, variance of the mean x count) of cells, then of areas.

    """
    area = cell // n_groups
    n_cell = np.bincount(cell, minlength=cell_n.size).astype(float)
    n_age = np.bincount(age_cell, minlength=age_n.size).astype(float)
    cell_area, age_area = np.arange(cell_n.size) // n_groups, np.arange(age_n.size) // 2
    w = rake(
        (cell, age_cell), (_reachable(cell_n, n_cell, cell_area, area_n), _reachable(age_n, n_age, age_area, area_n))
    )

    def weighted_mean(key: np.ndarray, size: int, x: np.ndarray) -> np.ndarray:
        total = np.bincount(key, w, size)
        sums = np.column_stack([np.bincount(key, w * x[:, j], size) for j in range(x.shape[1])])
        with np.errstate(invalid="ignore", divide="ignore"):
            return sums / total[:, None]

    def spread(key: np.ndarray, size: int, e: np.ndarray, count: np.ndarray, free: np.ndarray) -> np.ndarray:
        total = np.bincount(key, w, size)
        sq = np.column_stack([np.bincount(key, (w * e[:, j]) ** 2, size) for j in range(e.shape[1])])
        with np.errstate(invalid="ignore", divide="ignore"):
            var = count[:, None] / (count - free)[:, None] * sq / total[:, None] ** 2
        var[count <= free] = np.nan
        return var * count[:, None]

    cell_mean = weighted_mean(cell, cell_n.size, values)
    cells = (n_cell, cell_mean, spread(cell, cell_n.size, values - cell_mean[cell], n_cell, np.ones(cell_n.size)))
    area_mean = weighted_mean(area, area_n.size, values)
    e = values - area_mean[area]
    scale = 1.0 + float(np.abs(values).max(initial=0.0))
    for _ in range(RAKE_PASSES):  # backfitting: the residuals of the regression on group and age classes
        before = e.copy()
        e -= weighted_mean(cell, cell_n.size, e)[cell]
        e -= weighted_mean(age_cell, age_n.size, e)[age_cell]
        if np.abs(e - before).max(initial=0.0) < RAKE_TOLERANCE * scale:
            break
    n_area = np.bincount(area, minlength=area_n.size).astype(float)
    free = np.bincount(cell_area, n_cell > 0, area_n.size) + np.bincount(age_area, n_age > 0, area_n.size) - 1
    var = spread(area, area_n.size, e, n_area, free)
    # an area with no more answers than classes has no residual variance: its weights taken as fixed instead
    fixed = spread(area, area_n.size, values - area_mean[area], n_area, np.ones(area_n.size))
    return cells, (n_area, area_mean, np.where(np.isnan(var), fixed, var))


def _combine(stats, members: np.ndarray, pop: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Stratified (post-stratified) mean and SE of a domain made of ``members`` strata.

    Strata without respondents are left out (their population share goes to the others);
    a stratum with one respondent borrows the domain's pooled variance.
    """
    n, mean, var = (x[members] for x in stats)
    has = n > 0
    total = int(n.sum())
    k = mean.shape[1]
    if not has.any():
        return np.full(k, np.nan), np.full(k, np.nan), 0
    w = pop[members][has] / pop[members][has].sum()
    est = (w[:, None] * mean[has]).sum(0)
    v = var[has]
    if np.isnan(v).any():
        pooled = np.nansum((n[has, None] - 1) * v, axis=0) / max(total - int(has.sum()), 1)
        if total - int(has.sum()) < 1:
            pooled = np.full(k, np.nan)
        v = np.where(np.isnan(v), pooled, v)
    se = np.sqrt((w[:, None] ** 2 * v / n[has, None]).sum(0))
    return est, se, total


def make_survey(scenario, residents, n_beats: int) -> SurveyLayer | None:
    """The survey of a run, or None when the scenario has none (``survey.design = "none"``)."""
    if scenario.survey.design == "none":
        return None
    return SurveyLayer(scenario.survey, residents, n_beats, scenario.population.group_names)


def survey_summary(table: pd.DataFrame | None) -> dict[str, float]:
    """Headline "as surveyed" figures of a run: the city's last wave (NaN without a survey; docs/metrics.md)."""
    if table is None or table.empty:
        return {"survey_respondents": 0, **{k: float("nan") for k in SUMMARY_KEYS[1:]}}
    last = table[(table["wave"] == table["wave"].max()) & (table["beat"] == -1)]
    city = last[last["group"] == "all"].iloc[0]
    groups = last[(last["group"] != "all") & (last["n"] > 0)]
    return {
        "survey_respondents": int(table.loc[(table["beat"] == -1) & (table["group"] == "all"), "n"].sum()),
        "survey_trust": float(city["trust"]),
        "survey_trust_se": float(city["trust_se"]),
        "survey_safety": float(city["safety"]),
        "survey_good_job": float(city["good_job"]),
        "survey_trust_gap": float(groups["trust"].max() - groups["trust"].min()) if len(groups) else float("nan"),
    }

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

Measurement model (one per item j; latent x_i in 0-1)::

    z_ij = 0.5 + slope * (x_i - 0.5) + offset + item_offsets[j] + u_i + item_noise[j] * e_ij
    answer_ij = clip(round(K_j * z_ij), 0, K_j)     u_i ~ N(0, person_sd), e_ij ~ N(0, 1)

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


def answer_items(latent: dict[str, np.ndarray], params, rng: np.random.Generator) -> np.ndarray:
    """Answers of respondents to the five items (the measurement model above).

    Args:
        latent: Respondents' latent arrays by name (legitimacy, safety, trust, effectiveness).
        params: The scenario's survey section.
        rng: The survey's random stream.

    Returns:
        An (n, 5) integer array of answers in item order (ITEM_SOURCES).

    """
    n = len(next(iter(latent.values())))
    style = params.person_sd * rng.standard_normal(n)
    noise = rng.standard_normal((n, len(ITEM_SOURCES)))
    out = np.empty((n, len(ITEM_SOURCES)), np.int16)
    for j, (source, k) in enumerate(ITEM_SOURCES.values()):
        z = 0.5 + params.slope * (latent[source] - 0.5) + params.offset + params.item_offsets[j] + style
        z += params.item_noise[j] * noise[:, j]
        out[:, j] = np.clip(np.floor(k * z + 0.5), 0, k)
    return out


def expected_answer(x: np.ndarray | float, item: str, params) -> np.ndarray:
    """Expected answer to one item of a resident with latent state x (no sampling error).

    E[answer] = sum_{k=1..K} P(answer >= k) = sum_k Phi((mu - (k - 0.5)/K) / sigma), with
    mu = 0.5 + slope (x - 0.5) + offset + item offset and sigma^2 = item_noise^2 + person_sd^2.

    Args:
        x: Latent state(s), 0-1.
        item: An item name (ITEM_SOURCES).
        params: The scenario's survey section.

    Returns:
        The expected answer on the item's own scale (0-10, or 0-1 for yes/no).

    """
    from scipy.special import ndtr  # here: only analyses need it, not a run

    j = list(ITEM_SOURCES).index(item)
    k = ITEM_SOURCES[item][1]
    mu = 0.5 + params.slope * (np.asarray(x, float) - 0.5) + params.offset + params.item_offsets[j]
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
        if params.size_by_population:
            target = params.respondents_per_area * self.area_n / max(self.area_n.mean(), 1e-12)
        else:
            target = np.full(n_beats, params.respondents_per_area)
        self.target = target  # expected respondents per area and period
        self.order = stable_order(residents.beat)
        self.start = np.concatenate([[0], np.cumsum(self.area_n.astype(np.int64))])
        self.rows: list[pd.DataFrame] = []
        self._parts: list[tuple[np.ndarray, np.ndarray]] = []  # (cell, scores) of the wave so far
        self._latent: list[np.ndarray] = []
        self._wave, self._day = -1, 0
        self.respondents = 0

    def fieldwork(self, day: int) -> tuple[int, int] | None:
        """(wave, k) when ``day`` is the k-th fieldwork day of a wave, else None."""
        p = self.p
        if day < p.first_day:
            return None
        wave, offset = divmod(day - p.first_day, p.period_days)
        f = min(p.fieldwork_days, p.period_days)
        ends = np.round(np.arange(1, f + 1) * p.period_days / f).astype(int) - 1
        hit = np.flatnonzero(ends == offset)
        return (int(wave), int(hit[0])) if hit.size else None

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
        # the period's target split over its fieldwork days (exact over a period for the random design)
        quota = np.round(self.target * (k + 1) / f) - np.round(self.target * k / f)
        chosen = self._sample(res, quota, rng)
        latent = {name: getattr(res, name)[chosen] for name in ("legitimacy", "safety", "trust", "effectiveness")}
        self._parts.append((self.cell[chosen], scores(answer_items(latent, self.p, rng))))
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
        p = self.p
        log_pi = p.engagement_log_odds * (res.engagement - res.engagement.mean()) + p.attitude_log_odds * (
            res.trust - 0.5
        )
        pi = np.asarray(p.group_response, float)[res.group] * np.exp(log_pi)
        scale = quota / np.maximum(np.bincount(res.beat, weights=pi, minlength=self.n_beats), 1e-300)
        return np.flatnonzero(rng.random(pi.size) < np.minimum(1.0, scale[res.beat] * pi))

    def _close_wave(self) -> None:
        if not self._parts:
            return
        cell = np.concatenate([c for c, _ in self._parts])
        sc = np.concatenate([s for _, s in self._parts])
        latent = np.mean(self._latent, axis=0) / np.maximum(self.cell_n, 1)[:, None]
        self.rows.append(self._estimates(self._wave, self._day, cell, sc, latent))
        self._parts, self._latent = [], []

    def _estimates(self, wave: int, day: int, cell: np.ndarray, sc: np.ndarray, latent: np.ndarray) -> pd.DataFrame:
        nb, ng = self.n_beats, self.n_groups
        n_cells = nb * ng
        beat_of, group_of = np.arange(n_cells) // ng, np.arange(n_cells) % ng
        weighted = self.p.weighting == "group"
        strata = cell if weighted else cell // ng  # post-strata: area x group cells, or areas
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

"""A randomised field trial run inside one simulation (the scenario's ``[trial]`` section).

On ``trial.start_day`` the eligible residents are split at random (the run's own
``trial`` stream) into a treatment arm (share ``assigned_share``) and a control arm, and
each gets a date, uniform over the next ``delivery_days`` (controls a placebo date, so both
arms are measured alike). Only ``contact_rate`` of the treatment arm is reached (F2): at
random for a visit, a mentorship slot or a liaison follow-up; for a meeting invitation
the reached are self-selected, with a chance proportional to civic engagement (F10). A
reached resident gets ``sessions`` contacts, ``session_interval_days`` apart, from their
date. A contact takes ``hours_per_contact`` community hours of an on-duty officer of the
resident's beat (requested in ``plan``); when a beat's community hours fall short, the
share served is hours given / hours requested, and the others are tried again on the
following days until their next session's date (then that session is missed).

A contact is an ordinary police experience (``Surface.add_experiences``) of the procedural
quality q of the officer who makes it (skill + noise, as every contact), amplified by
familiarity with the beat team:

    visit, meeting, mentorship:  v_leg = clip(2q - 1 + w valence),  v_eff = clip(w valence + tint (2q - 1))
    liaison follow-up:           v_leg = as above,                  v_eff = clip(valence + tint (2q - 1))

with w = ``patrol.valence_weight`` (1/2) and tint = ``patrol.procedural_tint`` (1/4)

(the patrol casual-contact valences with ``trial.valence``; a follow-up shows that
police act on a problem, so it speaks to effectiveness too).

Outcomes are measured just before each resident's date and at the end of day date + f
for each f in ``followup_days``: trust and its components, perceived safety, and the
chance a victim would report a violent or a property crime (reporting.report_probability
at the resident's legitimacy). Effects are on the change since the date (gain scores):

    ITT = mean(dy | assigned) - mean(dy | control),   SE = sqrt(var_T / n_T + var_C / n_C)
    TOT = ITT / c,  SE = SE_ITT / c                    (Wald / IV; c = share of assigned reached)

``effect_sd`` divides by the SD of the outcome among all controls at the follow-up. Effects
are also given by group and by tercile of prior trust (trust just before the scheduled
date), and the spillover onto untreated residents is the change among controls by their
number of reached ties (0, 1, 2, 3+): word of mouth carries the visit to them (F4).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from cpsim.mechanisms.patrol import casual_valences
from cpsim.mechanisms.policing import contact_quality
from cpsim.mechanisms.reporting import report_probability
from cpsim.programs.program import Program, Surface

OUTCOMES = ("trust", "legitimacy", "effectiveness", "safety", "reports_violent", "reports_property")
COLUMNS = ["day", "part", "subgroup", "level", "outcome", "n", "estimate", "se", "effect_sd"]
SPILL_BINS = ("0", "1", "2", "3+")


class FieldTrial(Program):
    """Randomise eligible residents, deliver the treatment, measure the follow-ups."""

    name = "trial"

    def __init__(self, trial) -> None:
        """Keep the trial section.

        Args:
            trial: The scenario's ``trial`` section.

        """
        self.t = trial
        self.assigned: np.ndarray | None = None

    @property
    def areas(self):
        """The trial's ``areas``: where its eligible residents live (empty: anywhere)."""
        return self.t.areas

    @classmethod
    def from_scenario(cls, params) -> FieldTrial | None:
        """Build the trial when the scenario enables one."""
        return cls(params.trial) if params.trial.enabled else None

    def attach(self, model: Surface) -> None:
        """Take the run's own trial stream; nobody is scheduled yet."""
        self.rng = model.run_stream("trial")
        n = model.residents.n
        self.sched = np.full(n, -(10**9), np.int64)
        self.baseline = {out: np.full(n, np.nan) for out in OUTCOMES}
        self.follow = {f: {out: np.full(n, np.nan) for out in OUTCOMES} for f in self.t.followup_days}

    def plan(self, model: Surface) -> None:
        """Assign on the start day; measure who is due; request the day's session hours."""
        day, t = model.day, self.t
        if day == t.start_day:
            self._assign(model)
        if self.assigned is None:
            return
        # plan() runs before anything happens today: the state is the end of yesterday.
        self._measure(model, np.flatnonzero(self.sched == day), self.baseline)
        for f, store in self.follow.items():
            self._measure(model, np.flatnonzero(self.sched + f + 1 == day), store)
        self.today = self._due(day)
        if self.today.size:
            want = np.bincount(model.residents.beat[self.today], minlength=model.n_beats)
            model.request_community_hours(want * t.hours_per_contact)

    def _due(self, day: int) -> np.ndarray:
        """Reached residents with a session still to get.

        Session k is open from date + k x interval until the next session's date: officers
        come back on the following days when a beat had no hours.
        """
        t = self.t
        k = day - self.sched[self.reached]
        session = np.floor_divide(k, t.session_interval_days)
        due = (k >= 0) & (session < t.sessions) & (session > self.last_session[self.reached])
        return self.reached[due]

    def _assign(self, model: Surface) -> None:
        t, res, rng = self.t, model.residents, self.rng
        if t.eligibility == "all":
            eligible = np.ones(res.n, bool)
        elif t.eligibility == "group":
            eligible = res.group == model.params.population.group_names.index(t.group)
        elif t.eligibility == "beat":
            eligible = res.beat == t.beat
        elif t.eligibility == "youth":
            eligible = res.youth.copy()
        else:
            eligible = (res.trust >= t.trust_low) & (res.trust <= t.trust_high)
        if self.where is not None:
            eligible &= self.where[res.beat]
        self.eligible = eligible
        self.assigned = eligible & (rng.random(res.n) < t.assigned_share)
        # Controls get a placebo date from the same schedule, so both arms are measured alike.
        self.sched[eligible] = t.start_day + rng.integers(0, t.delivery_days, int(eligible.sum()))
        if t.treatment == "meeting_invitation" and self.assigned.any():
            # Attendance is self-selected: the civically engaged come (F10).
            p_reach = np.clip(t.contact_rate * res.engagement / res.engagement[self.assigned].mean(), 0.0, 1.0)
        else:
            p_reach = np.full(res.n, t.contact_rate)
        self.reached = np.flatnonzero(self.assigned & (rng.random(res.n) < p_reach))
        self.received = np.zeros(res.n, np.int32)
        self.last_session = np.full(res.n, -1, np.int64)

    def act(self, model: Surface, hours: dict) -> None:
        """Deliver today's sessions, as far as the beat's community hours allow."""
        if self.assigned is None or self.today.size == 0:
            return
        t, res, rng, p = self.t, model.residents, self.rng, model.params
        # Every program's requests share the community hours each beat got.
        requested = model.community_requests()
        share = np.divide(hours["community"], requested, out=np.ones(model.n_beats), where=requested > 0)
        served = self.today[rng.random(self.today.size) < np.minimum(share, 1.0)[res.beat[self.today]]]
        who = model.officers_for(res.beat[served], rng)
        q = contact_quality(model.officers, who, p.policing.contact_sd, rng)  # without the beat's climate
        v_leg, v_eff = casual_valences(q, dataclasses.replace(p.patrol, contact_valence=t.valence))
        if t.treatment == "liaison_followup":
            v_eff = np.clip(t.valence + p.patrol.procedural_tint * (2.0 * q - 1.0), -1.0, 1.0)
        model.add_experiences(f"trial_{t.treatment}", served, v_leg, v_eff, q, familiar=True)
        self.received[served] += 1
        self.last_session[served] = (model.day - self.sched[served]) // t.session_interval_days

    def _measure(self, model: Surface, idx: np.ndarray, store: dict[str, np.ndarray]) -> None:
        """Record the outcomes of residents ``idx`` as they are now."""
        if idx.size == 0:
            return
        res, rep = model.residents, model.params.reporting
        legit = res.legitimacy[idx]
        store["trust"][idx] = res.trust[idx]
        store["legitimacy"][idx] = legit
        store["effectiveness"][idx] = res.effectiveness[idx]
        store["safety"][idx] = res.safety[idx]
        store["reports_violent"][idx] = report_probability(legit, rep.violent_share, rep)
        store["reports_property"][idx] = report_probability(legit, rep.property_share, rep)

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Return the trial table (``Result.trial``); empty when the run ended before the start day."""
        if self.assigned is None:
            return {"trial": pd.DataFrame(columns=COLUMNS)}
        for f, store in self.follow.items():
            self._measure(model, np.flatnonzero(self.sched + f == model.day), store)
        neighbours = _reached_ties(model.social, self.received > 0)
        table = trial_table(
            self.baseline,
            self.follow,
            self.eligible,
            self.assigned,
            self.received > 0,
            model.residents.group,
            model.params.population.group_names,
            neighbours,
            model.residents.beat,
        )
        return {"trial": table}


def _reached_ties(social, treated: np.ndarray) -> np.ndarray:
    """Count each resident's ties who were reached by the treatment."""
    idx = np.flatnonzero(treated)
    return np.rint(social.spread(idx, np.ones(idx.size))).astype(np.int64)


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    if x.size == 0:
        return float("nan"), float("nan")
    se = float(x.std(ddof=1) / np.sqrt(x.size)) if x.size > 1 else float("nan")
    return float(x.mean()), se


def _diff(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    ma, sa = _mean_se(a)
    mb, sb = _mean_se(b)
    return ma - mb, float(np.hypot(sa, sb))


def trial_table(
    baseline: dict[str, np.ndarray],
    follow: dict[int, dict[str, np.ndarray]],
    eligible: np.ndarray,
    assigned: np.ndarray,
    treated: np.ndarray,
    group: np.ndarray,
    group_names: tuple[str, ...],
    reached_ties: np.ndarray,
    beat: np.ndarray | None = None,
) -> pd.DataFrame:
    """Arm means, ITT and TOT effects by subgroup, and spillover, per follow-up day.

    Args:
        baseline: Outcomes per resident just before their scheduled date (NaN: not measured).
        follow: Outcomes per resident at each follow-up (days after the scheduled date).
        eligible: Who was eligible.
        assigned: Who was assigned to treatment.
        treated: Who received at least one contact.
        group: Group index of each resident.
        group_names: Names of the groups.
        reached_ties: Number of each resident's ties who were treated.
        beat: Beat of each resident (effects by beat too), or None.

    Returns:
        A long table with the columns of COLUMNS; ``part`` is one of arm (mean level per
        arm), itt, tot, spillover (mean change of controls by number of treated ties) and
        spillover_effect (difference from controls with no treated tie). Residents whose
        follow-up fell after the end of the run are left out.

    """
    control = eligible & ~assigned
    prior = baseline["trust"]
    known = eligible & ~np.isnan(prior)
    cuts = np.quantile(prior[known], [1 / 3, 2 / 3]) if known.any() else np.zeros(2)
    tercile = np.where(known, np.digitize(np.nan_to_num(prior), cuts), -1)
    subgroups = {"all": np.ones_like(eligible)}
    for g, name in enumerate(group_names):
        subgroups[f"group={name}"] = group == g
    for k, name in enumerate(("low", "middle", "high")):
        subgroups[f"prior_trust={name}"] = tercile == k
    if beat is not None:
        for b in np.unique(beat[eligible]):
            subgroups[f"beat={b}"] = beat == b
    bins = np.minimum(reached_ties, 3)
    rows = []
    for day in sorted(follow):
        for out in OUTCOMES:
            y = follow[day][out]
            dy = y - baseline[out]
            seen = ~np.isnan(dy)
            arm_t, arm_c = assigned & seen, control & seen
            for level, arm in (("treatment", arm_t), ("control", arm_c)):
                m, se = _mean_se(y[arm])
                rows.append((day, "arm", "all", level, out, int(arm.sum()), m, se, np.nan))
            # One SD (all controls) for every subgroup, so subgroup effects compare.
            sd = float(y[arm_c].std(ddof=1)) if arm_c.sum() > 1 else np.nan
            for sub, mask in subgroups.items():
                t_, c_ = arm_t & mask, arm_c & mask
                if t_.sum() < 2 or c_.sum() < 2:
                    continue
                itt, se = _diff(dy[t_], dy[c_])
                eff_sd = itt / sd if sd > 0 else np.nan
                n = int(t_.sum() + c_.sum())
                rows.append((day, "itt", sub, "", out, n, itt, se, eff_sd))
                comply = float(treated[t_].mean())
                if comply > 0:
                    rows.append((day, "tot", sub, "", out, n, itt / comply, se / comply, eff_sd / comply))
            zero = dy[arm_c & (bins == 0)]
            for b, label in enumerate(SPILL_BINS):
                here = dy[arm_c & (bins == b)]
                if here.size == 0:
                    continue
                m, se = _mean_se(here)
                rows.append((day, "spillover", "control", label, out, int(here.size), m, se, np.nan))
                if b > 0 and zero.size:
                    d, se = _diff(here, zero)
                    rows.append((day, "spillover_effect", "control", label, out, int(here.size), d, se, np.nan))
    return pd.DataFrame(rows, columns=COLUMNS)

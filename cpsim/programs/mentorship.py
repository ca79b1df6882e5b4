"""Youth mentorship: officers paired with at-risk youth over months.

Each beat has ``mentors_per_beat`` officer mentors (fractional: a beat gets the remainder
with that probability), each paired with ``mentees_per_mentor`` youth of the beat, drawn
with weight ``risk_targeting`` for youth who offend (referrals of at-risk youth). Pairs
meet every ``interval_days`` (a Mesa recurring event) for ``duration_days``; then a new
cohort is drawn. Each meeting costs ``hours_per_meeting`` officer hours; a beat's pairs
meet on its first day from the due day with hours granted (delivery.BeatSessions), and
when fewer are granted, that share of meetings happens. A meeting is a police contact
with the mentor, as designed with probability ``fidelity``. Mentees who offend offend
less with the designed meetings they have had (Tolan et al. 2013), and a share
``peer_share`` of that reduction passes to their offending friends (social graph). Their
stories reach their friends through word of mouth like any contact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpsim.programs.delivery import (
    BeatSessions,
    deliver,
    granted_share,
    program_stream,
    reduce_offending,
    top_k_per_group,
)
from cpsim.programs.program import Program, Surface


def weighted_pick_per_group(groups: np.ndarray, weight: np.ndarray, k: np.ndarray, rng) -> np.ndarray:
    """Pick ``k[g]`` members of each group without replacement, with probability ~ weight (Gumbel top-k)."""
    cand = np.flatnonzero(weight > 0)
    key = np.log(weight[cand]) + rng.gumbel(size=cand.size)
    return top_k_per_group(cand, groups[cand], key, k)


class Mentorship(Program):
    """Officer mentors paired with at-risk youth."""

    name = "mentorship"

    doses = ("mentors_per_beat", "hours_per_meeting")

    def __init__(self, sec) -> None:
        """Keep the section; no cohort yet."""
        super().__init__(sec)
        self.cohort_end = -1

    def attach(self, model: Surface) -> None:
        """Remember offending; schedule the meetings."""
        self.rng = program_stream(model, self.name)
        self.base_offending = model.residents.offending.copy()
        self.meetings = np.zeros(model.residents.n)
        self.mentees = np.empty(0, np.int64)
        self.mentor = np.empty(0, np.int64)
        self.request = np.zeros(model.n_beats)
        # A beat's meetings wait for a day its mentors have hours rather than being lost (a beat
        # whose due day had none would skip a meeting of every pair), until the next meetings
        # fall due at the latest, as events wait (delivery.BeatSessions).
        self.sessions = BeatSessions(model.n_beats)
        model.schedule(self._due, self.sec.interval_days, self.sec.start_day)

    def _due(self) -> None:
        self.pending = True

    def _new_cohort(self, model: Surface) -> None:
        res, off, sec, rng = model.residents, model.officers, self.sec, self.rng
        whole, frac = divmod(sec.mentors_per_beat, 1.0)
        per_beat = (int(whole) + (rng.random(model.n_beats) < frac)).astype(np.int64)
        if self.where is not None:  # mentors only in the program's areas, so mentees only there
            per_beat[~self.where] = 0
        beat_officer = off.beat >= 0
        mentors = weighted_pick_per_group(
            np.where(beat_officer, off.beat, 0), beat_officer.astype(float), per_beat, rng
        )
        slots = np.bincount(off.beat[mentors], minlength=model.n_beats) * sec.mentees_per_mentor
        weight = res.youth * np.where(res.offender, sec.risk_targeting, 1.0)
        self.mentees = weighted_pick_per_group(res.beat.astype(np.int64), weight.astype(float), slots, rng)
        # Pair each mentee with a mentor of the same beat, mentors taking turns.
        mentors = mentors[np.argsort(off.beat[mentors], kind="stable")]
        beat = res.beat[self.mentees]
        turn = np.arange(self.mentees.size) - np.searchsorted(beat, beat, side="left")
        first = np.searchsorted(off.beat[mentors], beat, side="left")
        count = np.searchsorted(off.beat[mentors], beat, side="right") - first
        self.mentor = mentors[first + turn % np.maximum(count, 1)]
        self.cohort_end = model.day + int(sec.duration_days)

    def plan(self, model: Surface) -> None:
        """On meeting days form a cohort when none is running; request the hours of the beats' due meetings."""
        self.request[:] = 0.0
        if self.pending:  # the meetings fall due today, in every beat with pairs
            self.pending = False
            if model.day >= self.cohort_end:
                self._new_cohort(model)
            self.sessions.fall_due(self._pairs(model) > 0)
        due = self.sessions.pending
        if due.any():
            self.request[due] = self._pairs(model)[due] * self.sec.hours_per_meeting
            model.request_community_hours(self.request)

    def _pairs(self, model: Surface) -> np.ndarray:
        return np.bincount(model.residents.beat[self.mentees], minlength=model.n_beats)

    def act(self, model: Surface, hours: dict) -> None:
        """Hold the meetings the granted hours allow; lower mentees' and friends' offending."""
        if not self.sessions.pending.any():
            return
        res, sec, rng = model.residents, self.sec, self.rng
        share = granted_share(model, hours)
        held = self.sessions.hold(share)
        if not held.any():
            return
        beat = res.beat[self.mentees]
        met = held[beat] & (rng.random(self.mentees.size) < share[beat])
        who = self.mentees[met]
        designed = deliver(
            model, self.name, who, sec.v_legitimacy, sec.v_effectiveness, sec.fidelity, rng, officers=self.mentor[met]
        )
        self.meetings[who[designed]] += 1
        offenders = self.mentees[res.offender[self.mentees] & (self.meetings[self.mentees] > 0)]
        reduce_offending(
            model,
            offenders,
            self.base_offending[offenders],
            self.meetings[offenders],
            sec.offending_reduction,
            sec.sessions_to_effect,
        )
        if sec.peer_share > 0 and offenders.size:
            friends, counts = model.social.gather(offenders)
            cut = np.repeat(
                sec.peer_share
                * sec.offending_reduction
                * (1.0 - np.exp(-self.meetings[offenders] / sec.sessions_to_effect)),
                counts,
            )
            keep = res.offender[friends]
            friends, cut = friends[keep], cut[keep]
            target = np.full(res.n, np.inf)
            np.minimum.at(target, friends, self.base_offending[friends] * (1.0 - cut))
            f = np.unique(friends)
            model.lower_offending(f, target[f])
        self.log.append(
            (
                model.day,
                int(held.sum()),
                int(held[beat].sum()),
                int(met.sum()),
                int(designed.sum()),
                float(res.offending[self.mentees].sum()),
                float(self.base_offending[self.mentees].sum()),
            )
        )

    def results(self, model: Surface) -> dict[str, pd.DataFrame]:
        """Per meeting day: beats, their pairs, meetings held, as designed, mentees' offending now and at start."""
        cols = ["day", "beats", "pairs", "meetings", "as_designed", "mentee_offending", "mentee_offending_start"]
        return {self.name: pd.DataFrame(self.log, columns=cols)}

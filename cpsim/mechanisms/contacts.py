"""The day's experiences, gathered from every mechanism and program, applied at once.

Each experience names the resident, a valence for legitimacy and one for effectiveness
(NaN when the experience says nothing about that component), the procedural quality of
the officer's conduct (NaN when no officer was present), whether familiarity with the
beat team amplifies it, a weight (dose x fidelity) and whether it is a police contact in
the Police-Public Contact Survey's sense (F6). Applying them all together keeps the order
of mechanisms from mattering within a day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cpsim.mechanisms.bounds import unit
from cpsim.mechanisms.trust import consolidation, experience_delta, read_valence

KINDS: list[str] = []


def kind_code(name: str) -> int:
    """Stable integer code of an experience kind (registered on first use)."""
    if name not in KINDS:
        KINDS.append(name)
    return KINDS.index(name)


@dataclass
class Contacts:
    """Buffer of the day's experiences."""

    parts: list[tuple] = field(default_factory=list)

    def add(
        self,
        kind: str,
        idx: np.ndarray,
        v_legitimacy: np.ndarray | float,
        v_effectiveness: np.ndarray | float,
        quality: np.ndarray | float = np.nan,
        familiar: bool = False,
        weight: np.ndarray | float = 1.0,
        police: bool = True,
    ) -> None:
        """Record experiences of one kind.

        Args:
            kind: Name of the kind ("stop", "patrol", "event", ...).
            idx: Resident indices.
            v_legitimacy: Legitimacy valence, -1..1 (NaN: none).
            v_effectiveness: Effectiveness valence, -1..1 (NaN: none).
            quality: Procedural quality 0..1 of the officer's conduct (NaN: no officer).
            familiar: Whether familiarity with the beat team amplifies the effect.
            weight: Effect multiplier (dose x fidelity), 0..
            police: Whether this is a police contact (F6 prevalence; positive/negative counts).

        """
        idx = np.asarray(idx, np.int64)
        if idx.size == 0:
            return
        # Kept as given (scalars not yet spread to one value per resident): take() writes each
        # column once, which saves a small city's day a hundred numpy calls.
        self.parts.append((kind_code(kind), idx, v_legitimacy, v_effectiveness, quality, familiar, weight, police))

    def of_kinds(self, kinds: tuple[str, ...]) -> np.ndarray:
        """Residents with an experience of these kinds recorded so far today."""
        codes = {kind_code(k) for k in kinds}
        parts = [p[1] for p in self.parts if p[0] in codes]
        return np.concatenate(parts) if parts else np.empty(0, np.int64)

    def take(self) -> dict[str, np.ndarray]:
        """Concatenate and clear the buffer."""
        names = ("kind", "idx", "v_leg", "v_eff", "quality", "familiar", "weight", "police")
        if not self.parts:
            empty = {k: np.empty(0) for k in names}
            empty["idx"] = np.empty(0, np.int64)
            empty["kind"] = np.empty(0, np.int64)
            empty["familiar"] = np.empty(0, bool)
            empty["police"] = np.empty(0, bool)
            return empty
        parts, self.parts = self.parts, []
        counts = [p[1].size for p in parts]
        ends = np.cumsum(counts).tolist()
        spans = list(zip([0, *ends[:-1]], ends, strict=True))
        out = {
            "kind": np.repeat(np.array([p[0] for p in parts]), counts),
            "idx": np.concatenate([p[1] for p in parts]),
        }
        # A scalar fills its part of the column, an array is copied into it (as floats or bools).
        for j, name in enumerate(names[2:], start=2):
            col = np.empty(ends[-1], bool if name in ("familiar", "police") else float)
            for (a, b), part in zip(spans, parts, strict=True):
                col[a:b] = part[j]
            out[name] = col
        return out


def apply_experiences(res, c: dict[str, np.ndarray], t, patrol, vicarious: float = 1.0) -> dict[str, np.ndarray]:
    """Apply experiences to residents' legitimacy and effectiveness and their attitudes (in place).

    Each experience moves the current component (cpsim.mechanisms.trust.experience_delta);
    a share of the move (cpsim.mechanisms.trust.consolidation: more with a familiar beat
    team and for strong experiences) is kept by the long-run attitude.

    Args:
        res: Residents arrays.
        c: Experiences, as returned by Contacts.take().
        t: The trust section of the scenario.
        patrol: The patrol section (familiarity gain and step); None for stories heard.
        vicarious: Extra multiplier on the steps (word_of_mouth.vicarious_weight for stories).

    Returns:
        Per experience: the read valences and the resulting change of the trust index.

    """
    idx = c["idx"]
    prior = res.trust[idx]
    # Both components at once, as rows of one (2, n) array: the same arithmetic per element, half
    # the numpy calls (a small city's day is bound by their count, not their size). np.array, not
    # np.stack, builds the rows: np.stack's Python layers cost more than the copy.
    v = np.array((c["v_leg"], c["v_eff"]))
    has = ~np.isnan(v)
    read = np.where(has, read_valence(np.where(has, v, 0.0), prior, t.prior_bias), 0.0)
    mult = c["weight"] * vicarious
    fam = np.zeros(idx.size)
    if patrol is not None:
        fam = np.where(c["familiar"], res.familiarity[idx], 0.0)
        mult = mult * (1.0 + patrol.familiarity_gain * fam)
    step = np.array((t.positive_step_legitimacy * mult, t.positive_step_effectiveness * mult))
    ratio = np.array([[t.negativity_ratio_legitimacy], [t.negativity_ratio_effectiveness]])
    now = np.array((res.legitimacy[idx], res.effectiveness[idx]))
    delta = np.where(has, experience_delta(now, read, step, ratio), 0.0)
    d_leg, d_eff = delta
    # How memorable an experience is belongs to the experience, not to one component of it.
    strength = np.abs(read)
    kept = consolidation(t, fam, np.maximum(strength[0], strength[1]))
    for x, a, d in (
        (res.legitimacy, res.attitude_legitimacy, d_leg),
        (res.effectiveness, res.attitude_effectiveness, d_eff),
    ):
        np.add.at(x, idx, d)
        np.add.at(a, idx, kept * d)
        x[idx] = unit(x[idx])
        a[idx] = unit(a[idx])
    if patrol is not None:
        known = idx[c["familiar"]]
        res.familiarity[known] += patrol.familiarity_step * (1.0 - res.familiarity[known])
    w = t.legitimacy_weight
    return {"v_leg": read[0], "v_eff": read[1], "d_trust": w * d_leg + (1 - w) * d_eff}

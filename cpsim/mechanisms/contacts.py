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

from cpsim.kernels import experiences
from cpsim.kernels.moves import move

KINDS: list[str] = []
# Contacts.take()'s columns, in the order Contacts.add keeps a part's fields.
COLUMNS = (
    ("kind", np.int64),
    ("idx", np.int64),
    ("v_leg", float),
    ("v_eff", float),
    ("quality", float),
    ("familiar", bool),
    ("weight", float),
    ("police", bool),
)
_NAMES = tuple(name for name, _ in COLUMNS)
_DTYPES = tuple(np.dtype(dtype) for _, dtype in COLUMNS)
_CODES: dict[str, int] = {}  # name -> its position in KINDS (a lookup, not a list scan, per add)
_MASKS: dict[tuple[tuple[str, ...], int], np.ndarray] = {}


def kind_code(name: str) -> int:
    """Stable integer code of an experience kind (registered on first use)."""
    code = _CODES.get(name)
    if code is None:
        if name not in KINDS:
            KINDS.append(name)
        code = _CODES[name] = KINDS.index(name)
    return code


def kind_mask(kinds: tuple[str, ...]) -> np.ndarray:
    """A lookup of kind codes: True for the given kinds (index it with a ``kind`` column).

    Built once per set of kinds and per number of kinds registered (kinds are only ever
    appended, so an unchanged count means unchanged codes; a kind registered later gets a
    longer mask). The returned array is shared: do not change it.
    """
    mask = _MASKS.get((kinds, len(KINDS)))
    if mask is None:
        codes = [kind_code(k) for k in kinds]  # registers them first, so the mask covers them
        mask = _MASKS[(kinds, len(KINDS))] = np.zeros(len(KINDS), bool)
        mask[codes] = True
    return mask


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
        parts, self.parts = self.parts, []
        # Each column is written part by part (a scalar fills its stretch, an array is copied),
        # compiled (cpsim.kernels.experiences.columns): numpy's slice assignments, one per
        # column and part, cost a small city's day some 30 calls.
        return dict(zip(_NAMES, experiences.columns(parts, _DTYPES), strict=True))


def apply_experiences(res, c: dict[str, np.ndarray], t, patrol, vicarious: float = 1.0) -> dict[str, np.ndarray]:
    """Apply experiences to residents' legitimacy and effectiveness and their attitudes (in place).

    Each experience moves the current component (cpsim.mechanisms.trust.experience_delta);
    a share of the move (cpsim.mechanisms.trust.consolidation: more with a familiar beat
    team and for strong experiences) is kept by the long-run attitude. Familiarity counts
    there only: a familiar contact moves trust as much as any other today, and more of it lasts.

    Args:
        res: Residents arrays.
        c: Experiences, as returned by Contacts.take().
        t: The trust section of the scenario.
        patrol: The patrol section (familiarity gain and step); None for stories heard.
        vicarious: Extra multiplier on the steps (word_of_mouth.vicarious_weight for stories).

    Returns:
        Per experience: the read valences, the resulting change of the trust index, and
        ``kept``, the change left in the resident's attitudes (2 x experiences; what feeds the
        collective memories, cpsim.mechanisms.norms).

    """
    idx = c["idx"]
    # Both components at once, as rows of one (2, n) array (the move kernel reads them as rows).
    v = np.array((c["v_leg"], c["v_eff"]))
    w = t.legitimacy_weight
    if patrol is None:  # no familiarity: adds 0.0 to every consolidation share, as zeros would
        read, delta, kept = _move(res, idx, v, None, c["weight"] * vicarious, 0.0, t)  # None: NaN says nothing
        return {"v_leg": read[0], "v_eff": read[1], "d_trust": w * delta[0] + (1 - w) * delta[1], "kept": kept * delta}
    # mult = weight * vicarious, fam the familiarity of familiar experiences (else 0);
    # afterwards familiarity grows by familiarity_step toward 1 for the residents who met
    # their beat team, and d_trust mixes the changes. Both compiled (cpsim.kernels.experiences):
    # the numpy was a dozen calls around the move.
    familiar = c["familiar"]
    mult, fam = experiences.familiar_steps(idx, familiar, c["weight"], res.familiarity, vicarious)
    read, delta, kept = _move(res, idx, v, None, mult, fam, t)
    d_trust = experiences.familiarise(idx, familiar, fam, res.familiarity, patrol.familiarity_step, delta, w)
    return {"v_leg": read[0], "v_eff": read[1], "d_trust": d_trust, "kept": kept * delta}


# Kinds no one retells as their own story: news everyone could meet is not passed on as one's
# own experience (its meetings are counted by the incidents section's exposures). A victimisation
# is told twice over: what it says of police (this) and as fear (cpsim.model, the fear channel).
UNTOLD = ("incident_news",)


def stories(c: dict[str, np.ndarray], effects: dict[str, np.ndarray], untold: tuple[str, ...] = UNTOLD) -> np.ndarray:
    """What each experience gives its resident to tell: the read valences times its weight (word of mouth).

    Args:
        c: Experiences, as returned by Contacts.take().
        effects: What apply_experiences returned for them.
        untold: The kinds that tell nothing here.

    Returns:
        One row (legitimacy, effectiveness, fear) per experience, as CommunityModel.tell keeps them.

    """
    return experiences.story_rows(effects["v_leg"], effects["v_eff"], c["weight"], c["kind"], kind_mask(untold))


def apply_heard(res, listeners: np.ndarray, v: np.ndarray, has: np.ndarray | float, t, vicarious: float) -> np.ndarray:
    """Apply what residents heard today (word of mouth) as apply_experiences applies a story.

    The same arithmetic as apply_experiences for experiences of weight 1 without an officer
    (no familiarity); a faint story (``has`` False) says nothing about that component.

    Args:
        res: Residents arrays.
        listeners: Unique resident indices.
        v: Heard legitimacy and effectiveness valences, shape (2, len(listeners)).
        has: Whether each valence says something (a faint story is forgotten), same shape; or a
            float: a valence says something where its size is above it.
        t: The trust section of the scenario.
        vicarious: Multiplier on the steps (word_of_mouth.vicarious_weight).

    Returns:
        The change left in each listener's attitudes, 2 x listeners (cpsim.mechanisms.norms).

    """
    _, delta, kept = _move(res, listeners, v, has, vicarious, 0.0, t)  # weight 1: mult is vicarious
    return kept * delta


def _move(res, idx, v, has, mult, fam, t) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Move both components and their attitudes by experiences; return the read valences, changes, kept shares.

    Each valence is read through the resident's prior trust (cpsim.mechanisms.trust.read_valence),
    moves the current component (experience_delta) and a share of the move (consolidation) is
    kept by the attitude; a resident's several experiences are added in order, then clipped once.
    cpsim.kernels.moves does it in one compiled pass, giving those numpy functions' results to
    the bit (tests/kernels/test_moves.py): some 40 numpy calls per use cost more than the work.
    """
    return move(idx, v, has, mult, fam, res, t)

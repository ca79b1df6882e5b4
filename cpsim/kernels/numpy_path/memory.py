"""Memory's daily step, and the collective memories' weekly sums and fading (numpy)."""

from __future__ import annotations

import numpy as np

from cpsim.kernels.numpy_path.attitudes import relax
from cpsim.kernels.numpy_path.limits import clip


def remember(legitimacy, attitude_legitimacy, effectiveness, attitude_effectiveness, factor, weight, trust) -> None:
    """Relax both components toward their attitudes and write the trust index, in place.

    ``trust = weight * legitimacy + (1 - weight) * effectiveness`` after the day's relaxing.

    Args:
        legitimacy: Current legitimacy (changed in place).
        attitude_legitimacy: Its attitude.
        effectiveness: Current effectiveness (changed in place).
        attitude_effectiveness: Its attitude.
        factor: Share of the deviation left after the day.
        weight: Legitimacy's weight in the trust index.
        trust: The trust index (written).
    """
    relax(legitimacy, attitude_legitimacy, factor)
    relax(effectiveness, attitude_effectiveness, factor)
    np.multiply(legitimacy, weight, out=trust)
    trust += (1.0 - weight) * effectiveness


def tally(kept_group, kept_beat, group, beat, idx, kept, counted=None) -> None:
    """Add experiences' kept changes to the collective memories' weekly tallies (in place).

    Args:
        kept_group: Per group and component, the week's sums so far (groups x 2), changed.
        kept_beat: Per beat and component (beats x 2), changed.
        group: Each resident's group.
        beat: Each resident's beat.
        idx: Resident of each experience.
        kept: The change each experience left in its resident's attitudes (2 x experiences).
        counted: Which experiences count (bool per experience), or None for all.
    """
    who, k = (idx, kept) if counted is None else (idx[counted], kept[:, counted])
    for c in range(2):
        kept_group[:, c] += np.bincount(group[who], weights=k[c], minlength=kept_group.shape[0])
        kept_beat[:, c] += np.bincount(beat[who], weights=k[c], minlength=kept_beat.shape[0])


def fade(attitude_legitimacy, attitude_effectiveness, group, beat, group_fade, beat_fade) -> None:
    """Members' attitudes move with their memories' fading, then are kept to 0..1 (in place).

    Args:
        attitude_legitimacy: Residents' legitimacy attitudes, changed.
        attitude_effectiveness: Residents' effectiveness attitudes, changed.
        group: Each resident's group.
        beat: Each resident's beat.
        group_fade: Per group and component, the memory's change (groups x 2, flattened in C order).
        beat_fade: Per beat and component (beats x 2, flattened in C order).
    """
    by_group, by_beat = np.reshape(group_fade, (-1, 2)), np.reshape(beat_fade, (-1, 2))
    for c, attitude in enumerate((attitude_legitimacy, attitude_effectiveness)):
        attitude += by_group[group, c] + by_beat[beat, c]
        clip(attitude, 0.0, 1.0, out=attitude)

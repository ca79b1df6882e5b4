"""Car and foot patrol: where officers are seen, and casual non-enforcement contacts.

Foot-patrol hours in a beat are spent at its places in proportion to their crime risk
(officers walk where trouble is), which is the local presence that deters crime there
(F9). Each hour on foot yields ``contacts_per_foot_hour`` conversations with residents of
the beat (Poisson), each a positive-leaning contact whose legitimacy valence is set by
the officer's procedural quality and whose effect grows with the resident's familiarity
with the beat team.
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels import beats, draws, experiences
from cpsim.kernels import surroundings as presence_kernel


def beat_risk_at_places(places, n_beats: int) -> np.ndarray:
    """Per place, the total risk of its beat (at least 1e-12): what a place's share is out of."""
    risk_in_beat = np.bincount(places.beat, weights=places.risk, minlength=n_beats)
    return np.maximum(risk_in_beat[places.beat], 1e-12)


def spread_foot_hours(places, foot_per_beat: np.ndarray, beat_risk: np.ndarray | None = None) -> np.ndarray:
    """Foot-patrol hours per place: a beat's hours split in proportion to place risk.

    ``foot_per_beat[places.beat] * places.risk / beat_risk``, in one compiled pass
    (cpsim.kernels.beats.spread_foot; its numpy path is this line). The day spreads its routine
    foot hours (directed ones go where programs place them), the start every foot hour.

    Args:
        places: Places arrays.
        foot_per_beat: Foot-patrol hours per beat.
        beat_risk: beat_risk_at_places(places, n_beats), if already known (risk does not change).

    Returns:
        Hours per place.

    """
    if beat_risk is None:
        beat_risk = beat_risk_at_places(places, len(foot_per_beat))
    return beats.spread_foot(foot_per_beat, places, beat_risk)


def street_cumweights(residents) -> np.ndarray:
    """Cumulative street-time weights in beat order (leading 0): who is out to be met."""
    return np.concatenate([[0.0], np.cumsum(residents.street_time[residents.by_beat])])


def draw_patrol_contacts(
    foot_per_beat: np.ndarray, car_per_beat: np.ndarray, residents, cumw: np.ndarray, patrol, rng
) -> tuple[np.ndarray, np.ndarray]:
    """Residents met on patrol today (weighted by time out on the street), and whether on foot.

    Contacts on foot come first, then those in cars (each in beat order), so the foot
    contacts are a leading run of the result.
    """
    # numpy: slots = arange(2 * n_beats).repeat(rng.poisson(rates)); one weighted draw per slot
    # (sample_weighted_within), weightless beats dropped. Compiled (cpsim.kernels.draws): the
    # same numbers from the same stream, without the calls' overhead on a day of few contacts.
    rates = np.concatenate((foot_per_beat * patrol.contacts_per_foot_hour, car_per_beat * patrol.contacts_per_car_hour))
    return draws.patrol_contacts(rng, rates, residents.by_beat, residents.beat_start, cumw, foot_per_beat.size)


def casual_valences(quality: np.ndarray, patrol) -> tuple[np.ndarray, np.ndarray]:
    """Legitimacy and effectiveness valence of casual contacts of the given quality.

    Legitimacy: ``2q - 1 + valence_weight * contact_valence`` (a fair conversation is
    positive, a rude one negative, F3); effectiveness: ``valence_weight * contact_valence +
    procedural_tint * (2q - 1)`` (a friendly contact says little about whether police get
    results). Defaults: weight 1/2, tint 1/4.
    """
    # The procedural valences of a contact whose "intrusion" is the friendly word's -social and
    # whose outcome is +social: signed(2q - 1 - (-social)) is signed(2q - 1 + social) to the bit
    # (negation is exact), compiled (cpsim.kernels.experiences).
    social = patrol.valence_weight * patrol.contact_valence
    return experiences.procedural_valences(
        np.ascontiguousarray(quality, np.float64), -social, social, patrol.procedural_tint, True
    )


def presence(
    previous: np.ndarray, keep: float, hours: dict[str, np.ndarray], community_presence: float, residents: np.ndarray
) -> np.ndarray:
    """Street hours per 1000 residents of each beat, a running average (what deters crime).

    Response, foot, enforcement and car hours, and community work as it shows
    (``community_presence`` of it), per 1000 residents, averaged with ``keep`` of yesterday's
    value; one compiled pass (cpsim.kernels.surroundings.presence).
    """
    return presence_kernel.presence(previous, keep, hours, community_presence, residents)


def follow_foot(foot_seen: np.ndarray, hours_at_places: np.ndarray, keep: float) -> None:
    """Police seen on foot at each place follows today's foot hours there, leaving ``keep`` of the gap (in place)."""
    presence_kernel.approach(foot_seen, hours_at_places, 1.0 - keep)

"""Beat arithmetic: the day's small per-beat and per-place products (numpy).

Crime (phase 3), officers' time (phase 5), clearing (phase 6), patrol (phase 7) and what
officers sense (phase 13).
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels.numpy_path.limits import clip

# ------------------------------------------------------------------ phase 3: crime


def compliance_argument(legitimacy, idx, reference, scale):
    """``scale * (legitimacy[idx] - reference)``: the exponent of offenders' compliance (np.exp it)."""
    return scale * (legitimacy[idx] - reference)


def active_offending(offending, free_day, idx, comply, day):
    """Each offender's offending today: nothing while in custody, less the more they comply."""
    return offending[idx] * (free_day[idx] <= day) * comply


def relative_by_beat(beats, weights, initial):
    """Offending per beat relative to the start."""
    return np.bincount(beats, weights, minlength=initial.size) / initial


def expected_victimisations(places, local, offender_factor, deterrence_violent, deterrence_property, crime, guard_mean):
    """Expected victimisations per type and place (cpsim.mechanisms.crime.expected_by_type).

    Args:
        places: The places' state: ``residents``, ``risk``, ``beat``, ``guardianship`` and
            ``extra_guardianship`` (what programs add to it).
        local: ``np.exp(-hotspot_deterrence * hotspot_hours)`` per place.
        offender_factor: Offending per beat relative to the start.
        deterrence_violent: Police presence's deterrence of violent crime, per beat.
        deterrence_property: Its deterrence of property crime, per beat.
        crime: The crime section: ``guardianship_effect``, ``violent_per_1000`` and ``property_per_1000``.
        guard_mean: Mean place guardianship at the start (normalises guardianship).

    Returns:
        Expected victimisations, shape (2, places): violent, property.
    """
    # The state and the section are read once, here, under the equation's names.
    residents, risk, beat = places.residents, places.risk, places.beat
    guardianship_effect = crime.guardianship_effect
    guard = clip(places.guardianship + places.extra_guardianship, 0.0, 1.0)
    common = (
        residents
        * risk
        * offender_factor[beat]
        * local
        * (1.0 - guardianship_effect * guard)
        / (1.0 - guardianship_effect * guard_mean)
        / 365.0
    )
    rates = np.array([[crime.violent_per_1000], [crime.property_per_1000]])
    return common * rates / 1000.0 * np.array((deterrence_violent, deterrence_property))[:, beat]


def add_disorder(disorder, places, per_crime) -> None:
    """Each crime leaves ``per_crime`` of disorder at its place (in place)."""
    disorder += per_crime * np.bincount(places, minlength=disorder.size)


# ------------------------------------------------------------------ phase 5: officers' time


def capacity(on_duty, shift_hours, admin_share):
    """Administration hours and the hours left for work, per beat: ``(admin_full, capacity)``."""
    hours = on_duty * shift_hours
    admin_full = hours * admin_share
    return admin_full, hours - admin_full


# The plan's rows, in the order split_hours fills them (its arithmetic fixes the order).
ACTIVITIES = ("response", "foot", "enforcement", "community", "car")


def split_hours(on_duty, admin_full, capacity, response_share, asked, pol, patrol, enf):
    """Hours per activity per beat and administration (cpsim.mechanisms.policing.allocate_hours).

    Response first (the city's calls, shared by capacity), then foot patrol, proactive
    enforcement and community work as asked, the rest in cars; a budget cut then takes its
    share of capacity from the rows in ``cut_order``.

    Args:
        on_duty: Officers on duty per beat.
        admin_full: Administration hours per beat before any cut.
        capacity: Hours left for work per beat.
        response_share: Share of every beat's capacity that the city's calls take.
        asked: What each beat is asked for beyond calls: ``routine`` (share of routine foot
            patrol still done), ``foot_requests``, ``proactive`` (multiplier of proactive
            work) and ``community_requests``, one value per beat or one for every beat.
        pol: The policing section: ``budget_cut`` and ``cut_order`` (names of ACTIVITIES, in
            the order a budget cut takes them; read only under a cut).
        patrol: The patrol section: ``foot_hours`` per officer.
        enf: The enforcement section: ``proactive_hours`` per officer.

    Returns:
        The plan (each of ACTIVITIES' hours per beat), the administration hours per beat, and
        the directed foot hours per beat: programs' requests get the share of the foot hours
        given that they are of the foot hours asked for, as routine hours do.

    Raises:
        ValueError: Under a cut, cut_order names a row the plan does not have, or more than five.
    """
    # The sections and the asks are read once, here, under the equations' names.
    budget_cut, foot_hours, proactive_hours = pol.budget_cut, patrol.foot_hours, enf.proactive_hours
    response = capacity * response_share
    left = capacity - response
    requested = on_duty * foot_hours * asked.routine + asked.foot_requests
    foot = np.minimum(requested, left)
    left = left - foot
    enforcement = np.minimum(on_duty * proactive_hours * asked.proactive, left)
    left = left - enforcement
    community = np.minimum(asked.community_requests, left)
    plan = [response, foot, enforcement, community, left - community]
    if budget_cut > 0:
        order = tuple(pol.cut_order)
        if len(order) > 5 or not all(name in ACTIVITIES for name in order):
            raise ValueError(f"cut_order must name rows of the plan {ACTIVITIES}, five at most, not {order}")
        cut = capacity * budget_cut
        for name in order:
            r = ACTIVITIES.index(name)
            take = np.minimum(plan[r], cut)
            plan[r] = plan[r] - take
            cut = cut - take
    directed = plan[1] * np.divide(asked.foot_requests, requested, out=np.zeros(on_duty.size), where=requested > 0)
    return dict(zip(ACTIVITIES, plan, strict=True)), admin_full * (1.0 - budget_cut), directed


def crime_ratio(recorded, expected):
    """What crime reviews see: recorded over expected crime (1 where none was expected), at least 1e-3."""
    ratio = np.divide(recorded, expected, out=np.ones(recorded.size), where=expected > 0)
    return np.maximum(ratio, 1e-3)


# ------------------------------------------------------------------ phase 6: clearing


def place_means_at(values, at, by_place, place_start, residents_per_place):
    """The mean value of the residents of each place in ``at`` (cpsim.mechanisms.response.place_mean_at).

    Args:
        values: Per-resident values.
        at: Places wanted, repeats allowed.
        by_place: Residents sorted by place.
        place_start: Start of each place's run in ``by_place``, places + 1.
        residents_per_place: Residents per place.

    Returns:
        One mean per place in ``at``.
    """
    first, count = place_start[at], place_start[at + 1] - place_start[at]
    members = by_place[np.arange(int(count.sum())) + np.repeat(first - (np.cumsum(count) - count), count)]
    # each wanted place's members added in order from 0.0: a bincount over one row per member
    sums = np.bincount(np.repeat(np.arange(at.size), count), weights=values[members], minlength=at.size)
    return sums / np.maximum(residents_per_place[at], 1)


def offender_cumweights(offending, free_day, offenders, order, day):
    """Cumulative weights of offenders on the street, in beat order (enforcement.pick_offenders), from 0.0."""
    weight = offending[offenders] * (free_day[offenders] <= day)
    return np.concatenate([[0.0], weight[order].cumsum()])


# ------------------------------------------------------------------ phase 7: patrol


def spread_foot(foot, places, beat_risk):
    """A beat's foot hours spread over its places in proportion to their risk (officers walk where trouble is).

    Args:
        foot: Foot hours per beat.
        places: The places' state: ``beat`` and ``risk``.
        beat_risk: Each place's beat's total risk (patrol.beat_risk_at_places).

    Returns:
        Foot hours at each place.
    """
    return foot[places.beat] * places.risk / beat_risk


# ------------------------------------------------------------------ phase 13: what officers sense


def review(recorded, victimisation, recorded_beats, resident_beat, victims, beat_residents, factor) -> None:
    """Crime reviews' running averages of recorded crime and victimisation per beat (in place)."""
    keep = 1.0 - factor
    n = recorded.size
    recorded += keep * (np.bincount(recorded_beats, minlength=n) - recorded)
    per_resident = np.bincount(resident_beat[victims], minlength=n) / np.maximum(beat_residents, 1)
    victimisation += keep * (per_resident - victimisation)


def sense(audience_sum, audience_count, audience, normal, keys, values, keep, keep_normal) -> None:
    """A day of what each beat's officers sense (in place): cpsim.mechanisms.climate.sense.

    The contacts' audience (their mean value) per beat, a running average, and the normal it is
    judged against, a slower one.
    """
    audience_sum *= keep
    audience_count *= keep
    if keys.size:
        audience_sum += np.bincount(keys, weights=values, minlength=audience_sum.size)
        audience_count += np.bincount(keys, minlength=audience_sum.size)
    seen = audience_count > 0
    audience[seen] = audience_sum[seen] / audience_count[seen]
    normal += (1.0 - keep_normal) * (audience - normal)


def routine_share(audience, normal, withdrawal, threshold, width):
    """Share of routine work each beat's officers still do (cpsim.mechanisms.climate.routine_share).

    A smooth step (``x * x * (3 - 2x)``) of how far the audience fell below normal.
    """
    x = clip((normal - audience - threshold) / width, 0.0, 1.0)
    return 1.0 - withdrawal * x * x * (3.0 - 2.0 * x)

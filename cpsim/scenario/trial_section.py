"""The ``[trial]`` section: a randomised field trial run inside one simulation.

Eligible residents (everyone, one group, one beat, a band of trust, or youth) are split at
random, on ``start_day``, into a treatment arm (``assigned_share``) and a control arm, and
each gets a scheduled date within ``delivery_days``. Officers try to deliver the treatment
to the treatment arm on those dates; only ``contact_rate`` of them are reached (F2: 41% of
households in Peyton et al. 2019). Outcomes are measured ``followup_days`` after each
resident's date. The trial is carried out by cpsim.programs.field_trial.
"""

from __future__ import annotations

from dataclasses import dataclass

from cpsim.scenario.params import param
from cpsim.scenario.program_areas import areas_param

TREATMENTS = ("visit", "meeting_invitation", "mentorship", "liaison_followup")
ELIGIBILITY = ("all", "group", "beat", "trust_band", "youth")


@dataclass(frozen=True)
class Trial:
    """A virtual randomised field trial (off unless ``enabled``)."""

    enabled: bool = param(False, "", None, None, "Run a randomised trial in this scenario", "assumption")
    areas: tuple = areas_param("the trial (its eligible residents live there)")
    eligibility: str = param(
        "all",
        "",
        None,
        None,
        "Who may be assigned: all residents, one group, one beat, a trust band or the youth age band",
        "assumption",
        choices=ELIGIBILITY,
    )
    group: str = param(
        "",
        "",
        None,
        None,
        "Eligible group (a name in population.group_names) when eligibility = 'group'",
        "assumption",
    )
    beat: int = param(0, "beat", 0, 20_000, "Eligible beat (0-based) when eligibility = 'beat'", "assumption")
    trust_low: float = param(
        0.0,
        "1",
        0,
        1,
        "Lowest trust at the start day that is eligible when eligibility = 'trust_band'",
        "assumption",
    )
    trust_high: float = param(
        1.0,
        "1",
        0,
        1,
        "Highest trust at the start day that is eligible when eligibility = 'trust_band'",
        "assumption",
    )
    assigned_share: float = param(
        0.5,
        "1",
        0.01,
        0.99,
        "Share of eligible residents assigned to treatment (the rest are controls)",
        "assumption: balanced two-arm design",
    )
    treatment: str = param(
        "visit",
        "",
        None,
        None,
        "What the treatment arm is offered: a door-to-door non-enforcement visit, an invitation to a "
        "meeting, a mentorship slot, or a liaison follow-up",
        "F2 Peyton, Sierra-Arevalo & Rand 2019 (visit); assumption for the others",
        choices=TREATMENTS,
    )
    contact_rate: float = param(
        0.41,
        "1",
        0,
        1,
        "Share of assigned residents the treatment actually reaches",
        "F2 Peyton et al. 2019: 41% of assigned households were reached",
    )
    valence: float = param(
        0.5,
        "valence",
        0,
        1,
        "Mean valence of a treatment contact delivered well (as patrol.contact_valence)",
        "F2 Peyton et al. 2019: a positive, non-enforcement conversation",
    )
    sessions: int = param(
        1,
        "contacts",
        1,
        100,
        "Contacts per reached resident (several for mentorship)",
        "F2 Peyton et al. 2019: a single visit; assumption for mentorship",
    )
    session_interval_days: int = param(
        7, "days", 1, 365, "Days between a reached resident's sessions", "assumption: weekly sessions"
    )
    hours_per_contact: float = param(
        0.5,
        "hours",
        0,
        8,
        "Officer hours per contact (taken from the beat's community hours)",
        "assumption: a 10-20 minute conversation plus travel between doors",
    )
    start_day: int = param(
        60,
        "day",
        1,
        36500,
        "Day the residents are assigned and treatment starts",
        "assumption: after a burn-in of the simulated city",
    )
    delivery_days: int = param(
        28,
        "days",
        1,
        3650,
        "Days over which each resident's first contact (a placebo date for controls) is scheduled",
        "F2 Peyton et al. 2019: visits were made over several weeks; assumption on the length",
    )
    followup_days: tuple[int, ...] = param(
        (3, 21),
        "days",
        0,
        3650,
        "Days after each resident's scheduled first contact at which outcomes are measured",
        "F2 Peyton et al. 2019: surveys 3 and 21 days after the visit",
    )


TRIAL_SECTIONS: dict[str, type] = {"trial": Trial}

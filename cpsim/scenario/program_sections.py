"""Scenario sections of the community programs and strategies (cpsim.programs).

Each program section is declared like the core sections, with :func:`param` fields. Every
program is off by default (``enabled = false``); a scenario switches it on. Each has a
dose (staff, hours, frequency) and a ``fidelity``: the share of what is delivered that is
delivered as designed. A program with zero dose or zero fidelity does not run at all.
Effect sizes cite the facts of docs/ODD.md (F1-F13) where a published figure applies and
say "assumption" (with the reasoning) where none does; docs/programs.md explains each.
The ``[crisis]`` section is a core mechanism (mental-health crisis calls exist in every
scenario); it lives here because co-responder teams are its only lever.
"""

from __future__ import annotations

from dataclasses import dataclass

from cpsim.scenario.params import param
from cpsim.scenario.program_areas import areas_param

ASSUME = "assumption"
PJ = "F3 Tyler & Fagan 2008 (voice and respect raise legitimacy); assumption on size"


def _enabled(what: str):
    return param(False, "", None, None, f"Run {what} in this scenario", ASSUME)


def _fidelity(default: float, what: str, source: str = ASSUME):
    return param(default, "1", 0, 1, f"Share of {what} delivered as designed (0: the program does not run)", source)


@dataclass(frozen=True)
class EventSection:
    """A recurring voluntary event held in every beat (the common fields of all events)."""

    enabled: bool = _enabled("this event")
    areas: tuple = areas_param("the event")
    fidelity: float = _fidelity(
        0.7,
        "attendees' contacts (a two-way conversation, concerns taken up)",
        "Skogan 2006 (CAPS): meeting quality varied widely between beats; assumption",
    )
    interval_days: float = param(
        28.0, "days", 1, 365, "Days between events in a beat", "Chicago CAPS: monthly beat meetings"
    )
    start_day: float = param(7.0, "day", 1, 36500, "Day of the first event", ASSUME)
    officers_per_event: float = param(
        2.0, "officers", 0, 50, "Officers staffing each event (0: off)", "CAPS: beat officers of each shift attend"
    )
    hours_per_event: float = param(
        3.0, "hours", 0, 24, "Officer hours per officer per event, with preparation (0: off)", ASSUME
    )
    reach: float = param(
        0.01,
        "1",
        0,
        1,
        "Chance an eligible resident of average engagement, trust and distance attends one event",
        "F10 Skogan (CAPS): ~10-16% of adults ever attend; calibrated to ~12% a year at monthly meetings",
    )
    engagement_log_odds: float = param(
        1.0,
        "log-odds per SD",
        -5,
        5,
        "Rise in the log-odds of attending per SD of civic engagement",
        "F10 Skogan 2006: attenders are the civically engaged; assumption on size",
    )
    trust_log_odds: float = param(
        0.6,
        "log-odds per SD",
        -5,
        5,
        "Rise in the log-odds of attending per SD of prior trust",
        "F10 Skogan 2006: attenders hold more positive views of police; assumption on size",
    )
    distance_log_odds: float = param(
        0.5,
        "log-odds per SD",
        0,
        5,
        "Fall in the log-odds of attending per SD of distance to the venue",
        "assumption: attendance falls with travel distance (homes spread uniformly over a round beat)",
    )
    habit_log_odds: float = param(
        1.5,
        "log-odds",
        0,
        10,
        "Rise in the log-odds of attending for residents who attended before (regulars)",
        "Skogan 2006: a core of regular attenders; assumption on size",
    )
    youth_only: bool = param(False, "", None, None, "Only residents of the youth age band attend", ASSUME)
    familiar: bool = param(True, "", None, None, "Attendees meet their own beat team (familiarity amplifies)", ASSUME)
    v_legitimacy: float = param(0.6, "valence", -1, 1, "Legitimacy valence of an event delivered as designed", PJ)
    v_effectiveness: float = param(
        0.3,
        "valence",
        -1,
        1,
        "Effectiveness valence of an event delivered as designed",
        "F2 Peyton et al. 2019: a positive non-enforcement contact; assumption on split",
    )
    problem_solving_hours: float = param(
        0.0,
        "hours per beat/day",
        0,
        24,
        "Officer hours a day spent after each event on the places attendees named (directed presence)",
        "Skogan & Hartnett 1997: CAPS priorities set at beat meetings; assumption on size",
    )
    follow_up_days: float = param(14.0, "days", 0, 365, "Days of problem solving after each event", ASSUME)
    named_places: int = param(
        3, "places", 1, 100, "Places per beat named by attendees (or cleaned at a cleanup)", ASSUME
    )
    disorder_fix: float = param(
        0.0,
        "1",
        0,
        1,
        "Share of visible disorder removed at the named places per problem-solving hour or cleanup",
        "Branas et al. 2018 (vacant-lot remediation cut gun violence); assumption on size",
    )
    offending_reduction: float = param(
        0.0,
        "1",
        0,
        0.9,
        "Largest share of an attending offender's offending removed (prosocial activity)",
        "Sherman et al. 1997: recreation programs' effect on offending unknown; assumption",
    )
    sessions_to_effect: float = param(
        20.0, "events", 1, 1000, "Events attended for ~63% of the offending reduction", ASSUME
    )


@dataclass(frozen=True)
class BeatMeetingsSection(EventSection):
    """Beat meetings / town halls (Chicago CAPS): monthly, concerns set problem-solving priorities."""

    problem_solving_hours: float = param(
        1.0,
        "hours per beat/day",
        0,
        24,
        "Officer hours a day spent after each meeting on the places attendees named (directed presence)",
        "Skogan & Hartnett 1997: CAPS priorities set at beat meetings; assumption on size",
    )
    disorder_fix: float = param(
        0.02,
        "1",
        0,
        1,
        "Share of visible disorder removed at the named places per problem-solving hour",
        "Skogan 2006: CAPS problem solving targeted physical disorder; assumption on size",
    )


@dataclass(frozen=True)
class ListeningSessionsSection(EventSection):
    """Listening sessions: quarterly, command staff hear grievances; the aggrieved come too."""

    interval_days: float = param(91.0, "days", 1, 365, "Days between sessions in a beat", "assumption: quarterly")
    start_day: float = param(14.0, "day", 1, 36500, "Day of the first session", ASSUME)
    officers_per_event: float = param(
        3.0, "officers", 0, 50, "Officers (incl. command staff) per session (0: off)", ASSUME
    )
    reach: float = param(
        0.02,
        "1",
        0,
        1,
        "Chance an eligible resident of average engagement, trust and distance attends one session",
        "F10 order of magnitude; assumption",
    )
    trust_log_odds: float = param(
        -0.2,
        "log-odds per SD",
        -5,
        5,
        "Rise in the log-odds of attending per SD of prior trust",
        "assumption: sessions called after grievances draw the dissatisfied as well as supporters",
    )
    v_legitimacy: float = param(0.5, "valence", -1, 1, "Legitimacy valence of being heard (voice)", PJ)
    v_effectiveness: float = param(
        0.0, "valence", -1, 1, "Effectiveness valence of a session (listening solves nothing yet)", ASSUME
    )
    problem_solving_hours: float = param(
        0.5, "hours per beat/day", 0, 24, "Officer hours a day spent on the grievances named after each session", ASSUME
    )
    follow_up_days: float = param(30.0, "days", 0, 365, "Days of follow-up after each session", ASSUME)


@dataclass(frozen=True)
class CoffeeWithCopSection(EventSection):
    """Coffee with a Cop: informal, small, at a cafe; warm but light contact."""

    interval_days: float = param(
        30.0, "days", 1, 365, "Days between events in a beat", "Coffee with a Cop: typically monthly"
    )
    officers_per_event: float = param(2.0, "officers", 0, 50, "Officers at each event (0: off)", ASSUME)
    hours_per_event: float = param(2.0, "hours", 0, 24, "Officer hours per officer per event (0: off)", ASSUME)
    reach: float = param(
        0.006,
        "1",
        0,
        1,
        "Chance an eligible resident of average engagement, trust and distance attends",
        "assumption: tens of attendees per event in a beat of thousands",
    )
    distance_log_odds: float = param(
        0.8,
        "log-odds per SD",
        0,
        5,
        "Fall in the log-odds of attending per SD of distance",
        "assumption: drop-in at one cafe",
    )
    v_legitimacy: float = param(
        0.4,
        "valence",
        -1,
        1,
        "Legitimacy valence of a friendly conversation",
        "assumption: effects uncertain, attendee surveys only (range 0.1-0.6)",
    )
    v_effectiveness: float = param(0.1, "valence", -1, 1, "Effectiveness valence of a friendly conversation", ASSUME)


@dataclass(frozen=True)
class BlockPartiesSection(EventSection):
    """Block parties and cleanup days: seasonal, wide reach on the block, disorder removed."""

    interval_days: float = param(91.0, "days", 1, 365, "Days between events in a beat", "assumption: seasonal")
    officers_per_event: float = param(3.0, "officers", 0, 50, "Officers at each event (0: off)", ASSUME)
    hours_per_event: float = param(5.0, "hours", 0, 24, "Officer hours per officer per event (0: off)", ASSUME)
    reach: float = param(
        0.05,
        "1",
        0,
        1,
        "Chance an eligible resident of average engagement, trust and distance attends",
        "assumption: open-air family events draw more than meetings",
    )
    engagement_log_odds: float = param(
        0.5, "log-odds per SD", -5, 5, "Rise in the log-odds of attending per SD of engagement", ASSUME
    )
    trust_log_odds: float = param(
        0.3, "log-odds per SD", -5, 5, "Rise in the log-odds of attending per SD of prior trust", ASSUME
    )
    distance_log_odds: float = param(
        1.5,
        "log-odds per SD",
        0,
        5,
        "Fall in the log-odds of attending per SD of distance",
        "assumption: it happens on your block",
    )
    v_legitimacy: float = param(0.4, "valence", -1, 1, "Legitimacy valence of meeting officers at a party", ASSUME)
    v_effectiveness: float = param(0.2, "valence", -1, 1, "Effectiveness valence of a cleanup", ASSUME)
    named_places: int = param(5, "places", 1, 100, "Places per beat cleaned (the most disordered)", ASSUME)
    disorder_fix: float = param(
        0.3,
        "1",
        0,
        1,
        "Share of visible disorder removed at the cleaned places",
        "Branas et al. 2018 (remediation of blight); assumption on size, range 0.1-0.5",
    )


@dataclass(frozen=True)
class AthleticLeagueSection(EventSection):
    """Police athletic league: weekly sessions for youth; prosocial time with officers."""

    interval_days: float = param(7.0, "days", 1, 365, "Days between sessions", "assumption: weekly practice")
    officers_per_event: float = param(1.0, "officers", 0, 50, "Officers coaching each session (0: off)", ASSUME)
    hours_per_event: float = param(2.0, "hours", 0, 24, "Officer hours per officer per session (0: off)", ASSUME)
    reach: float = param(
        0.004,
        "1",
        0,
        1,
        "Chance an eligible youth of average engagement, trust and distance attends a session",
        "assumption: a league of a few dozen regulars per beat",
    )
    habit_log_odds: float = param(
        5.0, "log-odds", 0, 10, "Rise in the log-odds of attending for youth who came before (enrolled players)", ASSUME
    )
    engagement_log_odds: float = param(
        0.5, "log-odds per SD", -5, 5, "Rise in the log-odds of attending per SD of engagement", ASSUME
    )
    trust_log_odds: float = param(
        0.4, "log-odds per SD", -5, 5, "Rise in the log-odds of attending per SD of prior trust", ASSUME
    )
    youth_only: bool = param(True, "", None, None, "Only residents of the youth age band attend", "PAL serves youth")
    v_legitimacy: float = param(0.5, "valence", -1, 1, "Legitimacy valence of a session with an officer-coach", ASSUME)
    v_effectiveness: float = param(0.1, "valence", -1, 1, "Effectiveness valence of a session", ASSUME)
    offending_reduction: float = param(
        0.1,
        "1",
        0,
        0.9,
        "Largest share of an attending offender's offending removed",
        "Sherman et al. 1997: effect of recreation on offending unknown; assumption, range 0-0.2",
    )


@dataclass(frozen=True)
class MentorshipSection:
    """Youth mentorship: officers paired with at-risk youth over months."""

    enabled: bool = _enabled("youth mentorship")
    areas: tuple = areas_param("mentorship")
    fidelity: float = _fidelity(
        0.75, "planned meetings", "DuBois et al. 2011: effects depend on meeting regularity; assumption"
    )
    mentors_per_beat: float = param(1.0, "officers", 0, 20, "Officer mentors per beat (0: off)", ASSUME)
    mentees_per_mentor: int = param(3, "youth", 1, 20, "Youth paired with each mentor", ASSUME)
    interval_days: float = param(14.0, "days", 1, 90, "Days between meetings of a pair", "assumption: fortnightly")
    hours_per_meeting: float = param(2.0, "hours", 0, 12, "Officer hours per meeting (0: off)", ASSUME)
    duration_days: float = param(
        270.0, "days", 30, 3650, "Length of a pairing (a new cohort follows)", "assumption: a school year"
    )
    start_day: float = param(7.0, "day", 1, 36500, "Day of the first meetings", ASSUME)
    risk_targeting: float = param(
        3.0,
        "ratio",
        1,
        100,
        "Selection weight of youth who offend relative to other youth",
        "assumption: referral of at-risk youth",
    )
    v_legitimacy: float = param(0.6, "valence", -1, 1, "Legitimacy valence of a mentoring meeting", PJ)
    v_effectiveness: float = param(0.2, "valence", -1, 1, "Effectiveness valence of a mentoring meeting", ASSUME)
    offending_reduction: float = param(
        0.2,
        "1",
        0,
        0.9,
        "Largest share of a mentee's offending removed",
        "Tolan et al. 2013 (mentoring meta-analysis): delinquency d ~ 0.2; range 0.05-0.35",
    )
    sessions_to_effect: float = param(10.0, "meetings", 1, 1000, "Meetings for ~63% of the offending reduction", ASSUME)
    peer_share: float = param(
        0.25,
        "1",
        0,
        1,
        "Share of a mentee's offending reduction passed to each offending friend",
        "assumption: peer influence on delinquency (Warr 2002); range 0-0.5",
    )


@dataclass(frozen=True)
class LiaisonSection:
    """Community liaison officers: non-urgent concerns and conflict mediation, reaching low trust."""

    enabled: bool = _enabled("community liaison officers")
    areas: tuple = areas_param("the liaison officers")
    fidelity: float = _fidelity(0.8, "liaison contacts (concern followed up, mediation done properly)")
    officers_per_beat: float = param(
        0.25, "officers", 0, 10, "Liaison officers per beat (0: off); their shifts come out of patrol hours", ASSUME
    )
    contacts_per_hour: float = param(1.0, "contacts/hour", 0, 10, "Residents helped per liaison hour", ASSUME)
    low_trust_targeting: float = param(
        2.0,
        "1",
        0,
        10,
        "Exponent on (1 - legitimacy) in who is reached (0: anyone; higher: the distrustful)",
        "assumption: liaisons work through referrals and community groups, reaching those events miss",
    )
    resolution_share: float = param(
        0.6, "1", 0, 1, "Share of concerns resolved (effectiveness up; otherwise slightly down)", ASSUME
    )
    v_legitimacy: float = param(0.6, "valence", -1, 1, "Legitimacy valence of a liaison contact as designed", PJ)
    v_resolved: float = param(0.5, "valence", -1, 1, "Effectiveness valence of a resolved concern", ASSUME)
    v_unresolved: float = param(-0.1, "valence", -1, 1, "Effectiveness valence of an unresolved concern", ASSUME)
    disorder_fix: float = param(
        0.05, "1", 0, 1, "Share of visible disorder removed at the resident's place when a concern is resolved", ASSUME
    )


@dataclass(frozen=True)
class WatchSection:
    """Neighbourhood watch: residents as guardians and a reporting channel (F11)."""

    enabled: bool = _enabled("neighbourhood watch")
    areas: tuple = areas_param("watch groups")
    fidelity: float = _fidelity(
        0.7, "watch groups (active, not dormant)", "Bennett et al. 2008: many schemes lapse; assumption"
    )
    coverage: float = param(
        0.25,
        "1",
        0,
        1,
        "Share of places with a watch group (0: off); groups form where residents are engaged",
        "assumption; watch schemes cover ~1/4 of US households (NCVS 2000 supplement)",
    )
    guardianship_boost: float = param(
        0.5,
        "1",
        0,
        1,
        "Guardianship added at covered places (0-1 scale of crime.guardianship_effect)",
        "F11 Bennett, Holloway & Farrington 2008: OR ~1.2-1.4 (about 16-26% less crime); 0.5 gives ~13%",
    )
    reporting_share: float = param(
        0.15,
        "1",
        0,
        1,
        "Chance a watch member reports a victimisation at a covered place the victim did not",
        "F11 watch as a reporting channel; assumption on size",
    )
    meeting_interval_days: float = param(60.0, "days", 1, 365, "Days between watch meetings with police", ASSUME)
    hours_per_meeting: float = param(2.0, "hours", 0, 24, "Officer hours per watch meeting per beat", ASSUME)
    member_share: float = param(0.15, "1", 0, 1, "Share of residents of covered places who are members", ASSUME)
    v_legitimacy: float = param(0.4, "valence", -1, 1, "Legitimacy valence of a watch meeting", ASSUME)
    v_effectiveness: float = param(0.3, "valence", -1, 1, "Effectiveness valence of a watch meeting", ASSUME)


@dataclass(frozen=True)
class NeighbourhoodSection:
    """Neighbourhood policing: steady beat officers with protected community time (NYC NCOs)."""

    enabled: bool = _enabled("neighbourhood (steady beat) officers")
    areas: tuple = areas_param("steady beat officers")
    fidelity: float = _fidelity(
        0.7,
        "named steady officers kept on the beat and off-radio time protected from calls",
        "NYPD neighbourhood policing: off-radio time often lost to calls; Rix et al. 2009 (abstraction); assumption",
    )
    officers_per_beat: int = param(
        1, "officers", 0, 20, "Steady officers per beat who never rotate (0: off)", "NYPD: 2 NCOs per sector"
    )
    community_share: float = param(
        0.33,
        "1",
        0,
        1,
        "Share of a steady officer's shift spent on community contacts",
        "NYPD neighbourhood policing: one third of the shift off-radio",
    )
    contacts_per_hour: float = param(1.5, "contacts/hour", 0, 10, "Residents met per community hour", ASSUME)
    start_day: int = param(1, "day", 1, 36500, "Day the steady officers start (e.g. after a shock)", ASSUME)
    v_legitimacy: float = param(0.6, "valence", -1, 1, "Legitimacy valence of a community contact as designed", PJ)
    v_effectiveness: float = param(
        0.3, "valence", -1, 1, "Effectiveness valence of a community contact as designed", "F2 Peyton et al. 2019"
    )


@dataclass(frozen=True)
class HotSpotsSection:
    """Foot patrol directed at the riskiest places (F9)."""

    enabled: bool = _enabled("hot-spot patrol")
    areas: tuple = areas_param("hot-spot patrol")
    fidelity: float = _fidelity(
        0.8,
        "assigned hours actually walked at the spots (the rest stay in the car)",
        "Ratcliffe et al. 2011: dosage varied; assumption",
    )
    spots_share: float = param(
        0.02,
        "1",
        0,
        1,
        "Share of places, the riskiest, patrolled as hot spots (0: off)",
        "Weisburd 2015: ~50% of crime at ~5% of segments; Ratcliffe et al. 2011: 60 spots",
    )
    hours_per_spot: float = param(
        3.0,
        "hours/day",
        0,
        24,
        "Officer hours a day at each spot (0: off)",
        "F9 Ratcliffe et al. 2011: two pairs of officers, 16 h a weekday; scaled",
    )
    stops_per_hour: float = param(
        0.12,
        "stops/hour",
        0,
        10,
        "Pedestrian stops per hour at a spot (the trust cost)",
        "F9 Ratcliffe et al. 2011: pedestrian stops +64%; 0.11 gave +57%, 0.14 +79% (docs/validation.md)",
    )
    start_day: int = param(1, "day", 1, 36500, "Day the directed patrol starts", ASSUME)


@dataclass(frozen=True)
class CrisisSection:
    """Mental-health crisis calls (core mechanism; co-responder teams are its lever)."""

    share_of_calls: float = param(
        0.15,
        "1",
        0,
        1,
        "Share of answered resident help calls (non-crime) that are mental-health crises",
        "Livingston 2016: 1-10% of all calls involve mental illness; resident help calls are richer in them",
    )
    force_share: float = param(
        0.03,
        "1",
        0,
        1,
        "Chance a crisis call answered by police alone ends in use of force or a poor outcome",
        "Seattle Police Monitor crisis reports: force in ~2% of crisis contacts; range 0.01-0.1",
    )
    force_legitimacy: float = param(
        -1.0, "valence", -1, 0, "Legitimacy valence of a crisis that ends in force", "F1, F3"
    )
    force_effectiveness: float = param(
        -0.8, "valence", -1, 0, "Effectiveness valence of a crisis that ends in force", "F1"
    )
    story_weight: float = param(
        3.0,
        "1",
        0,
        100,
        "How much more a forceful crisis is retold than an ordinary contact",
        "F4 Rosenbaum et al. 2005; assumption",
    )


@dataclass(frozen=True)
class CoResponderSection:
    """Co-responder teams (Seattle style): a clinician rides with an officer to crisis calls."""

    enabled: bool = _enabled("co-responder teams")
    areas: tuple = areas_param("the co-responder teams")
    fidelity: float = _fidelity(0.85, "claimed calls where the clinician takes part as designed")
    team_hours_per_day: float = param(
        8.0,
        "hours/day",
        0,
        24,
        "Officer hours a day the team is on shift, city-wide (0: off); covers that share of the clock",
        "Seattle co-responder units: one daytime shift per precinct",
    )
    hours_per_call: float = param(1.5, "hours", 0.1, 24, "Team hours per crisis call", ASSUME)
    force_reduction: float = param(
        0.6,
        "1",
        0,
        1,
        "Share of use-of-force outcomes avoided when the team handles the call",
        "Dempsey et al. 2020; Puntis et al. 2018 reviews: fewer arrests and force; size uncertain, range 0.2-0.9",
    )
    v_legitimacy: float = param(0.6, "valence", -1, 1, "Legitimacy valence of a call handled with a clinician", PJ)
    v_effectiveness: float = param(0.5, "valence", -1, 1, "Effectiveness valence of being linked to services", ASSUME)


@dataclass(frozen=True)
class TrainingSection:
    """Procedural-justice training: monthly cohorts of beat officers (gradual)."""

    enabled: bool = _enabled("procedural-justice training")
    areas: tuple = areas_param("training (the beat teams trained)")
    fidelity: float = _fidelity(
        0.7, "trained officers who apply the training", "Skogan et al. 2015: uneven uptake; assumption"
    )
    share_per_month: float = param(
        0.1, "1", 0, 1, "Share of untrained beat officers trained each month (0: off)", ASSUME
    )
    hours_per_officer: float = param(
        8.0, "hours", 0, 80, "Hours of training per officer (0: off)", "Chicago PJ training: one day"
    )
    skill_gain: float = param(
        0.06,
        "1",
        0,
        0.5,
        "Rise in procedural skill (0-1) of an officer who applies the training",
        "Wood, Tyler & Papachristos 2020 PNAS: complaints -10%, force -6% (smaller after reanalysis); calibrated",
    )
    half_life_days: float = param(
        730.0,
        "days",
        30,
        36500,
        "Half-life of the skill gain without refreshers",
        "assumption: effects fade over years",
    )


@dataclass(frozen=True)
class OrientationSection:
    """New-officer community orientation: officers new to a beat meet its residents."""

    enabled: bool = _enabled("new-officer community orientation")
    areas: tuple = areas_param("orientation (the beats whose newcomers are introduced)")
    fidelity: float = _fidelity(0.8, "orientation hours spent meeting residents as designed")
    hours_per_officer: float = param(
        16.0, "hours", 0, 200, "Orientation hours for each officer new to a beat (0: off)", "assumption: two shifts"
    )
    days: float = param(10.0, "days", 1, 90, "Days over which the orientation is spread", ASSUME)
    contacts_per_hour: float = param(
        1.5, "contacts/hour", 0, 10, "Residents (engagement-weighted) met per orientation hour", ASSUME
    )
    skill_gain: float = param(0.02, "1", 0, 0.5, "Rise in procedural skill from the orientation", ASSUME)
    v_legitimacy: float = param(0.5, "valence", -1, 1, "Legitimacy valence of an introduction as designed", PJ)
    v_effectiveness: float = param(
        0.2, "valence", -1, 1, "Effectiveness valence of an introduction as designed", ASSUME
    )


@dataclass(frozen=True)
class FocusedDeterrenceSection:
    """Focused deterrence (Newark style): call-ins of the highest-rate offenders, services and levers."""

    enabled: bool = _enabled("focused deterrence")
    areas: tuple = areas_param("call-ins (offenders living there)")
    fidelity: float = _fidelity(
        0.7, "promised services and follow-ups", "Braga et al. 2018: implementation varies; assumption"
    )
    offender_share: float = param(
        0.1,
        "1",
        0,
        1,
        "Share of active offenders, the highest-rate, called in (0: off)",
        "assumption: a few hundred in a large city",
    )
    interval_days: float = param(
        182.0, "days", 1, 3650, "Days between call-ins (new participants)", "assumption: twice a year"
    )
    start_day: float = param(14.0, "day", 1, 36500, "Day of the first call-in", ASSUME)
    callin_days: float = param(14.0, "days", 1, 365, "Days over which one round of call-ins is spread", ASSUME)
    hours_per_participant: float = param(
        4.0, "hours", 0, 100, "Officer hours per participant per call-in and follow-up", ASSUME
    )
    deterrence_reduction: float = param(
        0.25,
        "1",
        0,
        1,
        "Share of a participant's offending removed by the credible warning",
        "Braga, Weisburd & Turchan 2018: moderate reductions (d ~ 0.4); range 0.1-0.4",
    )
    services_takeup: float = param(0.4, "1", 0, 1, "Share of participants who take up services", ASSUME)
    services_reduction: float = param(
        0.3, "1", 0, 1, "Further share of offending removed for those taking services", ASSUME
    )
    enforcement_ratio: float = param(
        3.0,
        "ratio",
        1,
        100,
        "Stop propensity of a participant relative to before (pulling levers)",
        "Kennedy 2011; assumption",
    )
    v_legitimacy: float = param(0.3, "valence", -1, 1, "Legitimacy valence of a respectful call-in", PJ)
    v_effectiveness: float = param(
        -0.2, "valence", -1, 1, "Effectiveness valence of the warning for the participant", ASSUME
    )


@dataclass(frozen=True)
class TransparencySection:
    """Transparency reporting: dashboards move perceived effectiveness toward what is achieved."""

    enabled: bool = _enabled("transparency reporting")
    fidelity: float = _fidelity(0.9, "releases that are accurate and on time")
    interval_days: float = param(30.0, "days", 1, 365, "Days between releases", "assumption: monthly dashboards")
    staff_hours: float = param(8.0, "hours", 0, 200, "Officer hours per release, city-wide (0: off)", ASSUME)
    reach: float = param(
        0.05,
        "1",
        0,
        1,
        "Share of residents of average engagement who see a release",
        "assumption: few residents look at police data portals",
    )
    engagement_log_odds: float = param(
        1.0, "log-odds per SD", -5, 5, "Rise in the log-odds of seeing it per SD of engagement", ASSUME
    )
    strength: float = param(
        0.5, "1", 0, 1, "Valence per unit gap between achieved and perceived effectiveness", "assumption (range 0.2-1)"
    )
    openness_valence: float = param(
        0.1,
        "valence",
        -1,
        1,
        "Legitimacy valence of seeing police publish their record",
        "Grimmelikhuijsen & Meijer 2014: transparency effects small and conditional; assumption",
    )


@dataclass(frozen=True)
class IncidentSection:
    """A publicized incident on a set day: one badly handled encounter that spreads (a video).

    Its news travels as every publicized incident's does (the core ``incidents`` section:
    saliences, linked fate, valences, the news cycle); this section says when, where and
    how far.
    """

    enabled: bool = _enabled("a publicized incident")
    day: int = param(60, "day", 1, 36500, "Day of the incident", ASSUME)
    beat: int = param(-1, "beat", -1, 20_000, "Beat of the incident (-1: the beat with the lowest trust)", ASSUME)
    strength: float = param(1.0, "valence", 0, 1, "How bad the encounter is (0: off; 1: the worst)", ASSUME)
    story_weight: float = param(
        30.0, "1", 0, 1000, "How much more widely the video is retold than an ordinary contact", "F4; assumption"
    )
    news_reach: float = param(
        0.3,
        "1",
        0,
        1,
        "Share of residents who see it in the news (0: word of mouth only)",
        "assumption: a story that goes viral across the city",
    )
    news_exposures: float = param(
        5.0,
        "times",
        0,
        100,
        "Times a viewer meets the story while it is in the news (the video, follow-ups, protests)",
        "assumption (range 1-20): a story that goes viral",
    )


PROGRAM_SECTIONS: dict[str, type] = {
    "beat_meetings": BeatMeetingsSection,
    "listening_sessions": ListeningSessionsSection,
    "coffee_with_cop": CoffeeWithCopSection,
    "block_parties": BlockPartiesSection,
    "athletic_league": AthleticLeagueSection,
    "mentorship": MentorshipSection,
    "liaison": LiaisonSection,
    "watch": WatchSection,
    "neighbourhood": NeighbourhoodSection,
    "hotspots": HotSpotsSection,
    "crisis": CrisisSection,
    "co_responder": CoResponderSection,
    "training": TrainingSection,
    "orientation": OrientationSection,
    "focused_deterrence": FocusedDeterrenceSection,
    "transparency": TransparencySection,
    "incident": IncidentSection,
}

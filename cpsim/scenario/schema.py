"""Scenario schema for the core model: one frozen dataclass per section.

Every field is declared with :func:`param`, so it carries its default, unit, valid range,
one-line meaning and the source of the default. Sources use the fact numbers of
docs/ODD.md (F1-F13) where a published figure applies, and say "assumption" with the
reasoning where none does. Program sections live in :mod:`cpsim.scenario.program_sections`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cpsim.scenario.params import param

ASSUME = "assumption"


@dataclass(frozen=True)
class Run:
    """What the scenario is and how long it runs."""

    name: str = param("baseline", "", None, None, "Short name shown in tables and plots", ASSUME)
    description: str = param("", "", None, None, "One paragraph saying what the scenario represents", ASSUME)
    days: int = param(365, "days", 1, 36500, "Simulated days (one tick is one day)", ASSUME)
    seed: int = param(1, "", 0, 2**63 - 1, "Run seed; every mechanism draws from its own stream", ASSUME)


@dataclass(frozen=True)
class Population:
    """Residents, police beats and places (street segments)."""

    residents: int = param(10_000, "persons", 10, 5_000_000, "Number of residents", ASSUME)
    beats: int = param(
        8,
        "beats",
        1,
        20_000,
        "Police beats (neighbourhoods)",
        "assumption: ~1000-10000 residents per beat (Chicago CAPS beats ~10000)",
    )
    residents_per_place: float = param(
        60.0,
        "persons",
        5,
        5000,
        "Mean residents per place (street segment)",
        "assumption: a residential street segment holds tens of households",
    )
    household_size: float = param(
        2.5,
        "persons",
        1,
        8,
        "Mean household size (household members are all tied)",
        "US Census ACS 2020: 2.5 persons per household",
    )
    group_names: tuple[str, ...] = param(("majority", "minority"), "", None, None, "Names of resident groups", ASSUME)
    group_shares: tuple[float, ...] = param(
        (0.7, 0.3),
        "1",
        0,
        1,
        "Population share of each group (sums to 1)",
        "assumption: a mixed US city",
    )
    segregation: float = param(
        0.6,
        "1",
        0,
        1,
        "How strongly groups cluster by beat (0 random, 1 fully sorted)",
        "assumption; residential segregation indices of US cities are ~0.5-0.7",
    )
    beat_size_sigma: float = param(
        0.0,
        "log",
        0,
        3,
        "Log-SD of beat (area) sizes: 0 gives beats of about equal size; larger, a few big and many small",
        "assumption; Chicago's 77 community areas run from a few thousand to ~100,000 residents (sigma ~0.6)",
    )
    disadvantage: float = param(
        0.5,
        "1",
        0,
        1,
        "How strongly the beats with more of the last group carry higher crime risk",
        "Sampson, Raudenbush & Earls 1997 (concentrated disadvantage); assumption on size",
    )
    youth_share: float = param(
        0.16,
        "1",
        0,
        0.6,
        "Share of residents aged 12-24 (the youth age band)",
        "US Census ACS 2020: ~16% aged 12-24",
    )
    engagement_mean: float = param(
        0.3,
        "1",
        0.01,
        0.99,
        "Mean civic engagement (0-1), Beta distributed",
        "assumption: ~30% of adults take part in local civic activity (CPS civic supplement)",
    )
    engagement_concentration: float = param(
        4.0,
        "1",
        0.5,
        100,
        "Beta concentration of civic engagement (low = more unequal)",
        ASSUME,
    )
    place_risk_sigma: float = param(
        1.6,
        "log",
        0,
        3,
        "Log-SD of place crime risk (law of crime concentration)",
        "Weisburd 2015: ~50% of crime at ~4-6% of street segments; sigma 1.6 gives ~48% at 5%",
    )
    beat_risk_sigma: float = param(0.35, "log", 0, 2, "Log-SD of beat-level crime risk", ASSUME)
    street_time_sigma: float = param(
        1.2,
        "log",
        0,
        3,
        "Log-SD of time residents spend out on the street (who patrols meet)",
        "assumption: a minority of residents account for most casual police encounters",
    )
    offender_share: float = param(
        0.04,
        "1",
        0,
        0.5,
        "Share of residents who are active offenders",
        "Wolfgang et al. 1972: ~6% of a birth cohort commit half of offences; assumption",
    )
    youth_offender_ratio: float = param(
        3.0,
        "ratio",
        1,
        20,
        "Odds of being an active offender for youth vs adults",
        "age-crime curve (Farrington 1986); assumption on size",
    )
    offending_sigma: float = param(
        1.0,
        "log",
        0,
        3,
        "Log-SD of the offending rate among active offenders (a few offend far more than the rest)",
        "assumption: Wolfgang et al. 1972, a small share of offenders commit most offences; sigma 1 puts "
        "~40% of offences on the top 10% of offenders",
    )
    youth_street_ratio: float = param(
        1.5,
        "ratio",
        0.1,
        10,
        "Time out on the street of youth (12-24) relative to adults (who casual patrol contacts meet)",
        "assumption (range 1-3): routine activities of young people are more often outside the home "
        "(Osgood et al. 1996)",
    )


@dataclass(frozen=True)
class Graph:
    """The social network that carries word of mouth."""

    kind: str = param(
        "local",
        "",
        None,
        None,
        "How ties are built: clustered local ties, a networkx generator, or a file",
        ASSUME,
        choices=("local", "watts_strogatz", "powerlaw_cluster", "file"),
    )
    path: str = param("", "", None, None, "GraphML (.graphml) or edge-list file when kind = 'file'", ASSUME)
    neighbour_ties: float = param(
        3.0,
        "ties",
        0,
        50,
        "Mean ties to people on the same street segment (outside the household)",
        "assumption: residents know a few neighbours (Hampton & Wellman 2003)",
    )
    long_ties: float = param(
        3.0,
        "ties",
        0,
        50,
        "Mean ties to people elsewhere in the city",
        "assumption: core discussion networks ~4-8 people (McPherson et al. 2006)",
    )
    homophily_beat: float = param(0.6, "1", 0, 1, "Share of long ties that stay within the same beat", ASSUME)
    homophily_group: float = param(
        0.6,
        "1",
        0,
        1,
        "Share of long ties forced within the same group",
        "McPherson, Smith-Lovin & Cook 2001 (homophily); assumption on size",
    )
    ws_k: int = param(8, "ties", 2, 200, "Neighbours per node for watts_strogatz / powerlaw_cluster", ASSUME)
    ws_p: float = param(0.05, "1", 0, 1, "Rewiring (or triangle) probability for the networkx generators", ASSUME)


@dataclass(frozen=True)
class Trust:
    """Trust: two components (legitimacy and effectiveness) with memory."""

    initial_by_group: tuple[float, ...] = param(
        (0.56, 0.25),
        "1",
        0,
        1,
        "Mean starting trust of each group (0-1): residents start where their attitudes settle, and each "
        "group's collective memory starts where it puts them there (history)",
        "F7 Gallup 2020-21: confidence in police 56% White, 19-27% Black adults",
    )
    disposition_sd: float = param(
        0.2,
        "1",
        0,
        0.5,
        "SD of residents' stable personal view of police (their own part of where their attitudes settle; "
        "within a group, starting trust spreads about (1 - social_weight) times this)",
        "assumption (range 0.1-0.3): gives a within-group SD of starting trust of ~0.15; a calibration target "
        "(the spread of survey answers)",
    )
    component_correlation: float = param(
        0.64,
        "1",
        0,
        1,
        "Correlation between a resident's starting legitimacy and effectiveness (loadings sqrt(r) on a shared "
        "and sqrt(1 - r) on an own normal)",
        "assumption (range 0.4-0.8): survey scales of procedural fairness and effectiveness are distinct but "
        "strongly correlated (Sunshine & Tyler 2003); no figure in data/README.md",
    )
    legitimacy_weight: float = param(
        0.5,
        "1",
        0,
        1,
        "Weight of legitimacy in the trust index (rest: effectiveness)",
        "assumption: Tyler 1990 treats both as equal parts of confidence",
    )
    half_life_days: float = param(
        45.0,
        "days",
        1,
        3650,
        "Half-life with which the unconsolidated part of an experience fades back to the attitude",
        "F2 Peyton et al. 2019: visit effect strong at 3 days, still detectable at 21 days",
    )
    attitude_half_life_days: float = param(
        730.0,
        "days",
        90,
        7300,
        "Half-life with which the long-run attitude settles toward its anchor (norm, conditions, ties)",
        "assumption (range 1-5 years): Chicago community areas' trust correlates 0.55-0.61 from one year to "
        "the next (data/README.md), so attitudes move within years, not decades",
    )
    consolidation: float = param(
        0.08,
        "1",
        0,
        1,
        "Share of an experience's change of trust kept in the long-run attitude",
        "F2 Peyton et al. 2019: most of a single visit's effect fades within weeks; assumption on what remains",
    )
    familiar_consolidation: float = param(
        0.4,
        "1",
        0,
        1,
        "Extra share kept when the contact is with a beat team the resident fully knows (x familiarity)",
        "assumption (range 0.2-0.8): relationships with known officers accumulate (NRPP, Tuffin et al. 2006; "
        "Rix et al. 2009)",
    )
    salience_consolidation: float = param(
        0.6,
        "1",
        0,
        1,
        "Extra share kept for strong experiences (x valence squared): a video incident is not forgotten",
        "assumption (range 0.2-0.8): emotionally strong events are remembered (McGaugh 2004); Desmond, "
        "Papachristos & Kirk 2016: a publicized beating lowered 911 calls for over a year",
    )
    social_weight: float = param(
        0.3,
        "1",
        0,
        0.9,
        "Weight of the ties' attitudes in where a resident's attitude settles (local opinion climate)",
        "assumption (range 0.1-0.5): legal cynicism is shared within neighbourhoods (Sampson & Bartusch 1998)",
    )
    diffuse_support: float = param(
        0.7,
        "1",
        0,
        1,
        "Diffuse support: the balance of what each generation learns of police apart from any experience of "
        "policing (family, school, media); collective memories are renewed by it at their half-life and settle "
        "there without other experience",
        "calibration (python benchmarks/calibrate_flows.py): today's flows hold the baseline at F7's levels; "
        "Easton 1975 (diffuse support); range 0.5-0.95",
    )
    memory_half_life_days: float = param(
        5475.0,
        "days",
        365,
        36500,
        "Half-life of a group's collective memory of police: how long what its members lived and heard in "
        "common keeps shaping where everyone's attitude settles",
        "assumption (range 5-30 years): legal cynicism and the memory of police violence outlast the events "
        "and pass between generations (Kirk & Papachristos 2011; Bell 2017), while new events replace old ones",
    )
    neighbourhood_memory_half_life_days: float = param(
        1825.0,
        "days",
        90,
        36500,
        "Half-life of a neighbourhood's shared view of police (what its residents lived in common beyond what "
        "their groups did)",
        "assumption (range 2-10 years): neighbourhood culture outlasts residents, who turn over at ~10-15% a "
        "year (US Census CPS mobility; Sampson 2012)",
    )
    reference_half_life_days: float = param(
        1095.0,
        "days",
        30,
        36500,
        "Half-life with which the conditions residents judge police and safety against (the city's usual "
        "disorder, police seen on foot, perceived effectiveness) follow what the city shows",
        "assumption (range 1-10 years): adaptation level (Helson 1964; Brickman & Campbell 1971)",
    )
    national_sd: float = param(
        0.0,
        "1",
        0,
        0.3,
        "SD of the national mood about police, a wander of every group's norm shared city-wide (0: none)",
        "assumption; a calibration target: Chicago's city mean moved +5.8 and -6.7 points a year in 2019-2021 "
        "(data/README.md); Gallup national confidence moves a few points a year",
    )
    national_half_life_days: float = param(
        365.0,
        "days",
        7,
        7300,
        "Half-life of a swing of the national mood",
        "assumption (range 90-1825): national events fade over months to years",
    )
    performance_weight: float = param(
        0.25,
        "1",
        0,
        1,
        "Rise of the legitimacy anchor per unit of perceived-effectiveness attitude above the city's usual",
        "Sunshine & Tyler 2003: performance shapes legitimacy, less than procedural justice; assumption on size "
        "(range 0-0.5)",
    )
    disorder_weight: float = param(
        0.3,
        "1 per unit disorder",
        0,
        2,
        "Fall of the effectiveness anchor per unit of visible disorder at home above the city's usual",
        "Jackson & Bradford 2009 (confidence expresses concern about disorder); assumption on size",
    )
    foot_seen_weight: float = param(
        0.12,
        "1",
        0,
        0.5,
        "Rise of the effectiveness anchor with the chance of seeing police on foot in a week (vs the city's usual)",
        "CSEW 2013/14: 71% weekly / 61% monthly / 53% never rate police good (cross-sectional; taken at ~half)",
    )
    positive_step_legitimacy: float = param(
        0.08,
        "1",
        0,
        0.5,
        "Share of the distance to 1 that a fully positive direct contact closes (legitimacy)",
        "F2 Peyton et al. 2019: one positive visit ~0.1-0.2 SD",
    )
    positive_step_effectiveness: float = param(
        0.06,
        "1",
        0,
        0.5,
        "Share of the distance to 1 that a fully positive direct contact closes (effectiveness)",
        "F2 Peyton et al. 2019; assumption on the split between components",
    )
    negativity_ratio_effectiveness: float = param(
        8.0,
        "ratio",
        1,
        20,
        "How much more a bad contact moves effectiveness than a good one (per unit of valence)",
        "F1 Skogan 2006: bad contacts weigh 4-14x good ones; 8 gives a measured ratio of ~5 per contact "
        "(docs/validation.md), since most bad contacts are only mildly bad",
    )
    negativity_ratio_legitimacy: float = param(
        1.3,
        "ratio",
        1,
        5,
        "How much more a bad contact moves legitimacy than a good one",
        "F1 Oliveira et al. 2021: procedural effects closer to symmetric",
    )
    prior_bias: float = param(
        0.3,
        "1",
        0,
        1,
        "How much more an experience that confirms prior trust weighs (and less one that contradicts it)",
        "F4 Rosenbaum et al. 2005; assumption on size",
    )
    victimization_valence: float = param(-0.4, "valence", -1, 0, "Effectiveness valence of being victimised", ASSUME)


@dataclass(frozen=True)
class WordOfMouth:
    """Stories passed along social ties."""

    tell_probability: float = param(
        0.35,
        "1",
        0,
        1,
        "Chance a tie hears a resident's story of a police contact that day",
        "F4 Rosenbaum et al. 2005; assumption on size",
    )
    vicarious_weight: float = param(
        0.3,
        "1",
        0,
        1,
        "Effect of a heard story relative to a direct experience",
        "F4 Rosenbaum et al. 2005: vicarious experience moves attitudes, less than direct",
    )
    retell_share: float = param(
        0.25,
        "1",
        0,
        0.95,
        "Share of a heard story passed on the next day (further hops)",
        ASSUME,
    )


@dataclass(frozen=True)
class Crime:
    """True victimisations at places."""

    violent_per_1000: float = param(
        20.4,
        "per 1000 persons/yr",
        0,
        500,
        "True violent victimisation rate at reference policing (before beat and place variation)",
        "F12 NCVS 2021-22: 16.5-23.5 per 1000 persons 12+; set so the baseline realises ~20 (docs/calibration.md)",
    )
    property_per_1000: float = param(
        51.7,
        "per 1000 persons/yr",
        0,
        1000,
        "True property victimisation rate at reference policing (before beat and place variation)",
        "F12 NCVS 2016: ~119 per 1000 households / 2.5 persons per household; baseline realises ~48",
    )
    elasticity_violent: float = param(
        0.4,
        "1",
        0,
        2,
        "Elasticity of violent crime to visible police hours (sign: more hours, less crime)",
        "F8 Chalfin & McCrary 2018; Chalfin et al. 2022: -0.3 to -0.5",
    )
    elasticity_property: float = param(
        0.25,
        "1",
        0,
        2,
        "Elasticity of property crime to visible police hours",
        "F8 Chalfin & McCrary 2018: property less elastic than violent",
    )
    reference_presence: float = param(
        5.67,
        "hours per 1000 residents/day",
        0.01,
        1000,
        "Visible police hours at which crime equals the rates above",
        "calibration: policing defaults, 2.2 x 0.65 x 0.62 x 8 h x (1 - 0.2)",
    )
    hotspot_deterrence: float = param(
        0.12,
        "per hour/day",
        0,
        2,
        "Local crime reduction per daily hour of foot presence at a place (exponential)",
        "F9 Ratcliffe et al. 2011: -23% violent with ~2 officer-hours a day per street segment (32 h/day over "
        "~15-20 segments a beat): exp(-0.12 x 2.2) = 0.77",
    )
    guardianship_effect: float = param(
        0.25,
        "1",
        0,
        1,
        "Largest victimisation reduction from engaged residents (guardianship)",
        "Sampson et al. 1997 (collective efficacy); assumption on size",
    )
    disorder_mean: float = param(
        0.25, "1", 0, 1, "Mean visible disorder at places (0-1), rising with crime risk", ASSUME
    )
    disorder_risk_exponent: float = param(
        0.5,
        "1",
        0,
        2,
        "Exponent of a place's crime risk in its base disorder: disorder_mean x risk^exponent (clipped to 1)",
        "assumption (range 0-1): disorder and crime go together at places but disorder is less concentrated "
        "(Skogan 1990; Weisburd et al. 2012)",
    )
    disorder_per_crime: float = param(
        0.01,
        "1 per crime",
        0,
        0.5,
        "Visible disorder a victimisation adds at its place (it then relaxes toward the place's base)",
        "assumption: Skogan 1990 (crime and disorder feed each other); small so disorder follows crime slowly",
    )
    disorder_half_life_days: float = param(
        30.0,
        "days",
        1,
        3650,
        "Half-life with which the signs crime leaves at a place (and program fixes) give way to its base disorder",
        "assumption (range 7-180): graffiti and damage are cleared within days to weeks, vacant and damaged "
        "property lingers for months (Skogan 1990)",
    )
    wave_sd: float = param(
        0.3,
        "log",
        0,
        2,
        "SD of the log of a beat's violence-wave factor (stationary): local disputes and retaliation that raise "
        "or lower violent offending for months (0: none)",
        "assumption (range 0.1-0.5): shootings cluster in time and space (Papachristos 2009; Loeffler & "
        "Flaxman 2018); area violence in Chicago moves by tens of percent from one year to the next",
    )
    wave_half_life_days: float = param(
        120.0,
        "days",
        7,
        3650,
        "Half-life of a beat's violence wave (an Ornstein-Uhlenbeck wander of its log factor, one step a week)",
        "assumption (range 30-365): retaliatory cycles last weeks to months (Papachristos 2009)",
    )
    compliance: float = param(
        1.0,
        "per unit legitimacy",
        0,
        5,
        "Fall of an offender's log offending rate per unit of legitimacy above the reference",
        "Tyler 1990; Papachristos, Meares & Fagan 2012 (legitimacy and gun carrying among offenders); "
        "assumption on size (range 0-2)",
    )
    incapacitation_days: float = param(
        60.0, "days", 0, 3650, "Mean days an arrested offender is off the street", ASSUME
    )


@dataclass(frozen=True)
class Reporting:
    """Victims reporting to police, and reports becoming recorded crimes."""

    violent_share: float = param(
        0.45,
        "1",
        0,
        1,
        "Share of violent victimisations reported at reference legitimacy",
        "F5 NCVS 1993-2022: ~40-50%",
    )
    property_share: float = param(
        0.33,
        "1",
        0,
        1,
        "Share of property victimisations reported at reference legitimacy",
        "F5 NCVS 1993-2022: ~30-40%",
    )
    seriousness_log_odds: float = param(
        1.2,
        "log-odds per SD",
        0,
        5,
        "Rise in the log-odds of reporting per SD of a crime's seriousness (injury, weapon, loss; need for "
        "insurance): the first reason victims call",
        "NCVS (Langton et al. 2012, Victimizations not reported): reporting runs from ~15-30% for minor thefts "
        "to ~60-80% for injuries and vehicle thefts; Skogan 1984; Tarling & Morris 2010 (range 0.8-1.8)",
    )
    legitimacy_log_odds: float = param(
        1.0,
        "log-odds per unit",
        0,
        10,
        "Rise in the log-odds of reporting per unit of legitimacy (a modest modifier of seriousness and need)",
        "F3 Tyler & Fagan 2008; Tarling & Morris 2010 and Goudriaan 2006: confidence in police adds modestly to "
        "reporting once seriousness is known; assumption on size (range 0.5-2)",
    )
    reference_legitimacy: float = param(
        0.47,
        "1",
        0,
        1,
        "Legitimacy at which the shares above apply",
        "calibration: baseline's mean starting legitimacy",
    )
    recording_share: float = param(
        0.82,
        "1",
        0,
        1,
        "Share of attended crime reports recorded as crimes",
        "HMIC 2014 crime data integrity: ~81% of reported crime recorded",
    )


@dataclass(frozen=True)
class Response:
    """Calls for service, response and clearance."""

    other_calls_per_1000: float = param(
        28.0,
        "per 1000 persons/yr",
        0,
        2000,
        "Resident-initiated calls that do not report a crime (help, disturbances)",
        "F6 PPCS 2015-2020: about half of resident-initiated contacts report a crime",
    )
    workload_per_1000: float = param(
        500.0,
        "per 1000 persons/yr",
        0,
        5000,
        "Other calls for service (alarms, traffic, transports) that take response hours",
        "assumption: US agencies log ~0.5-1 call per resident a year",
    )
    hours_per_crime_call: float = param(
        2.0, "hours", 0.1, 24, "Officer hours to answer and write up a crime report", ASSUME
    )
    hours_per_call: float = param(1.0, "hours", 0.1, 24, "Officer hours per other call", ASSUME)
    answered_valence: float = param(0.3, "valence", 0, 1, "Effectiveness valence of a call that is answered", ASSUME)
    unanswered_valence: float = param(-0.6, "valence", -1, 0, "Effectiveness valence of a call nobody answers", ASSUME)
    procedural_tint: float = param(
        0.3,
        "1",
        0,
        1,
        "Weight of an answered call's procedure (2q - 1) in its effectiveness valence",
        "assumption (range 0-0.5): as enforcement.procedural_tint; how a call is handled colours whether "
        "police are seen to get results (Skogan 2006)",
    )
    clearance_violent: float = param(
        0.45,
        "1",
        0,
        1,
        "Clearance share of recorded violent crime at reference cooperation",
        "FBI UCR 2019: 45.5% of violent crimes cleared",
    )
    clearance_property: float = param(
        0.17,
        "1",
        0,
        1,
        "Clearance share of recorded property crime at reference cooperation",
        "FBI UCR 2019: 17.2% of property crimes cleared",
    )
    cooperation_elasticity: float = param(
        1.0,
        "1",
        0,
        5,
        "Elasticity of clearance to neighbours' legitimacy (willingness to help)",
        "F3 Tyler & Fagan 2008; assumption on size",
    )
    clearance_cap: float = param(
        0.95,
        "1",
        0,
        1,
        "Largest chance that a recorded crime is cleared, however cooperative its neighbours",
        "assumption: even US homicide clearance is ~50-60% (FBI UCR 2019); the cap only binds in "
        "very cooperative places",
    )
    cleared_valence: float = param(
        0.6, "valence", 0, 1, "Effectiveness valence for a victim whose crime is cleared", ASSUME
    )


@dataclass(frozen=True)
class Policing:
    """Officers, beats, shifts and the time budget."""

    officers_per_1000: float = param(
        2.2,
        "officers per 1000",
        0,
        20,
        "Full-time sworn officers per 1000 residents",
        "F13 BJS LEMAS: 2.17 in 2016",
    )
    patrol_share: float = param(
        0.65,
        "1",
        0,
        1,
        "Share of sworn officers on beat (patrol) assignments",
        "BJS LEMAS 2013: about two thirds of sworn officers respond to calls",
    )
    workload_risk_weight: float = param(
        0.5,
        "1",
        0,
        1,
        "Weight of a beat's crime risk in how patrol officers are allocated: residents x (1 - w + w x risk)",
        "assumption (range 0-1): agencies allocate patrol by workload, between population and calls "
        "(IACP patrol staffing models)",
    )
    shift_hours: float = param(8.0, "hours", 1, 16, "Hours in a shift", "common 8-hour shift")
    duty_share: float = param(
        0.62,
        "1",
        0.1,
        1,
        "Share of days an officer is on duty (days off, leave, training, court)",
        "assumption: 5 of 7 days less ~13% leave and training",
    )
    admin_share: float = param(
        0.2,
        "1",
        0,
        0.9,
        "Share of on-duty hours spent on administration and breaks",
        "assumption: time-use studies report 15-30%",
    )
    budget_cut: float = param(0.0, "1", 0, 0.9, "Share of officer hours removed by a budget cut", ASSUME)
    cut_order: tuple[str, ...] = param(
        ("community", "foot", "enforcement", "car", "response"),
        "",
        None,
        None,
        "Order in which a budget cut removes activity hours (first listed goes first)",
        "assumption: agencies protect call response (PERF 2010 survey on cuts)",
        choices=("community", "foot", "enforcement", "car", "response"),
    )
    rotation_days: float = param(
        180.0, "days", 1, 36500, "Mean days an officer stays on a beat before reassignment", ASSUME
    )
    climate_half_life_days: float = param(
        60.0,
        "days",
        1,
        3650,
        "Half-life (days) of the running average of the legitimacy of the residents a beat's officers meet on "
        "routine work (each contact weighs alike)",
        "assumption (range 14-180): officers react within weeks to a turn of the public (de-policing after "
        "publicized incidents, Shjarback et al. 2017)",
    )
    climate_quality: float = param(
        0.3,
        "1",
        0,
        2,
        "Change of officers' procedural quality per unit change of sensed audience legitimacy (vs what they "
        "are used to)",
        "Bottoms & Tankebe 2012; Bradford & Quinton 2014: officers who feel recognised by the public are more "
        "committed to fair procedure; assumption on size",
    )
    withdrawal: float = param(
        0.5,
        "1",
        0,
        1,
        "Largest share of routine foot patrol and proactive hours officers drop when their audience turns",
        "Nix & Wolfe 2016; Shjarback et al. 2017 (de-policing under hostility and scrutiny); assumption on size "
        "(range 0.2-0.8)",
    )
    audience_adaptation_days: float = param(
        365.0,
        "days",
        7,
        36500,
        "Half-life with which what officers are used to (their normal audience) follows the audience they sense",
        "assumption (range 90-1825 days): officers' expectations of a beat follow its public over months to "
        "years (Bottoms & Tankebe 2012, dialogic legitimacy)",
    )
    withdrawal_threshold: float = param(
        0.05,
        "1",
        0,
        1,
        "Fall of sensed audience legitimacy below what officers are used to before any withdrawal starts",
        "assumption (range 0.03-0.15): withdrawal follows a marked turn, e.g. after a publicized incident, not "
        "the noise of whom officers met (SD ~0.02 over the window in a beat of 1,250 residents)",
    )
    withdrawal_width: float = param(
        0.06,
        "1",
        0.001,  # the model divides by it
        1,
        "Further fall past the threshold over which withdrawal grows from none to all of `withdrawal` (a smooth ramp)",
        "assumption (range 0.03-0.2): withdrawal is a collective turn of a beat's officers",
    )
    group_quality_shift: tuple[float, ...] = param(
        (0.0, -0.04),
        "1",
        -0.5,
        0.5,
        "Change of the procedural quality of routine contacts (calls, patrol, stops, arrests) with each group",
        "Voigt et al. 2017 (PNAS): officers' language toward Black residents in traffic stops was less "
        "respectful, controlling for the stop; Epp, Maynard-Moody & Haider-Markel 2014; assumption on size "
        "(range 0-0.1 below)",
    )
    demeanor_quality: float = param(
        0.2,
        "1",
        0,
        1,
        "Change of a stop's or arrest's procedural quality per unit of the resident's legitimacy (vs reference)",
        "Mastrofski, Reisig & McCluskey 2002; Reisig et al. 2004: disrespectful suspects get less respectful "
        "treatment; assumption on size",
    )
    skill_mean: float = param(
        0.7,
        "1",
        0,
        1,
        "Mean procedural skill of officers (chance-weighted quality of a contact)",
        "assumption: PPCS 2018 ~85-90% say police behaved properly",
    )
    skill_sd: float = param(0.08, "1", 0, 0.5, "Spread of skill between officers", ASSUME)
    contact_sd: float = param(0.2, "1", 0, 0.5, "Spread of quality between contacts of one officer", ASSUME)


@dataclass(frozen=True)
class Patrol:
    """Car and foot patrol; non-enforcement contacts and familiarity."""

    foot_hours: float = param(
        0.5,
        "hours per officer-shift",
        0,
        12,
        "Foot patrol hours per on-duty beat officer per shift",
        ASSUME,
    )
    contacts_per_foot_hour: float = param(
        1.0,
        "contacts/hour",
        0,
        30,
        "Non-enforcement conversations per hour on foot",
        "assumption: Cordner 2010 (foot patrol); Newark and Flint experiments",
    )
    contacts_per_car_hour: float = param(
        0.01,
        "contacts/hour",
        0,
        10,
        "Non-enforcement conversations per hour of car patrol",
        "F6 calibration (contact prevalence 21-24%; 0.02 gave 0.242 once rota and crime-led enforcement came in)",
    )
    contact_valence: float = param(
        0.5,
        "valence",
        0,
        1,
        "Mean valence of a well-delivered casual contact",
        "F2 Peyton et al. 2019: a positive non-enforcement visit",
    )
    valence_weight: float = param(
        0.5,
        "1",
        0,
        1,
        "Share of a casual or program contact's designed valence added to each component's valence",
        "assumption: a friendly conversation speaks to legitimacy and effectiveness alike, at half its valence",
    )
    procedural_tint: float = param(
        0.25,
        "1",
        0,
        1,
        "Weight of a casual or program contact's procedure (2q - 1) in its effectiveness valence",
        "assumption (range 0-0.5): a friendly contact says little about whether police get results (F3: "
        "procedure acts on legitimacy); legitimacy takes it at weight 1",
    )
    familiarity_step: float = param(
        0.2, "1", 0, 1, "Share of the distance to full familiarity closed by one contact", ASSUME
    )
    familiarity_half_life_days: float = param(
        120.0, "days", 1, 3650, "Half-life of familiarity without contact", ASSUME
    )
    presence_half_life_days: float = param(
        14.0,
        "days",
        1,
        365,
        "Half-life of the running average of police presence that offenders and residents respond to",
        ASSUME,
    )
    sighting_rate: float = param(
        2.8,
        "1 per foot-hour",
        0,
        100,
        "Daily chance rate of seeing police on foot per hour of foot presence at one's street segment, "
        "per unit of time spent out",
        "calibration: CSEW 2013/14, 32% of adults see police on foot at least weekly (data/README.md)",
    )
    community_presence: float = param(
        0.5,
        "1",
        0,
        1,
        "Deterrent presence of a community-work hour relative to a patrol hour",
        "assumption (range 0.25-1): officers at community work are on the beat but not patrolling",
    )


@dataclass(frozen=True)
class Enforcement:
    """Proactive stops and arrests."""

    proactive_hours: float = param(
        1.0,
        "hours per officer-shift",
        0,
        12,
        "Proactive enforcement hours per on-duty beat officer",
        ASSUME,
    )
    stops_per_hour: float = param(
        0.25,
        "stops/hour",
        0,
        10,
        "Pedestrian and traffic stops per proactive hour",
        "F6 calibration: ~8-10% of residents stopped a year (PPCS 2018)",
    )
    group_stop_ratio: tuple[float, ...] = param(
        (1.0, 1.5),
        "ratio",
        0,
        10,
        "Per-capita stop propensity of each group within a beat (relative)",
        "Pierson et al. 2020 (Stanford Open Policing): Black drivers stopped ~1.4x more; Gelman, Fagan & Kiss "
        "2007: pedestrian stops ~1.5-2.5x within precincts (range 1-3)",
    )
    youth_stop_ratio: float = param(2.5, "ratio", 0, 20, "Stop propensity of youth relative to adults", ASSUME)
    offender_stop_ratio: float = param(
        5.0, "ratio", 0, 100, "Stop propensity of active offenders relative to others", ASSUME
    )
    stop_arrest_share: float = param(
        0.05, "1", 0, 1, "Share of stops that end in an arrest", "assumption: NYPD SQF ~6%"
    )
    outcome_valence: float = param(
        -0.3, "valence", -1, 1, "Effectiveness valence of being stopped, before procedure", ASSUME
    )
    intrusion: float = param(
        0.3,
        "valence",
        0,
        1,
        "Legitimacy cost of being stopped at all (subtracted from the procedural valence 2q - 1)",
        "Tyler, Fagan & Geller 2014; Gau & Brunson 2010: intrusive stops lower legitimacy; F3 holds as fair "
        "stops still do better than unfair ones",
    )
    procedural_tint: float = param(
        0.3,
        "1",
        0,
        1,
        "Weight of a stop's or arrest's procedure (2q - 1) in its effectiveness valence (the outcome dominates)",
        "assumption (range 0-0.5): a fair stop leaves a less negative impression of whether police get "
        "results (F3), kept below legitimacy's weight of 1",
    )
    crime_response: float = param(
        0.5,
        "1",
        0,
        3,
        "Elasticity of a beat's proactive hours to its recorded crime relative to the department's expectation",
        "assumption (range 0-1): departments send proactive units where recorded crime rises (CompStat, "
        "Weisburd et al. 2003)",
    )
    crime_targeting: float = param(
        1.0,
        "1",
        0,
        3,
        "Elasticity of a beat's share of proactive effort to the recorded crime per resident it is known for "
        "(0: every officer does the same proactive work)",
        "Weisburd et al. 2016 (New York's stops concentrated in high-crime precincts); Gelman, Fagan & Kiss 2007; "
        "assumption on size (range 0.5-1.5)",
    )
    expectation_half_life_days: float = param(
        365.0,
        "days",
        30,
        36500,
        "Half-life with which the recorded crime a department expects of a beat follows what it records",
        "CompStat compares each period with the same period a year before (Weisburd et al. 2003); assumption "
        "(range 180-1095)",
    )
    review_half_life_days: float = param(
        60.0,
        "days",
        1,
        3650,
        "Half-life of the running average of recorded crime that proactive effort responds to",
        "assumption (range 14-180): crime reviews look back weeks to months",
    )
    arrest_valence: float = param(
        -0.7, "valence", -1, 1, "Effectiveness valence of being arrested, before procedure", ASSUME
    )


@dataclass(frozen=True)
class Complaints:
    """Complaints that follow poor contacts."""

    poor_contact_rate: float = param(
        0.08,
        "1",
        0,
        1,
        "Chance that a contact of the worst quality leads to a complaint",
        "assumption: ~1-5 complaints per 1000 contacts (Terrill & Ingram 2016)",
    )
    trust_dependency: float = param(
        0.5,
        "1",
        0,
        1,
        "How much residents with little legitimacy give up on complaining (0 none, 1 fully)",
        ASSUME,
    )
    casual_factor: float = param(
        0.02,
        "1",
        0,
        1,
        "Complaint chance of a poor casual or program contact relative to a poor stop, arrest or call",
        "assumption (range 0-0.1): complaints arise from enforcement, force and calls, rarely from a "
        "conversation (Terrill & Ingram 2016)",
    )
    familiarity_discount: float = param(
        0.5,
        "1",
        0,
        1,
        "Share by which a poor contact is less likely to become a complaint when the resident fully knows "
        "the beat team",
        "assumption (range 0.2-0.8): problems with known officers are settled informally; community policing "
        "reports up to 30% fewer complaints (seed articles)",
    )


@dataclass(frozen=True)
class Safety:
    """Perceived safety (feelings of security)."""

    initial: float = param(
        0.65, "1", 0, 1, "Mean starting perceived safety", "Gallup crime poll: ~2/3 feel safe walking alone at night"
    )
    initial_sd: float = param(
        0.1,
        "1",
        0,
        0.5,
        "Individual spread of perceived safety before surroundings set where it starts (SD of the personal baseline)",
        ASSUME,
    )
    half_life_days: float = param(30.0, "days", 1, 3650, "Half-life of adjustment toward what residents see", ASSUME)
    victim_drop: float = param(0.3, "1", 0, 1, "Share of perceived safety lost when victimised", ASSUME)
    heard_weight: float = param(0.3, "1", 0, 1, "Effect of hearing of a victimisation relative to one's own", ASSUME)
    disorder_weight: float = param(
        0.5,
        "1",
        0,
        1,
        "Weight of visible disorder in what residents see",
        "Skogan 1990 (disorder and decline); assumption on size",
    )
    foot_seen_weight: float = param(
        0.15,
        "1",
        0,
        1,
        "Rise of the safety residents see with the chance of seeing police on foot in a week (vs the city's)",
        "Police Foundation 1981 Newark foot patrol: residents felt safer; Kelling et al. 1974 Kansas City: "
        "routine car patrol did not change fear, so only police on foot count",
    )
    effectiveness_weight: float = param(
        0.2,
        "1",
        0,
        1,
        "Rise of the safety residents see per unit of perceived police effectiveness above the city's start",
        "assumption (range 0.1-0.4): confidence that police get results lowers fear (Skogan 2009)",
    )


@dataclass(frozen=True)
class Incidents:
    """Publicized incidents: badly handled encounters that make the news, here and far away."""

    local_per_100k: float = param(
        1.5,
        "per 100,000 residents a year",
        0,
        1000,
        "Publicized local incidents a year per 100,000 residents (real ones: at a city's scale) at the start's "
        "stops and their quality; they come from bad stops and arrests, so they follow how many there are, how "
        "they are done and where",
        "assumption (range 0.5-4): Chicago had a few dozen locally publicized police incidents a year in "
        "2015-2021 (~1-2 per 100,000); Weitzer 2002 (incidents of misconduct move local opinion for a year or "
        "two); a calibration target: areas' trust moves from one year to the next (data/README.md)",
    )
    national_per_year: float = param(
        6.0,
        "per year",
        0,
        52,
        "Incidents elsewhere that reach national news a year (the city hears of them, nobody here met them)",
        "Mapping Police Violence: ~1,100 people killed by US police a year, some a month national news; "
        "assumption (range 2-12)",
    )
    national_group_share: tuple[float, ...] = param(
        (0.15, 0.85),
        "1",
        0,
        1,
        "Share of nationally publicized incidents in which the person harmed is of each group (sums to 1)",
        "Mapping Police Violence 2013-2023: Black Americans 27% of those killed (13% of the population); the "
        "cases national news follows are mostly Black victims; assumption",
    )
    national_reach: float = param(
        0.25,
        "1",
        0,
        1,
        "Share of residents who meet a national incident in the news",
        "assumption (range 0.1-0.5): most national stories reach a minority of residents; Pew 2020: most "
        "adults followed the George Floyd news, the rare story that reaches nearly everyone",
    )
    local_reach: float = param(
        0.02,
        "1",
        0,
        1,
        "Share of the city's residents who meet a local incident in the news",
        "assumption (range 0-0.1): a local story reaches few outside its neighbourhood (local_salience)",
    )
    strength: float = param(
        1.0,
        "valence",
        0,
        1,
        "How bad a publicized local encounter is for the person harmed (valences -strength; 1: the worst)",
        ASSUME,
    )
    story_weight: float = param(
        30.0, "1", 0, 1000, "How much more widely a publicized encounter is retold than an ordinary contact", ASSUME
    )
    group_salience: float = param(
        2.0,
        "ratio",
        1,
        20,
        "Odds that a member of the harmed person's group meets the news, relative to others",
        "assumption (range 1-5): ethnic media and networks carry it further",
    )
    local_salience: float = param(
        100.0,
        "ratio",
        1,
        1000,
        "Odds that a resident of the incident's beat meets a local incident's news, relative to others",
        "assumption (range 30-300): neighbours hear of it first; with local_reach 0.02 two thirds of them do",
    )
    linked_fate: float = param(
        3.3,
        "1",
        0,
        10,
        "Extra weight of the news for residents who share the harmed person's group or, for a local incident, "
        "neighbourhood (x(1 + linked_fate))",
        "Dawson 1994 (linked fate); Bor et al. 2018 (police killings of unarmed Black Americans harmed Black "
        "Americans' mental health, not White Americans'); Gallup 2019-20: Black confidence fell ~2-3x as many "
        "points as White from a lower start; calibration (python benchmarks/calibrate_flows.py, range 2-6): "
        "today's flows hold the baseline's group gap",
    )
    news_legitimacy: float = param(
        -0.8,
        "valence",
        -1,
        0,
        "Legitimacy valence of seeing the video (before prior trust colours it)",
        "F4 Rosenbaum et al. 2005: vicarious experience moves attitudes; Weitzer 2002",
    )
    news_effectiveness: float = param(-0.2, "valence", -1, 0, "Effectiveness valence of seeing the video", ASSUME)
    news_weight: float = param(
        0.15,
        "1",
        0,
        1,
        "Effect of meeting an incident in the news relative to a direct experience (for residents of another "
        "group than the person harmed)",
        "assumption (range 0.05-0.3): below a story told by someone one knows (word_of_mouth.vicarious_weight)",
    )
    news_days: int = param(
        30,
        "days",
        1,
        365,
        "Days a story stays in the news",
        "assumption (range 14-90): a news cycle, longer where protests and an investigation follow",
    )
    local_exposures: float = param(
        8.0,
        "times",
        0,
        100,
        "Times a viewer meets a local incident while it is in the news (the video, follow-ups, protests, talk)",
        "assumption (range 2-12): a neighbourhood follows its own story for weeks (Weitzer 2002)",
    )
    national_exposures: float = param(
        2.0,
        "times",
        0,
        100,
        "Times a viewer meets an incident from elsewhere while it is in the news",
        "assumption (range 1-5)",
    )


CORE_SECTIONS: dict[str, type] = {
    "run": Run,
    "population": Population,
    "graph": Graph,
    "trust": Trust,
    "word_of_mouth": WordOfMouth,
    "crime": Crime,
    "reporting": Reporting,
    "response": Response,
    "policing": Policing,
    "patrol": Patrol,
    "enforcement": Enforcement,
    "complaints": Complaints,
    "safety": Safety,
    "incidents": Incidents,
}

"""The ``[survey]`` section: a simulated survey of residents, measured as real surveys are.

A survey samples residents per area (police beat) and period, either as a simple random
sample of a set size or as a self-selected online sample whose response propensity rises
with civic engagement and with the respondent's own trust, weighted afterwards by group
within area (or raked to group and age band within area) as survey vendors do. With
``responses_per_month`` the survey collects the real survey's number of answers city-wide
and areas get them by where respondents live; small cells can be left empty
(``min_cell_n``) as the published data leaves them. Respondents answer five items on the instrument's own
scale through an explicit measurement model (cpsim/survey.py, docs/calibration.md): the
latent 0-1 state is shifted by an item offset, stretched by a slope, blurred by a
respondent's response style and item noise, then rounded and censored to the scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cpsim.scenario.params import param

ASSUME = "assumption"
DESIGNS = ("none", "random", "online")
WEIGHTING = ("none", "group", "rake")
# Item order of item_offsets and item_noise; the latent each item reads is in cpsim/survey.py.
ITEMS = ("listen", "respect", "safe", "confidence", "good_job")


@dataclass(frozen=True)
class Survey:
    """A simulated survey of residents (off unless ``design`` is 'random' or 'online')."""

    design: str = param(
        "none",
        "",
        None,
        None,
        "How respondents are found: no survey, a simple random sample per area, or a self-selected online sample",
        "Chicago police sentiment scores: online, self-selected, weighted by the vendor (data/README.md)",
        choices=DESIGNS,
    )
    first_day: int = param(
        1, "day", 1, 36500, "First day of the first survey period (days before it are a burn-in)", ASSUME
    )
    period_days: int = param(
        365,
        "days",
        1,
        3650,
        "Length of a survey period (one wave of estimates per period)",
        "Chicago sentiment scores are published per year",
    )
    fieldwork_days: int = param(
        12,
        "days",
        1,
        365,
        "Days in each period on which respondents answer, evenly spaced (the last ends the period)",
        "assumption: continuous online fieldwork approximated by monthly waves",
    )
    respondents_per_area: float = param(
        100.0,
        "respondents",
        1,
        100_000,
        "Mean respondents per area and period",
        "data/README.md: tens to a few hundred answers per community area a year",
    )
    size_by_population: bool = param(
        False,
        "",
        None,
        None,
        "Respondents per area in proportion to the area's residents (mean respondents_per_area); else equal",
        "online samples grow with an area's population; assumption",
    )
    engagement_log_odds: float = param(
        2.0,
        "log-odds per unit",
        -10,
        10,
        "Online design: rise in the log-odds of answering per unit of civic engagement (0-1)",
        "assumption: web-survey response rises with civic engagement (Groves et al. 2004)",
    )
    attitude_log_odds: float = param(
        1.0,
        "log-odds per unit",
        -10,
        10,
        "Online design: rise in the log-odds of answering per unit of the resident's trust (0-1)",
        "assumption: residents who trust the police answer a police-sponsored survey more often",
    )
    group_response: tuple[float, ...] = param(
        (1.0, 1.0),
        "ratio",
        0.01,
        100,
        "Online design: relative response propensity of each group (one per population.group_names)",
        "assumption: online panels under-represent some groups; weighting by group corrects it",
    )
    responses_per_month: float = param(
        0.0,
        "answers/month",
        0,
        100_000,  # 57 times the Chicago survey's: a year's answers must fit in memory at once
        "Answers a month city-wide, drawn from residents with replacement (by design and propensity), so areas "
        "get them by where respondents live; 0: respondents_per_area answers per area and period instead",
        "CPD and Elucd 2020: 1,500-2,000 responses a month citywide, ~1,750 (data/README.md); at 1:100 each "
        "simulated resident stands for 100 real people, so one may answer more than once (assumption)",
    )
    youth_response: float = param(
        1.0,
        "ratio",
        0.01,
        100,
        "Online design: response propensity of residents in the youth band (12-24) relative to older residents",
        "assumption: online samples recruited by ads are uneven by age; weighting = 'rake' corrects it",
    )
    weighting: str = param(
        "group",
        "",
        None,
        None,
        "Weights of area estimates: none (each respondent counts once), post-stratified by group within area, "
        "or raked to group and age band (youth or not) within area",
        "survey vendors weight to the area's population by demographic group (data/README.md); the sentiment "
        "scores' method is undocumented: raking to several margins is the usual choice for online samples "
        "(assumption; the model has age bands but no sex)",
        choices=WEIGHTING,
    )
    min_cell_n: int = param(
        0,
        "answers",
        0,
        100_000,
        "Fewest answers an estimate (area, area x group, city x group) needs to be reported; fewer: NA",
        "the published sentiment scores leave cells with too few answers NA; the threshold is not documented "
        "(assumption)",
    )
    slope: float = param(
        1.0,
        "1",
        0,
        5,
        "How far answers move per unit of latent state (0-1 scale; 1 = one scale point per 0.1)",
        "assumption; a calibration parameter",
    )
    offset: float = param(
        0.0,
        "1",
        -1,
        1,
        "Shift of every item's answers on the 0-1 scale (how agreeable respondents are overall)",
        "assumption; a calibration parameter (per-item shifts: item_offsets)",
    )
    item_offsets: tuple[float, ...] = param(
        (0.0, 0.0, 0.0, 0.0, 0.0),
        "1",
        -1,
        1,
        "Shift of each item's answers on the 0-1 scale (items: listen, respect, safe, confidence, good_job)",
        "assumption; calibration parameters (how agreeable each statement is)",
    )
    trust_offset: float = param(
        0.0,
        "points (0-10)",
        -5,
        5,
        "Shift of the answers to the two trust items (listen, respect), in points of their 0-10 scale",
        "assumption; a calibration parameter (the trust and safety items each get their own offset)",
    )
    trust_slope: float = param(
        1.0,
        "1",
        0,
        5,
        "Slope of the trust items' answers relative to `slope` (their answers move slope x trust_slope points "
        "per 0.1 of latent legitimacy)",
        "assumption; a calibration parameter",
    )
    safety_offset: float = param(
        0.0,
        "points (0-10)",
        -5,
        5,
        "Shift of the answers to the safety item, in points of its 0-10 scale",
        "assumption; a calibration parameter",
    )
    safety_slope: float = param(
        1.0,
        "1",
        0,
        5,
        "Slope of the safety item's answers relative to `slope`",
        "assumption; a calibration parameter",
    )
    item_change_wave: int = param(
        0,
        "wave",
        0,
        1000,
        "First wave (0 = the first) asked with changed trust items; item_change_shift applies from it on",
        "Chicago: the trust items were reworded in 2020 (listen and respect present from 2020 only, data/README.md"
        "), wave 3 when the first wave is 2017",
    )
    item_change_shift: float = param(
        0.0,
        "points (0-10)",
        -5,
        5,
        "Shift of the trust items' answers from item_change_wave on (a change of wording, not of trust)",
        "assumption; a calibration parameter: every group's trust jumped ~6 points in 2020, the year of the "
        "change (data/README.md)",
    )
    item_noise: tuple[float, ...] = param(
        (0.15, 0.15, 0.15, 0.15, 0.15),
        "1",
        0,
        1,
        "SD of each item's response noise on the 0-1 scale (same item order)",
        "assumption: test-retest error of single attitude items is ~1-2 points of 10",
    )
    person_sd: float = param(
        0.05,
        "1",
        0,
        1,
        "SD of a respondent's response style, shared by all their answers (0-1 scale)",
        "assumption: acquiescence makes items of one respondent correlate",
    )


SURVEY_SECTIONS: dict[str, type] = {"survey": Survey}


def survey_problem(scenario: Any) -> tuple[str, str] | None:
    """Cross-section checks of the survey section.

    Args:
        scenario: A Scenario with a ``survey`` section.

    Returns:
        None when the survey is consistent, else (key, "problem; allowed: ...").

    """
    s = scenario.survey
    n = len(scenario.population.group_names)
    if len(s.group_response) != n and s.design != "none":
        got = len(s.group_response)
        return "group_response", f"has {got} values; allowed: one per group in population.group_names ({n})"
    for key in ("item_offsets", "item_noise"):
        got = len(getattr(s, key))
        if got != len(ITEMS):
            return key, f"has {got} values; allowed: one per item ({', '.join(ITEMS)})"
    return None if s.design == "none" else _timing_problem(scenario)


def _timing_problem(scenario: Any) -> tuple[str, str] | None:
    """A survey's periods, fieldwork and sample against the run's days and the city's areas."""
    s, days, pop = scenario.survey, scenario.run.days, scenario.population
    if s.first_day > days:
        return "first_day", f"day {s.first_day} is after the run ends; allowed: 1 to run.days = {days}"
    if s.fieldwork_days > s.period_days:
        return "fieldwork_days", f"{s.fieldwork_days} in a period of {s.period_days} days; allowed: at most period_days"
    surveyed = days - s.first_day + 1
    if surveyed % s.period_days:  # the last wave would hold only some of its fieldwork days, reported as whole
        whole = surveyed // s.period_days
        fits = [s.first_day - 1 + k * s.period_days for k in (whole, whole + 1) if k > 0]
        return (
            "period_days",
            f"run.days = {days} ends inside a survey period ({surveyed} days from first_day {s.first_day} are "
            f"{surveyed / s.period_days:.3g} periods of {s.period_days} days); allowed: whole periods, e.g. run.days = "
            + " or ".join(map(str, fits)),
        )
    per_area = pop.residents / pop.beats
    # (answers drawn city-wide, responses_per_month, come with replacement: respondents_per_area is unused)
    if s.responses_per_month == 0 and s.respondents_per_area > per_area:  # one would answer twice in a period
        return (
            "respondents_per_area",
            f"{s.respondents_per_area:g} respondents in areas of {per_area:.3g} residents on average "
            f"(population.residents / population.beats); allowed: at most {per_area:.3g}",
        )
    return None

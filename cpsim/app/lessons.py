"""Guided lessons: what to notice and what to try with each scenario (NetLogo's Info tab).

The page shows the picked scenario's lesson beside the controls; docs/classroom.md shows
every lesson with the figures measured by ``python -m cpsim.app.lesson_runs``. Lessons ask
and point; they state no results, so they stay true when the model's calibration changes
(the measured figures are regenerated instead). ``**Name**`` marks a lever by its label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Lesson:
    """One scenario's lesson.

    Attributes:
        title: The scenario's name for a class.
        notice: Things to notice (predict first, then watch).
        try_: Things to try (a lever to move, then Reset).
        discuss: A question for the group.

    """

    title: str
    notice: tuple[str, ...]
    try_: tuple[str, ...]
    discuss: str


LESSONS: dict[str, Lesson] = {
    "baseline": Lesson(
        "Baseline",
        (
            "The two groups start far apart: in US surveys, confidence in police differs by group (Gallup, F7). "
            "Find the beat where the minority group lives on the picture ('trust now').",
            "Step ten days and watch 'change since the start': a few residents are ringed each day (a contact, a "
            "story heard). Which ones change colour, and by how much?",
        ),
        (
            "Press Play, then pause at day 100. Is the average moving, or are ups and downs cancelling out?",
            "Change the **Random seed** and Reset: how different is the same neighbourhood with other luck?",
        ),
        "What does a stable average hide?",
    ),
    "foot_patrol": Lesson(
        "Foot patrol",
        (
            "Before Play, predict: does walking two hours a shift change crime, complaints and trust? In which "
            "direction each?",
            "Watch the black rings (police contacts): foot patrol means more casual contacts.",
        ),
        (
            "Move **Foot patrol** to 4 h per shift and Reset. Does more walking do more of the same?",
            "Compare complaints (Trends) with the trust difference (Your choices vs the baseline).",
        ),
        "Is a complaint a sign of failure, or a sign of contact?",
    ),
    "budget_cut": Lesson(
        "Budget cut",
        (
            "A 20% cut in officer hours. Which activities lose hours first? (Trends: officer hours by activity.)",
            "Watch true crime and the feeling of safety rather than trust.",
        ),
        ("Move **Budget cut** to 40% and Reset: does the damage grow in step with the cut?",),
        "Why does trust hardly move when the police do less?",
    ),
    "budget_cut_liaison": Lesson(
        "Budget cut, liaison protected",
        ("The same 20% cut, with the liaison unit protected. Compare officer hours with the budget_cut scenario.",),
        ("Pick budget_cut as **Compare with** (under Run settings) and Reset: the two cuts side by side.",),
        "What did protecting the unit cost in patrol, and what did it buy?",
    ),
    "liaison": Lesson(
        "Liaison officers",
        (
            "Liaison officers seek out residents with low trust: watch the minority line on 'your choices minus the "
            "baseline', and the green rings on the picture.",
        ),
        ("Move **Liaison officers** to 4 and Reset: four times the officers, four times the effect?",),
        "Is the change worth the officer hours? What would you need to know to say?",
    ),
    "beat_meetings": Lesson(
        "Beat meetings",
        ("Attendance is voluntary (F10): who comes? Watch where the green rings appear on meeting days.",),
        ("Move **Beat meetings** to 24 a year and Reset: does meeting twice as often reach different people?",),
        "How would you reach the residents who never come?",
    ),
    "listening_sessions": Lesson(
        "Listening sessions",
        ("Quarterly sessions where command staff listen. Count the green rings on a session day.",),
        (
            "Compare with coffee_with_cop and block_parties (pick each, or use **Compare with**): rank the three by "
            "reach before you run them.",
        ),
        "Which matters more for trust: being heard, or seeing something fixed?",
    ),
    "coffee_with_cop": Lesson(
        "Coffee with a Cop",
        ("Small, friendly conversations with the few who drop in: who are they?",),
        ("Compare its officer hours (Trends) and its trust difference with listening_sessions.",),
        "Can a friendly event change the minds of people who never attend?",
    ),
    "block_parties": Lesson(
        "Block parties",
        ("Seasonal parties and clean-ups: wider reach on the block, and the most disordered places cleaned.",),
        ("Watch the feeling of safety as well as trust (Your choices vs the baseline: the table).",),
        "Is a cleaner street a police achievement?",
    ),
    "athletic_league": Lesson(
        "Athletic league",
        ("Officers coach enrolled youth each week. How many youth take part in a neighbourhood this size?",),
        ("Before Play: which would move first, trust or offending? Then check true crime (Trends).",),
        "Who are these programs for: the youth, their parents, or the neighbourhood?",
    ),
    "mentorship": Lesson(
        "Mentorship",
        ("One mentor per beat, three youth each: a very small program. Can you find it on the picture?",),
        ("Raise **Officers** and Reset: does the program grow with the force?",),
        "How would you judge a program whose effect is too small to see in one neighbourhood?",
    ),
    "steady_beat_officers": Lesson(
        "Steady beat officers",
        (
            "One steady officer per beat, never rotated, with time to meet residents: watch the green rings build up "
            "over weeks. It is one part of the neighbourhood-policing package, without its foot patrol or meetings.",
        ),
        (
            "Move **Proactive stops** to 0 h per shift and Reset: does the steady officer do more without stops?",
            "Pick foot_patrol as **Compare with**: which neighbourhood would you choose?",
        ),
        "What is familiarity worth, and what does it cost in visible patrol?",
    ),
    "neighbourhood_policing": Lesson(
        "Neighbourhood-policing package",
        (
            "All three parts at once: steady beat officers with community time, foot patrol where the trouble is, "
            "and beat meetings whose problems get solved (NRPP: it works when all three are delivered).",
            "Watch the difference from the baseline over months, not days: relationships accumulate.",
        ),
        (
            "Pick steady_beat_officers as **Compare with** and Reset: the steady officer alone against the whole "
            "package.",
            "Move **Proactive stops** to 2 h per shift and Reset: does a crackdown undo the package?",
        ),
        "What would a package delivered in name only look like, and how would residents notice?",
    ),
    "orientation": Lesson(
        "Beat orientation",
        ("Officers new to a beat are introduced to its residents. Rotations are when familiarity is lost.",),
        ("Lower **Officers** and Reset: when does an orientation matter most?",),
        "Why do residents care whether they know the officer?",
    ),
    "training": Lesson(
        "Procedural-justice training",
        ("A tenth of untrained beat officers are trained each month: the effect arrives only through their contacts.",),
        ("Move **Procedural-justice training** to 50% a month and Reset.",),
        "Why are training effects slow and small in the data (Wood, Tyler & Papachristos 2020)?",
    ),
    "hotspots": Lesson(
        "Hot-spot patrol",
        ("Foot patrol at the riskiest streets (F9): predict what happens to stops and to trust there.",),
        ("Look at the beat map under the picture, on 'change since the start': which streets lose trust?",),
        "Who bears the cost of hot-spot policing, and who gets the benefit?",
    ),
    "focused_deterrence": Lesson(
        "Focused deterrence",
        ("Twice a year the highest-rate offenders are called in: watch true crime, not trust.",),
        ("Compare true and recorded crime (Trends) with the baseline.",),
        "Can a strategy work without residents noticing it?",
    ),
    "co_responder": Lesson(
        "Co-responder team",
        ("A clinician rides to mental-health crisis calls: look at complaints and at officer hours.",),
        ("Move **Budget cut** to 20% and Reset: does the team survive a cut?",),
        "Where do the team's hours come from, and what do they replace?",
    ),
    "watch": Lesson(
        "Neighbourhood watch",
        ("Watch groups on a quarter of the streets (F11): guardians, and a way to report.",),
        ("Move **Neighbourhood watch** to 75% of streets and Reset. Then compare true with recorded crime (Trends).",),
        "Can recorded crime rising be good news?",
    ),
    "transparency": Lesson(
        "Transparency dashboards",
        ("Monthly dashboards: residents who look see what police actually achieve.",),
        ("Lower **Officers** and Reset: what does a dashboard show when the police do less?",),
        "Why could publishing the record lower trust for some residents?",
    ),
    "incident": Lesson(
        "A filmed incident",
        (
            "Before Play: on day 60 a badly handled encounter is filmed in the lowest-trust beat. Whose trust "
            "falls, by how much, for how long?",
            "On day 60, watch the rings spread: almost everyone hears the story.",
        ),
        (
            "Move **Filmed incident** to day 30 and **Foot patrol** to 2 h per shift, and Reset: does a familiar beat "
            "team soften the fall?",
        ),
        "How long does a neighbourhood remember?",
    ),
    "trial_peyton": Lesson(
        "A randomised visit",
        ("A single door-to-door visit, randomised among residents (Peyton et al. 2019): 110 days.",),
        ("Watch the picture on day 1-3 of the visits: who is ringed? Then read `cpsim trial`'s analysis.",),
        "Why randomise, and why measure at 3 and at 21 days?",
    ),
}

OPEN_LAB = Lesson(
    "Open lab",
    ("Say you have about 500 extra officer hours a year.",),
    (
        "Which combination of levers buys the most trust for the minority group? Check your answer with three "
        "**Random seed** values.",
    ),
    "Would your answer change in a neighbourhood with more crime, or fewer officers?",
)


def lesson_for(stem: str, name: str = "") -> Lesson:
    """The lesson of a scenario file (by file stem); an open lab for a scenario without one."""
    return LESSONS.get(stem) or Lesson(
        name or stem.replace("_", " ").capitalize(), OPEN_LAB.notice, OPEN_LAB.try_, OPEN_LAB.discuss
    )


def levers_named(text: str) -> list[str]:
    """The labels marked ``**Name**`` in a lesson's text."""
    return re.findall(r"\*\*(.+?)\*\*", text)


def to_html(text: str) -> str:
    """A lesson line as HTML: ``**Name**`` in bold, ``code`` in monospace."""
    html = escape(text)
    html = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", html)

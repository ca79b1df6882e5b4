"""Rules across keys: what each value's own range cannot say.

Every rule that relates two keys, or a key and a file, lives here and runs in the loader,
so ``cpsim check`` and every command see the same verdict before anything runs: group
lists agree with the group names, shares sum to one, beats fit the population, a graph
file exists, is a graph and has one node per resident, the incident happens on a beat that
exists and within the run, the survey's lists fit its groups and items, an areas file is readable
and has a column per group and a resident in every area, a field
trial's groups, beats and follow-up fit the city, and the areas a program is confined to exist.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cpsim.scenario.areas_file import AreasFileError, read_areas
from cpsim.scenario.areas_section import resolve_areas
from cpsim.scenario.graphfile import GraphFileError, count_graph_nodes
from cpsim.scenario.program_areas import KIND as AREAS
from cpsim.scenario.program_areas import areas_problem
from cpsim.scenario.program_sections import PROGRAM_SECTIONS
from cpsim.scenario.survey_section import survey_problem
from cpsim.scenario.trial_section import TRIAL_SECTIONS

# The sections that may confine their program to some areas (cpsim/scenario/program_areas.py).
CONFINABLE = {
    name: cls
    for name, cls in {**PROGRAM_SECTIONS, **TRIAL_SECTIONS}.items()
    if any(f.name == AREAS for f in dataclasses.fields(cls))
}

# Every key a rule reads: a sweep that varies none of them cannot break a rule at any point.
RULE_KEYS = frozenset(
    {
        "population.group_names", "population.group_shares", "trust.initial_by_group", "enforcement.group_stop_ratio",
        "policing.group_quality_shift", "incidents.national_group_share",
        "survey.design", "survey.group_response", "survey.item_offsets", "survey.item_noise", "survey.first_day",
        "survey.period_days", "survey.fieldwork_days", "survey.respondents_per_area",
        "population.beats", "population.residents", "graph.kind", "graph.path", "run.days", "policing.cut_order",
        "areas.path", "areas.adjacency", "areas.scale", "areas.composition",
        "incident.enabled", "incident.beat", "incident.day",
        "trial.enabled", "trial.eligibility", "trial.group", "trial.beat", "trial.trust_low", "trial.trust_high",
        "trial.start_day", "trial.delivery_days", "trial.followup_days",
        *(f"{name}.{AREAS}" for name in CONFINABLE),
    }
)  # fmt: skip
# Residents' group is stored as int8, and the results store keeps one column per group.
MAX_GROUPS = 100
PER_GROUP = (
    ("population", "group_shares"),
    ("trust", "initial_by_group"),
    ("enforcement", "group_stop_ratio"),
    ("policing", "group_quality_shift"),
    ("incidents", "national_group_share"),
)
# Per-group shares that must sum to one.
SHARES = (("population", "group_shares"), ("incidents", "national_group_share"))


class RuleError(ValueError):
    """A broken rule: the dotted key to blame, "problem; allowed: ..." text, and the other keys involved."""

    def __init__(self, key: str, text: str, related: tuple[str, ...] = ()) -> None:
        super().__init__(text)
        self.key = key
        self.keys = (key, *related)


def group_slug(name: str) -> str:
    """The part of a group's name that names its columns (letters and digits, lower case)."""
    return re.sub(r"\W+", "_", name.lower()).strip("_")


def check_rules(scenario: Any, origin: Callable[[str], str | None]) -> Any:
    """Apply every cross-key rule; return the scenario with ``graph.path`` resolved.

    Args:
        scenario: A Scenario whose values each passed their own range check.
        origin: Dotted key -> the file (or flag) that set it, None for a default.

    Returns:
        The scenario, with a relative ``graph.path`` made relative to the file naming it.

    Raises:
        RuleError: The first broken rule.

    """
    scenario = _areas(scenario, origin)  # first: an areas file sets the beats, shares and residents checked below
    _groups(scenario)
    scenario = _graph(scenario, origin("graph.path"))
    _beats(scenario)
    _cut_order(scenario)
    _incident(scenario)
    _trial(scenario)
    _survey(scenario)
    _program_areas(scenario)
    return scenario


def _groups(s: Any) -> None:
    names = s.population.group_names
    if len(names) > MAX_GROUPS:
        raise RuleError("population.group_names", f"{len(names)} groups; allowed: 1 to {MAX_GROUPS} groups")
    seen: dict[str, str] = {}
    for name in names:
        if not name.strip():
            raise RuleError("population.group_names", f"an empty name {name!r}; allowed: names with letters")
        if not name.isprintable():  # NUL, other control and invisible characters (a zero-width space)
            raise RuleError(
                "population.group_names",
                f"{name!r} holds a control or invisible character; allowed: names of letters, digits, spaces and "
                "punctuation that print",
            )
        slug = group_slug(name)
        if not slug:  # its columns would be named trust_end_ and the like
            raise RuleError(
                "population.group_names",
                f"{name!r} has no letter or digit; allowed: names with letters (each group's columns are named "
                "after its letters and digits)",
            )
        if slug in seen:
            same = f"{name!r} is named twice" if seen[slug] == name else f"{seen[slug]!r} and {name!r} name one group"
            raise RuleError(
                "population.group_names",
                f"{same}; allowed: names that differ in more than case and punctuation "
                "(each group gets its own figures and columns)",
            )
        seen[slug] = name
    for sec, key in PER_GROUP:
        got = len(s.get(f"{sec}.{key}"))
        if got != len(names):
            raise RuleError(
                f"{sec}.{key}", f"has {got} values; allowed: one per group in population.group_names ({len(names)})"
            )
    for sec, key in SHARES:
        total = sum(s.get(f"{sec}.{key}"))
        if abs(total - 1.0) > 1e-6:
            raise RuleError(f"{sec}.{key}", f"shares sum to {total:g}; allowed: a sum of 1")


def _areas(s: Any, origin: Callable[[str], str | None]) -> Any:
    try:
        return resolve_areas(s, origin)  # the [areas] section's own rules (cpsim/scenario/areas_section.py)
    except AreasFileError as err:
        raise RuleError(err.key, str(err), ("areas.path",)) from None


def _beats(s: Any) -> None:
    pop = s.population
    if pop.beats > pop.residents:
        raise RuleError(
            "population.beats",
            f"{pop.beats} beats for {pop.residents} residents; allowed: at most population.residents beats",
        )


def _cut_order(s: Any) -> None:
    order = s.policing.cut_order
    every = next(f for f in dataclasses.fields(type(s.policing)) if f.name == "cut_order").metadata["spec"].choices
    allowed = f"allowed: each of {', '.join(every)} once, in the order a cut takes them"
    twice = [a for a in dict.fromkeys(order) if order.count(a) > 1]
    if twice:
        raise RuleError("policing.cut_order", f"{twice[0]!r} is listed twice; {allowed}")
    missing = [a for a in every if a not in order]
    if missing:  # a cut takes hours only from listed activities: a short list cuts less than budget_cut asks
        raise RuleError(
            "policing.cut_order",
            f"{', '.join(missing)} not listed (a cut would take less than policing.budget_cut asks); {allowed}",
        )


def _graph(s: Any, origin: str | None) -> Any:
    g = s.graph
    if g.kind != "file":
        return s
    allowed = "a GraphML (.graphml) or edge-list file, relative to the scenario file that names it"
    if not g.path:
        raise RuleError("graph.path", f"empty; allowed: {allowed}, when graph.kind = 'file'", ("graph.kind",))
    path = Path(g.path)
    if not path.is_absolute() and origin is not None and Path(origin).is_file():
        path = Path(origin).parent / path
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a name too long, or with a NUL byte
        is_file = False
    if not is_file:
        raise RuleError("graph.path", f"file {g.path!r} not found (looked for {str(path)!r}); allowed: {allowed}")
    try:
        nodes = count_graph_nodes(path)
    except GraphFileError as err:
        raise RuleError("graph.path", f"{str(path)!r}: {err}; allowed: {allowed}") from None
    n = s.population.residents
    if nodes != n:
        raise RuleError(
            "graph.path",
            f"{str(path)!r} has {nodes} people (nodes); allowed: a graph with one node per resident "
            f"(population.residents = {n})",
        )
    return dataclasses.replace(s, graph=dataclasses.replace(g, path=str(path)))


def _incident(s: Any) -> None:
    inc = s.incident
    if not inc.enabled or inc.strength == 0:
        return
    beats = s.population.beats
    if inc.beat >= beats:
        raise RuleError(
            "incident.beat",
            f"{inc.beat} is not a beat; allowed: -1 (the beat with the lowest trust) or 0 to {beats - 1} "
            f"(population.beats = {beats})",
        )
    if inc.day > s.run.days:
        raise RuleError(
            "incident.day",
            f"day {inc.day} is after the run ends; allowed: 1 to run.days = {s.run.days}",
        )


def _program_areas(s: Any) -> None:
    a = s.areas
    names = read_areas(a.path, s.population.group_names, a.composition, a.adjacency).names if a.path else None
    problem = areas_problem(s, CONFINABLE, names)
    if problem:
        raise RuleError(*problem)


def _survey(s: Any) -> None:
    problem = survey_problem(s)  # the [survey] section's own rules (cpsim/scenario/survey_section.py)
    if problem:
        raise RuleError(f"survey.{problem[0]}", problem[1])


def _trial(s: Any) -> None:
    t = s.trial
    if not t.enabled:
        return
    names = s.population.group_names
    if t.eligibility == "group" and t.group not in names:
        raise RuleError("trial.group", f"{t.group!r} is not a group; allowed: one of " + ", ".join(map(repr, names)))
    beats = s.population.beats
    if t.eligibility == "beat" and t.beat >= beats:
        raise RuleError(
            "trial.beat", f"{t.beat} is not a beat; allowed: a whole number in [0, {beats - 1}] (population.beats)"
        )
    if t.eligibility == "trust_band" and t.trust_low >= t.trust_high:
        raise RuleError(
            "trial.trust_low", f"{t.trust_low:g} is not below trust_high ({t.trust_high:g}); allowed: a lower value"
        )
    longest = max_days(s)
    last = t.start_day + t.delivery_days - 1 + max(t.followup_days)
    if last > longest:
        raise RuleError(
            "trial.start_day",
            f"the last follow-up falls on day {last} (start_day + delivery_days - 1 + the longest follow-up); "
            f"allowed: at most {longest} days, the longest run",
        )


def max_days(s: Any) -> int:
    """The longest run a scenario allows (the upper bound of ``run.days``)."""
    field = next(f for f in dataclasses.fields(type(s.run)) if f.name == "days")
    return int(field.metadata["spec"].hi)


def price_problem(scenarios: list[tuple[str, Any]]) -> tuple[int, str] | None:
    """Scenarios compared with one another must price costs in one currency and year.

    A comparison subtracts one scenario's costs from another's and prints them under the
    first one's currency: USD 2024 beside EUR 1990 would be read as one unit.

    Args:
        scenarios: (label, Scenario) pairs, the first one the reference (a comparison's baseline).

    Returns:
        None when they agree, else (index of the first that differs, "costs.KEY: problem; allowed: ...").

    """
    first_label, first = scenarios[0]
    want = (first.costs.currency, first.costs.price_year)
    for i, (_, sc) in enumerate(scenarios[1:], 1):
        got = (sc.costs.currency, sc.costs.price_year)
        if got != want:
            key = "currency" if got[0] != want[0] else "price_year"
            return i, (
                f"costs.{key}: prices in {got[0]} {got[1]} beside {want[0]} {want[1]} in {first_label}; allowed: one "
                "currency and price year in every scenario compared (costs are subtracted across them)"
            )
    return None

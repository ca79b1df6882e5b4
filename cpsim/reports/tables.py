"""The text of a brief's tables, shared by the terminal, the HTML report and the docs.

Each function returns a header and rows of :class:`Cell` (text and how to read it: a
verdict such as "better", "worse" or "levelling down", or "" when there is nothing to
flag). The CLI (cpsim/cli/render.py), the report (cpsim/reports/html_report.py) and the generated docs
(cpsim/reports/docs_figures.py) only lay them out, so a number reads the same everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd

from cpsim.headline import CHANGES, COST, METRICS, interval, is_nan, plural, verdict
from cpsim.reports.brief import Brief
from cpsim.studies.breakdowns import BY_NAME as BREAKDOWN
from cpsim.studies.gaps import VERDICTS
from cpsim.studies.trajectories import BY_NAME as SERIES


class Cell(NamedTuple):
    """A table cell: its text and its reading ("better", "worse", "clear", "levelling down", "mixed" or "")."""

    text: str
    kind: str = ""


Rows = list[list[Cell]]


def iv(d: float, lo: float, hi: float, places: int = 4, scale: float = 1.0, unit: str = "") -> str:
    """``+d [lo, hi]`` with a sign, optionally scaled (e.g. 100 for percentage points)."""
    if is_nan(d):
        return "n/a"
    if is_nan(lo) or is_nan(hi):
        return f"{scale * d:+.{places}f}{unit}"
    return f"{scale * d:+.{places}f}{unit} [{scale * lo:+.{places}f}, {scale * hi:+.{places}f}]"


def reading(r: pd.Series) -> str:
    """How to read a comparison row's difference: the gap's fair reading for the trust gap, else its verdict."""
    if r["metric"] == "trust_gap_end" and r.get("reading"):
        return VERDICTS.get(r["reading"], verdict(r))
    return verdict(r)


def effects(brief: Brief) -> tuple[list[str], Rows]:
    """How big: raw difference, SD units, change in the share confident (and residents), as surveyed."""
    head = [
        "scenario",
        "figure",
        "Δ [95% CI]",
        "Δ in SD of baseline residents",
        "Δ share confident",
        "Δ confident residents",
        "Δ as surveyed",
    ]
    rows = []
    for r in brief.effects.itertuples():
        conf = (
            ""
            if is_nan(r.confident_diff)
            else iv(r.confident_diff, r.confident_ci_low, r.confident_ci_high, 2, 100, " pp")
        )
        people = "" if is_nan(r.confident_residents) else f"{r.confident_residents:+,.0f}"
        surveyed = (
            "no [survey] in the scenarios"
            if is_nan(r.surveyed_diff)
            else iv(r.surveyed_diff, r.surveyed_ci_low, r.surveyed_ci_high, 1, 1.0, " (0-100)")
        )
        rows.append(
            [
                Cell(r.scenario),
                Cell(METRICS[r.figure].brief),
                Cell(iv(r.diff, r.diff_ci_low, r.diff_ci_high)),
                Cell(iv(r.effect_sd, r.effect_sd_ci_low, r.effect_sd_ci_high, 3)),
                Cell(conf),
                Cell(people),
                Cell(surveyed),
            ]
        )
    return head, rows


def gaps(brief: Brief) -> tuple[list[str], Rows]:
    """The trust gap read fairly: the gap's change beside each group's."""
    head = ["scenario", "Δ trust gap", "Δ better-off group", "Δ worse-off group", "reading"]
    rows = []
    for r in brief.gaps.itertuples():
        rows.append(
            [
                Cell(r.scenario),
                Cell(iv(r.gap_diff, r.gap_ci_low, r.gap_ci_high)),
                Cell(f"{r.better_off}: {iv(r.better_off_diff, r.better_off_ci_low, r.better_off_ci_high)}"),
                Cell(f"{r.worse_off}: {iv(r.worse_off_diff, r.worse_off_ci_low, r.worse_off_ci_high)}"),
                Cell(r.reading, VERDICTS.get(r.reading, "")),
            ]
        )
    return head, rows


def groups(brief: Brief, level: str, figures: Sequence[str]) -> tuple[list[str], Rows]:
    """Paired differences by group or beat: Δ [95% CI] and, when the city's change is clear, this part's share."""
    b = brief.breakdown
    head = ["scenario", level, "residents", *[BREAKDOWN[f].label for f in figures]]
    if b.empty:
        return head, []
    part = b[(b["level"] == level) & ~b["baseline"]]
    rows = []
    for (name, key), here in part.groupby(["scenario", "key"], sort=False):
        here = here.set_index("metric", drop=False)
        cells = [Cell(str(name)), Cell(str(key)), Cell(f"{here['residents'].iloc[0]:,.0f}")]
        for f in figures:
            r = here.loc[f]
            if r["error"]:
                cells.append(Cell("failed", "worse"))
                continue
            fig = BREAKDOWN[f]
            places = fig.decimals + 1
            half = (r["diff_ci_high"] - r["diff_ci_low"]) / 2
            if not is_nan(half) and half > 0:
                places = min(max(places, 1 - math.floor(math.log10(half))), 5)
            share = "" if is_nan(r["contribution_share"]) else f" ({r['contribution_share']:.0%})"
            cells.append(
                Cell(
                    iv(r["diff"], r["diff_ci_low"], r["diff_ci_high"], places) + share,
                    verdict({**r, "better": fig.better}),
                )
            )
        rows.append(cells)
    return head, rows


def timings(brief: Brief, figures: Sequence[str] = tuple(SERIES)) -> tuple[list[str], Rows]:
    """How fast: the day from which an effect is clear, its size at 1/2/5 years, half recovery after a shock."""
    tm = brief.timings
    tm = tm[tm["figure"].isin(list(figures))] if len(tm) else tm
    years = [y for y in (1, 2, 5) if len(tm) and tm[f"effect_{y}y"].notna().any()]
    head = ["scenario", "figure", "clear from day", *[f"Δ at {plural(y, 'year')}" for y in years], "after a shock"]
    rows = []
    for r in tm.itertuples():
        s = SERIES[r.figure]
        ats = [
            Cell(iv(*(getattr(r, f"effect_{y}y{x}") for x in ("", "_ci_low", "_ci_high")), s.decimals)) for y in years
        ]
        if is_nan(r.trough_day):
            shock = "no clear loss"
        else:
            late = (
                "not half recovered"
                if is_nan(r.days_to_half_recovery)
                else (f"half back {r.days_to_half_recovery:.0f} days later")
            )
            shock = f"trough day {r.trough_day:.0f}; {late}"
        rows.append(
            [
                Cell(r.scenario),
                Cell(s.label),
                Cell("never" if is_nan(r.clear_from) else f"{r.clear_from:.0f}"),
                *ats,
                Cell(shock),
            ]
        )
    return head, rows


COST_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("cost_total", "Δ spending (officer hours x price + programs)", "Δ spending", "diff"),
    ("hours_total", "Δ officer hours worked", "Δ hours worked", "diff"),
    *((m.name, m.label, m.brief, "diff") for m in CHANGES),
    *((m.name, m.label, m.brief, "") for m, *_ in COST),
)


def costs(brief: Brief, short: bool = False) -> tuple[list[str], Rows]:
    """Cost and cost-effectiveness: one row per figure, one column per non-baseline scenario."""
    t = brief.comparison.set_index(["scenario", "metric"], drop=False)
    others = [n for n in brief.scenarios if n != brief.baseline]
    rows = []
    for metric, label, brief_label, prefix in COST_ITEMS:
        cells = [Cell(brief_label if short else label)]
        for n in others:
            r = t.loc[(n, metric)]
            cells.append(
                Cell("failed", "worse") if r["error"] else Cell(interval(r, prefix), "" if prefix else verdict(r))
            )
        rows.append(cells)
    return ["figure", *others], rows

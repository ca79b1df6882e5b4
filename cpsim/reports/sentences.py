"""The plain sentences of a brief, shared by the terminal, the HTML report and the docs.

Tables give every number; these say in words what a reader would otherwise work out: which
figures clearly changed (the "Read" bullets), what a strategy costs a year and what it takes
from calls for service, why "who benefits" can point two ways, what the intervals cover and
which effects the model was built to show. Each layout (cpsim/cli/render.py,
cpsim/reports/html_report.py, cpsim/reports/docs_figures.py) only formats them, so the
sentences read the same everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from cpsim.headline import HEADLINE, METRICS, interval, is_nan
from cpsim.metrics import CONFIDENT_TRUST
from cpsim.reports.brief import Brief
from cpsim.reports.tables import reading
from cpsim.studies.claims import design_target_note, intervals_cover
from cpsim.studies.costs import ACTIVITIES, paired
from cpsim.studies.intervals import mean_ci

# How a verdict reads in a "Read" bullet.
WORDS = {
    "better": "better",
    "worse": "worse",
    "clear": "changed",
    "levelling down": "levelling down",
    "mixed": "narrower, both groups moving",
}
# Officer activities as a sentence names them.
ACTIVITY_WORDS = {
    "response": "answering calls",
    "foot": "foot patrol",
    "car": "car patrol",
    "enforcement": "proactive enforcement",
    "community": "community work",
    "admin": "administration",
}
# The figures the "Read" bullets of a comparison go through: the headline table's, in its order.
READ_FIGURES = tuple(m.name for m in HEADLINE)
COST_INTRO = (
    "A year of each, in plain words (mean paired change per year; the model has no response time: the share of "
    "calls answered and the officer minutes per call stand in for it, docs/metrics.md)"
)
READ_INTRO = "Read (generated from the table: the figures whose 95% interval excludes zero, and which way they moved)"


def read_bullets(brief: Brief, metrics: Sequence[str]) -> list[tuple[str, str]]:
    """Per scenario but the baseline: the figures that changed clearly and which way, then those that did not.

    Returns:
        (scenario, sentence) pairs, e.g. ("liaison", "trust +0.00156 (better); ...; no clear change in safety.").

    """
    t = brief.comparison
    out = []
    for n in brief.scenarios:
        if n == brief.baseline:
            continue
        part = t[(t["scenario"] == n) & t["metric"].isin(metrics)].set_index("metric", drop=False)
        if part.empty:
            continue
        if part["error"].iloc[0]:
            out.append((n, f"failed ({part['error'].iloc[0]})"))
            continue
        clear, unclear = [], []
        for metric in metrics:
            if metric not in part.index:
                continue
            r = part.loc[metric]
            kind = reading(r)
            label = METRICS[metric].brief
            if kind:
                clear.append(f"{label} {interval(r, 'diff').split(' [')[0]} ({WORDS[kind]})")
            else:
                unclear.append(label)
        text = "; ".join(clear) if clear else "no figure changed clearly"
        rest = f"; no clear change in {', '.join(unclear)}" if unclear else ""
        out.append((n, f"{text}{rest}."))
    return out


def _years(runs: pd.DataFrame) -> float:
    days = runs["days"].dropna()
    return float(days.iloc[0]) / 365.0 if len(days) else math.nan


def _hours_clause(per_year: dict[str, float], moved: float) -> str:
    """Where the officer hours go, a year: moved between activities, taken away or added."""
    # activities that moved less than 2% of the hours moved are left out of the sentence (the table has them)
    least = max(0.5, 0.02 * moved)
    up = {a: h for a, h in per_year.items() if h >= least}
    down = {a: h for a, h in per_year.items() if h <= -least}
    total = sum(per_year.values())

    def listed(parts: dict[str, float]) -> str:
        items = [f"{ACTIVITY_WORDS[a]} ({h:+,.0f})" for a, h in sorted(parts.items(), key=lambda kv: -abs(kv[1]))]
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"

    if not up and not down:
        return "moves no officer hours between activities"
    if abs(total) < 0.01 * max(moved, 1.0) and up and down:
        return f"moves {moved:,.0f} officer hours a year from {listed(down)} to {listed(up)}"
    if not up or (total < 0 and -total > moved):
        rest = f", while {listed(up)} {'grows' if len(up) == 1 else 'grow'}" if up else ""
        return f"takes {-total:,.0f} officer hours a year away, from {listed(down)}{rest}"
    if not down or (total > 0 and total > moved):
        rest = f", while {listed(down)} {'shrinks' if len(down) == 1 else 'shrink'}" if down else ""
        return f"adds {total:,.0f} officer hours a year, to {listed(up)}{rest}"
    way = "takes" if total < 0 else "adds"
    return (
        f"moves {moved:,.0f} officer hours a year from {listed(down)} to {listed(up)}, and {way} "
        f"{abs(total):,.0f} a year in all"
    )


def _calls_clause(part: pd.DataFrame, base: pd.DataFrame) -> str:
    """What the strategy does to calls for service: the share answered and officer minutes per call."""
    if "minutes_per_call" not in part or part["minutes_per_call"].isna().all():
        return "response to calls: not recorded in these runs"
    idx = part.index.intersection(base.index)
    share = part.loc[idx, "calls_answered_share"].mean()
    share0 = base.loc[idx, "calls_answered_share"].mean()
    mins = part.loc[idx, "minutes_per_call"].mean()
    d, lo, hi, _, _ = mean_ci(part.loc[idx, "minutes_per_call"] - base.loc[idx, "minutes_per_call"])
    answered = (
        f"{share:.1%} of calls answered, as in the baseline"
        if abs(share - share0) < 0.0005
        else f"{share:.1%} of calls answered against {share0:.1%} in the baseline"
    )
    clear = not (is_nan(lo) or lo <= 0 <= hi)
    change = f"{d:+.1f}" if abs(d) >= 0.05 else f"{d:+.2f}"
    minutes = f"{mins:.1f} officer minutes per call ({change}{'' if clear else ', not a clear change'})"
    return f"response to calls: {answered}, {minutes}"


def cost_sentences(brief: Brief) -> list[tuple[str, str]]:
    """Per scenario but the baseline, a year of it in plain words: money, officer hours, response to calls.

    Returns:
        (scenario, sentence) pairs, e.g. ("foot_patrol", "costs USD 33,258 less a year [...]; moves
        4,755 officer hours a year from car patrol (-4,755) to foot patrol (+4,755); response to calls ...").

    """
    runs = brief.runs
    ok = runs[[not (isinstance(e, str) and e) for e in runs["error"]]]
    base = ok[ok["scenario"] == brief.baseline].set_index("replicate")
    cur = brief.provenance.get("currency") or "USD"
    cur = cur.split()[0]
    years = _years(ok)
    out = []
    for name in brief.scenarios:
        if name == brief.baseline or base.empty:
            continue
        part = ok[ok["scenario"] == name].set_index("replicate")
        if part.empty or is_nan(years) or years <= 0:
            continue
        p = paired(part, base)
        cost, lo, hi, _, _ = mean_ci(p["d.cost_total"] / years)
        way = "more" if cost > 0 else "less"
        ci = "" if is_nan(lo) else f" [95% CI {lo:+,.0f} to {hi:+,.0f}]"
        hours = {a: float(p[f"d.hours_{a}"].mean()) / years for a in ACTIVITIES}
        moved = float(p["hours_redirected"].mean()) / years
        out.append(
            (
                name,
                f"costs {cur} {abs(cost):,.0f} {way} a year{ci}; {_hours_clause(hours, moved)}; "
                f"{_calls_clause(part, base)}.",
            )
        )
    return out


def confident_note(brief: Brief) -> list[tuple[str, str]]:
    """Why "who benefits" can point two ways: more trust per resident in one group, more newly confident in another.

    A resident counts as confident at trust >= CONFIDENT_TRUST. When that line sits near one
    group's mean and far from another's, a small rise carries many of the first over it and
    few of the second, whatever each gains.

    Returns:
        (scenario, sentence) pairs, only for scenarios where the group gaining most trust per
        resident is not the group most of the newly confident residents belong to.

    """
    b = brief.breakdown
    if b.empty:
        return []
    groups = b[b["level"] == "group"]
    base = groups[groups["baseline"] & (groups["metric"] == "trust_end")].set_index("key")["mean"]
    out = []
    for name, part in groups[~groups["baseline"]].groupby("scenario", sort=False):
        trust = part[part["metric"] == "trust_end"].set_index("key")
        conf = part[part["metric"] == "confident_share_end"].set_index("key")
        if trust["diff"].isna().any() or conf["contribution"].isna().any() or len(trust) < 2:
            continue
        total = conf["contribution"].sum()
        if total <= 0:
            continue
        most_trust = trust["diff"].idxmax()
        most_confident = conf["contribution"].idxmax()
        if most_trust == most_confident:
            continue
        share = conf.loc[most_confident, "contribution"] / total
        out.append(
            (
                str(name),
                f"the {most_trust} group gains more trust per resident ({trust.loc[most_trust, 'diff']:+.4f} against "
                f"{trust.loc[most_confident, 'diff']:+.4f}), yet {share:.0%} of the newly confident residents are "
                f"{most_confident}: 'confident' means trust >= {CONFIDENT_TRUST:g}, a line near the {most_confident} "
                f"group's mean ({base.get(most_confident, math.nan):.2f}) and far above the {most_trust} group's "
                f"({base.get(most_trust, math.nan):.2f}), so a small rise carries many {most_confident} residents "
                f"over it and few {most_trust} ones.",
            )
        )
    return out


def covers(brief: Brief) -> str:
    """What the brief's intervals cover: run-to-run chance, and parameter uncertainty when drawn from a posterior."""
    reps = brief.provenance.get("replicates") or brief.comparison.attrs.get("replicates")
    posterior = brief.provenance.get("posterior")
    if posterior:  # each replicate ran with its own draw from a calibration's posterior
        each = f"{reps} replicates, each" if reps else "each replicate"
        what = f"The 95% intervals ({each} with parameters drawn from the posterior {posterior})"
        return intervals_cover(("seed", "parameters"), what=what)
    what = f"The 95% intervals ({reps} replicates)" if reps else "The 95% intervals"
    return intervals_cover(what=what)


def design_targets(brief: Brief) -> str:
    """The sentence flagging scenarios whose effect the model was built to show ("" when none)."""
    files = {k: v.get("file", "") for k, v in (brief.provenance.get("scenarios") or {}).items()}
    return design_target_note((n, files.get(n, "")) for n in brief.scenarios if n != brief.baseline)

"""What a run cost, in currency, and what a strategy costs relative to a baseline.

A run's cost (:func:`run_costs`) is its officer hours priced by activity
(``costs.hour_<activity>`` x hours) plus the cash costs of the programs that ran: a fixed
cost per year (prorated to the run's length) and a cost per session, counted from the
program's own log (:data:`SESSIONS` names the unit of each).

Relative to a baseline, replicate k against baseline replicate k (:func:`paired`):

- **spending** (``d.cost_total``): the change in total cost. A reallocation (hours moved
  from car patrol to foot patrol or to a program) changes it little; a cut lowers it.
- **hours redirected** (``hours_redirected``): officer hours moved into activities that
  grew, sum over activities of max(change in hours, 0). A reallocation has an opportunity
  cost: those hours could have been spent on what they were taken from.
- **resources used** (``cost_resources``): the value of the hours redirected (their cost
  in the activity they went to) plus any rise in program cash costs. For an addition this
  equals the spending; for a reallocation it prices the officer time the strategy takes;
  for a cut it is about zero (a cut saves money and uses nothing).

What a reallocation gives up at calls for service (:func:`run_calls`): the model has no travel or
queueing times, so no response time; it has the share of calls answered (call hours come first,
and when they exceed the hours on duty each call is answered with probability hours available /
hours needed) and the officer minutes each call got. :data:`CALL_FIGURES` defines them
(docs/metrics.md).

Cost-effectiveness ratios divide a paired mean change in an outcome by one of these
(cpsim.headline.COST); their intervals are Fieller's (cpsim.studies.intervals.ratio_ci).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

ACTIVITIES = ("response", "foot", "car", "enforcement", "community", "admin")


# Figures of a run's calls for service, kept in the runs table (name -> unit, definition).
CALL_FIGURES: dict[str, tuple[str, str]] = {
    "calls": ("count", "Calls for service over the run"),
    "calls_answered_share": (
        "share",
        "Share of calls answered over the run: the sum over days of calls x the day's answered share "
        "(calls_answered_share), over all calls",
    ),
    "minutes_per_call": (
        "minutes",
        "Officer minutes answering calls per call for service, 60 x hours_response / calls: with calls_answered_share "
        "the model's stand-in for response time (it has no travel or queueing times)",
    ),
}


def run_calls(result) -> dict[str, float]:
    """A run's calls for service: how many, the share answered, officer minutes per call (:data:`CALL_FIGURES`)."""
    ts = result.timeseries
    if "calls" not in ts:
        return {k: float("nan") for k in CALL_FIGURES}
    calls = float(ts["calls"].sum())
    answered = float((ts["calls"] * ts["calls_answered_share"]).sum())
    hours = float(result.summary.get("hours_response", float("nan")))
    return {
        "calls": calls,
        "calls_answered_share": answered / calls if calls else float("nan"),
        "minutes_per_call": 60.0 * hours / calls if calls else float("nan"),
    }


def _rows(table: pd.DataFrame, result) -> float:
    return float(len(table))


def _beats_held(table: pd.DataFrame, result) -> float:
    # One log row per event day; a cycle's beats may hold theirs on different days, and a
    # beat with no officer hours granted holds none, so the row's own count is what met.
    return float(table["beats"].sum()) if "beats" in table else float("nan")


def _rounds(table: pd.DataFrame, result) -> float:
    # One log row per meeting day; a round's beats may meet on different days (each on its first
    # day with officer hours), so the rounds are counted, not the rows.
    return float(table["cycle"].nunique()) if "cycle" in table else float("nan")


def _column(name: str) -> Callable[[pd.DataFrame, object], float]:
    def count(table: pd.DataFrame, result) -> float:
        return float(table[name].sum()) if name in table else float("nan")

    return count


class Session(NamedTuple):
    """What a program's cash cost per session counts, and how to count it from the program's log."""

    unit: str  # one session, as a sentence names it
    units: str  # several
    count: Callable[[pd.DataFrame, object], float]


# program section -> its session (Result.extra holds the log it is counted from)
SESSIONS: dict[str, Session] = {
    "beat_meetings": Session("meeting in a beat", "meetings in a beat", _beats_held),
    "listening_sessions": Session("session in a beat", "sessions in a beat", _beats_held),
    "coffee_with_cop": Session("event in a beat", "events in a beat", _beats_held),
    "block_parties": Session("event in a beat", "events in a beat", _beats_held),
    "athletic_league": Session("session in a beat", "sessions in a beat", _beats_held),
    "mentorship": Session("mentoring meeting", "mentoring meetings", _column("meetings")),
    "liaison": Session("resident helped", "residents helped", _column("contacts")),
    "watch": Session("round of watch meetings", "rounds of watch meetings", _rounds),
    "neighbourhood": Session("day of community work", "days of community work", _rows),
    "hotspots": Session("day of hot-spot patrol", "days of hot-spot patrol", _rows),
    "co_responder": Session("crisis call with a clinician", "crisis calls with a clinician", _column("with_clinician")),
    "training": Session("officer trained", "officers trained", _column("trained")),
    "orientation": Session("orientation completed", "orientations completed", _column("completed")),
    "focused_deterrence": Session("participant served", "participants served", _column("served")),
    "transparency": Session("release", "releases", _rows),
}


def sessions(program: str, result) -> float:
    """Sessions a program held in a run (the unit in :data:`SESSIONS`); NaN when its log does not say."""
    if program not in SESSIONS or program not in result.extra:
        return float("nan")
    return SESSIONS[program].count(result.extra[program], result)


def run_costs(result) -> dict[str, float]:
    """Price one run.

    Args:
        result: A :class:`cpsim.simulate.Result` (its scenario's ``[costs]`` section sets the prices).

    Returns:
        ``cost.hours_<activity>`` per activity, ``sessions.<program>`` and ``cost.<program>``
        per program that ran, ``cost_hours``, ``cost_programs`` and ``cost_total`` (currency
        over the run).

    """
    c, s = result.scenario.costs, result.summary
    years = float(s.get("days", len(result.timeseries))) / 365.0
    out: dict[str, float] = {}
    hours = 0.0
    for a in ACTIVITIES:
        value = float(s.get(f"hours_{a}", 0.0)) * getattr(c, f"hour_{a}")
        out[f"cost.hours_{a}"] = value
        hours += value
    cash = 0.0
    for program in result.programs:
        fixed = getattr(c, f"{program}_fixed", None)
        if fixed is None:
            continue
        n = sessions(program, result)
        value = fixed * years + getattr(c, f"{program}_session") * (0.0 if np.isnan(n) else n)
        out[f"sessions.{program}"] = n
        out[f"cost.{program}"] = value
        cash += value
    out.update(cost_hours=hours, cost_programs=cash, cost_total=hours + cash)
    return out


def paired(part: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """Paired cost figures of one scenario against the baseline, replicate by replicate.

    Args:
        part: The scenario's runs, indexed by replicate.
        base: The baseline's runs, indexed by replicate.

    Returns:
        Per replicate: ``d.hours_<activity>``, ``hours_redirected``, ``d.cost_total``,
        ``d.cost_programs`` and ``cost_resources`` (see the module docstring).

    """
    idx = part.index.intersection(base.index)
    part, base = part.loc[idx], base.loc[idx]
    out = pd.DataFrame(index=idx)
    redirected = pd.Series(0.0, index=idx)
    value = pd.Series(0.0, index=idx)
    for a in ACTIVITIES:
        dh = part[f"hours_{a}"] - base[f"hours_{a}"]
        out[f"d.hours_{a}"] = dh
        redirected += dh.clip(lower=0.0)
        col = f"cost.hours_{a}"
        if col in part and col in base:
            value += (part[col] - base[col]).clip(lower=0.0)
    programs = sorted(
        {c for c in (*part.columns, *base.columns) if c.startswith("cost.") and not c.startswith("cost.hours_")}
    )
    zero = pd.Series(0.0, index=idx)
    cash_up = zero.copy()
    for col in programs:
        mine = part[col].fillna(0.0) if col in part else zero
        theirs = base[col].fillna(0.0) if col in base else zero
        cash_up += (mine - theirs).clip(lower=0.0)
    out["hours_redirected"] = redirected
    out["d.cost_total"] = part["cost_total"] - base["cost_total"]
    out["d.cost_programs"] = part["cost_programs"] - base["cost_programs"]
    out["cost_resources"] = value + cash_up
    return out


def cost_lines(runs: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Where each scenario's money and hours go: per activity and program, the mean paired change.

    Returns:
        Rows scenario, item (an activity or a program), unit ("hours" for an activity, the
        session unit for a program), d_hours (mean change in hours, activities only),
        d_cost (mean change in cost), sessions (mean per run, programs only).

    """
    ok = runs[[not (isinstance(e, str) and e) for e in runs["error"]]]
    base = ok[ok["scenario"] == baseline].set_index("replicate")
    rows = []
    for name, part in ok.groupby("scenario", sort=False):
        if name == baseline or base.empty:
            continue
        part = part.set_index("replicate")
        idx = part.index.intersection(base.index)
        for a in ACTIVITIES:
            dh = (part.loc[idx, f"hours_{a}"] - base.loc[idx, f"hours_{a}"]).mean()
            dc = (part.loc[idx, f"cost.hours_{a}"] - base.loc[idx, f"cost.hours_{a}"]).mean()
            rows.append({"scenario": name, "item": a, "unit": "hours", "d_hours": dh, "d_cost": dc, "sessions": np.nan})
        for col in sorted(
            {c for c in (*part.columns, *base.columns) if c.startswith("cost.") and not c.startswith("cost.hours_")}
        ):
            program = col.removeprefix("cost.")
            mine = part.loc[idx, col] if col in part else pd.Series(np.nan, index=idx)
            theirs = base.loc[idx, col] if col in base else pd.Series(np.nan, index=idx)
            if mine.isna().all() and theirs.isna().all():
                continue  # the program ran in neither
            sessions_col = f"sessions.{program}"
            n = part.loc[idx, sessions_col].mean() if sessions_col in part else np.nan
            rows.append(
                {
                    "scenario": name,
                    "item": program,
                    "unit": SESSIONS[program].unit if program in SESSIONS else "session",
                    "d_hours": np.nan,
                    "d_cost": float((mine.fillna(0.0) - theirs.fillna(0.0)).mean()),
                    "sessions": n,
                }
            )
    return pd.DataFrame(rows, columns=["scenario", "item", "unit", "d_hours", "d_cost", "sessions"])

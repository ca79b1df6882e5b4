"""The live plots of the page, as ECharts options built from the model's daily figures.

The browser draws the charts (ECharts ships with solara-assets, so it works offline);
the server only sends a few hundred numbers per series each day. Series come from
``model.datacollector`` (the daily figures of cpsim.metrics) and ``model.by_group_rows``.
A neighbourhood of 2,000 residents has about one victimisation every three days, so
crime figures are shown as rolling sums or totals so far, never as raw daily counts.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cpsim.metrics import BY_KEY

GROUP_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2")
HOURS = (
    ("hours_response", "answering calls", "#d62728"),
    ("hours_foot", "foot patrol", "#2ca02c"),
    ("hours_car", "car patrol", "#1f77b4"),
    ("hours_enforcement", "proactive stops", "#9467bd"),
    ("hours_community", "community work", "#ff7f0e"),
    ("hours_admin", "administration", "#b0b0b0"),
)
POINTS = 60  # points per line at most (weekly over a year): every chart is re-sent each day
CRIME_WINDOW = 28  # days in a rolling crime count
REPORT_WINDOW = 56  # days in the rolling reporting share (~20 victimisations at 2,000 residents)

CAPTIONS = {
    "trust": "Average trust in police (0 = none, 1 = complete) for each group of residents; the dashed line is "
    "everyone. Groups start apart (Gallup: 56% of White vs 19-27% of Black adults have confidence in police). "
    "Good contacts raise trust a little, bad ones lower it a lot, and stories travel along social ties.",
    "reporting": "Share of victimisations that the victim reported to the police. Victims who see the police as "
    "legitimate report more (national surveys: 40-50% of violent and 30-40% of property crime). Thin line: "
    f"the last {REPORT_WINDOW} days; thick line: since day 1.",
    "crime": f"Crimes in the last {CRIME_WINDOW} days. True victimisations are everything that happened; reported "
    "are those victims told the police about; recorded are those that made it into police statistics. The gap "
    "between the top and bottom lines is crime the police never see.",
    "complaints": "Formal complaints filed since day 1. Complaints follow poorly handled contacts (stops, arrests, "
    "calls); residents who have given up on the police complain less, so few complaints is not always good news.",
    "hours": "What officers did with their time, per week. Calls for service come first; a budget cut removes "
    "community work first, then foot patrol, then proactive stops; what is left is car patrol.",
    "compare_trust": "Average trust by group with your settings (solid) and in the baseline scenario (dashed), on a "
    "zoomed scale. Both runs use the same random numbers, so the gap between the lines is the effect of your choices.",
    "compare_difference": "How much higher (above the grey line) or lower (below it) trust is with your settings "
    "than in the baseline, day by day. The scale zooms in: programs change trust by a few hundredths, about the "
    "size field experiments find.",
    "compare_crime": "Crimes since day 1: true victimisations and recorded crimes, with your settings (solid) and "
    "in the baseline (dashed). Recorded crime can rise while true crime falls, when more victims report.",
    "compare_reporting": "Share of victimisations reported since day 1, with your settings (solid) and in the "
    "baseline (dashed).",
}


@dataclass(frozen=True)
class Series:
    """One line of a chart."""

    name: str
    values: np.ndarray
    colour: str
    dashed: bool = False
    width: float = 2.0
    area: bool = False


def daily(model, name: str) -> np.ndarray:
    """A daily figure (cpsim.metrics.DAILY) for every day so far."""
    return np.asarray(model.datacollector.model_vars.get(name, ()), float)


def rolling_sum(x: np.ndarray, window: int) -> np.ndarray:
    """Sum over the last ``window`` days (fewer at the start)."""
    c = np.concatenate([[0.0], np.cumsum(x)])
    lo = np.maximum(np.arange(1, len(x) + 1) - window, 0)
    return c[1:] - c[lo]


def share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """The ratio num / den, NaN where den is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def group_trust(model) -> np.ndarray:
    """Mean trust per group for every day so far (days x groups)."""
    if not model.by_group_rows:
        return np.empty((0, len(model.group_residents)))
    return np.stack(model.by_group_rows)[:, :, list(BY_KEY).index("trust_mean")]


def line_chart(title: str, days: int, series: Sequence[Series], y_name: str, y_max: float | None = None,
               stacked: bool = False, y_min: float | None = 0.0) -> dict:
    """An ECharts option: lines over days 1..n on a fixed 0..days axis.

    Args:
        title: Chart title.
        days: Length of the run (the x axis does not rescale as days pass).
        series: The lines.
        y_name: Label of the y axis.
        y_max: Fixed top of the y axis (None: automatic).
        y_min: Fixed bottom of the y axis (None: fit the data, so small differences show).
        stacked: Stack the series as areas, first series at the bottom.

    Returns:
        The option dict (NaN written as null, which ECharts leaves as a gap). Lines show
        every k-th day (k = days / POINTS, rounded up) and always the latest day.

    """
    out = []
    every = max(1, math.ceil(days / POINTS))
    if stacked:
        # ECharts stacks along x when both axes hold values, so stack here: each series is
        # drawn as the running total, top first, with opaque areas covering the ones above.
        totals = np.cumsum([np.nan_to_num(s.values) for s in series], axis=0)
        series = [dataclasses.replace(s, values=t, area=True) for s, t in zip(series, totals, strict=True)][::-1]
    for s in series:
        n = len(s.values)
        keep = np.unique(np.r_[np.arange(0, n, every), n - 1]) if n else np.empty(0, np.int64)
        data = [
            [int(d) + 1, None if math.isnan(v) else round(float(v), 4)]
            for d, v in zip(keep, s.values[keep], strict=True)
        ]
        item = {
            "type": "line", "name": s.name, "data": data, "showSymbol": len(data) == 1, "color": s.colour,
            "lineStyle": {"width": s.width, "type": "dashed" if s.dashed else "solid"},
        }
        if s.area:
            item["areaStyle"] = {"opacity": 1.0 if stacked else 0.15}
        out.append(item)
    y: dict = {"type": "value", "name": y_name, "nameTextStyle": {"fontSize": 11}}
    if y_min is None:
        y["scale"] = True
    else:
        y["min"] = y_min
    if y_max is not None:
        y["max"] = y_max
    legend = {"top": 24, "textStyle": {"fontSize": 11}, "itemHeight": 8}
    if stacked:
        legend["data"] = [s.name for s in series[::-1]]  # bottom layer first, as listed
    return {
        "animation": False,
        "title": {"text": title, "textStyle": {"fontSize": 14}, "left": 4},
        "tooltip": {"trigger": "axis", "show": not stacked},  # stacked: values would be running totals
        "legend": legend,
        "grid": {"left": 48, "right": 18, "top": 78, "bottom": 42},
        "xAxis": {"type": "value", "name": "day", "min": 0, "max": days, "nameLocation": "middle", "nameGap": 24},
        "yAxis": y,
        "series": out,
    }


def trust_chart(model) -> dict:
    """Trust by group, and everyone."""
    names = model.params.population.group_names
    g = group_trust(model)
    series = [Series(str(n), g[:, i], GROUP_COLOURS[i % len(GROUP_COLOURS)]) for i, n in enumerate(names)]
    series.append(Series("all residents", daily(model, "trust_mean"), "#333333", dashed=True, width=1.5))
    return line_chart("Trust in police by group", model.params.run.days, series, "trust (0-1)", 1.0)


def reporting_chart(model) -> dict:
    """Share of victimisations reported: recent and since day 1."""
    vic, rep = daily(model, "victimizations"), daily(model, "crimes_reported")
    recent = share(rolling_sum(rep, REPORT_WINDOW), rolling_sum(vic, REPORT_WINDOW))
    total = share(np.cumsum(rep), np.cumsum(vic))
    series = [
        Series(f"last {REPORT_WINDOW} days", recent, "#ff7f0e", width=1.2),
        Series("since day 1", total, "#a0522d", width=2.5),
    ]
    return line_chart("Victims who report to the police", model.params.run.days, series, "share reported", 1.0)


def crime_chart(model) -> dict:
    """True, reported and recorded crime over the last weeks."""
    series = [
        Series("true victimisations", rolling_sum(daily(model, "victimizations"), CRIME_WINDOW), "#555555", area=True),
        Series("reported", rolling_sum(daily(model, "crimes_reported"), CRIME_WINDOW), "#ff7f0e"),
        Series("recorded", rolling_sum(daily(model, "crimes_recorded"), CRIME_WINDOW), "#1f77b4"),
    ]
    return line_chart("True, reported and recorded crime", model.params.run.days, series, f"per {CRIME_WINDOW} days")


def complaints_chart(model) -> dict:
    """Complaints so far."""
    series = [Series("complaints so far", np.cumsum(daily(model, "complaints")), "#8c564b", area=True)]
    return line_chart("Complaints against officers", model.params.run.days, series, "complaints")


def hours_chart(model) -> dict:
    """Officer hours by activity, per week."""
    series = [Series(label, rolling_sum(daily(model, key), 7), colour) for key, label, colour in HOURS]
    return line_chart("Officer hours by activity", model.params.run.days, series, "hours per 7 days", stacked=True)


def compare_trust_chart(model, baseline) -> dict:
    """Trust by group: this run (solid) and the baseline (dashed)."""
    names = model.params.population.group_names
    mine, base = group_trust(model), group_trust(baseline)
    series = []
    for i, n in enumerate(names):
        colour = GROUP_COLOURS[i % len(GROUP_COLOURS)]
        series += [Series(f"{n}: yours", mine[:, i], colour), Series(f"{n}: baseline", base[:, i], colour, dashed=True)]
    return line_chart("Trust: your settings vs baseline", model.params.run.days, series, "trust (0-1)", y_min=None)


def compare_difference_chart(model, baseline) -> dict:
    """Trust with this run's settings minus the baseline's, by group."""
    names = model.params.population.group_names
    diff = group_trust(model) - group_trust(baseline)
    everyone = daily(model, "trust_mean") - daily(baseline, "trust_mean")
    series = [Series(str(n), diff[:, i], GROUP_COLOURS[i % len(GROUP_COLOURS)]) for i, n in enumerate(names)]
    series += [
        Series("all residents", everyone, "#333333", dashed=True, width=1.5),
        Series("no difference", np.zeros(len(everyone)), "#aaaaaa", width=1.0),
    ]
    return line_chart("Trust: yours minus baseline", model.params.run.days, series, "difference in trust", y_min=None)


def compare_crime_chart(model, baseline) -> dict:
    """True and recorded crime so far: this run and the baseline."""
    series = []
    for key, label, colour in (("victimizations", "true", "#555555"), ("crimes_recorded", "recorded", "#1f77b4")):
        series += [
            Series(f"{label}: yours", np.cumsum(daily(model, key)), colour),
            Series(f"{label}: baseline", np.cumsum(daily(baseline, key)), colour, dashed=True),
        ]
    return line_chart("Crime so far: your settings vs baseline", model.params.run.days, series, "crimes since day 1")


def compare_reporting_chart(model, baseline) -> dict:
    """Share reported since day 1: this run and the baseline."""

    def total(m):
        return share(np.cumsum(daily(m, "crimes_reported")), np.cumsum(daily(m, "victimizations")))

    series = [Series("yours", total(model), "#a0522d"), Series("baseline", total(baseline), "#a0522d", dashed=True)]
    return line_chart("Reporting: your settings vs baseline", model.params.run.days, series, "share reported", 1.0)

"""The live plots of the page, as ECharts options built from the model's daily figures.

The browser draws the charts (ECharts ships with solara-assets, so it works offline);
the server only sends a few hundred numbers per series each day. Chart lines come from
``model.datacollector`` (the daily figures of cpsim.metrics) and ``model.by_group_rows``.
A neighbourhood of 2,000 residents has about one victimisation every three days, so
crime figures are shown as rolling sums or totals so far, never as raw daily counts.

Trust moves by small amounts on its 0-1 scale: trust charts zoom in on the data and say so under the title
("zoomed in: 0.30 to 0.60 of the 0-1 scale"), so a class never reads a zoomed axis as the
whole scale. Fonts are sized for a projector.
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
FONT = {"legend": 14, "axis": 13}


def captions(group_names: Sequence[str], other: str = "the baseline") -> dict[str, str]:
    """Plain-language captions of every chart, naming the groups and the run alongside."""
    groups = " and ".join(str(g) for g in group_names)
    return {
        "trust": f"Average trust in police of the {groups} residents; the dashed line is everyone. The groups start "
        "apart, as in national surveys (Gallup 2020-21: 56% of White and 19-27% of Black adults have confidence in "
        "police) and each group's shared memory of the police keeps them apart. Good contacts raise trust a little, "
        "bad ones lower it a lot, and stories and the news travel along social ties.",
        "reporting": "Share of victimisations that the victim reported to the police. How serious the crime was "
        "decides most calls; victims who see the police as legitimate report somewhat more (national surveys: "
        "40-50% of violent and 30-40% of property crime). Thin line: "
        f"the last {REPORT_WINDOW} days; thick line: since day 1.",
        "crime": f"Crimes in the last {CRIME_WINDOW} days. True victimisations are everything that happened; "
        "reported are those victims told the police about; recorded are those that made it into police statistics. "
        "The gap between the top and bottom lines is crime the police never see.",
        "complaints": "Formal complaints filed since day 1. Complaints follow poorly handled contacts (stops, arrests, "
        "calls); residents who have given up on the police complain less, so few complaints is not always good news.",
        "hours": "What officers did with their time, per week. Calls for service come first; a budget cut removes "
        "community work first, then foot patrol, then proactive stops; what is left is car patrol.",
        "compare_trust": f"Average trust by group with your choices (solid) and in {other} (dashed). Both runs use "
        "the same random numbers, so the gap between the lines is the effect of the difference between them.",
        "compare_difference": f"How much higher (above the grey line) or lower (below it) trust is with your choices "
        f"than in {other}, day by day. Programs change trust by small amounts, as field experiments find.",
        "compare_crime": f"Crimes since day 1: true victimisations and recorded crimes, with your choices (solid) and "
        f"in {other} (dashed). Recorded crime can rise while true crime falls, when more victims report.",
        "compare_reporting": f"Share of victimisations reported since day 1, with your choices (solid) and in {other} "
        "(dashed).",
    }


@dataclass(frozen=True)
class ChartLine:
    """One line of a chart."""

    name: str
    values: np.ndarray
    colour: str
    dashed: bool = False
    width: float = 2.5
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
    return model.by_group_rows[:, :, list(BY_KEY).index("trust_mean")]


def _nice_step(span: float) -> float:
    """A round step that cuts ``span`` into about five parts (1, 2 or 5 times a power of ten)."""
    raw = max(span, 1e-9) / 5
    power = 10.0 ** math.floor(math.log10(raw))
    return next(k * power for k in (1, 2, 5, 10) if k * power >= raw)


def zoom(series: Sequence[ChartLine], include_zero: bool = False, least: float = 0.01) -> tuple[float, float]:
    """An axis range that follows the data: round limits just outside the lowest and highest values.

    Args:
        series: The lines.
        include_zero: Keep 0 on the axis (a difference chart's "no difference" line).
        least: The smallest span shown, so the noise of a flat line is not blown up.

    """
    values = np.concatenate([np.asarray(s.values, float) for s in series] or [np.empty(0)])
    values = values[np.isfinite(values)]
    if include_zero:
        values = np.append(values, 0.0)
    if values.size == 0:
        return (-least, least) if include_zero else (0.0, 1.0)
    lo, hi = float(values.min()), float(values.max())
    mid, span = (lo + hi) / 2, max(hi - lo, least)
    lo, hi = min(lo, mid - span / 2), max(hi, mid + span / 2)
    step = _nice_step(hi - lo)
    return math.floor(lo / step - 0.1) * step, math.ceil(hi / step + 0.1) * step


def _number(x: float) -> str:
    text = f"{x:.3f}".rstrip("0").rstrip(".") if abs(x) < 1 else f"{x:,.0f}"
    return text.replace("-", "\u2212")


def line_chart(
    title: str,
    days: int,
    series: Sequence[ChartLine],
    y_name: str,
    y_range: tuple[float, float] | None = None,
    stacked: bool = False,
    note: str = "",
    y_min: float | None = 0.0,
) -> dict:
    """An ECharts option: lines over days 1..n on a fixed 0..days axis.

    Args:
        title: Chart title.
        days: Length of the run (the x axis does not rescale as days pass).
        series: The lines.
        y_name: What the y axis counts.
        y_range: Fixed y axis limits (None: from y_min up to what the data needs).
        stacked: Stack the series as areas, first series at the bottom.
        note: Shown under the title: what the scale is (default: the y axis name).
        y_min: Bottom of the y axis when y_range is None.

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
            [int(d) + 1, None if math.isnan(v) else round(float(v), 5)]
            for d, v in zip(keep, s.values[keep], strict=True)
        ]
        item = {
            "type": "line",
            "name": s.name,
            "data": data,
            "showSymbol": len(data) == 1,
            "color": s.colour,
            "lineStyle": {"width": s.width, "type": "dashed" if s.dashed else "solid"},
        }
        if s.area:
            item["areaStyle"] = {"opacity": 1.0 if stacked else 0.15}
        out.append(item)
    axis_text = {"fontSize": FONT["axis"]}
    # The y axis is named in the note above the chart: an axis name collides with a legend
    # that wraps onto a second line.
    y: dict = {"type": "value", "axisLabel": axis_text}
    if y_range is not None:
        y["min"], y["max"] = y_range
    elif y_min is not None:
        y["min"] = y_min
    legend = {"top": 0, "textStyle": {"fontSize": FONT["legend"]}, "itemHeight": 10}
    if stacked:
        legend["data"] = [s.name for s in series[::-1]]  # bottom layer first, as listed
    return {
        "animation": False,
        # The page writes the title and the note above the chart in HTML (they wrap there).
        "title": {"text": title, "subtext": note or y_name, "show": False},
        "tooltip": {"trigger": "axis", "show": not stacked},  # stacked: values would be running totals
        "legend": legend,
        "grid": {"left": 64, "right": 20, "top": 14 + 24 * legend_lines(series), "bottom": 46},
        "xAxis": {
            "type": "value",
            "name": "day",
            "min": 0,
            "max": days,
            "nameLocation": "middle",
            "nameGap": 26,
            "nameTextStyle": axis_text,
            "axisLabel": axis_text,
        },
        "yAxis": y,
        "series": out,
    }


def enlarged(option: dict, factor: float) -> dict:
    """A chart option with every font ``factor`` times larger, and room for the larger axis labels.

    The page's large-text mode (for a projector at the back of a room) scales its HTML through the
    root font size; a chart draws its text on a canvas in pixels, so its option is scaled here.
    """
    if factor == 1:
        return option

    def scale(node):
        if isinstance(node, dict):
            return {
                k: round(v * factor) if k == "fontSize" and isinstance(v, int | float) else scale(v)
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [scale(v) for v in node]
        return node

    out = scale(option)
    if "grid" in out:
        grid = out["grid"]
        out["grid"] = {k: round(v * factor) if isinstance(v, int | float) else v for k, v in grid.items()}
    return out


def legend_lines(series: Sequence[ChartLine], width: int = 440) -> int:
    """About how many lines the legend takes in a chart ``width`` pixels wide (14 px text)."""
    lines, used = 1, 0
    for s in series:
        item = 8 * len(s.name) + 40
        if used and used + item > width:
            lines, used = lines + 1, 0
        used += item
    return lines


def _zoom_note(lo: float, hi: float, full: str) -> str:
    if lo <= 0 and hi >= 1:
        return f"Whole scale: 0 to 1 {full}"
    return f"Zoomed in: {_number(lo)} to {_number(hi)} {full}"


def trust_chart(model) -> dict:
    """Trust by group, and everyone, on a scale that follows the data."""
    names = model.params.population.group_names
    g = group_trust(model)
    series = [ChartLine(str(n), g[:, i], GROUP_COLOURS[i % len(GROUP_COLOURS)]) for i, n in enumerate(names)]
    series.append(ChartLine("all residents", daily(model, "trust_mean"), "#333333", dashed=True, width=1.5))
    lo, hi = zoom(series, least=0.05)
    note = _zoom_note(lo, hi, "(trust runs from 0, none, to 1, complete)")
    return line_chart("Trust in police by group", model.params.run.days, series, "trust", (lo, hi), note=note)


def reporting_chart(model) -> dict:
    """Share of victimisations reported: recent and since day 1."""
    vic, rep = daily(model, "victimizations"), daily(model, "crimes_reported")
    recent = share(rolling_sum(rep, REPORT_WINDOW), rolling_sum(vic, REPORT_WINDOW))
    total = share(np.cumsum(rep), np.cumsum(vic))
    series = [
        ChartLine(f"last {REPORT_WINDOW} days", recent, "#ff7f0e", width=1.5),
        ChartLine("since day 1", total, "#a0522d", width=3),
    ]
    return line_chart(
        "Victims who report to the police",
        model.params.run.days,
        series,
        "share of victimisations reported (0 to 1)",
        (0, 1),
    )


def crime_chart(model) -> dict:
    """True, reported and recorded crime over the last weeks."""
    series = [
        ChartLine(
            "true victimisations", rolling_sum(daily(model, "victimizations"), CRIME_WINDOW), "#555555", area=True
        ),
        ChartLine("reported", rolling_sum(daily(model, "crimes_reported"), CRIME_WINDOW), "#ff7f0e"),
        ChartLine("recorded", rolling_sum(daily(model, "crimes_recorded"), CRIME_WINDOW), "#1f77b4"),
    ]
    return line_chart(
        "True, reported and recorded crime", model.params.run.days, series, f"crimes in the last {CRIME_WINDOW} days"
    )


def complaints_chart(model) -> dict:
    """Complaints so far."""
    series = [ChartLine("complaints so far", np.cumsum(daily(model, "complaints")), "#8c564b", area=True)]
    return line_chart("Complaints against officers", model.params.run.days, series, "complaints filed since day 1")


def hours_chart(model) -> dict:
    """Officer hours by activity, per week."""
    series = [ChartLine(label, rolling_sum(daily(model, key), 7), colour) for key, label, colour in HOURS]
    return line_chart(
        "Officer hours by activity",
        model.params.run.days,
        series,
        "officer hours in the last 7 days, by activity (stacked)",
        stacked=True,
    )


def _paired(model, other, values) -> tuple[np.ndarray, np.ndarray]:
    """The same figure of both runs over the days both have run."""
    a, b = values(model), values(other)
    n = min(len(a), len(b))
    return a[:n], b[:n]


def compare_trust_chart(model, other, other_name: str = "baseline") -> dict:
    """Trust by group: this run (solid) and the run alongside (dashed), zoomed to the data."""
    names = model.params.population.group_names
    mine, base = _paired(model, other, group_trust)
    series = []
    for i, n in enumerate(names):
        colour = GROUP_COLOURS[i % len(GROUP_COLOURS)]
        series += [
            ChartLine(f"{n}: yours", mine[:, i], colour),
            ChartLine(f"{n}: {other_name}", base[:, i], colour, dashed=True),
        ]
    lo, hi = zoom(series, least=0.05)
    note = _zoom_note(lo, hi, "(trust runs from 0 to 1)")
    return line_chart(
        f"Trust: your choices vs {other_name}", model.params.run.days, series, "trust", (lo, hi), note=note
    )


def difference(model, other) -> tuple[np.ndarray, np.ndarray]:
    """Trust with this run's settings minus the other's: by group (days x groups) and for everyone."""
    mine, base = _paired(model, other, group_trust)
    a, b = _paired(model, other, lambda m: daily(m, "trust_mean"))
    return mine - base, a - b


def compare_difference_chart(model, other, other_name: str = "baseline") -> dict:
    """Trust with this run's settings minus the other run's, by group, zoomed to the data."""
    names = model.params.population.group_names
    by_group, everyone = difference(model, other)
    series = [ChartLine(str(n), by_group[:, i], GROUP_COLOURS[i % len(GROUP_COLOURS)]) for i, n in enumerate(names)]
    series += [
        ChartLine("all residents", everyone, "#333333", dashed=True, width=2),
        ChartLine("no difference", np.zeros(len(everyone)), "#999999", width=1.5),
    ]
    lo, hi = zoom(series, include_zero=True, least=0.004)
    note = f"Scale: {_number(lo)} to {_number(hi)} trust (0-1 scale); above 0: your choices build more trust"
    return line_chart(
        f"Trust: your choices minus {other_name}",
        model.params.run.days,
        series,
        "difference in trust",
        (lo, hi),
        note=note,
    )


def compare_crime_chart(model, other, other_name: str = "baseline") -> dict:
    """True and recorded crime so far: this run and the run alongside."""
    series = []
    for key, label, colour in (("victimizations", "true", "#555555"), ("crimes_recorded", "recorded", "#1f77b4")):
        mine, base = _paired(model, other, lambda m, k=key: np.cumsum(daily(m, k)))
        series += [
            ChartLine(f"{label}: yours", mine, colour),
            ChartLine(f"{label}: {other_name}", base, colour, dashed=True),
        ]
    return line_chart(
        f"Crime so far: your choices vs {other_name}", model.params.run.days, series, "crimes since day 1"
    )


def compare_reporting_chart(model, other, other_name: str = "baseline") -> dict:
    """Share reported since day 1: this run and the run alongside."""

    def total(m):
        return share(np.cumsum(daily(m, "crimes_reported")), np.cumsum(daily(m, "victimizations")))

    mine, base = _paired(model, other, total)
    series = [ChartLine("yours", mine, "#a0522d"), ChartLine(other_name, base, "#a0522d", dashed=True)]
    return line_chart(
        f"Reporting: your choices vs {other_name}",
        model.params.run.days,
        series,
        "share of victimisations reported (0 to 1)",
        (0, 1),
    )

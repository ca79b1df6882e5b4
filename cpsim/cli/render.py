"""Text tables of a comparison for the terminal and for logs (rich).

Every table is built twice: wide (one column per scenario) and long (one small table per
figure, or one row per scenario and part). :func:`fit` prints the wide one when it fits the
console and the long one otherwise, so the output is complete in an 80-column terminal,
and full width when written to a file or a log (the CLI makes such consoles wide).
Numbers are never cut: cells do not wrap or truncate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from cpsim.breakdowns import BY_NAME as BREAKDOWN
from cpsim.brief import Brief
from cpsim.headline import CHANGES, COST, HEADLINE, METRICS, SURVEYED, baseline_label, fmt, interval, is_nan, verdict
from cpsim.provenance import lines as provenance_lines
from cpsim.trajectories import BY_NAME as SERIES

STYLE = {
    "better": "bold green",
    "worse": "bold red",
    "clear": "bold",
    "levelling down": "bold yellow",
    "mixed": "bold yellow",
    "": "dim",
}
BOX = box.SIMPLE_HEAD


def fit(console: Console, wide: RenderableType, long: RenderableType) -> RenderableType:
    """The wide form when it fits the console's width, else the long form."""
    # rich clamps a measurement to the width offered: offer more to learn what the table needs.
    needed = console.measure(wide, options=console.options.update_width(100_000)).maximum
    return wide if needed <= console.width else long


def blocks(title: str, sections: list[tuple[str, list[tuple[str, Text | str]]]]) -> Group:
    """The long form: a title, then one two-column table (label, value) per section."""
    parts: list[RenderableType] = [Text(title, style="italic")]
    for heading, rows in sections:
        table = Table(title=heading, box=BOX, title_justify="left", show_header=False)
        table.add_column("", no_wrap=True)
        table.add_column("", no_wrap=True, justify="right")
        for label, value in rows:
            table.add_row(label, value)
        parts.append(table)
    return Group(*parts)


def _cell(text: str, style: str = "") -> Text:
    return Text(text, style=style, no_wrap=True, overflow="ignore")


def _diff_verdict(row: pd.Series) -> str:
    if row["metric"] == "trust_gap_end" and row.get("reading"):
        from cpsim.gaps import VERDICTS

        return VERDICTS.get(row["reading"], verdict(row))
    return verdict(row)


def _value(row: pd.Series) -> Text:
    """Mean [CI] and, for a scenario, the paired difference [CI] below it, coloured by its reading."""
    if row["error"]:
        return _cell("failed", "bold red")
    cell = _cell(interval(row))
    if not row["baseline"]:
        cell.append("\nΔ " + interval(row, "diff"), style=STYLE[_diff_verdict(row)])
        if row["metric"] == "trust_gap_end" and row.get("reading") and row["reading"] != "no clear change":
            cell.append(f"\n{row['reading']}", style=STYLE[_diff_verdict(row)])
    return cell


def _title(brief: Brief) -> str:
    a = brief.comparison.attrs
    return (
        f"{a.get('replicates', '?')} replicates x {a.get('days', '?')} days, base seed {a.get('seed', '?')}: "
        "mean [95% CI]; Δ paired difference from the baseline [95% CI]"
    )


def headline(brief: Brief, console: Console) -> RenderableType:
    """The headline table: wide (one column per scenario) or one small table per figure."""
    t = brief.comparison
    names = brief.scenarios
    metrics = [m for m in (*HEADLINE, *SURVEYED) if m and m.name in set(t["metric"])]
    wide = Table(title=_title(brief), show_lines=True, box=box.SQUARE)
    wide.add_column("figure", min_width=20)
    first = t.drop_duplicates("scenario").set_index("scenario")
    for name in names:
        wide.add_column(baseline_label(name) if first.loc[name, "baseline"] else name, justify="right", no_wrap=True)
    for m in metrics:
        rows = t[t["metric"] == m.name].set_index("scenario")
        better = f"\n({m.better} is better)" if m.better else ""
        wide.add_row(Text(m.label) + Text(better, style="dim"), *[_value(rows.loc[n]) for n in names])
    parts: list[RenderableType] = [Text(_title(brief), style="italic")]
    for m in metrics:
        rows = t[t["metric"] == m.name].set_index("scenario")
        small = Table(
            title=f"{m.label} ({m.unit}{'; ' + m.better + ' is better' if m.better else ''})",
            box=BOX,
            title_justify="left",
        )
        small.add_column("scenario", no_wrap=True)
        small.add_column("mean [95% CI]; Δ from baseline", justify="right", no_wrap=True)
        for n in names:
            small.add_row(_cell(baseline_label(n) if rows.loc[n, "baseline"] else n), _value(rows.loc[n]))
        parts.append(small)
    return fit(console, wide, Group(*parts))


def costs(brief: Brief, console: Console) -> RenderableType:
    """Cost and cost-effectiveness per scenario: paired changes and Fieller ratios."""
    t = brief.comparison.set_index(["scenario", "metric"], drop=False)
    others = [n for n in brief.scenarios if n != brief.baseline]
    base_cost = t.loc[(brief.baseline, "cost_total")]
    cur = brief.provenance.get("currency") or "USD"
    items: list[tuple[str, str]] = [
        ("cost_total", "Δ spending (hours x price + programs)"),
        ("hours_total", "Δ officer hours worked"),
        *[(m.name, m.label) for m in CHANGES],
        *[(m.name, m.label) for m, *_ in COST],
    ]

    def text(name: str, metric: str) -> Text:
        r = t.loc[(name, metric)]
        if r["error"]:
            return _cell("failed", "bold red")
        prefix = "diff" if metric in ("cost_total", "hours_total", *[m.name for m in CHANGES]) else ""
        value = interval(r, prefix)
        style = STYLE[verdict(r)] if not prefix else ""
        return _cell(value, style)

    title = (
        f"Cost relative to the baseline ({cur}, over the run; the baseline's officer hours and programs cost "
        f"{fmt(base_cost['mean'], 'cost_total')})"
    )
    wide = Table(title=title, box=box.SQUARE, show_lines=False)
    wide.add_column("figure")
    for n in others:
        wide.add_column(n, justify="right", no_wrap=True)
    for metric, label in items:
        wide.add_row(label, *[text(n, metric) for n in others])
    short = {
        "cost_total": "Δ spending",
        "hours_total": "Δ hours worked",
        **{m.name: m.brief for m in CHANGES},
        **{m.name: m.brief for m, *_ in COST},
    }
    long = blocks(title, [(n, [(short[metric], text(n, metric)) for metric, _ in items]) for n in others])
    return fit(console, wide, long)


def groups(
    brief: Brief,
    console: Console,
    level: str = "group",
    figures: Iterable[str] = (
        "trust_end",
        "confident_share_end",
        "safety_end",
        "victimizations_per_1000_year",
        "stops_per_1000_year",
    ),
) -> RenderableType:
    """Paired differences by group (or beat) for the main figures, with each part's share of the city's change."""
    b = brief.breakdown
    if b.empty:
        return Text("")
    part = b[(b["level"] == level) & ~b["baseline"]]
    keys = list(dict.fromkeys(part["key"]))
    figures = list(figures)
    title = (
        f"Who benefits, by {level}: Δ from the baseline [95% CI]; share = this {level}'s part of the city's "
        "change (residents x Δ / all residents)"
    )
    wide = Table(title=title, box=box.SQUARE, show_lines=True)
    wide.add_column("scenario", no_wrap=True)
    wide.add_column(level, no_wrap=True)
    wide.add_column("residents", justify="right")
    for f in figures:
        wide.add_column(BREAKDOWN[f].label, justify="right", no_wrap=True)
    sections = []
    for name in [n for n in brief.scenarios if n != brief.baseline]:
        rows = part[part["scenario"] == name]
        for i, key in enumerate(keys):
            here = rows[rows["key"] == key].set_index("metric", drop=False)
            if here.empty:
                continue
            cells = [_breakdown_cell(here.loc[f]) for f in figures]
            residents = f"{here['residents'].iloc[0]:,.0f}"
            wide.add_row(name if i == 0 else "", str(key), residents, *cells)
            heading = f"{name}: {level} {key} ({residents} residents)"
            sections.append((heading, [(BREAKDOWN[f].label, c) for f, c in zip(figures, cells, strict=True)]))
    return fit(console, wide, blocks(title, sections))


def _breakdown_cell(r: pd.Series) -> Text:
    if r["error"]:
        return _cell("failed", "bold red")
    f = BREAKDOWN[r["metric"]]
    d, lo, hi = r["diff"], r["diff_ci_low"], r["diff_ci_high"]
    if is_nan(d):
        return _cell("n/a")
    places = f.decimals
    half = (hi - lo) / 2 if not (is_nan(lo) or is_nan(hi)) else math.nan
    if half > 0:
        places = min(max(places, 1 - math.floor(math.log10(half))), 5)
    text = f"{d:+.{places}f} [{lo:+.{places}f}, {hi:+.{places}f}]"
    if not is_nan(r["contribution_share"]) and f.weight:
        text += f" ({r['contribution_share']:.0%})"
    return _cell(text, STYLE[verdict({**r, "better": f.better})])


def _iv(d: float, lo: float, hi: float, places: int = 4, scale: float = 1.0, unit: str = "") -> str:
    if is_nan(d):
        return "n/a"
    return f"{scale * d:+.{places}f}{unit} [{scale * lo:+.{places}f}, {scale * hi:+.{places}f}]"


def gaps(brief: Brief, console: Console) -> RenderableType:
    """The fair reading of the trust gap: each group's change beside the gap's."""
    from cpsim.gaps import VERDICTS

    g = brief.gaps
    if g.empty:
        return Text("")
    title = "The trust gap, read fairly: each group's change beside the gap's (Δ [95% CI])"
    out = Table(title=title, box=BOX, title_justify="left")
    for col in ("scenario", "gap", "better-off", "worse-off", "reading"):
        out.add_column(col, no_wrap=True, justify="left" if col in ("scenario", "reading") else "right")
    sections = []
    for r in g.itertuples():
        gap = _iv(r.gap_diff, r.gap_ci_low, r.gap_ci_high)
        up = _iv(r.better_off_diff, r.better_off_ci_low, r.better_off_ci_high)
        down = _iv(r.worse_off_diff, r.worse_off_ci_low, r.worse_off_ci_high)
        reading = _cell(r.reading, STYLE[VERDICTS.get(r.reading, "")])
        out.add_row(r.scenario, gap, f"{r.better_off}: {up}", f"{r.worse_off}: {down}", reading)
        sections.append(
            (
                r.scenario,
                [
                    ("gap", gap),
                    (f"{r.better_off} (better-off)", up),
                    (f"{r.worse_off} (worse-off)", down),
                    ("reading", reading),
                ],
            )
        )
    return fit(console, out, blocks(title, sections))


def effects(brief: Brief, console: Console) -> RenderableType:
    """Effect sizes: raw difference, SD units of the baseline's residents, share confident, as surveyed."""
    e = brief.effects
    if e.empty:
        return Text("")
    title = (
        "How big: Δ in the index, in SD of the baseline's residents, and in the share of residents "
        "confident (trust >= 0.5)"
    )
    out = Table(title=title, box=BOX, title_justify="left")
    for col in ("scenario", "figure", "Δ [95% CI]", "Δ in SD [95% CI]", "Δ share confident (residents)", "as surveyed"):
        out.add_column(col, no_wrap=True, justify="left" if col in ("scenario", "figure") else "right")
    sections = []
    for r in e.itertuples():
        raw = _iv(r.diff, r.diff_ci_low, r.diff_ci_high)
        sd = _iv(r.effect_sd, r.effect_sd_ci_low, r.effect_sd_ci_high, 3)
        conf = (
            ""
            if is_nan(r.confident_diff)
            else _iv(r.confident_diff, r.confident_ci_low, r.confident_ci_high, 2, 100, " pp")
        )
        people = "" if is_nan(r.confident_residents) else f" ({r.confident_residents:+,.0f})"
        surveyed = (
            "—"
            if r.figure != "trust_end"
            else "needs the survey layer"
            if is_nan(r.surveyed_diff)
            else _iv(r.surveyed_diff, r.surveyed_ci_low, r.surveyed_ci_high, 2, 100, " pp")
        )
        out.add_row(r.scenario, METRICS[r.figure].brief, raw, sd, conf + people, surveyed)
        rows = [("Δ", raw), ("Δ in SD units", sd)]
        if conf:
            rows += [
                ("Δ share confident", conf),
                ("Δ confident residents", people.strip(" ()")),
                ("as surveyed", surveyed),
            ]
        sections.append((f"{r.scenario}: {METRICS[r.figure].brief}", rows))
    return fit(console, out, blocks(title, sections))


def timings(brief: Brief, console: Console) -> RenderableType:
    """How fast: when each effect becomes distinguishable from zero, its size at 1/2/5 years, recovery."""
    tm = brief.timings
    if tm.empty:
        return Text("")
    tm = tm[tm["figure"].isin(["trust", "trust_gap", "safety", "victimizations_per_1000_year"])]
    years = [y for y in (1, 2, 5) if tm[f"effect_{y}y"].notna().any()]
    title = (
        "How fast: day from which the paired Δ stays clear of zero; Δ at each year; after a shock, "
        "days from the trough to half recovery"
    )
    out = Table(title=title, box=BOX, title_justify="left")
    for col in ("scenario", "figure", "clear from day", *[f"Δ at {y} y" for y in years], "half recovery"):
        out.add_column(col, no_wrap=True, justify="left" if col in ("scenario", "figure") else "right")
    sections = []
    for r in tm.itertuples():
        s = SERIES[r.figure]
        clear = "never" if is_nan(r.clear_from) else f"{r.clear_from:.0f}"
        ats = [_iv(*(getattr(r, f"effect_{y}y{x}") for x in ("", "_ci_low", "_ci_high")), s.decimals) for y in years]
        if is_nan(r.trough_day):
            half = "no clear loss"
        else:
            late = "not by the end" if is_nan(r.days_to_half_recovery) else f"{r.days_to_half_recovery:.0f} days"
            half = f"trough day {r.trough_day:.0f}: {late}"
        out.add_row(r.scenario, s.label, clear, *ats, half)
        sections.append(
            (
                f"{r.scenario}: {s.label}",
                [
                    ("clear from day", clear),
                    *[(f"Δ at {y} y", a) for y, a in zip(years, ats, strict=True)],
                    ("half recovery", half),
                ],
            )
        )
    return fit(console, out, blocks(title, sections))


def provenance(brief: Brief) -> RenderableType:
    """The provenance block."""
    return Text("\n".join(["Provenance:", *["  " + line for line in provenance_lines(brief.provenance)]]), style="dim")


def print_brief(brief: Brief, console: Console) -> None:
    """Print every table of a comparison."""
    console.print(headline(brief, console))
    for part in (
        gaps(brief, console),
        groups(brief, console, "group"),
        groups(brief, console, "beat", ("trust_end", "confident_share_end", "victimizations_per_1000_year")),
        effects(brief, console),
        timings(brief, console),
        costs(brief, console),
        provenance(brief),
    ):
        console.print(part)

"""Text tables of a comparison for the terminal and for logs (rich).

Every table is built twice: wide (one column per scenario) and long (one small table per
figure, or one row per scenario and part). :func:`fit` prints the wide one when it fits the
console and the long one otherwise, so the output is complete in an 80-column terminal,
and full width when written to a file or a log (the CLI makes such consoles wide).
Numbers are never cut: cells do not wrap or truncate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pandas as pd
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from cpsim.headline import HEADLINE, SURVEYED, baseline_label, fmt, interval
from cpsim.reports import sentences, tables
from cpsim.reports.brief import Brief
from cpsim.studies.provenance import lines as provenance_lines

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


def _value(row: pd.Series) -> Text:
    """Mean [CI] and, for a scenario, the paired difference [CI] below it, coloured by its reading."""
    if row["error"]:
        return _cell("failed", "bold red")
    cell = _cell(interval(row))
    if not row["baseline"]:
        cell.append("\nΔ " + interval(row, "diff"), style=STYLE[tables.reading(row)])
        if row["metric"] == "trust_gap_end" and row.get("reading") and row["reading"] != "no clear change":
            cell.append(f"\n{row['reading']}", style=STYLE[tables.reading(row)])
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


def _table(title: str, head: Sequence[str], rows: tables.Rows, left: int = 2, lines: bool = False) -> Table:
    """A wide rich table of cells (the first ``left`` columns left-aligned)."""
    out = Table(
        title=title, box=box.SQUARE if lines else BOX, title_justify="center" if lines else "left", show_lines=lines
    )
    for i, h in enumerate(head):
        out.add_column(h, no_wrap=True, justify="left" if i < left else "right")
    for row in rows:
        out.add_row(*[_cell(c.text, STYLE[c.kind]) for c in row])
    return out


def _long(
    title: str,
    head: Sequence[str],
    rows: tables.Rows,
    keys: int = 1,
    heading: Callable[[list[tables.Cell]], str] | None = None,
) -> Group:
    """The long form of a table: one small two-column table per row, titled by its first ``keys`` cells."""
    sections = []
    for row in rows:
        name = heading(row) if heading else ": ".join(c.text for c in row[:keys] if c.text)
        cells = [(h, _cell(c.text, STYLE[c.kind])) for h, c in zip(head[keys:], row[keys:], strict=True) if c.text]
        sections.append((name, cells))
    return blocks(title, sections)


def costs(brief: Brief, console: Console) -> RenderableType:
    """Cost and cost-effectiveness per scenario: paired changes and Fieller ratios."""
    base = brief.comparison[
        (brief.comparison["scenario"] == brief.baseline) & (brief.comparison["metric"] == "cost_total")
    ].iloc[0]
    cur = brief.provenance.get("currency") or "USD"
    title = (
        f"At what cost, relative to the baseline ({cur}, over the run; the baseline's officer hours and "
        f"programs cost {fmt(base['mean'], 'cost_total')})"
    )
    head, rows = tables.costs(brief)
    wide = _table(title, head, rows, left=1)
    _, short = tables.costs(brief, short=True)
    # long form: one small table per scenario, its figures as rows
    sections = [
        (n, [(row[0].text, _cell(row[k + 1].text, STYLE[row[k + 1].kind])) for row in short])
        for k, n in enumerate(head[1:])
    ]
    return fit(console, wide, blocks(title, sections))


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
    if brief.breakdown.empty:
        return Text("")
    title = (
        f"Who benefits, by {level}: Δ from the baseline [95% CI]; in brackets this {level}'s share of the "
        "city's change (residents x Δ / all residents), when that change is clear"
    )
    head, rows = tables.groups(brief, level, list(figures))
    long = _long(
        title, head, rows, keys=3, heading=lambda r: f"{r[0].text}, {level} {r[1].text} ({r[2].text} residents)"
    )
    return fit(console, _table(title, head, rows, left=2, lines=True), long)


def gaps(brief: Brief, console: Console) -> RenderableType:
    """The fair reading of the trust gap: each group's change beside the gap's."""
    if brief.gaps.empty:
        return Text("")
    title = "The trust gap, read fairly: each group's change beside the gap's (Δ [95% CI])"
    head, rows = tables.gaps(brief)
    return fit(console, _table(title, head, rows, left=1), _long(title, head, rows))


def effects(brief: Brief, console: Console) -> RenderableType:
    """Effect sizes: raw difference, SD units of the baseline's residents, share confident, as surveyed."""
    if brief.effects.empty:
        return Text("")
    title = (
        "How big: Δ in the index, in SD of the baseline's residents, and in the share of residents "
        "confident (trust >= 0.5)"
    )
    head, rows = tables.effects(brief)
    return fit(console, _table(title, head, rows), _long(title, head, rows, keys=2))


def timings(brief: Brief, console: Console) -> RenderableType:
    """How fast: when each effect becomes distinguishable from zero, its size at 1/2/5 years, recovery."""
    if brief.timings.empty:
        return Text("")
    title = (
        "How fast: day from which the paired Δ stays clear of zero; Δ at each year; after a shock, "
        "days from the trough to half recovery"
    )
    head, rows = tables.timings(brief, ("trust", "trust_gap", "safety", "victimizations_per_1000_year"))
    return fit(console, _table(title, head, rows), _long(title, head, rows, keys=2))


def said(title: str, pairs: list[tuple[str, str]]) -> RenderableType:
    """(scenario, sentence) pairs as bullets under a title; nothing when there are none."""
    if not pairs:
        return Text("")
    out = Text(title + "\n", style="italic")
    for name, text in pairs:
        out.append("- ")
        out.append(name, style="bold")
        out.append(f": {text}\n")
    return out


def note(text: str) -> RenderableType:
    """A sentence printed as it is (wrapped by the console)."""
    return Text(text, style="italic") if text else Text("")


def provenance(brief: Brief) -> RenderableType:
    """The provenance block."""
    return Text("\n".join(["Provenance:", *["  " + line for line in provenance_lines(brief.provenance)]]), style="dim")


def print_brief(brief: Brief, console: Console) -> None:
    """Print every table of a comparison, each with the sentences that say what it means."""
    console.print(headline(brief, console))
    for part in (
        note(sentences.covers(brief)),
        said(sentences.READ_INTRO, sentences.read_bullets(brief, sentences.READ_FIGURES)),
        gaps(brief, console),
        groups(brief, console, "group"),
        said("Who benefits, counted in residents:", sentences.confident_note(brief)),
        groups(brief, console, "beat", ("trust_end", "confident_share_end", "victimizations_per_1000_year")),
        effects(brief, console),
        note(sentences.design_targets(brief)),
        timings(brief, console),
        said(sentences.COST_INTRO + ":", sentences.cost_sentences(brief)),
        costs(brief, console),
        provenance(brief),
    ):
        console.print(part)

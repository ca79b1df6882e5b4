"""Figures and a self-contained HTML report of a comparison (a cpsim.reports.brief.Brief).

The report answers, in order: what changed (the headline table, with effect sizes), who
benefits (by group, with the gap read fairly, and by beat; where the gains go), how fast
(bands over time and derived timings), at what cost (currency and officer hours, with the
sources of the prices), and where the numbers come from (the provenance footer). Figures
are embedded as data URIs, so the page can be moved or mailed on its own.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import math
import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from cpsim.headline import (  # noqa: E402
    COST,
    HEADLINE,
    METRICS,
    SURVEYED,
    baseline_label,
    fmt,
    interval,
    is_nan,
    plural,
    verdict,
)
from cpsim.reports import sentences, tables  # noqa: E402
from cpsim.reports.brief import Brief  # noqa: E402
from cpsim.studies.breakdowns import BY_NAME as BREAKDOWN  # noqa: E402
from cpsim.studies.costs import SESSIONS  # noqa: E402
from cpsim.studies.provenance import html_footer  # noqa: E402
from cpsim.studies.trajectories import BY_NAME as SERIES  # noqa: E402

BASE_COLOR, OTHER_COLOR, FAIL_COLOR = "#444444", "#1f77b4", "#b22222"
VERDICT_COLOR = {
    "better": "#1a7f1a",
    "worse": "#c0392b",
    "clear": OTHER_COLOR,
    "": OTHER_COLOR,
    "levelling down": "#c98a00",
    "mixed": "#c98a00",
}
__all__ = ["baseline_label", "fmt", "html_report", "interval", "verdict", "write_figures"]


_row_verdict = tables.reading
# Scenario colours: the baseline grey, the others matplotlib's tab10 in the order they were given (grey,
# tab10's eighth, left out), so a scenario has one colour in every figure of a report.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf")


def scenario_colors(scenarios: Sequence[str], baseline: str | None = None) -> dict[str, str]:
    """One colour per scenario, from their order: the baseline (default: the first) grey, the others in turn."""
    names = list(dict.fromkeys(scenarios))
    baseline = names[0] if baseline is None and names else baseline
    others = [n for n in names if n != baseline]
    colors = {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(others)}
    if baseline is not None:
        colors[baseline] = BASE_COLOR
    return colors


def _colors_of(table: pd.DataFrame) -> dict[str, str]:
    """The scenario colours of a table with ``scenario`` and ``baseline`` columns (comparison, breakdown)."""
    base = table.loc[table["baseline"].astype(bool), "scenario"]
    return scenario_colors(list(table["scenario"]), str(base.iloc[0]) if len(base) else None)


def metric_figure(table: pd.DataFrame, metric: str, path: str | Path) -> Path:
    """Means with 95% CIs per scenario (left) and paired differences from the baseline (right).

    Args:
        table: The comparison table from :func:`cpsim.studies.compare.summarize`.
        metric: The metric to draw.
        path: PNG file to write.

    Returns:
        The path written.

    """
    rows = table[table["metric"] == metric].reset_index(drop=True)
    colors = _colors_of(table)
    m = METRICS[metric]
    n = len(rows)
    y = list(range(n))[::-1]
    fig, axes = plt.subplots(1, 2, figsize=(10, 1.6 + 0.55 * n), sharey=True, constrained_layout=True)
    panels = (
        ("mean", "ci_low", "ci_high", f"{m.label} ({m.unit})"),
        ("diff", "diff_ci_low", "diff_ci_high", "difference from baseline (paired, same seeds)"),
    )
    for ax, (col, lo, hi, title) in zip(axes, panels, strict=True):
        for yi, (_, r) in zip(y, rows.iterrows(), strict=True):
            if r["error"]:
                why = r["error"].partition("): ")[2][:70]
                ax.text(
                    0.02,
                    yi,
                    f"failed: {why}",
                    color=FAIL_COLOR,
                    va="center",
                    fontsize=8,
                    transform=ax.get_yaxis_transform(),
                )
                continue
            if math.isnan(r[col]):
                continue
            kind = _row_verdict(r)
            color = colors[r["scenario"]]
            err = [[r[col] - r[lo]], [r[hi] - r[col]]] if not math.isnan(r[lo]) else None
            clear = col == "mean" or bool(kind)
            ax.errorbar(
                r[col],
                yi,
                xerr=err,
                fmt="D" if r["baseline"] else "o",
                color=color,
                capsize=4,
                markerfacecolor=color if clear else "white",
                markersize=7,
                gid=f"scenario:{r['scenario']}",
            )
            if col == "diff" and kind:
                # the reading in words and its colour: the marker keeps the scenario's colour
                ax.annotate(
                    r["reading"] if kind in ("levelling down", "mixed") else kind,
                    (r[col], yi),
                    xytext=(0, 8),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8,
                    color=VERDICT_COLOR[kind],
                )
        ax.set_title(title, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(6))
        ax.ticklabel_format(axis="x", style="plain", useOffset=False)
    base = rows[rows["baseline"]]
    if len(base) and not math.isnan(base["mean"].iloc[0]):
        axes[0].axvline(base["mean"].iloc[0], color=BASE_COLOR, ls="--", lw=1, alpha=0.7)
    axes[1].axvline(0, color=BASE_COLOR, ls="--", lw=1, alpha=0.7)
    axes[0].set_yticks(
        y, [baseline_label(s) if b else s for s, b in zip(rows["scenario"], rows["baseline"], strict=True)]
    )
    axes[0].set_ylim(-0.7, n - 0.3)
    reps = int(rows["replicates"].max()) if n else 0
    better = f"; {m.better} is better" if m.better else ""
    axes[1].set_xlabel(
        "filled, labelled: 95% CI excludes 0 (better, worse, changed, levelling down)\nhollow: no clear difference",
        fontsize=8,
    )
    fig.suptitle(f"{m.label}: mean and 95% CI over {reps} replicates{better}", fontsize=11)
    return _save(fig, path)


def _save(fig, path: str | Path, dpi: int = 110) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


def cost_figure(table: pd.DataFrame, path: str | Path) -> Path | None:
    """Cost-effectiveness ratios with Fieller 95% CIs (those estimable for some scenario).

    Returns:
        The path written, or None when no scenario has an estimable ratio.

    """
    names = [m.name for m, *_ in COST]
    rows = table[table["metric"].isin(names) & ~table["baseline"] & table["mean"].notna()]
    if rows.empty:
        return None
    shown = [m for m, *_ in COST if m.name in set(rows["metric"])]
    scenarios = list(dict.fromkeys(table.loc[~table["baseline"], "scenario"]))
    y = {s: i for i, s in enumerate(scenarios[::-1])}
    colors = _colors_of(table)
    fig, axes = plt.subplots(
        1, len(shown), figsize=(4.2 * len(shown), 1.6 + 0.55 * len(scenarios)), constrained_layout=True, squeeze=False
    )
    for ax, m in zip(axes[0], shown, strict=True):
        for _, r in rows[rows["metric"] == m.name].iterrows():
            err = [[r["mean"] - r["ci_low"]], [r["ci_high"] - r["mean"]]]
            ax.errorbar(
                r["mean"],
                y[r["scenario"]],
                xerr=err,
                fmt="o",
                color=colors[r["scenario"]],
                capsize=4,
                gid=f"scenario:{r['scenario']}",
            )
        ax.axvline(0, color=BASE_COLOR, ls="--", lw=1, alpha=0.7)
        ax.set_yticks(list(y.values()), list(y.keys()) if ax is axes[0][0] else [])
        ax.set_ylim(-0.7, len(y) - 0.3)
        ax.set_title(m.label, fontsize=9, wrap=True)
        ax.grid(axis="x", alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 5), useOffset=False)
    fig.suptitle("Cost-effectiveness relative to the baseline (Fieller 95% CI; missing: not estimable)", fontsize=11)
    return _save(fig, path)


def gains_figure(breakdown: pd.DataFrame, path: str | Path, metric: str = "trust_end") -> Path | None:
    """Where the gains go: each group's and beat's paired change with its CI, and its share of the city's change.

    One row of panels per scenario: the change by group, the change by beat (marker size ~
    residents), and a stacked bar of the parts' contributions (residents x change / all
    residents), which add up to the city's change.
    """
    part = breakdown[(breakdown["metric"] == metric) & ~breakdown["baseline"] & breakdown["diff"].notna()]
    if part.empty:
        return None
    scenarios = list(dict.fromkeys(part["scenario"]))
    scenario_color = _colors_of(breakdown)
    f = BREAKDOWN[metric]
    fig, axes = plt.subplots(
        len(scenarios),
        3,
        figsize=(13, 1.2 + 2.6 * len(scenarios)),
        squeeze=False,
        constrained_layout=True,
        gridspec_kw={"width_ratios": [1, 1.4, 1.2]},
    )
    for row, name in enumerate(scenarios):
        here = part[part["scenario"] == name]
        for col, level in enumerate(("group", "beat")):
            ax = axes[row, col]
            rows = here[here["level"] == level].reset_index(drop=True)
            y = np.arange(len(rows))[::-1]
            sizes = 20 + 80 * rows["residents"] / max(rows["residents"].max(), 1)
            colors = [VERDICT_COLOR[verdict({**r, "better": f.better})] for _, r in rows.iterrows()]
            ax.errorbar(
                rows["diff"],
                y,
                xerr=[rows["diff"] - rows["diff_ci_low"], rows["diff_ci_high"] - rows["diff"]],
                fmt="none",
                ecolor="#999999",
                capsize=3,
            )
            ax.scatter(rows["diff"], y, s=sizes, c=colors, zorder=3)
            ax.axvline(0, color=BASE_COLOR, ls="--", lw=1, alpha=0.7)
            ax.set_yticks(y, [f"{level} {k}" if level == "beat" else str(k) for k in rows["key"]], fontsize=8)
            ax.set_ylim(-0.6, len(rows) - 0.4)
            ax.grid(axis="x", alpha=0.3)
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.set_title(f"{name}: Δ {f.label} by {level} [95% CI]", fontsize=9, color=scenario_color.get(name))
        ax = axes[row, 2]
        for i, level in enumerate(("group", "beat")):
            rows = here[here["level"] == level]
            left_pos, left_neg = 0.0, 0.0
            for j, (_, r) in enumerate(rows.iterrows()):
                c = r["contribution"]
                if is_nan(c):
                    continue
                start = left_pos if c >= 0 else left_neg
                ax.barh(i, c, left=start, color=plt.get_cmap("tab20")(j % 20), edgecolor="white", height=0.6)
                if abs(c) > 0:
                    ax.text(start + c / 2, i, str(r["key"]), ha="center", va="center", fontsize=7)
                if c >= 0:
                    left_pos += c
                else:
                    left_neg += c
        city = here[here["level"] == "group"]["contribution"].sum()
        ax.axvline(city, color="black", lw=1.2, label=f"city Δ {city:+.4f}")
        ax.axvline(0, color=BASE_COLOR, ls="--", lw=1, alpha=0.7)
        ax.set_yticks([0, 1], ["by group", "by beat"], fontsize=8)
        ax.set_ylim(-0.6, 1.6)
        ax.invert_yaxis()
        ax.legend(fontsize=7, loc="lower right")
        ax.set_title("where the city's change comes from\n(residents x Δ / all residents; parts add up)", fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(5))
    fig.suptitle(
        f"Where the gains go: {f.label}, paired with the baseline (same seeds); green/red: CI excludes 0", fontsize=11
    )
    return _save(fig, path)


def trajectory_figure(
    bands: pd.DataFrame,
    timings: pd.DataFrame,
    path: str | Path,
    figures: Sequence[str] = ("trust", "trust_gap", "safety", "victimizations_per_1000_year"),
) -> Path | None:
    """Headline figures over time: replicate bands (top) and paired differences from the baseline (bottom)."""
    figures = [f for f in figures if f in set(bands["figure"])]
    if not figures:
        return None
    scenarios = list(dict.fromkeys(bands["scenario"]))
    base = scenarios[0]
    colors = scenario_colors(scenarios, base)
    fig, axes = plt.subplots(
        2, len(figures), figsize=(4.3 * len(figures), 7), squeeze=False, constrained_layout=True, sharex=True
    )
    for col, f in enumerate(figures):
        s = SERIES[f]
        for name in scenarios:
            part = bands[(bands["scenario"] == name) & (bands["figure"] == f)]
            color = colors[name]
            top, bottom = axes[0, col], axes[1, col]
            top.fill_between(part["day"], part["ci_low"], part["ci_high"], color=color, alpha=0.25, lw=0)
            top.plot(
                part["day"],
                part["mean"],
                color=color,
                lw=1.2,
                label=baseline_label(name) if name == base else name,
                gid=f"scenario:{name}",
            )
            if name != base:
                bottom.fill_between(
                    part["day"], part["diff_ci_low"], part["diff_ci_high"], color=color, alpha=0.25, lw=0
                )
                bottom.plot(part["day"], part["diff"], color=color, lw=1.2, label=name, gid=f"scenario:{name}")
                t = timings[(timings["scenario"] == name) & (timings["figure"] == f)]
                if len(t) and not is_nan(t["clear_from"].iloc[0]):
                    bottom.axvline(t["clear_from"].iloc[0], color=color, ls=":", lw=1)
        axes[0, col].set_title(f"{s.label}\n({s.better} is better)", fontsize=9)
        axes[1, col].set_title("paired difference from the baseline, 95% band", fontsize=9)
        axes[1, col].axhline(0, color=BASE_COLOR, lw=0.8)
        axes[1, col].set_xlabel("day")
        for ax in axes[:, col]:
            ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    reps = ""
    fig.suptitle(
        "How fast: mean over replicates with its 95% band (top); difference from the baseline within each "
        f"replicate (bottom; dotted: from this day on the band excludes 0){reps}",
        fontsize=10,
    )
    return _save(fig, path, dpi=100)


def group_trajectory_figure(bands: pd.DataFrame, path: str | Path) -> Path | None:
    """Trust of each group over time: paired difference from the baseline with its 95% band, one panel per scenario."""
    groups = sorted({f for f in bands["figure"] if f.startswith("trust.")})
    every = list(dict.fromkeys(bands["scenario"]))
    colors = scenario_colors(every)
    scenarios = every[1:]
    if not groups or not scenarios:
        return None
    fig, axes = plt.subplots(
        1, len(scenarios), figsize=(5 * len(scenarios), 3.6), squeeze=False, constrained_layout=True, sharey=True
    )
    for ax, name in zip(axes[0], scenarios, strict=True):
        for i, g in enumerate(groups):
            part = bands[(bands["scenario"] == name) & (bands["figure"] == g)]
            ax.fill_between(part["day"], part["diff_ci_low"], part["diff_ci_high"], color=f"C{i}", alpha=0.25, lw=0)
            ax.plot(part["day"], part["diff"], color=f"C{i}", lw=1.2, label=g.removeprefix("trust."))
        ax.axhline(0, color=BASE_COLOR, lw=0.8)
        ax.set_title(f"{name}: Δ trust by group", color=colors[name])
        ax.set_xlabel("day")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(
        "Who benefits, over time: each group's trust, paired difference from the baseline (95% band)", fontsize=10
    )
    return _save(fig, path, dpi=100)


def write_figures(brief: Brief, out: str | Path) -> list[Path]:
    """Every figure of a comparison: one PNG per headline figure, cost, where the gains go, trajectories."""
    out = Path(out)
    metrics = [m.name for m in HEADLINE if m.name in set(brief.comparison["metric"])]
    paths: list[Path | None] = [metric_figure(brief.comparison, m, out / f"{m}.png") for m in metrics]
    paths.append(cost_figure(brief.comparison, out / "cost_effectiveness.png"))
    if not brief.breakdown.empty:
        paths.append(gains_figure(brief.breakdown, out / "where_gains_go.png"))
    if not brief.bands.empty:
        paths.append(trajectory_figure(brief.bands, brief.timings, out / "trajectories.png"))
        paths.append(group_trajectory_figure(brief.bands, out / "trajectories_by_group.png"))
    return [p for p in paths if p is not None]


CSS = """
body{font-family:system-ui,sans-serif;max-width:1300px;margin:1.5em auto;padding:0 1em;color:#222;font-size:14px}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;
text-align:right}th{background:#f3f3f3;font-weight:600}td.l,th.l{text-align:left}.d{font-size:12px;color:#555}
.ci{white-space:nowrap}ul.read li{margin:.25em 0}p.target{background:#fff6e0;padding:.4em .6em}
.better{color:#116611;font-weight:bold}.worse{color:#aa1111;font-weight:bold}.clear{font-weight:bold}
.levelling{color:#9a6a00;font-weight:bold}.err{color:#aa1111}
.figs img{width:100%;margin:.5em 0}p.note{color:#555;font-size:13px}footer.prov{color:#555;font-size:12px;
border-top:1px solid #ccc;margin-top:2em}footer.prov li{margin:.2em 0}
"""
CLASS = {
    "better": "better",
    "worse": "worse",
    "clear": "clear",
    "levelling down": "levelling",
    "mixed": "levelling",
    "": "",
}


def _esc(x) -> str:
    return html.escape(str(x))


def _keep(text: str) -> str:
    """Escape a cell's text, keeping each bracketed interval on one line (a cell may wrap before it)."""
    return re.sub(r"\[[^\]]*\]", lambda m: f"<span class='ci'>{m.group(0)}</span>", _esc(text))


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """An HTML table: cells are already-escaped HTML; the first ``left`` columns are left-aligned."""
    th = "".join(f"<th class='l'>{_esc(h)}</th>" if i < left else f"<th>{_esc(h)}</th>" for i, h in enumerate(head))
    body = "".join(
        "<tr>" + "".join(f"<td class='l'>{c}</td>" if i < left else f"<td>{c}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f"<table><tr>{th}</tr>{body}</table>"


def headline_html(brief: Brief) -> str:
    """The headline table as HTML."""
    t = brief.comparison
    names = brief.scenarios
    first = t.drop_duplicates("scenario").set_index("scenario")
    rows = []
    for m in (m for m in (*HEADLINE, *SURVEYED) if m and m.name in set(t["metric"])):
        part = t[t["metric"] == m.name].set_index("scenario")
        cells = []
        for s in names:
            r = part.loc[s]
            if r["error"]:
                cells.append("<span class='err'>failed</span>")
                continue
            kind = _row_verdict(r)
            diff = (
                ""
                if r["baseline"]
                else (
                    f"<br><span class='d {CLASS[kind]}'>Δ {_keep(interval(r, 'diff'))}"
                    + (f" — {_esc(r['reading'])}" if kind in ("levelling down", "mixed") else "")
                    + "</span>"
                )
            )
            cells.append(f"{_keep(interval(r))}{diff}")
        better = f" ({m.better} is better)" if m.better else ""
        rows.append([f"{_esc(m.label)}<br><span class='d'>{_esc(m.unit)}{better}</span>", *cells])
    head = ["figure", *[baseline_label(s) if first.loc[s, "baseline"] else s for s in names]]
    return _table(head, rows)


def _cells_table(head: Sequence[str], rows: tables.Rows, left: int = 2) -> str:
    """An HTML table of cells, each coloured by its reading."""
    html_rows = [
        [f"<span class='{CLASS[c.kind]}'>{_keep(c.text)}</span>" if c.kind else _keep(c.text) for c in row]
        for row in rows
    ]
    return _table(head, html_rows, left)


def effects_html(brief: Brief) -> str:
    """Effect sizes as HTML."""
    return _cells_table(*tables.effects(brief))


def gaps_html(brief: Brief) -> str:
    """The fair reading of the trust gap as HTML."""
    return _cells_table(*tables.gaps(brief), left=1)


def breakdown_html(brief: Brief, level: str, figures: Sequence[str]) -> str:
    """Paired differences by group or beat as HTML: Δ [CI] (share of the city's change)."""
    return _cells_table(*tables.groups(brief, level, figures))


def timings_html(brief: Brief) -> str:
    """Derived timings as HTML."""
    return _cells_table(*tables.timings(brief))


def costs_html(brief: Brief) -> str:
    """Cost and cost-effectiveness as HTML, with where the hours and money go."""
    main = _cells_table(*tables.costs(brief), left=1)
    lines = []
    for r in brief.costs.itertuples():
        what = (
            f"{r.d_hours:+,.0f} h"
            if r.unit == "hours"
            else plural(r.sessions, r.unit, SESSIONS[r.item].units if r.item in SESSIONS else None)
            if not is_nan(r.sessions)
            else ""
        )
        lines.append([_esc(r.scenario), _esc(r.item), _esc(what), f"{r.d_cost:+,.0f}"])
    detail = _table(["scenario", "activity or program", "Δ hours or sessions per run", "Δ cost"], lines, left=2)
    return main + "<h3>Where the hours and money go (mean paired change per run)</h3>" + detail


def bullets_html(pairs: Sequence[tuple[str, str]], intro: str = "") -> str:
    """(scenario, sentence) pairs as a list, with an optional lead-in ("" when there are none)."""
    if not pairs:
        return ""
    lead = f"<p class='read'>{_esc(intro)}</p>" if intro else ""
    return lead + "<ul class='read'>" + "".join(f"<li><b>{_esc(n)}</b>: {_esc(t)}</li>" for n, t in pairs) + "</ul>"


def prices_html(scenario) -> str:
    """The prices used (the baseline's [costs] section) with units and sources."""
    from cpsim.scenario import spec_of

    if scenario is None:
        return ""
    rows = []
    for f in dataclasses.fields(scenario.costs):
        spec = spec_of(f)
        value = getattr(scenario.costs, f.name)
        rows.append(
            [
                f"<code>costs.{_esc(f.name)}</code>",
                _esc(value if isinstance(value, str) else str(value) if isinstance(value, int) else f"{value:,g}"),
                _esc(spec.unit),
                _esc(spec.doc),
                _esc(spec.source),
            ]
        )
    return _table(["key", "value", "unit", "meaning", "source"], rows, left=5)


def html_report(brief: Brief, path: str | Path, figures: Sequence[str | Path] = (), scenario=None) -> Path:
    """Write a self-contained HTML report (figures embedded as data URIs, provenance in the footer).

    Args:
        brief: The comparison.
        path: HTML file to write.
        figures: PNG files to embed.
        scenario: The baseline Scenario, for the table of prices (default: rebuilt from the provenance's file).

    Returns:
        The path written.

    """
    a = brief.comparison.attrs
    names = brief.scenarios
    first = brief.comparison.drop_duplicates("scenario").set_index("scenario")
    if scenario is None:
        scenario = _baseline_scenario(brief)
    out = [
        "<!doctype html><html><head><meta charset='utf-8'><title>cpsim comparison</title>"
        f"<style>{CSS}</style></head><body>",
        "<h1>cpsim comparison</h1>",
    ]
    city = brief.provenance.get("city") or {}
    settings = [
        f"baseline <b>{_esc(brief.baseline)}</b>",
        f"{a.get('replicates', '?')} replicates per scenario",
        f"{a.get('days', '?')} days",
        f"base seed {a.get('seed', '?')}",
    ]
    if city:
        settings.append(f"a city of {city.get('residents', 0):,} residents in {city.get('beats')} beats")
    if a.get("overrides"):
        settings.append("overrides " + _esc(", ".join(a["overrides"])))
    out.append("<p>" + "; ".join(settings) + ".</p>")
    descriptions = [(n, (brief.provenance.get("scenarios") or {}).get(n, {}).get("description", "")) for n in names]
    out.append("<ul>" + "".join(f"<li><b>{_esc(n)}</b>: {_esc(d)}</li>" for n, d in descriptions if d) + "</ul>")
    out.append(
        "<p class='note'>Each cell: mean over replicates [95% confidence interval]; below it, the paired "
        "difference from the baseline (replicate k minus baseline replicate k, same seeds) [95% CI]. Green: a clear "
        "improvement (CI excludes 0); red: a clear deterioration; amber: a gap that narrows because the better-off "
        "group loses (levelling down); bold: a clear change in a figure with no better direction. "
        f"See docs/compare.md.</p><p class='note covers'>{_esc(sentences.covers(brief))}</p>"
    )
    out += [
        "<h2>What changes</h2>",
        headline_html(brief),
        bullets_html(sentences.read_bullets(brief, sentences.READ_FIGURES), sentences.READ_INTRO + ":"),
    ]
    if not brief.effects.empty:
        out += [
            "<h2>How big</h2><p class='note'>The change in SD units of the baseline's residents (per replicate, "
            "the change over the SD of the figure between the baseline's residents) and in the share of residents "
            "confident in police (trust at least 0.5). The last column, the change as surveyed (0-100), fills in "
            "when the scenarios have a [survey] section.</p>",
            effects_html(brief),
        ]
        if target := sentences.design_targets(brief):
            out.append(f"<p class='target'><b>Design target.</b> {_esc(target)}</p>")
    if not brief.breakdown.empty:
        out += [
            "<h2>Who benefits</h2>",
            "<h3>The trust gap, read fairly</h3>",
            gaps_html(brief),
            "<h3>By group</h3><p class='note'>Δ [95% CI] and, in brackets, the group's share of the city's change "
            "(residents x Δ / all residents: the shares add up to 100%).</p>",
            breakdown_html(
                brief,
                "group",
                (
                    "trust_end",
                    "confident_share_end",
                    "safety_end",
                    "victimizations_per_1000_year",
                    "reporting_rate",
                    "stops_per_1000_year",
                    "complaints",
                ),
            ),
            bullets_html(sentences.confident_note(brief), "Who benefits, counted in residents:"),
            "<h3>By beat</h3>",
            breakdown_html(
                brief,
                "beat",
                (
                    "trust_end",
                    "confident_share_end",
                    "safety_end",
                    "victimizations_per_1000_year",
                    "stops_per_1000_year",
                ),
            ),
        ]
    if not brief.timings.empty:
        out += ["<h2>How fast</h2>", timings_html(brief)]
    out += [
        "<h2>At what cost</h2><p class='note'>Spending is the change in the cost of the officer hours worked "
        "(priced by activity) and of programs' cash costs. A reallocation moves hours between activities: it "
        "barely changes spending but uses officer time that had other uses, so <i>resources used</i> values the "
        "hours moved into activities that grew (and any extra program cash). Ratios divide paired mean changes; "
        "their 95% intervals are Fieller's, and n/a means the denominator's change is not clear.</p>",
        bullets_html(sentences.cost_sentences(brief), sentences.COST_INTRO + ":"),
        costs_html(brief),
    ]
    if scenario is not None:
        out += ["<h3>Prices (the baseline's [costs] section)</h3>", prices_html(scenario)]
    failed = first[first["error"] != ""]
    if len(failed):
        out.append(
            "<h2>Failed scenarios</h2><ul>"
            + "".join(
                f"<li class='err'><b>{_esc(s)}</b> {_esc(r['file'])}: {_esc(r['error'])}</li>"
                for s, r in failed.iterrows()
            )
            + "</ul>"
        )
    if figures:
        out.append("<h2>Figures</h2><div class='figs'>")
        for fig in figures:
            data = base64.b64encode(Path(fig).read_bytes()).decode("ascii")
            out.append(f"<img alt='{_esc(Path(fig).stem)}' src='data:image/png;base64,{data}'>")
        out.append("</div>")
    out.append(html_footer(brief.provenance))
    out.append("</body></html>")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def _baseline_scenario(brief: Brief):
    """The baseline Scenario from the file named in the provenance (None when it cannot be read)."""
    from cpsim.scenario import ScenarioError, load_scenario

    info = (brief.provenance.get("scenarios") or {}).get(brief.baseline, {})
    try:
        return load_scenario(info["file"], brief.provenance.get("overrides") or None) if info.get("file") else None
    except (ScenarioError, OSError):
        return None

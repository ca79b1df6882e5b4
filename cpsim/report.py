"""Figures and a one-page HTML report of a scenario comparison (cpsim.analysis tables)."""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from cpsim.analysis import COST, HEADLINE, METRICS  # noqa: E402

CHANGES = {m.name for m, _ in COST}  # figures that are themselves changes: shown with a sign
BASE_COLOR, OTHER_COLOR, FAIL_COLOR = "#444444", "#1f77b4", "#b22222"
VERDICT_COLOR = {"better": "#1a7f1a", "worse": "#c0392b", "clear": OTHER_COLOR, "": OTHER_COLOR}


def baseline_label(name: str) -> str:
    """Return a scenario name marked as the baseline (once, even when it is called "baseline")."""
    return name if "baseline" in name.lower() else f"{name} (baseline)"


def fmt(value: float, metric: str, signed: bool = False, decimals: int | None = None) -> str:
    """Format one figure of a metric ("n/a" for NaN).

    Args:
        value: The figure.
        metric: Its metric name (sets the decimals shown, see ``Metric.decimals``).
        signed: Show a plus sign on positive values (differences).
        decimals: Decimal places to show instead of the metric's.

    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    m = METRICS.get(metric)
    places = decimals if decimals is not None else m.decimals if m else None
    sign = "+" if signed else ""
    return f"{value:{sign},.{places}f}" if places is not None else f"{value:{sign}.3g}"


def interval(row: pd.Series, prefix: str = "") -> str:
    """Format ``mean [low, high]`` (or ``diff [low, high]`` with prefix "diff").

    A narrow interval gets more decimals, so that its width shows two significant digits.
    """
    centre = row["mean"] if not prefix else row[prefix]
    if isinstance(centre, float) and math.isnan(centre):
        return "n/a"
    low, high = row[f"{prefix}_ci_low" if prefix else "ci_low"], row[f"{prefix}_ci_high" if prefix else "ci_high"]
    metric = row["metric"]
    signed = bool(prefix) or metric in CHANGES
    m = METRICS.get(metric)
    places = m.decimals if m else None
    half = (high - low) / 2
    if places is not None and half > 0 and not math.isnan(half):
        places = min(max(places, 1 - math.floor(math.log10(half))), 6)
    return (
        f"{fmt(centre, metric, signed, places)} "
        f"[{fmt(low, metric, signed, places)}, {fmt(high, metric, signed, places)}]"
    )


def verdict(row: pd.Series, prefix: str = "diff") -> str:
    """Say whether a difference is clear and which way: "better", "worse", "clear" or "".

    A difference is clear when its 95% CI excludes zero; "better"/"worse" use the
    metric's direction (``better`` column), "clear" is for metrics without one.
    """
    low, high = row[f"{prefix}_ci_low"], row[f"{prefix}_ci_high"]
    if row["baseline"] or any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        return ""
    if low <= 0 <= high:
        return ""
    up = low > 0
    if row["better"] == "higher":
        return "better" if up else "worse"
    if row["better"] == "lower":
        return "worse" if up else "better"
    return "clear"


def metric_figure(table: pd.DataFrame, metric: str, path: str | Path) -> Path:
    """Means with 95% CIs per scenario (left) and paired differences from the baseline (right).

    Args:
        table: The comparison table from :func:`cpsim.analysis.summarize`.
        metric: The metric to draw.
        path: PNG file to write.

    Returns:
        The path written.

    """
    rows = table[table["metric"] == metric].reset_index(drop=True)
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
            kind = verdict(r)
            color = BASE_COLOR if r["baseline"] else OTHER_COLOR if col == "mean" else VERDICT_COLOR[kind]
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
    axes[1].set_xlabel("filled: 95% CI excludes 0 (green better, red worse)\nhollow: no clear difference", fontsize=8)
    fig.suptitle(f"{m.label}: mean and 95% CI over {reps} replicates{better}", fontsize=11)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def cost_figure(table: pd.DataFrame, path: str | Path) -> Path | None:
    """Trust change per 1,000 officer hours (and community-work hours) with 95% CIs.

    Returns:
        The path written, or None when no scenario has an estimable ratio.

    """
    rows = table[table["metric"].isin([m.name for m, _ in COST]) & ~table["baseline"]]
    rows = rows[rows["mean"].notna()]
    if rows.empty:
        return None
    fig, axes = plt.subplots(
        1, len(COST), figsize=(10, 1.6 + 0.55 * rows["scenario"].nunique()), constrained_layout=True, squeeze=False
    )
    names = list(dict.fromkeys(table.loc[~table["baseline"], "scenario"]))
    y = {s: i for i, s in enumerate(names[::-1])}
    for ax, (m, _) in zip(axes[0], COST, strict=True):
        part = rows[rows["metric"] == m.name]
        for _, r in part.iterrows():
            err = [[r["mean"] - r["ci_low"]], [r["ci_high"] - r["mean"]]]
            ax.errorbar(r["mean"], y[r["scenario"]], xerr=err, fmt="o", color=OTHER_COLOR, capsize=4)
        ax.axvline(0, color=BASE_COLOR, ls="--", lw=1, alpha=0.7)
        ax.set_yticks(list(y.values()), list(y.keys()))
        ax.set_ylim(-0.7, len(y) - 0.3)
        ax.set_title(m.label, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 5), useOffset=False)
        if part.empty:
            ax.text(0.5, 0.5, "hours did not change clearly", ha="center", transform=ax.transAxes, color="grey")
            ax.set_xticks([])
    fig.suptitle("Cost-effectiveness relative to the baseline (Fieller 95% CI)", fontsize=11)
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_figures(table: pd.DataFrame, out: str | Path) -> list[Path]:
    """One PNG per headline metric (``<metric>.png``) and ``cost_effectiveness.png``."""
    out = Path(out)
    paths = [metric_figure(table, m.name, out / f"{m.name}.png") for m in HEADLINE]
    cost = cost_figure(table, out / "cost_effectiveness.png")
    return [*paths, *([cost] if cost else [])]


CSS = """
body{font-family:system-ui,sans-serif;max-width:1300px;margin:1.5em auto;color:#222;font-size:14px}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}
th{background:#f3f3f3}td{white-space:nowrap}td.l,th.l{text-align:left;white-space:normal}.d{font-size:12px;color:#555}.better{color:#116611;font-weight:bold}
.worse{color:#aa1111;font-weight:bold}.clear{font-weight:bold}.err{color:#aa1111}
.figs{display:grid;grid-template-columns:1fr 1fr;gap:6px}.figs img{width:100%}p.note{color:#555;font-size:13px}
"""


def html_report(table: pd.DataFrame, path: str | Path, figures: Sequence[str | Path] = ()) -> Path:
    """Write a self-contained one-page HTML summary (figures embedded as base64 PNGs).

    Args:
        table: The comparison table from :func:`cpsim.analysis.summarize`.
        path: HTML file to write.
        figures: PNG files to embed.

    Returns:
        The path written.

    """
    a = table.attrs
    names = list(dict.fromkeys(table["scenario"]))
    first = table.drop_duplicates("scenario").set_index("scenario")
    esc = html.escape
    out = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>cpsim comparison</title><style>{CSS}</style>"
        "</head><body>",
        "<h1>cpsim comparison</h1>",
    ]
    settings = [
        f"baseline <b>{esc(str(a.get('baseline', names[0])))}</b>",
        f"{a.get('replicates', '?')} replicates per scenario",
        f"{a.get('days', '?')} days",
        f"base seed {a.get('seed', '?')}",
    ]
    if a.get("overrides"):
        settings.append("overrides " + esc(", ".join(a["overrides"])))
    out.append("<p>" + "; ".join(settings) + f". Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.</p>")
    out.append(
        "<p class='note'>Each cell: mean over replicates [95% confidence interval]; below it, the paired "
        "difference from the baseline (replicate k minus baseline replicate k, same seeds) [95% CI]. "
        "Green: a clear improvement (CI excludes 0); red: a clear deterioration; black bold: a clear change "
        "in a figure with no better direction. See docs/compare.md.</p>"
    )
    head = "".join(f"<th>{esc(baseline_label(s) if first.loc[s, 'baseline'] else s)}</th>" for s in names)
    out.append(f"<table><tr><th class='l'>figure</th>{head}</tr>")
    for m in HEADLINE:
        cells = []
        for s in names:
            r = table[(table["scenario"] == s) & (table["metric"] == m.name)].iloc[0]
            if r["error"]:
                cells.append("<td class='err'>failed</td>")
                continue
            diff = "" if r["baseline"] else f"<br><span class='d {verdict(r)}'>Δ {esc(interval(r, 'diff'))}</span>"
            cells.append(f"<td>{esc(interval(r))}{diff}</td>")
        better = f" ({m.better} is better)" if m.better else ""
        out.append(
            f"<tr><td class='l'>{esc(m.label)}<br><span class='d'>{esc(m.unit)}{better}</span></td>"
            f"{''.join(cells)}</tr>"
        )
    out.append(
        "</table><h2>Cost-effectiveness</h2><p class='note'>Change in trust (0-1) per 1,000 officer "
        "hours relative to the baseline: ratio of the paired mean changes, Fieller 95% CI; n/a when the "
        "hours did not change clearly.</p><table><tr><th class='l'>ratio</th>"
        + "".join(f"<th>{esc(s)}</th>" for s in names[1:])
        + "</tr>"
    )
    for m, _ in COST:
        cells = []
        for s in names[1:]:
            r = table[(table["scenario"] == s) & (table["metric"] == m.name)].iloc[0]
            cells.append("<td class='err'>failed</td>" if r["error"] else f"<td>{esc(interval(r))}</td>")
        out.append(f"<tr><td class='l'>{esc(m.label)}</td>{''.join(cells)}</tr>")
    out.append("</table>")
    failed = first[first["error"] != ""]
    if len(failed):
        out.append(
            "<h2>Failed scenarios</h2><ul>"
            + "".join(
                f"<li class='err'><b>{esc(s)}</b> {esc(str(r['file']))}: {esc(r['error'])}</li>"
                for s, r in failed.iterrows()
            )
            + "</ul>"
        )
    files = a.get("files") or {s: first.loc[s, "file"] for s in names}
    out.append(
        "<p class='note'>Scenario files: "
        + "; ".join(f"{esc(s)}: {esc(str(f)) or '(in memory)'}" for s, f in files.items())
        + "</p>"
    )
    if figures:
        out.append("<h2>Figures</h2><div class='figs'>")
        for fig in figures:
            data = base64.b64encode(Path(fig).read_bytes()).decode("ascii")
            out.append(f"<img alt='{esc(Path(fig).stem)}' src='data:image/png;base64,{data}'>")
        out.append("</div>")
    out.append("</body></html>")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out), encoding="utf-8")
    return path

"""Analysis of a sweep: effects of each varied parameter, sensitivity indices, an HTML report.

For every varied parameter, a figure shows each kept figure against the parameter, one
line per scenario, with the 95% confidence band of the mean over replicates and the
10-90% spread of single runs. Sobol and Morris experiments get their indices from SALib,
with replicates averaged per sample point first (SALib expects one output per point; the
average removes most of the run-to-run noise that would otherwise read as sensitivity).
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from SALib.analyze import morris as morris_analyze  # noqa: E402
from SALib.analyze import sobol as sobol_analyze  # noqa: E402

from cpsim.metrics import DAILY, SUMMARY  # noqa: E402
from cpsim.sweep.store import SweepResults, connect_read, open_results, quote  # noqa: E402

# Figures shown when the experiment keeps them and none are asked for.
KEY_METRICS = (
    "trust_end", "trust_gap_end", "legitimacy_end", "effectiveness_end", "safety_end", "violent_per_1000_year",
    "property_per_1000_year", "reporting_rate", "contact_prevalence", "complaints_per_1000_contacts",
)


def pick_metrics(res: SweepResults, metrics: list[str] | None = None) -> list[str]:
    """Choose the figures to analyse: those asked for, else the key figures the store keeps."""
    if metrics:
        unknown = [m for m in metrics if m not in res.metrics]
        if unknown:
            from cpsim.sweep.spec import ExperimentError

            raise ExperimentError(
                f"--metric {unknown[0]}: not kept in this store; allowed: " + ", ".join(res.metrics)
            )
        return list(metrics)
    chosen = [m for m in KEY_METRICS if m in res.metrics]
    return chosen or list(res.metrics)[:6]


def effect_table(res: SweepResults, key: str, metric: str) -> pd.DataFrame:
    """Summarise a figure against one varied parameter, per scenario.

    Grid designs group by the parameter's values (averaging over the other varied
    parameters); sampled designs group the per-point means into ten quantile bins.

    Returns:
        Columns scenario, x, n, mean, ci_lo, ci_hi (95% CI of the mean), p10, p90 (runs).

    """
    ok = res.runs[res.runs["status"] == "ok"]
    rows = []
    for scenario, part in ok.groupby("scenario", sort=False):
        data = part[[key, metric]].dropna()
        if res.experiment["design"] != "grid":
            per_point = part.groupby("point")[[key, metric]].mean().dropna()
            bins = pd.qcut(per_point[key], q=min(10, per_point[key].nunique()), duplicates="drop")
            data = per_point.assign(**{key: per_point.groupby(bins, observed=True)[key].transform("mean")})
        for x, grp in data.groupby(key, sort=True):
            y = grp[metric].to_numpy(dtype=float)
            n = len(y)
            half = 1.96 * y.std(ddof=1) / math.sqrt(n) if n > 1 else float("nan")
            rows.append(
                {
                    "scenario": scenario, "x": x, "n": n, "mean": y.mean(), "ci_lo": y.mean() - half,
                    "ci_hi": y.mean() + half, "p10": np.percentile(y, 10), "p90": np.percentile(y, 90),
                }
            )
    return pd.DataFrame(rows, columns=["scenario", "x", "n", "mean", "ci_lo", "ci_hi", "p10", "p90"])


def effect_figure(res: SweepResults, key: str, metrics: list[str], path: Path) -> Path:
    """Draw every figure in ``metrics`` against the varied parameter ``key`` (one panel each)."""
    cols = min(3, len(metrics))
    rows = math.ceil(len(metrics) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.6 * rows), squeeze=False, constrained_layout=True)
    column = res.runs[key]
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    for ax, metric in zip(axes.flat, metrics, strict=False):
        table = effect_table(res, key, metric)
        for i, (scenario, part) in enumerate(table.groupby("scenario", sort=False)):
            color = f"C{i}"
            x = part["x"].to_numpy() if numeric else np.arange(len(part))
            ax.fill_between(x, part["p10"], part["p90"], color=color, alpha=0.12, lw=0)
            ax.fill_between(x, part["ci_lo"], part["ci_hi"], color=color, alpha=0.35, lw=0)
            ax.plot(x, part["mean"], color=color, marker="o", ms=3, label=str(scenario))
            if not numeric:
                ax.set_xticks(x, [str(v) for v in part["x"]])
        unit = SUMMARY.get(metric, ("", ""))[0]
        ax.set(title=metric, xlabel=key, ylabel=f"{metric} ({unit})" if unit else metric)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8, title="scenario", title_fontsize=8)
    spec = res.experiment["spec"]
    paired = (
        "\ncommon random numbers: every value ran on the same replicate cities, so differences between values "
        "are paired and much tighter than the bands" if spec.get("common_random_numbers") else ""
    )
    fig.suptitle(
        f"{res.experiment['name']}: figures against {key} (line: mean; dark band: 95% CI of the mean; "
        f"light band: 10-90% of single runs; {spec['replicates']} replicates){paired}",
        fontsize=10,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def timeseries_figure(path: Path, res: SweepResults, out: Path, max_panels: int = 6) -> Path | None:
    """Draw the kept daily figures over time: mean over runs per scenario.

    Grid designs get one line per value of the first varied parameter (averaged over any
    others); sampled designs one mean line with the 10-90% band of single runs. Counts are
    shown as 7-day means. Aggregation runs in DuckDB, so big stores are never loaded whole.

    Returns:
        The PNG written, or None when the store keeps no time series.
    """
    figures = [f for f in res.experiment["timeseries"]][:max_panels]
    if not figures:
        return None
    grid = res.experiment["design"] == "grid"
    key = res.varied[0]
    by = f"r.{quote(key)}" if grid else "NULL"
    aggs = ", ".join(
        f"avg(t.{quote(f)}) AS {quote(f)}, quantile_cont(t.{quote(f)}, 0.1) AS {quote(f + '_p10')}, "
        f"quantile_cont(t.{quote(f)}, 0.9) AS {quote(f + '_p90')}"
        for f in figures
    )
    con = connect_read(path)
    try:
        df = con.execute(
            f"SELECT r.scenario, {by} AS x, t.day, {aggs} FROM timeseries t JOIN runs r USING (run_id) "
            "WHERE r.status = 'ok' GROUP BY ALL ORDER BY r.scenario, x, t.day"
        ).fetchdf()
    finally:
        con.close()
    if df.empty:
        return None
    scenarios = list(dict.fromkeys(df["scenario"]))
    fig, axes = plt.subplots(
        len(scenarios), len(figures), figsize=(4.2 * len(figures), 3.2 * len(scenarios)), squeeze=False,
        constrained_layout=True,
    )
    values = list(dict.fromkeys(df["x"]))
    cmap = plt.get_cmap("viridis", max(len(values), 2))
    for row, scenario in enumerate(scenarios):
        part = df[df["scenario"] == scenario]
        for col, name in enumerate(figures):
            ax = axes[row, col]
            weekly = DAILY[name][0] == "count"
            for i, (x, line) in enumerate(part.groupby("x", sort=False, dropna=False)):
                y = line[name].rolling(7, min_periods=1).mean() if weekly else line[name]
                if grid:
                    ax.plot(line["day"], y, color=cmap(i), lw=1.2, label=f"{x}")
                else:
                    ax.fill_between(line["day"], line[name + "_p10"], line[name + "_p90"], color="C0", alpha=0.2, lw=0)
                    ax.plot(line["day"], y, color="C0", lw=1.2, label="mean")
            ax.set(title=f"{scenario}: {name}" + (" (7-day mean)" if weekly else ""), xlabel="day")
            ax.grid(alpha=0.3)
        axes[row, 0].legend(fontsize=7, title=key if grid else None, title_fontsize=7)
    fig.suptitle(f"{res.experiment['name']}: daily figures, mean over runs", fontsize=10)
    target = out / "timeseries.png"
    fig.savefig(target, dpi=100)
    plt.close(fig)
    return target


def point_means(res: SweepResults, scenario: str, metric: str) -> np.ndarray:
    """Average the replicates of each sample point (NaN where no run of the point succeeded)."""
    ok = res.runs[(res.runs["status"] == "ok") & (res.runs["scenario"] == scenario)]
    means = ok.groupby("point")[metric].mean()
    return means.reindex(res.points["point"]).to_numpy(dtype=float)


def sensitivity(res: SweepResults, metric: str, seed: int = 0) -> pd.DataFrame:
    """Sobol (S1, ST) or Morris (mu*, sigma) indices with 95% confidence intervals, per scenario.

    Replicates are averaged per sample point first. A scenario whose points are not all
    available (failed or pending runs) or whose figure does not vary gets a ``note``
    instead of indices.

    Returns:
        One row per scenario and parameter.

    """
    design = res.experiment["design"]
    if design not in ("sobol", "morris"):
        raise ValueError(f"sensitivity indices need a sobol or morris design, not {design!r}")
    spec = res.experiment["spec"]
    names = res.varied
    problem = {"num_vars": len(names), "names": names, "bounds": [spec["vary"][k] for k in names]}
    rows = []
    for scenario in res.runs["scenario"].unique():
        y = point_means(res, scenario, metric)
        note = ""
        if np.isnan(y).any():
            note = f"{int(np.isnan(y).sum())} of {len(y)} sample points have no finished run"
        elif np.ptp(y) == 0:
            note = f"{metric} is the same at every sample point"
        if note:
            rows += [{"scenario": scenario, "parameter": k, "note": note} for k in names]
            continue
        if design == "sobol":
            si = sobol_analyze.analyze(
                problem, y, calc_second_order=spec["second_order"], conf_level=0.95, seed=seed
            )
            for i, k in enumerate(names):
                rows.append(
                    {
                        "scenario": scenario, "parameter": k, "S1": si["S1"][i], "S1_conf": si["S1_conf"][i],
                        "ST": si["ST"][i], "ST_conf": si["ST_conf"][i], "note": "",
                    }
                )
        else:
            x = np.array(res.points["raw"].tolist(), dtype=float)
            si = morris_analyze.analyze(problem, x, y, conf_level=0.95, num_levels=spec["levels"], seed=seed)
            for i, k in enumerate(names):
                rows.append(
                    {
                        "scenario": scenario, "parameter": k, "mu_star": si["mu_star"][i],
                        "mu_star_conf": si["mu_star_conf"][i], "sigma": si["sigma"][i], "note": "",
                    }
                )
    return pd.DataFrame(rows)


def sensitivity_figure(table: pd.DataFrame, design: str, metric: str, path: Path) -> Path:
    """Draw first-order and total Sobol indices (or Morris mu* and sigma) with 95% CIs."""
    scenarios = list(table["scenario"].unique())
    fig, axes = plt.subplots(1, len(scenarios), figsize=(5.5 * len(scenarios), 3.8), squeeze=False,
                             constrained_layout=True)
    for ax, scenario in zip(axes.flat, scenarios, strict=True):
        part = table[table["scenario"] == scenario]
        y = np.arange(len(part))
        if part["note"].astype(bool).all():
            ax.text(0.5, 0.5, part["note"].iloc[0], ha="center", va="center", wrap=True, transform=ax.transAxes)
            ax.set_axis_off()
        elif design == "sobol":
            ax.barh(y - 0.2, part["S1"], 0.4, xerr=part["S1_conf"], label="first order S1", color="C0", capsize=3)
            ax.barh(y + 0.2, part["ST"], 0.4, xerr=part["ST_conf"], label="total ST", color="C1", capsize=3)
            ax.set(xlabel="Sobol index (95% CI)")
            ax.axvline(0, color="black", lw=0.8)
        else:
            ax.barh(y - 0.2, part["mu_star"], 0.4, xerr=part["mu_star_conf"], label="mu* (mean |effect|)",
                    color="C0", capsize=3)
            ax.barh(y + 0.2, part["sigma"], 0.4, label="sigma (interactions, non-linearity)", color="C2")
            ax.set(xlabel=f"elementary effect on {metric} (95% CI)")
        if not part["note"].astype(bool).all():
            ax.set_yticks(y, part["parameter"])
            ax.invert_yaxis()
            ax.legend(fontsize=8)
            ax.grid(axis="x", alpha=0.3)
        ax.set_title(f"{scenario}: {metric}", fontsize=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def summary_table(res: SweepResults, metrics: list[str]) -> pd.DataFrame:
    """Tabulate mean and standard deviation of each figure per scenario (and grid point when few)."""
    ok = res.runs[res.runs["status"] == "ok"]
    keys = ["scenario"]
    if res.experiment["design"] == "grid" and len(res.points) <= 40:
        keys += res.varied
    grouped = ok.groupby(keys, sort=False, dropna=False)
    out = grouped.size().rename("runs").to_frame()
    for m in metrics:
        out[f"{m} mean"] = grouped[m].mean()
        out[f"{m} sd"] = grouped[m].std()
    return out.reset_index()


def default_report_dir(path: str | Path) -> Path:
    """Where a store's report goes unless told: ``<store>_report`` next to it."""
    path = Path(path)
    return path.with_name(path.stem + "_report")


def analyze(path: str | Path, out: str | Path | None = None, metrics: list[str] | None = None) -> Path:
    """Write the figures and the HTML report of a sweep.

    Args:
        path: The DuckDB store.
        out: Directory for the report (default: next to the store, ``<store>_report``).
        metrics: Summary figures to analyse (default: the key figures the store keeps).

    Returns:
        The report's path (``report.html`` in ``out``).

    """
    path = Path(path)
    out = Path(out) if out is not None else default_report_dir(path)
    res = open_results(path, timeseries=False)
    chosen = pick_metrics(res, metrics)
    out.mkdir(parents=True, exist_ok=True)
    design = res.experiment["design"]
    sections: list[str] = []
    if (res.runs["status"] == "ok").any():
        for key in res.varied:
            fig = effect_figure(res, key, chosen, out / f"effect_{_slug(key)}.png")
            sections.append(f"<h3>Against {html.escape(key)}</h3><img src='{fig.name}' alt='{html.escape(key)}'>")
        daily = timeseries_figure(path, res, out)
        if daily is not None:
            sections.append(f"<h3>Over time</h3><img src='{daily.name}' alt='daily figures'>")
        if design in ("sobol", "morris"):
            for metric in chosen:
                table = sensitivity(res, metric)
                fig = sensitivity_figure(table, design, metric, out / f"{design}_{metric}.png")
                sections.append(
                    f"<h3>{design.title()} indices: {html.escape(metric)}</h3><img src='{fig.name}' alt='{metric}'>"
                    + _html_table(table)
                )
                table.to_csv(out / f"{design}_{metric}.csv", index=False)
        summary = summary_table(res, chosen)
        summary.to_csv(out / "summary.csv", index=False)
        compact = summary[[c for c in summary.columns if not c.endswith((" mean", " sd"))]].copy()
        for m in chosen:
            pairs = zip(summary[f"{m} mean"], summary[f"{m} sd"], strict=True)
            compact[m] = ["" if math.isnan(a) else f"{a:.4g} ({b:.2g})" for a, b in pairs]
        sections.append("<h2>Summary: mean (SD) over finished runs</h2>" + _html_table(compact))
    report = out / "report.html"
    report.write_text(_page(res, chosen, sections), encoding="utf-8")
    return report


def _slug(key: str) -> str:
    return key.replace(".", "_")


def _html_table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="", border=0, classes="t")


def _page(res: SweepResults, metrics: list[str], sections: list[str]) -> str:
    exp, runs = res.experiment, res.runs
    counts = runs["status"].value_counts().reindex(["ok", "failed", "pending"], fill_value=0)
    spec = exp["spec"]
    failed = runs[runs["status"] == "failed"]
    failures = ""
    if len(failed):
        first = failed["error"].map(lambda e: str(e).splitlines()[0]).value_counts().head(5)
        failures = "<h2>Failures</h2><ul>" + "".join(
            f"<li>{n} runs: {html.escape(msg)}</li>" for msg, n in first.items()
        ) + "</ul>"
    sampled = "" if exp["design"] == "grid" else f", {spec['samples']} samples"
    design = f"{exp['design']}{sampled}, {len(res.points)} points x {spec['replicates']} replicates"
    vary = "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(str(v))}</li>" for k, v in spec["vary"].items())
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape(exp['name'])}: sweep report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; color: #222; }}
img {{ max-width: 100%; }} code {{ background: #f3f3f3; padding: 0 3px; }}
table.t {{ border-collapse: collapse; font-size: 12px; margin: 1em 0; }}
table.t td, table.t th {{ padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: right; }}
</style></head><body>
<h1>{html.escape(exp['name'])}</h1>
<p>{html.escape(spec.get('description') or '')}</p>
<ul>
<li>experiment file: <code>{html.escape(str(exp['file']))}</code>;
scenarios: {html.escape(', '.join(spec['scenarios']))}</li>
<li>design: {html.escape(design)}; {spec['days'] or 'scenario'} days a run; base seed {spec['seed']}</li>
<li>runs: {counts['ok']} ok, {counts['failed']} failed, {counts['pending']} pending (of {len(runs)})</li>
<li>varied: <ul>{vary}</ul></li>
<li>figures analysed: {html.escape(', '.join(metrics))} (docs/metrics.md)</li>
</ul>
{failures}
<h2>Effects of the varied parameters</h2>
{''.join(sections)}
</body></html>
"""

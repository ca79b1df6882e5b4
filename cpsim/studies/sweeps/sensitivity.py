"""Analysis of a sweep: effects of each varied parameter, sensitivity indices, an HTML report.

For every varied parameter, a figure shows each kept figure against the parameter, one
line per scenario, with the 95% confidence band of the mean over replicates and the
10-90% spread of single runs. With common random numbers (replicate r runs on the same
city with the same draws at every point and in every scenario) a grid design also gets
the paired differences: each value against the parameter's first value, and each scenario
against the first scenario, replicate by replicate, with 95% CIs over replicates; these
are far tighter than the bands of the means. Trust by resident group gets the same
figures (who benefits). Sobol and Morris experiments get their indices from SALib, with
replicates averaged per sample point first (SALib expects one output per point; the
average removes most of the run-to-run noise that would otherwise read as sensitivity),
and a warning when the sample is too small for them to mean anything (:func:`warnings`).
The report embeds its figures, so it can be moved or mailed on its own.
"""

from __future__ import annotations

import base64
import html
import math
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
# Labels are plain text: a group named "$x$" is a name, not a formula (mathtext would fail on it).
matplotlib.rcParams["text.parse_math"] = False

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from SALib.analyze import morris as morris_analyze  # noqa: E402
from SALib.analyze import sobol as sobol_analyze  # noqa: E402

from cpsim.metrics import DAILY, SUMMARY  # noqa: E402
from cpsim.studies.claims import intervals_cover  # noqa: E402
from cpsim.studies.provenance import html_footer  # noqa: E402
from cpsim.studies.sweeps.experiment import ExperimentError  # noqa: E402
from cpsim.studies.sweeps.results import SweepResults, connect_read, open_results, quote  # noqa: E402

# Smallest samples for meaningful indices. Sobol: N base samples (N(D+2) points); SALib's
# examples use N = 1024 and the bootstrap CIs of S1/ST are of the order of the indices below
# a few hundred. Morris: r trajectories; Campolongo et al. (2007) use r = 10 and more.
SOBOL_MIN_SAMPLES = 256
MORRIS_MIN_TRAJECTORIES = 10
WARN_COLOR = "#9a6a00"
INDICES_COVER = (
    " The intervals of the sensitivity indices are SALib's bootstrap over the sample points: how precisely "
    "this sample pins the indices down."
)


def covers(spec: dict) -> str:
    """What the report's bands and paired intervals cover (the indices' own intervals are SALib's bootstrap).

    Args:
        spec: The stored experiment (Experiment.to_dict): with a posterior, each replicate ran with
            its own drawn parameter set, so the bands cover parameter uncertainty too.
    """
    if spec.get("posterior"):
        what = (
            f"The 95% bands and paired intervals ({spec['replicates']} replicates a point, each with parameters "
            f"drawn from the posterior {spec['posterior']})"
        )
        return intervals_cover(("seed", "parameters"), what=what) + INDICES_COVER
    return intervals_cover(what="The 95% bands and paired intervals") + INDICES_COVER


def drawn(spec: dict) -> str:
    """A figure title's note on what the replicates differ in ("" without a posterior)."""
    return "; each replicate with its own parameters drawn from the posterior" if spec.get("posterior") else ""


# Figures shown when the experiment keeps them and none are asked for.
KEY_METRICS = (
    "trust_end",
    "trust_gap_end",
    "legitimacy_end",
    "effectiveness_end",
    "safety_end",
    "violent_per_1000_year",
    "property_per_1000_year",
    "reporting_rate",
    "contact_prevalence",
    "complaints_per_1000_contacts",
)


def suptitle(fig, text: str, fontsize: float = 10):
    """A figure title wrapped to the figure's width: a long title on a narrow figure was cut at both edges."""
    # characters of this size that fit across the figure (a character is about 0.55 em wide)
    width = max(20, int(fig.get_figwidth() * 72 / (0.6 * fontsize)))
    lines = [textwrap.fill(part, width) for part in text.split("\n")]
    return fig.suptitle("\n".join(lines), fontsize=fontsize)


def pick_metrics(res: SweepResults, metrics: list[str] | None = None) -> list[str]:
    """Choose the figures to analyse: those asked for, else the key figures the store keeps."""
    if metrics:
        unknown = [m for m in metrics if m not in res.metrics]
        if unknown:
            raise ExperimentError(f"--metric {unknown[0]}: not kept in this store; allowed: " + ", ".join(res.metrics))
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
                    "scenario": scenario,
                    "x": x,
                    "n": n,
                    "mean": y.mean(),
                    "ci_lo": y.mean() - half,
                    "ci_hi": y.mean() + half,
                    "p10": np.percentile(y, 10),
                    "p90": np.percentile(y, 90),
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
        "are paired and much tighter than the bands"
        if spec.get("common_random_numbers")
        else ""
    )
    suptitle(
        fig,
        f"{res.experiment['name']}: figures against {key} (line: mean; dark band: 95% CI of the mean; "
        f"light band: 10-90% of single runs; {spec['replicates']} replicates{drawn(spec)}){paired}",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _t(n: np.ndarray) -> np.ndarray:
    from scipy import stats  # here: scipy.stats adds ~1 s to importing the studies

    return stats.t.ppf(0.975, np.maximum(n - 1, 1))


def paired_table(runs: pd.DataFrame, varied: list[str], key: str | None, metric: str) -> pd.DataFrame:
    """Paired differences under common random numbers, with 95% CIs over replicates.

    With ``key``: each value of ``key`` minus its first value, in the same scenario, replicate
    and values of the other varied parameters. Without: each scenario minus the first
    scenario at the same point and replicate (x is then the first varied parameter).

    Args:
        runs: Finished runs: scenario, point, replicate, the varied keys and ``metric``.
        varied: The varied keys.
        key: The parameter whose first value is the reference, or None for scenarios.
        metric: The figure.

    Returns:
        Columns scenario, x, n (replicates), diff, ci_lo, ci_hi; the differences are first
        averaged over the other varied parameters within each replicate.

    """
    if runs.empty:
        return pd.DataFrame(columns=["scenario", "x", "n", "diff", "ci_lo", "ci_hi"])
    if key is not None:
        ref_value = sorted(runs[key].dropna().unique(), key=lambda v: (str(type(v)), v))[0]
        match = ["scenario", "replicate", *[k for k in varied if k != key]]
        ref = runs[runs[key] == ref_value][[*match, metric]].rename(columns={metric: "ref"})
        x = key
    else:
        first = runs["scenario"].iloc[0]
        match = ["replicate", *varied]
        ref = runs[runs["scenario"] == first][[*match, metric]].rename(columns={metric: "ref"})
        x = varied[0]
    merged = runs.merge(ref, on=match, how="inner")
    merged["d"] = merged[metric] - merged["ref"]
    if key is None:
        merged = merged[merged["scenario"] != runs["scenario"].iloc[0]]
    per_rep = merged.groupby(["scenario", x, "replicate"], sort=False, dropna=False)["d"].mean().reset_index()
    g = per_rep.groupby(["scenario", x], sort=False, dropna=False)["d"]
    out = g.agg(n="count", diff="mean", sd="std").reset_index().rename(columns={x: "x"})
    half = _t(out["n"].to_numpy()) * out["sd"].to_numpy() / np.sqrt(np.maximum(out["n"].to_numpy(), 1))
    out["ci_lo"], out["ci_hi"] = out["diff"] - half, out["diff"] + half
    order = {v: i for i, v in enumerate(sorted(out["x"].unique(), key=lambda v: (str(type(v)), v)))}
    out = out.sort_values(["scenario", "x"], key=lambda c: c.map(order) if c.name == "x" else c, kind="stable")
    return out[["scenario", "x", "n", "diff", "ci_lo", "ci_hi"]].reset_index(drop=True)


def paired_figure(
    res: SweepResults, key: str | None, metrics: list[str], path: Path, runs: pd.DataFrame | None = None
) -> Path | None:
    """Paired differences against a varied parameter (or between scenarios), one panel per figure."""
    runs = res.runs[res.runs["status"] == "ok"] if runs is None else runs
    varied = res.varied
    tables = {m: paired_table(runs, varied, key, m) for m in metrics}
    if all(t.empty for t in tables.values()):
        return None
    x_key = key or varied[0]
    cols = min(3, len(metrics))
    rows = math.ceil(len(metrics) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.6 * rows), squeeze=False, constrained_layout=True)
    column = runs[x_key]
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    for ax, metric in zip(axes.flat, metrics, strict=False):
        for i, (scenario, part) in enumerate(tables[metric].groupby("scenario", sort=False)):
            x = part["x"].to_numpy() if numeric else np.arange(len(part))
            ax.fill_between(x, part["ci_lo"], part["ci_hi"], color=f"C{i}", alpha=0.3, lw=0)
            ax.plot(x, part["diff"], color=f"C{i}", marker="o", ms=3, label=str(scenario))
            if not numeric:
                ax.set_xticks(x, [str(v) for v in part["x"]])
        ax.axhline(0, color="#444444", lw=0.8)
        ax.set(title=metric, xlabel=x_key, ylabel=f"Δ {metric}")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8, title="scenario", title_fontsize=8)
    first = runs["scenario"].iloc[0]
    what = (
        f"each value of {key} minus its first value"
        if key is not None
        else f"each scenario minus {first} at the same point"
    )
    suptitle(
        fig,
        f"{res.experiment['name']}: paired differences under common random numbers ({what}, same city "
        f"and draws, replicate by replicate; band: 95% CI over replicates{drawn(res.experiment['spec'])})",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def group_runs(res: SweepResults, metric: str = "trust_end") -> pd.DataFrame:
    """Finished runs with one column per resident group holding ``metric`` for that group (from ``breakdown``)."""
    if res.breakdown.empty:
        return pd.DataFrame()
    g = res.breakdown[res.breakdown["level"] == "group"]
    wide = g.pivot(index="run_id", columns="key", values=metric)
    wide.columns = [f"{metric}.{c}" for c in wide.columns]
    ok = res.runs[res.runs["status"] == "ok"]
    return ok.merge(wide, left_on="run_id", right_index=True, how="inner")


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
        len(scenarios),
        len(figures),
        figsize=(4.2 * len(figures), 3.2 * len(scenarios)),
        squeeze=False,
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
    suptitle(fig, f"{res.experiment['name']}: daily figures, mean over runs")
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
            si = sobol_analyze.analyze(problem, y, calc_second_order=spec["second_order"], conf_level=0.95, seed=seed)
            for i, k in enumerate(names):
                rows.append(
                    {
                        "scenario": scenario,
                        "parameter": k,
                        "S1": si["S1"][i],
                        "S1_conf": si["S1_conf"][i],
                        "ST": si["ST"][i],
                        "ST_conf": si["ST_conf"][i],
                        "note": "",
                    }
                )
        else:
            x = np.array(res.points["raw"].tolist(), dtype=float)
            si = morris_analyze.analyze(problem, x, y, conf_level=0.95, num_levels=spec["levels"], seed=seed)
            for i, k in enumerate(names):
                rows.append(
                    {
                        "scenario": scenario,
                        "parameter": k,
                        "mu_star": si["mu_star"][i],
                        "mu_star_conf": si["mu_star_conf"][i],
                        "sigma": si["sigma"][i],
                        "note": "",
                    }
                )
    return pd.DataFrame(rows)


def warnings(table: pd.DataFrame, design: str, samples: int) -> list[str]:
    """Say when sensitivity indices are too uncertain to read.

    Args:
        table: Indices from :func:`sensitivity`.
        design: "sobol" or "morris".
        samples: The experiment's ``samples`` (Sobol N; Morris trajectories).

    Returns:
        One sentence per problem: a sample below the documented minimum
        (:data:`SOBOL_MIN_SAMPLES`, :data:`MORRIS_MIN_TRAJECTORIES`), a confidence interval
        wider than the index itself, or a Sobol index outside [0, 1] by more than its CI.

    """
    out = []
    if design == "sobol" and samples < SOBOL_MIN_SAMPLES:
        out.append(
            f"only {samples} base samples (N); Sobol indices need N >= {SOBOL_MIN_SAMPLES} to be read (raise samples)"
        )
    if design == "morris" and samples < MORRIS_MIN_TRAJECTORIES:
        out.append(f"only {samples} trajectories; Morris screening needs r >= {MORRIS_MIN_TRAJECTORIES}")
    pairs = (("S1", "S1_conf"), ("ST", "ST_conf")) if design == "sobol" else (("mu_star", "mu_star_conf"),)
    for idx, conf in pairs:
        if idx not in table:
            continue
        part = table.dropna(subset=[idx, conf])
        wide = part[part[conf] > part[idx].abs()]
        if len(wide):
            names = ", ".join(f"{r.scenario}/{r.parameter}" for r in wide.itertuples())
            out.append(f"{idx}: the 95% CI is wider than the index for {names}")
        if design == "sobol":
            off = part[(part[idx] - part[conf] > 1.0) | (part[idx] + part[conf] < 0.0)]
            if len(off):
                names = ", ".join(f"{r.scenario}/{r.parameter} = {getattr(r, idx):.2f}" for r in off.itertuples())
                out.append(f"{idx} outside [0, 1] beyond its CI ({names}): the sample is too small")
    return out


def sensitivity_figure(
    table: pd.DataFrame, design: str, metric: str, path: Path, problems: list[str] | tuple[str, ...] = ()
) -> Path:
    """Draw first-order and total Sobol indices (or Morris mu* and sigma) with 95% CIs, and any warning on them.

    Args:
        table: Indices from :func:`sensitivity`.
        design: "sobol" or "morris".
        metric: The figure the indices are of.
        path: PNG file to write.
        problems: Warnings from :func:`warnings`, drawn under the title: a figure copied into a
            slide without the report's text must still say its indices cannot be read.

    """
    scenarios = list(table["scenario"].unique())
    height = 3.8 + 0.35 * len(problems)
    fig, axes = plt.subplots(
        1, len(scenarios), figsize=(5.5 * len(scenarios), height), squeeze=False, layout="constrained"
    )
    title = f"{design.title()} indices of {metric}"
    if problems:
        title += "\nWARNING: " + "; ".join(problems)
    suptitle(fig, title).set_color(WARN_COLOR if problems else "black")
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
            ax.barh(
                y - 0.2,
                part["mu_star"],
                0.4,
                xerr=part["mu_star_conf"],
                label="mu* (mean |effect|)",
                color="C0",
                capsize=3,
            )
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
        The report's path (``report.html`` in ``out``). Sensitivity warnings are printed
        on stderr as well as shown in the report.

    """
    path = Path(path)
    out = Path(out) if out is not None else default_report_dir(path)
    res = open_results(path, timeseries=False)
    chosen = pick_metrics(res, metrics)
    out.mkdir(parents=True, exist_ok=True)
    design = res.experiment["design"]
    spec = res.experiment["spec"]
    crn = bool(spec.get("common_random_numbers"))
    ok = res.runs[res.runs["status"] == "ok"]
    sections: list[str] = []
    ranking: list[str] = []  # what a sensitivity analysis is for comes first: which parameters matter
    if len(ok) and design in ("sobol", "morris"):
        for metric in chosen:
            table = sensitivity(res, metric)
            problems = warnings(table, design, int(spec.get("samples") or 0))
            fig = sensitivity_figure(table, design, metric, out / f"{design}_{metric}.png", problems)
            note = "".join(f"<p class='warn'>Warning: {html.escape(w)}.</p>" for w in problems)
            for w in problems:
                print(f"cpsim analyze: {design} {metric}: warning: {w}", file=sys.stderr)
            ranking.append(
                f"<h3>{design.title()} indices: {html.escape(metric)}</h3>{note}{_img(fig)}" + _html_table(table)
            )
            table.assign(warning="; ".join(problems)).to_csv(out / f"{design}_{metric}.csv", index=False)
    if len(ok):
        for key in res.varied:
            fig = effect_figure(res, key, chosen, out / f"effect_{_slug(key)}.png")
            sections.append(f"<h3>Against {html.escape(key)}</h3>{_img(fig)}")
            if crn and design == "grid":
                paired = paired_figure(res, key, chosen, out / f"paired_{_slug(key)}.png")
                if paired is not None:
                    sections.append(
                        f"<h3>Paired: each value of {html.escape(key)} against its first</h3>{_img(paired)}"
                    )
        if crn and design == "grid" and ok["scenario"].nunique() > 1:
            fig = paired_figure(res, None, chosen, out / "paired_scenarios.png")
            if fig is not None:
                sections.append(
                    f"<h3>Paired: each scenario against {html.escape(str(ok['scenario'].iloc[0]))}</h3>{_img(fig)}"
                )
        sections += _groups_section(res, out, crn and design == "grid")
        daily = timeseries_figure(path, res, out)
        if daily is not None:
            sections.append(f"<h3>Over time</h3>{_img(daily)}")
        summary = summary_table(res, chosen)
        summary.to_csv(out / "summary.csv", index=False)
        compact = summary[[c for c in summary.columns if not c.endswith((" mean", " sd"))]].copy()
        for m in chosen:
            pairs = zip(summary[f"{m} mean"], summary[f"{m} sd"], strict=True)
            compact[m] = ["" if math.isnan(a) else f"{a:.4g} ({b:.2g})" for a, b in pairs]
        sections.append("<h2>Summary: mean (SD) over finished runs</h2>" + _html_table(compact))
    report = out / "report.html"
    report.write_text(_page(res, chosen, sections, ranking), encoding="utf-8")
    return report


def _groups_section(res: SweepResults, out: Path, paired: bool) -> list[str]:
    """Who benefits: trust of each resident group against each varied parameter (and paired, under CRN)."""
    runs = group_runs(res)
    cols = [c for c in runs.columns if c.startswith("trust_end.")]
    if runs.empty or not cols:
        return []
    parts = ["<h2>Who benefits: trust by resident group</h2>"]
    view = SweepResults(res.experiment, runs, res.timeseries, res.tasks, res.points)
    for key in res.varied:
        fig = effect_figure(view, key, cols, out / f"groups_{_slug(key)}.png")
        parts.append(f"<h3>Against {html.escape(key)}</h3>{_img(fig)}")
        if paired:
            fig = paired_figure(view, key, cols, out / f"groups_paired_{_slug(key)}.png", runs=runs)
            if fig is not None:
                parts.append(
                    f"<h3>Paired, by group: each value of {html.escape(key)} against its first</h3>{_img(fig)}"
                )
    parts.append(
        "<p class='note'>Every run's breakdown by group and by beat is in the store's <code>breakdown"
        '</code> table (<code>cpsim results STORE --sql "SELECT * FROM breakdown"</code>).</p>'
    )
    return parts


def _img(path: Path) -> str:
    """An <img> with the PNG embedded as a data URI (the report stays whole when moved)."""
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f"<img src='data:image/png;base64,{data}' alt='{html.escape(Path(path).stem)}'>"


def _slug(key: str) -> str:
    return key.replace(".", "_")


def _html_table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="", border=0, classes="t")


def _page(res: SweepResults, metrics: list[str], sections: list[str], ranking: list[str] = ()) -> str:
    exp, runs = res.experiment, res.runs
    counts = runs["status"].value_counts().reindex(["ok", "failed", "pending"], fill_value=0)
    spec = exp["spec"]
    failed = runs[runs["status"] == "failed"]
    failures = ""
    if len(failed):
        first = failed["error"].map(lambda e: str(e).splitlines()[0]).value_counts().head(5)
        failures = (
            "<h2>Failures</h2><ul>"
            + "".join(f"<li>{n} runs: {html.escape(msg)}</li>" for msg, n in first.items())
            + "</ul>"
        )
    sampled = "" if exp["design"] == "grid" else f", {spec['samples']} samples"
    design = f"{exp['design']}{sampled}, {len(res.points)} points x {spec['replicates']} replicates"
    vary = "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(str(v))}</li>" for k, v in spec["vary"].items())
    ranked = (
        f"<h2>Which parameters matter: {html.escape(exp['design'].title())} indices</h2>{''.join(ranking)}"
        if ranking
        else ""
    )
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape(exp["name"])}: sweep report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; color: #222; }}
img {{ max-width: 100%; }} code {{ background: #f3f3f3; padding: 0 3px; }}
table.t {{ border-collapse: collapse; font-size: 12px; margin: 1em 0; }}
table.t td, table.t th {{ padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: right; }}
p.warn {{ color: #9a6a00; font-weight: bold; }} p.note {{ color: #555; font-size: 13px; }}
footer.prov {{ color: #555; font-size: 12px; border-top: 1px solid #ccc; margin-top: 2em; }}
</style></head><body>
<h1>{html.escape(exp["name"])}</h1>
<p>{html.escape(spec.get("description") or "")}</p>
<ul>
<li>experiment file: <code>{html.escape(str(exp["file"]))}</code>;
scenarios: {html.escape(", ".join(spec["scenarios"]))}</li>
<li>design: {html.escape(design)}; {spec["days"] or "scenario"} days a run; base seed {spec["seed"]}</li>
<li>runs: {counts["ok"]} ok, {counts["failed"]} failed, {counts["pending"]} pending (of {len(runs)})</li>
<li>varied: <ul>{vary}</ul></li>
<li>figures analysed: {html.escape(", ".join(metrics))} (docs/metrics.md)</li>
</ul>
<p class="note">{html.escape(covers(spec))}</p>
{failures}
{ranked}
<h2>Effects of the varied parameters</h2>
{"".join(sections)}
{html_footer(res.provenance) if res.provenance else ""}
</body></html>
"""

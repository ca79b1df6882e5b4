"""The report of a history-matching fit: waves, emulators, the plausible region, posterior, checks, forecast, maps."""

from __future__ import annotations

import html
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from cpsim.studies.calibration.posterior_report import checks_figure, posterior_figure  # noqa: E402
from cpsim.studies.calibration.spec import Calibration  # noqa: E402
from cpsim.studies.calibration.stats import STATISTICS  # noqa: E402
from cpsim.studies.claims import intervals_cover  # noqa: E402

STYLE = """<style>body{font-family:sans-serif;max-width:1150px;margin:2em auto}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}img{max-width:100%}</style>"""


def region_figure(cal: Calibration, runs: pd.DataFrame, posterior: pd.DataFrame, path: Path) -> Path:
    """The plausible region: every pair of parameters, runs coloured by wave, posterior draws on top."""
    keys = cal.keys
    d = len(keys)
    fig, axes = plt.subplots(d, d, figsize=(1.6 * d + 1, 1.6 * d + 1), squeeze=False)
    fit = runs[runs["wave"] >= 0]
    colours = plt.get_cmap("viridis")(np.linspace(0, 0.9, max(int(fit["wave"].max()) + 1, 1)))
    for i, ki in enumerate(keys):
        for j, kj in enumerate(keys):
            ax = axes[i][j]
            ax.tick_params(labelsize=5)
            if j > i:
                ax.set_axis_off()
                continue
            if i == j:
                ax.hist(posterior[ki], bins=20, range=(cal.priors[i].lo, cal.priors[i].hi), color="#cc3311")
                ax.set_yticks([])
            else:
                for w, part in fit.groupby("wave"):
                    ax.scatter(part[kj], part[ki], s=2, color=colours[int(w)], alpha=0.6)
                ax.scatter(posterior[kj], posterior[ki], s=1, color="#cc3311", alpha=0.15)
                ax.set_ylim(cal.priors[i].lo, cal.priors[i].hi)
            ax.set_xlim(cal.priors[j].lo, cal.priors[j].hi)
            if i == d - 1:
                ax.set_xlabel(kj.split(".")[-1], fontsize=6)
            if j == 0:
                ax.set_ylabel(ki.split(".")[-1], fontsize=6)
    fig.suptitle(
        "runs by wave (dark: wave 0, over the priors; lighter: later waves, in the region left) and posterior draws "
        "(red); axes: the priors' ranges",
        fontsize=8,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _table(rows: list[list[str]], head: list[str]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def waves_html(waves: pd.DataFrame) -> str:
    """The waves and their emulators' accuracy on held-out runs."""
    rows = [
        [str(int(w.wave)), str(int(w.runs)), str(int(w.failed)), f"{w.region_share:.3g}", f"{w.seconds:.0f}"]
        for w in waves.itertuples(index=False)
    ]
    out = _table(rows, ["wave", "runs", "failed", "share of the prior space left", "seconds"])
    acc = []
    for w in waves.itertuples(index=False):
        for a in json.loads(w.accuracy or "[]"):
            acc.append(
                [str(int(w.wave)), a["statistic"], str(a["train"]), str(a["test"]), f"{a['r2_gp']:.2f}",
                 f"{a['r2_quadratic']:.2f}", f"{a['within_2sd']:.0%}", f"{a['within_3sd']:.0%}", f"{a['run_sd']:.3g}"]
            )  # fmt: skip
    head = ["wave", "statistic", "fit to", "held out", "R² GP (linear trend)", "R² quadratic",
            "held out within 2 SD", "within 3 SD", "run-to-run SD"]  # fmt: skip
    return out + "<h3>Emulators on held-out runs</h3>" + _table(acc, head)


def posterior_rows(cal: Calibration, posterior: pd.DataFrame) -> list[list[str]]:
    """Each parameter's prior, posterior median and 90% interval."""
    rows = []
    for p in cal.priors:
        lo, mid, hi = np.quantile(posterior[p.key], [0.05, 0.5, 0.95])
        prior = f"{p.kind} [{p.lo:g}, {p.hi:g}]" + (f", mean {p.mean:g}, sd {p.sd:g}" if p.kind == "normal" else "")
        share = (hi - lo) / (p.hi - p.lo)
        rows.append([html.escape(p.key), prior, f"{mid:.4g}", f"{lo:.4g} – {hi:.4g}", f"{share:.0%}"])
    return rows


def checks_rows(check: pd.DataFrame) -> list[list[str]]:
    """Each target: data, posterior-predictive median and 90% interval, inside or not."""
    return [
        [r.target, html.escape(STATISTICS[r.target][1]), f"{r.observed:.3g} ± {r.sd:.2g}", f"{r.predicted:.3g}",
         f"{r.low:.3g} – {r.high:.3g}", "inside" if r.inside else "<b>outside</b>"]
        for r in check.itertuples(index=False)
    ]  # fmt: skip


def write_report(cal: Calibration, result, check: pd.DataFrame, out: Path, extra: str = "") -> Path:
    """report.html and its figures in ``out``."""
    figs = [
        posterior_figure(cal, result.posterior, out / "posterior.png"),
        region_figure(cal, result.runs, result.posterior, out / "region.png"),
    ]
    if len(check) and check["runs"].gt(0).all():
        figs.append(checks_figure(check, out / "checks.png"))
    runs = result.runs
    fit = runs[runs["wave"] >= 0]
    waves = f" (survey waves {', '.join(map(str, cal.options.waves))} only)" if cal.options.waves else ""
    cover = intervals_cover(("seed", "parameters"), what="The posterior-predictive 90% intervals")
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>cpsim calibration: {cal.name}</title>{STYLE}
</head><body><h1>Calibration: {html.escape(cal.name)}</h1><p>{html.escape(cal.description)}</p>
<p>Scenario <code>{html.escape(cal.scenario_file)}</code>, data <code>{html.escape(cal.observed_file)}</code>{waves}.
History matching with Gaussian-process emulators: {len(result.waves)} waves, {len(fit)} runs of {cal.days} days
({int(fit["error"].notna().sum())} failed), {fit["cpu"].sum():.0f} s of run CPU; implausibility cut-off
{cal.hm.cutoff:g}; the posterior sampled on the last wave's emulators (effective sample size {result.ess:.0f} of the
region's points), checked with {int((runs["wave"] < 0).sum())} fresh runs at posterior draws.</p>
<h2>Waves and the plausible region</h2>{waves_html(result.waves)}<img src="region.png">
<h2>Posterior</h2>{_table(posterior_rows(cal, result.posterior),
                           ["parameter", "prior", "median", "90% interval", "width / prior range"])}
<img src="posterior.png">
<h2>Posterior-predictive checks</h2><p>Each target computed from the simulated survey (never latent trust) in
fresh runs at posterior draws, against the data. {html.escape(cover)}</p>
{_table(checks_rows(check), ["target", "meaning", "data ± sd", "model median", "90% interval", ""])}
{'<img src="checks.png">' if len(figs) > 2 else ""}
{extra}</body></html>"""  # fmt: skip
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def write_empty(cal: Calibration, result, out: Path) -> Path:
    """report.html of a fit whose region came out empty: how near each target comes."""
    out.mkdir(parents=True, exist_ok=True)
    rows = [
        [html.escape(k), html.escape(STATISTICS[k][1]), f"{v:.2f}", "<b>out of reach</b>" if v > cal.hm.cutoff else ""]
        for k, v in result.min_implausibility.items()
    ]
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>cpsim calibration: {cal.name}</title>{STYLE}
</head><body><h1>Calibration: {html.escape(cal.name)}: no plausible region</h1>
<p>Every point of the prior space was ruled out (implausibility above {cal.hm.cutoff:g} for some target). The
smallest implausibility each target reaches over the prior space, alone:</p>
{_table(rows, ["target", "meaning", "smallest implausibility", ""])}
<h2>Waves</h2>{waves_html(result.waves)}</body></html>"""
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path

"""The calibration report: posterior figures, posterior-predictive checks, one HTML page."""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from cpsim.studies.calibration.spec import Calibration  # noqa: E402
from cpsim.studies.calibration.stats import STATISTICS  # noqa: E402
from cpsim.studies.calibration.weighted import weighted_quantile  # noqa: E402
from cpsim.studies.claims import intervals_cover  # noqa: E402


def posterior_figure(cal: Calibration, posterior: pd.DataFrame, path: Path) -> Path:
    """Weighted histogram of each calibrated parameter over its prior range."""
    n = len(cal.priors)
    fig, axes = plt.subplots(1, n, figsize=(3.2 * n, 2.8), squeeze=False)
    for ax, p in zip(axes[0], cal.priors, strict=True):
        bins = np.geomspace(p.lo, p.hi, 21) if p.kind == "loguniform" else np.linspace(p.lo, p.hi, 21)
        ax.hist(posterior[p.key], bins=bins, weights=posterior["weight"], color="#4477aa")
        if p.kind == "loguniform":
            ax.set_xscale("log")
        ax.set_title(p.key, fontsize=9)
        ax.set_xlim(p.lo, p.hi)
        ax.set_yticks([])
    axes[0][0].set_ylabel("posterior weight")
    fig.suptitle(f"posterior ({len(posterior)} particles; x axis: the prior's range)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def checks_figure(checks: pd.DataFrame, path: Path) -> Path:
    """Each target: the observed figure against the posterior-predictive 90% interval."""
    n = len(checks)
    fig, axes = plt.subplots(1, n, figsize=(2.4 * n, 2.8), squeeze=False)
    for ax, (_, r) in zip(axes[0], checks.iterrows(), strict=True):
        ax.errorbar(
            [0],
            [r["predicted"]],
            yerr=[[r["predicted"] - r["low"]], [r["high"] - r["predicted"]]],
            fmt="o",
            color="#4477aa",
            capsize=6,
            label="model (90% PI)",
        )
        ax.errorbar(
            [0.3],
            [r["observed"]],
            yerr=[[r["sd"]], [r["sd"]]],
            fmt="s",
            color="#cc3311",
            capsize=6,
            label="data (± sd)",
        )
        ax.set_xlim(-0.5, 0.8)
        ax.set_xticks([])
        ax.set_title(r["target"], fontsize=8)
    axes[0][0].legend(fontsize=7, loc="best")
    fig.suptitle("posterior-predictive checks: simulated survey vs data", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def epsilon_figure(proposals: pd.DataFrame, path: Path) -> Path:
    """Distances of proposals by generation (accepted darker)."""
    fig, ax = plt.subplots(figsize=(5, 2.8))
    p = proposals[np.isfinite(proposals["distance"])]
    for acc, colour in ((False, "#bbbbbb"), (True, "#4477aa")):
        part = p[p["accepted"] == acc]
        ax.scatter(part["generation"], part["distance"], s=6, color=colour, label="accepted" if acc else "rejected")
    ax.set_yscale("log")
    ax.set_xlabel("generation (-1: prior sample)")
    ax.set_ylabel("distance to the data")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(
    cal: Calibration, posterior: pd.DataFrame, proposals: pd.DataFrame, checks: pd.DataFrame, out: Path
) -> Path:
    """Write report.html and its figures into ``out``."""
    figs = [
        posterior_figure(cal, posterior, out / "posterior.png"),
        checks_figure(checks, out / "checks.png"),
        epsilon_figure(proposals, out / "distances.png"),
    ]
    w = posterior["weight"].to_numpy()
    prow = []
    for p in cal.priors:
        lo, mid, hi = weighted_quantile(posterior[p.key].to_numpy(), w, np.array([0.05, 0.5, 0.95]))
        prior = f"{p.kind} [{p.lo:g}, {p.hi:g}]" + (f", mean {p.mean:g}, sd {p.sd:g}" if p.kind == "normal" else "")
        prow.append(
            f"<tr><td>{html.escape(p.key)}</td><td>{prior}</td><td>{mid:.4g}</td><td>{lo:.4g} – {hi:.4g}</td></tr>"
        )
    crow = []
    for _, r in checks.iterrows():
        verdict = "inside" if r["inside"] else "<b>outside</b>"
        crow.append(
            f"<tr><td>{r['target']}</td><td>{html.escape(STATISTICS[r['target']][1])}</td>"
            f"<td>{r['observed']:.3g} ± {r['sd']:.2g}</td><td>{r['predicted']:.3g}</td>"
            f"<td>{r['low']:.3g} – {r['high']:.3g}</td><td>{verdict}</td></tr>"
        )
    failed = proposals[proposals["error"].notna()]
    fail_note = (
        f"<p>{len(failed)} proposals failed (a run raised); first: "
        f"<code>{html.escape(failed['error'].iloc[0].splitlines()[0])}</code></p>"
        if len(failed)
        else ""
    )
    n_gen = int(proposals["generation"].max()) + 1 if len(proposals) else 0
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>cpsim calibration: {cal.name}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:3px 8px;text-align:left}}img{{max-width:100%}}</style></head><body>
<h1>Calibration: {html.escape(cal.name)}</h1>
<p>{html.escape(cal.description)}</p>
<p>Scenario <code>{html.escape(cal.scenario_file)}</code>, data <code>{html.escape(cal.observed_file)}</code>;
ABC-SMC (pyabc), {cal.particles} particles, {n_gen} generations, {len(proposals)} simulated proposals,
{cal.replicates} replicate(s) of {cal.days} days per proposal under common random numbers.</p>{fail_note}
<h2>Posterior</h2><table><tr><th>parameter</th><th>prior</th><th>median</th><th>90% interval</th></tr>
{"".join(prow)}</table><img src="posterior.png">
<h2>Posterior-predictive checks</h2>
<p>Each target computed from the simulated survey (never latent trust) in fresh runs at posterior draws, against
the data. {html.escape(intervals_cover(("seed", "parameters"), what="The posterior-predictive 90% intervals"))}</p>
<table><tr><th>target</th><th>meaning</th><th>data ± sd</th><th>model median</th><th>90% interval</th><th></th></tr>
{"".join(crow)}</table><img src="checks.png">
<h2>Distances by generation</h2><img src="distances.png">
</body></html>"""
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    assert all(f.exists() for f in figs)
    return path

"""Matplotlib figures of runs (headless: the Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
# Labels are plain text: a group named "$x$" is a name, not a formula (mathtext would fail on it).
matplotlib.rcParams["text.parse_math"] = False
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

HOURS = ("hours_response", "hours_foot", "hours_car", "hours_enforcement", "hours_community", "hours_admin")


def _weekly(ts: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """7-day rolling sums (daily counts are small and noisy)."""
    return ts[cols].rolling(7, min_periods=1).sum()


def run_figure(result, path: str | Path, title: str | None = None) -> Path:
    """Three panels: trust by group, true/reported/recorded crime, officer hours by activity.

    Args:
        result: A Result from cpsim.simulate.
        path: PNG file to write.
        title: Figure title (defaults to the scenario name).

    Returns:
        The path written.

    """
    ts, bg = result.timeseries, result.by_group
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2), constrained_layout=True)
    for name, part in bg.groupby("group", sort=False):
        ax[0].plot(part["day"], part["trust_mean"], label=str(name))
    ax[0].plot(ts["day"], ts["trust_mean"], color="black", lw=1.5, ls="--", label="all residents")
    ax[0].set(title="Trust in police by group", xlabel="day", ylabel="trust index (0-1)")
    lo, hi = ax[0].get_ylim()
    pad = max(0.05, 0.1 * (hi - lo))
    ax[0].set_ylim(max(0.0, lo - pad), min(1.0, hi + pad))
    ax[0].legend(fontsize=8)

    weekly = _weekly(ts, ["victimizations", "crimes_reported", "crimes_recorded"])
    for col, label in zip(weekly, ["true victimisations", "reported", "recorded"], strict=True):
        ax[1].plot(ts["day"], weekly[col], label=label)
    ax[1].set(title="Crime: true, reported, recorded", xlabel="day", ylabel="per 7 days")
    ax[1].legend(fontsize=8)

    hours = _weekly(ts, list(HOURS))
    ax[2].stackplot(ts["day"], *[hours[c] for c in HOURS], labels=[c.removeprefix("hours_") for c in HOURS])
    ax[2].set(title="Officer hours by activity", xlabel="day", ylabel="hours per 7 days")
    ax[2].legend(fontsize=8, loc="lower left")
    fig.suptitle(title or result.scenario.run.name)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

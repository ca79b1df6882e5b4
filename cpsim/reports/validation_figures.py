"""Figures of the validation report's studies (headless: the Agg backend).

``cpsim validate`` writes each study's figure next to its report, under ``figures/``
(docs/figures/ for ``--out docs/validation.md``): ``FIGURES`` maps a study's name to the
function that draws what the study shows (cpsim.studies.findings.Shown.figure_data).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

PANELS = (("policy", "Policies"), ("flow", "Each differential flow switched off"))


def gap_figure(paths: pd.DataFrame, path: str | Path) -> Path:
    """The group gap over the years, one colour per city with its 95% CI band: policies, then the decomposition.

    Args:
        paths: One row per city and year: label, kind ("policy" or "flow"), year, gap, gap_lo, gap_hi
            (cpsim.studies.gaps_study); the city labelled "baseline" is drawn in black on both panels.
        path: PNG file to write.

    Returns:
        The path written.
    """
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), sharey=True, constrained_layout=True)
    base = paths[paths["label"] == "baseline"]
    colours = plt.get_cmap("tab10").colors
    for ax, (kind, title) in zip(axes, PANELS, strict=True):
        # The baseline on top of the others: the cities that change nothing lie on it.
        ax.plot(base["year"], base["gap"], color="black", lw=2, label="baseline", zorder=10)
        ax.fill_between(base["year"], base["gap_lo"], base["gap_hi"], color="black", alpha=0.1, lw=0, zorder=9)
        cities = [c for c in dict.fromkeys(paths.loc[paths["kind"] == kind, "label"]) if c != "baseline"]
        for colour, label in zip(colours, cities, strict=False):
            part = paths[paths["label"] == label]
            ax.plot(part["year"], part["gap"], color=colour, lw=1.5, label=label)
            ax.fill_between(part["year"], part["gap_lo"], part["gap_hi"], color=colour, alpha=0.12, lw=0)
        ax.axhline(0.0, color="grey", lw=0.8)
        ax.set(title=title, xlabel="years")
        ax.legend(fontsize=8, loc="lower left")
    axes[0].set_ylabel("trust gap: majority minus minority (0-1)")
    fig.suptitle("The group gap in the mixed baseline city (mean over replicates, 95% CI)")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


FIGURES: dict[str, Callable[[pd.DataFrame, str | Path], Path]] = {"gaps": gap_figure}

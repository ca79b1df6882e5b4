"""How Chicago's surveyed area trust moves with the lag between years: drift or year-to-year noise?

If areas drifted (a random walk, or shocks that last years), the variance of an area's change
would grow with the lag between the two years; if each year's figure is a stable area level
plus something that lasts about a year (the survey's sampling and weighting noise, or short
local shocks), it stays flat. The model's area movement (cpsim validate --only areas) is read
against this:

    python benchmarks/area_lags.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data" / "chicago" / "police_sentiment_by_community_area.csv"


def lag_table(path: Path = DATA) -> pd.DataFrame:
    """Per lag in years: mean variance of area change, its SD, and the mean correlation over areas."""
    wide = pd.read_csv(path).pivot(index="Community", columns="Year", values="trust")
    years = sorted(wide.columns)
    rows = []
    for lag in range(1, len(years)):
        var, cor = [], []
        for a, b in zip(years, years[lag:], strict=False):
            both = wide[[a, b]].dropna()
            var.append(float((both[b] - both[a]).var()))
            cor.append(float(np.corrcoef(both[a], both[b])[0, 1]))
        rows.append(
            {
                "lag_years": lag,
                "pairs": len(var),
                "change_var": np.mean(var),
                "change_sd": np.sqrt(np.mean(var)),
                "correlation": np.mean(cor),
            }
        )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    table = lag_table()
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    one = table.change_var.iloc[0]
    print(
        f"year-specific variance per area-year (half the lag-1 change variance): {one / 2:.1f} points^2 "
        f"(SD {np.sqrt(one / 2):.1f}); growth of change variance from lag 1 to lag {table.lag_years.iloc[-1]}: "
        f"{table.change_var.iloc[-1] - one:+.1f} points^2"
    )

"""Observed survey data in the simulated survey's own table format.

The Chicago police sentiment scores (data/chicago/) are read into the same long table as
``Result.survey`` (wave, beat, group, n, trust, safety), so one piece of code computes a
target from the data and from a simulation. A CSV already in that format (for example a
simulated survey written out for a parameter-recovery check) is read as it is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# Sentiment-score column suffix -> the group name cpsim's Chicago scenario uses.
CHICAGO_GROUPS = {"white": "White", "asian_american": "Asian", "hispanic": "Hispanic", "african_american": "Black"}
SURVEY_COLUMNS = ("wave", "beat", "group", "trust", "safety")


class ObservedError(ValueError):
    """An observed-data file that cannot be read (the message says why, in one line)."""


def chicago_table(df: pd.DataFrame) -> pd.DataFrame:
    """The sentiment scores as a survey table: one row per year (wave), area and group.

    ``n`` is unknown in the published file (NaN); cells the city left empty (``NA``, too
    few answers) are dropped, as a simulated cell below the statistics' ``min_n`` is.
    """
    years = sorted(df["Year"].unique())
    areas = {name: i for i, name in enumerate(sorted(df["Community"].unique()))}
    wave = df["Year"].map({y: i for i, y in enumerate(years)}).to_numpy()
    beat = df["Community"].map(areas).to_numpy()
    parts = [pd.DataFrame({"wave": wave, "beat": beat, "group": "all", "trust": df["trust"], "safety": df["safety"]})]
    for suffix, name in CHICAGO_GROUPS.items():
        parts.append(
            pd.DataFrame(
                {
                    "wave": wave,
                    "beat": beat,
                    "group": name,
                    "trust": df[f"t_race_{suffix}"],
                    "safety": df[f"s_race_{suffix}"],
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out = out[out["trust"].notna()].copy()
    out["n"] = np.nan
    out["year"] = out["wave"].map(dict(enumerate(years)))
    return out.sort_values(["wave", "beat", "group"]).reset_index(drop=True)


def read_observed(path: str | Path) -> pd.DataFrame:
    """Read observed survey data: the Chicago sentiment CSV or a survey-format CSV.

    Raises:
        ObservedError: The file is missing, unreadable, or has neither format's columns.

    """
    path = Path(path)
    if not path.is_file():
        raise ObservedError(f"file {str(path)!r} not found")
    try:
        df = pd.read_csv(path, na_values=["NA"], keep_default_na=True)
    except (OSError, ValueError) as err:
        raise ObservedError(f"cannot read {str(path)!r} ({err})") from None
    if {"Community", "Year", "trust", "safety"} <= set(df.columns):
        missing = [f"t_race_{s}" for s in CHICAGO_GROUPS if f"t_race_{s}" not in df.columns]
        if missing:
            raise ObservedError(f"{str(path)!r} lacks the columns {', '.join(missing)}")
        return chicago_table(df)
    if set(SURVEY_COLUMNS) <= set(df.columns):
        if "n" not in df.columns:
            df["n"] = np.nan
        return df
    raise ObservedError(
        f"{str(path)!r} has neither the Chicago sentiment columns (Community, Year, trust, safety, t_race_*) "
        f"nor a survey table's ({', '.join(SURVEY_COLUMNS)})"
    )

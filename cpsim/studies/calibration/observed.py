"""Observed survey data in the simulated survey's own table format.

The Chicago police sentiment scores (data/chicago/) are read into the same long table as
``Result.survey`` (wave, beat, group, n, trust, safety), so one piece of code computes a
target from the data and from a simulation. A CSV already in that format (for example a
simulated survey written out for a parameter-recovery check) is read as it is.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from cpsim.scenario import ScenarioError
from cpsim.scenario.load import read_text_file

# Sentiment-score column suffix -> the group name cpsim's Chicago scenario uses.
CHICAGO_GROUPS = {"white": "White", "asian_american": "Asian", "hispanic": "Hispanic", "african_american": "Black"}
SURVEY_COLUMNS = ("wave", "beat", "group", "trust", "safety")
# Largest observed file read: a city's yearly scores by area and group are well under a MB.
MAX_BYTES = 256 * 2**20


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
    name = df["Community"].to_numpy()  # areas are matched by name when they are compared one by one
    parts = [
        pd.DataFrame(
            {"wave": wave, "beat": beat, "name": name, "group": "all", "trust": df["trust"], "safety": df["safety"]}
        )
    ]
    for suffix, group in CHICAGO_GROUPS.items():
        parts.append(
            pd.DataFrame(
                {
                    "wave": wave,
                    "beat": beat,
                    "name": name,
                    "group": group,
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

    Every cell a statistic reads is checked: the file is UTF-8 text under MAX_BYTES, has one
    format's columns, and its numbers are numbers (finite; a score 0-100, an area, a wave or
    a year a whole number; an empty cell or ``NA`` only where an answer may be missing).

    Raises:
        ObservedError: One line saying what is wrong and where (line and column).

    """
    path = Path(path)
    try:
        text = read_text_file(path, "allowed: a UTF-8 CSV file", MAX_BYTES)
    except ScenarioError as err:  # missing, a pipe, binary, gzip, not UTF-8: the loader's own words
        raise ObservedError(str(err).removeprefix(f"{path}: ").split("; allowed")[0]) from None
    try:
        df = pd.read_csv(io.StringIO(text), na_values=["NA"], keep_default_na=True, dtype=str)
    except (ValueError, pd.errors.ParserError) as err:
        raise ObservedError(f"not a CSV table ({' '.join(str(err).split())[:160]})") from None
    columns = set(df.columns)
    if {"Community", "Year", "trust", "safety"} <= columns:
        needed = [f"{x}_race_{s}" for s in CHICAGO_GROUPS for x in ("t", "s")]
        missing = [c for c in needed if c not in columns]
        if missing:
            raise ObservedError(f"lacks the columns {', '.join(missing)} of the Chicago sentiment format")
        checks = {"Year": WHOLE, "Community": TEXT, **dict.fromkeys(["trust", "safety", *needed], SCORE)}
        return chicago_table(_typed(df, checks, ("Community", "Year")))
    if set(SURVEY_COLUMNS) <= columns:
        checks = {"wave": WHOLE, "beat": AREA, "group": TEXT, "trust": SCORE, "safety": SCORE, "n": COUNT}
        table = _typed(df, {k: v for k, v in checks.items() if k in columns}, ("wave", "beat", "group"))
        if "n" not in columns:
            table["n"] = np.nan
        return table
    raise ObservedError(
        "has neither the Chicago sentiment columns (Community, Year, trust, safety, t_race_*, s_race_*) "
        f"nor a survey table's ({', '.join(SURVEY_COLUMNS)})"
    )


# Column kinds: (what the cell must be, smallest value, largest value, may be empty).
WHOLE = ("a whole number", 0, 10_000, False)
AREA = ("a whole number (-1 for the city)", -1, 10**7, False)
COUNT = ("a whole number of answers", 0, 10**9, True)
SCORE = ("a score from 0 to 100", 0, 100, True)
TEXT = ("text", None, None, False)


def _typed(df: pd.DataFrame, checks: dict[str, tuple], key: tuple[str, ...]) -> pd.DataFrame:
    """The table with each checked column as numbers (or text); the first bad cell raises."""
    if df.empty:
        raise ObservedError("has no rows")
    out = df.copy()
    for col, (what, lo, hi, may_be_empty) in checks.items():
        cells = df[col]
        missing = cells.isna() | (cells.str.strip() == "")
        if missing.any() and not may_be_empty:
            raise ObservedError(f"line {_line(missing)}, column {col}: empty; allowed: {what}")
        if lo is None:
            continue
        values = pd.to_numeric(cells.where(~missing), errors="coerce")
        bad = ~missing & ~(np.isfinite(values) & (values >= lo) & (values <= hi))
        if what != SCORE[0]:
            bad |= ~missing & (values % 1 != 0)
        if bad.any():
            first = bad.to_numpy().argmax()
            raise ObservedError(f"line {first + 2}, column {col}: {cells.iloc[first]!r}; allowed: {what}")
        out[col] = values
    twice = out.duplicated(list(key))
    if twice.any():
        row = out.iloc[int(twice.to_numpy().argmax())]
        where = ", ".join(f"{k} {row[k]!r}" if isinstance(row[k], str) else f"{k} {row[k]:g}" for k in key)
        raise ObservedError(f"line {_line(twice)}: a second row for {where}; allowed: one row per {', '.join(key)}")
    return out


def _line(mask: pd.Series) -> int:
    """The file's line of the first row in ``mask`` (line 1 is the header)."""
    return int(mask.to_numpy().argmax()) + 2

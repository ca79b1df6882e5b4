"""A fair reading of gaps between groups: each group's change beside the gap's.

A narrower gap is good news only when the worse-off group gains (or at least nobody
loses). When it narrows because the better-off group loses, it is **levelling down**, and
reports flag it instead of colouring it as an improvement. Every reading compares each
scenario with the baseline, pairing replicate k with baseline replicate k; a change is
"clear" when its 95% CI excludes zero.

Readings (``reading`` column):

- ``levelling up``: the gap narrows, the worse-off group gains and the better-off group
  does not clearly lose (verdict "better");
- ``levelling down``: the gap narrows and the better-off group clearly loses while the
  worse-off group does not clearly gain (verdict "levelling down", never "better");
- ``narrows, both move``: the gap narrows, the worse-off group gains and the better-off
  loses (verdict "mixed");
- ``widens``: the gap clearly widens (verdict "worse");
- ``no clear change``: the gap's CI includes zero.
"""

from __future__ import annotations

import math

import pandas as pd

from cpsim.headline import LEVEL, clear_sign
from cpsim.studies.intervals import mean_ci

COLUMNS = [
    "scenario",
    "figure",
    "better_off",
    "worse_off",
    "gap_base",
    "gap_diff",
    "gap_ci_low",
    "gap_ci_high",
    "better_off_diff",
    "better_off_ci_low",
    "better_off_ci_high",
    "worse_off_diff",
    "worse_off_ci_low",
    "worse_off_ci_high",
    "reading",
    "verdict",
]
VERDICTS = {
    "levelling up": "better",
    "levelling down": "levelling down",
    "narrows, both move": "mixed",
    "widens": "worse",
    "no clear change": "",
}


def classify(gap: int, better_off: int, worse_off: int) -> str:
    """Read the signs of the clear changes (+1, -1, 0) of the gap and of the two groups.

    Args:
        gap: Sign of the clear change in the gap (better-off minus worse-off).
        better_off: Sign of the clear change of the better-off group.
        worse_off: Sign of the clear change of the worse-off group.

    Returns:
        One of the readings in the module docstring.

    """
    if gap > 0:
        return "widens"
    if gap == 0:
        return "no clear change"
    if better_off < 0 and worse_off > 0:
        return "narrows, both move"
    if better_off < 0:
        return "levelling down"
    return "levelling up"


def read_gaps(groups: pd.DataFrame, baseline: str, figure: str = "trust_end", level: float = LEVEL) -> pd.DataFrame:
    """Read the change in the gap between the best- and worst-off groups, scenario by scenario.

    Args:
        groups: ``Study.groups`` (rows of level "group" are used).
        baseline: The baseline scenario's name.
        figure: A higher-is-better breakdown figure (trust_end, safety_end, confident_share_end).
        level: Confidence level.

    Returns:
        One row per non-baseline scenario (columns in :data:`COLUMNS`). The better-off
        group is the one with the highest mean of ``figure`` in the baseline.

    """
    g = groups[groups["level"] == "group"]
    if g.empty or g["key"].nunique() < 2:
        return pd.DataFrame(columns=COLUMNS)
    wide = g.pivot_table(index=["scenario", "replicate"], columns="key", values=figure, aggfunc="first")
    if baseline not in wide.index.get_level_values("scenario"):
        return pd.DataFrame(columns=COLUMNS)
    base = wide.loc[baseline]
    means = base.mean()
    hi, lo = str(means.idxmax()), str(means.idxmin())
    rows = []
    for name in dict.fromkeys(wide.index.get_level_values("scenario")):
        if name == baseline:
            continue
        here = wide.loc[name]
        common = here.index.intersection(base.index)
        d_hi = here.loc[common, hi] - base.loc[common, hi]
        d_lo = here.loc[common, lo] - base.loc[common, lo]
        d_gap = d_hi - d_lo
        gap = mean_ci(d_gap, level)
        up = mean_ci(d_hi, level)
        down = mean_ci(d_lo, level)
        reading = classify(clear_sign(gap[1], gap[2]), clear_sign(up[1], up[2]), clear_sign(down[1], down[2]))
        rows.append(
            {
                "scenario": name,
                "figure": figure,
                "better_off": hi,
                "worse_off": lo,
                "gap_base": float((base[hi] - base[lo]).mean()),
                "gap_diff": gap[0],
                "gap_ci_low": gap[1],
                "gap_ci_high": gap[2],
                "better_off_diff": up[0],
                "better_off_ci_low": up[1],
                "better_off_ci_high": up[2],
                "worse_off_diff": down[0],
                "worse_off_ci_low": down[1],
                "worse_off_ci_high": down[2],
                "reading": reading if not math.isnan(gap[0]) else "no clear change",
                "verdict": VERDICTS[reading] if not math.isnan(gap[0]) else "",
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)

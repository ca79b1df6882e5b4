"""The headline figures of a study or a run: names, labels, units, directions and formats.

One table, shared by the `cpsim compare` and `cpsim run` commands, the HTML reports, the
classroom page, the CSV files and the generated documentation, so a figure is labelled and
rounded the same way everywhere; each view only chooses which rows it shows.
Formatting helpers (:func:`fmt`, :func:`interval`) and the reading of a difference
(:func:`verdict`) live here too. Nothing heavy is imported.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cpsim.metrics import CONFIDENT_TRUST

LEVEL = 0.95


@dataclass(frozen=True)
class Metric:
    """A headline figure of a comparison.

    Attributes:
        name: Column name in the runs table and ``metric`` value in the comparison table.
        label: What a reader sees.
        unit: Unit of the figure.
        better: "higher", "lower" or "" (no direction, e.g. hours used).
        decimals: Decimal places shown at least (more when a CI is narrower); None for 3
            significant digits.
        short: A short label for narrow tables (defaults to ``label``).
        sd: Per-run column with the SD of the figure between residents (for effect sizes in
            SD units), or "" when the figure is not a mean of residents' scores.

    """

    name: str
    label: str
    unit: str
    better: str
    decimals: int | None
    short: str = ""
    sd: str = ""

    @property
    def brief(self) -> str:
        """The short label (or the label)."""
        return self.short or self.label


CONFIDENT = f"trust >= {CONFIDENT_TRUST:g}"

HEADLINE: tuple[Metric, ...] = (
    Metric("trust_end", "trust in police at end", "0-1", "higher", 3, "trust", "trust_sd_end"),
    Metric(
        "confident_share_end", f"residents confident in police ({CONFIDENT})", "share", "higher", 3, "confident share"
    ),
    Metric("trust_gap_end", "trust gap between groups at end", "0-1", "lower", 3, "trust gap"),
    Metric("safety_end", "perceived safety at end", "0-1", "higher", 3, "safety", "safety_sd_end"),
    Metric("reporting_rate", "share of victimisations reported", "share", "higher", 3, "reporting"),
    Metric(
        "victimizations_per_1000_year",
        "true victimisations /1000/yr",
        "per 1000 persons/yr",
        "lower",
        1,
        "victimisations",
    ),
    Metric("recorded_per_1000_year", "recorded crimes /1000/yr", "per 1000 persons/yr", "", 1, "recorded"),
    Metric("complaints", "complaints", "count over the run", "lower", 1),
    Metric("hours_total", "officer hours used", "hours over the run", "", 0, "officer hours"),
    Metric("cost_total", "cost of officer hours and programs", "USD over the run", "", 0, "cost"),
)

# "As surveyed" figures (cpsim/survey.py): simulated respondents answering on the survey's own
# scale. They join the headline table when the scenarios have a [survey] (the runs carry them).
SURVEYED: tuple[Metric, ...] = (
    Metric("survey_trust", "trust as surveyed (0-100)", "0-100", "higher", 1, "trust (surveyed)"),
    Metric("survey_safety", "safety as surveyed (0-100)", "0-100", "higher", 1, "safety (surveyed)"),
    Metric("survey_trust_gap", "trust gap as surveyed (0-100)", "0-100", "lower", 1, "trust gap (surveyed)"),
)
# The surveyed counterpart of a latent figure: the "as surveyed" column of the effect sizes.
SURVEYED_OF = {"trust_end": "survey_trust", "safety_end": "survey_safety", "trust_gap_end": "survey_trust_gap"}

# Changes relative to the baseline that are not differences of a per-run figure: the value
# sits in the comparison table's diff columns (cpsim/studies/costs.py).
CHANGES: tuple[Metric, ...] = (
    Metric(
        "hours_redirected",
        "officer hours moved into activities that grew",
        "hours over the run",
        "",
        0,
        "hours redirected",
    ),
    Metric("cost_resources", "value of officer time and cash put in", "USD over the run", "", 0, "resources used"),
)

# Cost-effectiveness relative to the baseline: ratios of paired mean changes (Fieller CIs).
# (metric, numerator column, denominator column, scale): ratio = mean(num) / (mean(den) / scale).
COST: tuple[tuple[Metric, str, str, float], ...] = (
    (
        Metric(
            "trust_per_1000_hours",
            "trust change per 1,000 officer hours worked",
            "0-1 per 1000 h",
            "",
            None,
            "trust /1000 h worked",
        ),
        "d.trust_end",
        "d.hours_total",
        1000.0,
    ),
    (
        Metric(
            "trust_per_1000_hours_redirected",
            "trust change per 1,000 officer hours redirected",
            "0-1 per 1000 h",
            "higher",
            None,
            "trust /1000 h redirected",
        ),
        "d.trust_end",
        "hours_redirected",
        1000.0,
    ),
    (
        Metric(
            "sd_per_million",
            "trust change in SD per USD 1M of resources used",
            "SD per USD 1M",
            "higher",
            None,
            "SD /$1M resources",
        ),
        "d.trust_sd_units",
        "cost_resources",
        1e6,
    ),
    (
        Metric(
            "sd_per_million_spent",
            "trust change in SD per USD 1M of extra spending",
            "SD per USD 1M",
            "",
            None,
            "SD /$1M spending",
        ),
        "d.trust_sd_units",
        "d.cost_total",
        1e6,
    ),
    (
        Metric(
            "cost_per_confident",
            "USD of resources per extra confident resident",
            "USD per resident",
            "lower",
            0,
            "$ per confident resident",
        ),
        "cost_resources",
        "d.confident_residents",
        1.0,
    ),
)
# Figures of a single run that the comparisons do not headline: `cpsim run`'s table and the
# classroom page show them beside the headline figures (definitions: metrics.SUMMARY).
RUN: tuple[Metric, ...] = (
    Metric("trust_start", "trust in police at start", "0-1", "higher", 3, "trust at start"),
    Metric(
        "violent_per_1000_year",
        "true violent victimisations /1000/yr",
        "per 1000 persons/yr",
        "lower",
        1,
        "violent victimisations",
    ),
    Metric(
        "property_per_1000_year",
        "true property victimisations /1000/yr",
        "per 1000 persons/yr",
        "lower",
        1,
        "property victimisations",
    ),
    Metric("clearance_rate", "share of recorded crimes cleared", "share", "higher", 3, "clearance"),
    Metric(
        "contact_prevalence",
        "residents with a police contact in the first year",
        "share",
        "",
        3,
        "contact prevalence",
    ),
    Metric("victimizations", "true victimisations", "count over the run", "lower", 1, "true victimisations"),
    Metric("crimes_recorded", "recorded crimes", "count over the run", "", 1),
    Metric("stops", "stops", "count over the run", "", 1),
    Metric("hours_community", "officer hours of community work", "hours over the run", "", 0, "community hours"),
)
METRICS: dict[str, Metric] = {m.name: m for m in (*HEADLINE, *SURVEYED, *CHANGES, *(c[0] for c in COST), *RUN)}
RATIOS = {c[0].name for c in COST}


def baseline_label(name: str) -> str:
    """Return a scenario name marked as the baseline (once, even when it is called "baseline")."""
    return name if "baseline" in name.lower() else f"{name} (baseline)"


def is_nan(value: Any) -> bool:
    """True for None and float NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt(value: float, metric: str, signed: bool = False, decimals: int | None = None) -> str:
    """Format one figure of a metric ("n/a" for NaN).

    Args:
        value: The figure.
        metric: Its metric name (sets the decimals shown, see ``Metric.decimals``).
        signed: Show a plus sign on positive values (differences).
        decimals: Decimal places to show instead of the metric's.

    """
    if is_nan(value):
        return "n/a"
    m = METRICS.get(metric)
    places = decimals if decimals is not None else m.decimals if m else None
    sign = "+" if signed else ""
    return f"{value:{sign},.{places}f}" if places is not None else f"{value:{sign}.3g}"


def figure(value: float, metric: str, signed: bool = False) -> str:
    """Format one run's figure: as :func:`fmt`, but a count (an int) shows whole.

    A mean over replicates keeps the metric's decimals; one run's count of stops or
    complaints has none to show.
    """
    whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
    return fmt(value, metric, signed, 0 if whole else None)


def interval(row: Mapping[str, Any], prefix: str = "") -> str:
    """Format ``mean [low, high]`` (or ``diff [low, high]`` with prefix "diff").

    A narrow interval gets more decimals, so that its width shows two significant digits.
    """
    centre = row["mean"] if not prefix else row[prefix]
    if is_nan(centre):
        return "n/a"
    low, high = row[f"{prefix}_ci_low" if prefix else "ci_low"], row[f"{prefix}_ci_high" if prefix else "ci_high"]
    metric = row["metric"]
    signed = bool(prefix) or metric in RATIOS
    m = METRICS.get(metric)
    places = m.decimals if m else None
    half = (high - low) / 2 if not (is_nan(low) or is_nan(high)) else math.nan
    # a narrow interval gets more decimals, except money and hours: whole dollars and hours say enough
    whole = m is not None and (m.unit.startswith("USD") or m.unit.startswith("hours"))
    if places is not None and half > 0 and not math.isnan(half) and not whole:
        places = min(max(places, 1 - math.floor(math.log10(half))), 6)
    if is_nan(low):
        return fmt(centre, metric, signed, places)
    return (
        f"{fmt(centre, metric, signed, places)} "
        f"[{fmt(low, metric, signed, places)}, {fmt(high, metric, signed, places)}]"
    )


def plural(n: float, one: str, many: str | None = None) -> str:
    """``n`` and the noun that agrees with it: "1 meeting", "360 meetings", "2 days of community work".

    Args:
        n: The count (shown with thousands separators, no decimals).
        one: The singular noun phrase.
        many: The plural noun phrase (default: ``one`` + "s").

    """
    return f"{n:,.0f} {one if round(n) == 1 else many or one + 's'}"


def clear_sign(low: float, high: float) -> int:
    """+1 when an interval lies above zero, -1 below, 0 when it includes zero or is missing."""
    if is_nan(low) or is_nan(high) or low <= 0 <= high:
        return 0
    return 1 if low > 0 else -1


def verdict(row: Mapping[str, Any], prefix: str = "diff") -> str:
    """Say whether a difference is clear and which way: "better", "worse", "clear" or "".

    A difference is clear when its 95% CI excludes zero; "better"/"worse" use the
    metric's direction (``better`` column), "clear" is for metrics without one.
    """
    if row.get("baseline"):
        return ""
    sign = clear_sign(row[f"{prefix}_ci_low"], row[f"{prefix}_ci_high"])
    if sign == 0:
        return ""
    if row["better"] == "higher":
        return "better" if sign > 0 else "worse"
    if row["better"] == "lower":
        return "worse" if sign > 0 else "better"
    return "clear"

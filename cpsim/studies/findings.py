"""A finding: a published figure or a macro pattern, the model's figure for it, and its verdict.

Every study of ``cpsim validate`` returns findings. A finding's figure is the mean over
replicates with its 95% t-interval; its verdict is one of

- ``PASS``: the figure is in the range (rule *mean*: the mean; rule *CI*: the whole interval);
- ``FAIL``: it is not;
- ``INCONCLUSIVE``: measured at the quick size (``quick``), the interval straddles an edge of
  the range, so the full run's replicates could put the figure on either side: the quick run
  says so rather than guess. At the quick size a finding passes only when its whole interval
  lies in the range and fails only when its whole interval lies outside, whatever its rule:
  a quick verdict is then one the full run would give too (unless the model is so close to an
  edge that even the full run's interval straddles it);
- ``REPORTED``: a figure the study reports with no rule (what a policy does to a gap): never
  counted as reproduced or failed.

Studies that show more than findings (tables, a figure) return a :class:`Shown`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from cpsim.studies.intervals import mean_ci

PASS, FAIL, INCONCLUSIVE, REPORTED = "PASS", "FAIL", "INCONCLUSIVE", "REPORTED"
VERDICTS = (PASS, FAIL, INCONCLUSIVE, REPORTED)


@dataclass
class Finding:
    """One published finding (or macro pattern) and the model's figure for it.

    Attributes:
        fact: Fact number of docs/ODD.md (F1-F13) or pattern (M1-M6, and the new patterns' tags).
        title: What was found.
        source: The study.
        published: The published figure or range, in words.
        measure: How the model's figure is measured.
        lo: Lower end of the range the model must hit.
        hi: Upper end.
        values: The model's figure in each replicate.
        strict: Whether the whole 95% CI (not just the mean) must lie in the range.
        fmt: Format of the figures.
        reported: A figure with no rule (verdict ``REPORTED``).
        quick: Measured at the quick size (a CI straddling an edge is ``INCONCLUSIVE``).

    """

    fact: str
    title: str
    source: str
    published: str
    measure: str
    lo: float
    hi: float
    values: list[float] = field(default_factory=list)
    strict: bool = False
    fmt: str = "{:.3f}"
    reported: bool = False
    quick: bool = False

    @property
    def mean(self) -> float:
        """Mean over replicates."""
        v = np.asarray(self.values, float)
        return float(np.nanmean(v)) if v.size and not np.isnan(v).all() else math.nan

    @property
    def ci(self) -> tuple[float, float]:
        """95% t-interval of the mean over replicates."""
        _, lo, hi, _, _ = mean_ci(self.values)
        return lo, hi

    @property
    def rule(self) -> str:
        """The pass rule in words."""
        if self.reported:
            return "reported"
        return "CI in range" if self.strict else "mean in range"

    @property
    def verdict(self) -> str:
        """PASS, FAIL, INCONCLUSIVE (quick size, the CI straddles an edge) or REPORTED (module docstring)."""
        if self.reported:
            return REPORTED
        ci_lo, ci_hi = self.ci
        if self.quick and not math.isnan(ci_lo):
            if self.lo <= ci_lo and ci_hi <= self.hi:
                return PASS
            if ci_hi < self.lo or ci_lo > self.hi:
                return FAIL
            return INCONCLUSIVE
        lo, hi = (ci_lo, ci_hi) if self.strict else (self.mean, self.mean)
        return PASS if self.lo <= lo and hi <= self.hi else FAIL

    @property
    def passed(self) -> bool:
        """Whether the model reproduces the finding (verdict PASS)."""
        return self.verdict == PASS

    def band(self) -> str:
        """The range the model must hit, in words."""
        if self.reported:
            return "-"
        if math.isinf(self.hi):
            return f"> {self.fmt.format(self.lo)}"
        if math.isinf(self.lo):
            return f"< {self.fmt.format(self.hi)}"
        return f"[{self.fmt.format(self.lo)}, {self.fmt.format(self.hi)}]"

    def figure(self) -> str:
        """The model's figure with its CI, in words."""
        lo, hi = self.ci
        return f"{self.fmt.format(self.mean)} [{self.fmt.format(lo)}, {self.fmt.format(hi)}]"


def report(fact: str, title: str, source: str, measure: str, values: list[float], fmt: str = "{:.3f}") -> Finding:
    """A figure a study reports with no rule (verdict REPORTED)."""
    return Finding(fact, title, source, "reported", measure, -math.inf, math.inf, values, fmt=fmt, reported=True)


def counts(findings: list[Finding]) -> dict[str, int]:
    """How many findings have each verdict."""
    out = dict.fromkeys(VERDICTS, 0)
    for f in findings:
        out[f.verdict] += 1
    return out


def tally(findings: list[Finding]) -> str:
    """The verdicts in one sentence, e.g. '41 of 43 reproduced, 2 inconclusive at this replicate count'."""
    n = counts(findings)
    judged = len(findings) - n[REPORTED]
    parts = [f"{n[PASS]} of {judged} findings reproduced"]
    if n[FAIL]:
        parts.append(f"{n[FAIL]} not")
    if n[INCONCLUSIVE]:
        parts.append(f"{n[INCONCLUSIVE]} inconclusive at this replicate count")
    if n[REPORTED]:
        parts.append(f"{n[REPORTED]} reported without a rule")
    return ", ".join(parts)


class Shown(Protocol):
    """What a study shows beside its findings: a markdown section and, optionally, data for a figure."""

    findings: list[Finding]

    def markdown(self, figure: str | None) -> str:
        """The study's own section of the report (``figure``: the figure's path relative to the report)."""

    def figure_data(self) -> Any:
        """What the study's figure is drawn from (None: no figure)."""

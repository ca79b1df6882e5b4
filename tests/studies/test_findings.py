"""Verdicts of findings and what `cpsim validate` does with them, on constructed findings (no simulation).

A quick run must give the full run's verdict or say it cannot: a finding whose 95% CI
straddles an edge of its range is INCONCLUSIVE at the quick size, whatever its rule; only a
FAIL makes the command exit 1; the report goes to out/validation.md unless --out says otherwise.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cpsim.cli import main
from cpsim.cli import validate_command as command
from cpsim.studies import validation
from cpsim.studies.findings import FAIL, INCONCLUSIVE, PASS, REPORTED, Finding, counts, tally
from cpsim.studies.patterns import PatternSettings

# Three replicates: mean 0.45, 95% CI about [0.43, 0.47].
TIGHT = [0.44, 0.45, 0.46]
# Mean 0.45, 95% CI about [0.33, 0.57]: it straddles both edges of [0.4, 0.5].
WIDE = [0.40, 0.45, 0.50]


def finding(values, lo=0.4, hi=0.5, strict=False, quick=False, **kw) -> Finding:
    return Finding("F0", "t", "s", "p", "m", lo, hi, list(values), strict=strict, quick=quick, **kw)


@pytest.mark.parametrize("strict", [False, True])
def test_a_quick_run_passes_or_fails_only_what_its_whole_interval_decides(strict):
    assert finding(TIGHT, strict=strict, quick=True).verdict == PASS
    assert finding([v + 0.3 for v in TIGHT], strict=strict, quick=True).verdict == FAIL  # wholly above
    assert finding([v - 0.3 for v in TIGHT], strict=strict, quick=True).verdict == FAIL  # wholly below
    # The mean is inside, but a full run's replicates could put it outside: not a PASS.
    assert finding(WIDE, strict=strict, quick=True).verdict == INCONCLUSIVE
    # The mean is outside, but within reach of the range: not a FAIL either.
    assert finding([v + 0.07 for v in WIDE], strict=strict, quick=True).verdict == INCONCLUSIVE
    assert finding([0.35, 0.39, 0.42], lo=0.4, hi=math.inf, strict=strict, quick=True).verdict == INCONCLUSIVE


def test_a_full_run_keeps_the_two_way_rules():
    assert finding(WIDE).verdict == PASS  # rule "mean": the interval does not matter
    assert finding(WIDE, strict=True).verdict == FAIL  # rule "CI": the interval must lie in the range
    assert finding([v + 0.07 for v in WIDE]).verdict == FAIL
    assert finding([0.45], quick=True).verdict == PASS  # one replicate has no interval: the rule decides


def test_a_reported_figure_has_no_verdict_and_counts_for_neither_side():
    shown = finding([9.0, 9.5, 10.0], lo=-math.inf, hi=math.inf, reported=True, quick=True)
    assert shown.verdict == REPORTED and not shown.passed and shown.band() == "-" and shown.rule == "reported"
    findings = [finding(TIGHT, quick=True), finding(WIDE, quick=True), finding([1, 1.1, 1.2], quick=True), shown]
    assert counts(findings) == {PASS: 1, FAIL: 1, INCONCLUSIVE: 1, REPORTED: 1}
    assert tally(findings) == (
        "1 of 3 findings reproduced, 1 not, 1 inconclusive at this replicate count, 1 reported without a rule"
    )


def fake_validation(findings: list[Finding]):
    def run_validation(quick=False, workers=2, only=None, patterns=True, scheduler=None):
        for f in findings:
            f.quick = quick
        info = {
            "settings": validation.QUICK,
            "patterns": PatternSettings(None, 3, quick=quick),
            "seconds": {"baseline": 1.0},
            "quick": quick,
            "shown": {},
        }
        return findings, info

    return run_validation


def validate(*args) -> int:
    with pytest.raises(SystemExit) as done:
        main(["validate", *map(str, args)])
    return done.value.code


def test_validate_exits_1_only_for_a_fail_and_says_what_was_inconclusive(tmp_path, monkeypatch, capsys):
    report = tmp_path / "v.md"
    monkeypatch.setattr(validation, "run_validation", fake_validation([finding(TIGHT), finding(WIDE)]))
    assert validate("--quick", "--out", report) == 0
    text = report.read_text()
    assert "1 of 2 findings reproduced, 1 inconclusive at this replicate count" in text
    assert text.count("| *inconclusive* |") == 1 and text.count("| PASS |") == 1
    assert "1 inconclusive at this replicate count" in capsys.readouterr().out
    monkeypatch.setattr(validation, "run_validation", fake_validation([finding(TIGHT), finding([1, 1.1, 1.2])]))
    assert validate("--quick", "--out", report) == 1
    assert "| **FAIL** |" in report.read_text()


def test_validate_writes_out_validation_md_unless_told(tmp_path, monkeypatch):
    assert command.OUT == Path("out/validation.md")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    monkeypatch.setattr(validation, "run_validation", fake_validation([finding(TIGHT)]))
    assert validate("--only", "baseline") == 0
    assert (tmp_path / "out" / "validation.md").read_text().startswith("# Validation")
    assert not (tmp_path / "docs" / "validation.md").exists()
    assert validate("--only", "baseline", "--out", "docs/validation.md") == 0
    assert (tmp_path / "docs" / "validation.md").exists()


class Drawn:
    """A study that shows a section and a figure."""

    def __init__(self) -> None:
        self.findings = [finding(TIGHT)]

    def markdown(self, figure):
        return f"## A section\n\n![the figure]({figure})\n"

    def figure_data(self):
        import pandas as pd

        return pd.DataFrame(
            {
                "label": ["baseline", "baseline", "a policy", "a policy"],
                "kind": ["policy"] * 4,
                "year": [0, 1, 0, 1],
                "gap": [0.3, 0.31, 0.3, 0.25],
                "gap_lo": [0.29, 0.3, 0.29, 0.2],
                "gap_hi": [0.31, 0.32, 0.31, 0.3],
            }
        )


def test_a_study_that_shows_a_figure_gets_it_written_beside_the_report(tmp_path, monkeypatch):
    shown = Drawn()

    def run_validation(**kw):
        findings, info = fake_validation(shown.findings)(**kw)
        info["shown"] = {"gaps": shown}
        return findings, info

    monkeypatch.setattr(validation, "run_validation", run_validation)
    report = tmp_path / "docs" / "validation.md"
    assert validate("--only", "gaps", "--out", report) == 0
    png = tmp_path / "docs" / "figures" / "validation_gaps.png"
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "![the figure](figures/validation_gaps.png)" in report.read_text()


def test_the_command_lists_the_patterns_validation_runs():
    assert command.PATTERNS == validation.PATTERNS  # kept by hand so --help need not load the model
    assert set(validation._pattern_studies()) == set(validation.PATTERNS)

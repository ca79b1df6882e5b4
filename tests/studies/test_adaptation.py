"""Saturation and dispersion: the studies' findings on a tiny city over short horizons (the rules on made-up runs)."""

from __future__ import annotations

import math

import pytest

from cpsim.studies import adaptation
from cpsim.studies.findings import FAIL, PASS, REPORTED
from cpsim.studies.patterns import PatternSettings

TINY = PatternSettings(residents=1500, replicates=2, quick=True)


def test_saturation_rules_read_the_ratios_of_successive_effects():
    # Effects at 1, 2, 5, 10, 20 years: still growing (20/10 = 2) in one city, levelling off in the other.
    growing = {"effect": [0.04, 0.06, 0.12, 0.2, 0.4]}
    levelling = {"effect": [0.04, 0.08, 0.15, 0.2, 0.22]}
    rules = {f.title: f for f in adaptation.saturation_findings([growing, growing])}
    late = next(f for t, f in rules.items() if "20 years give" in t)
    assert late.values == [2.0, 2.0] and late.verdict == FAIL
    rules = {f.title: f for f in adaptation.saturation_findings([levelling, levelling])}
    assert all(f.verdict in (PASS, REPORTED) for f in rules.values())
    assert [f.verdict for f in rules.values()].count(REPORTED) == len(adaptation.SATURATION_YEARS)


def test_dispersion_reports_the_horizon_that_departs_most():
    runs = [{"city": [0.01, -0.06], "minority": [0.02, 0.03]}, {"city": [0.0, -0.08], "minority": [0.02, 0.01]}]
    city, minority = adaptation.dispersion_findings(runs)
    assert city.values == [-0.06, -0.08] and city.verdict == FAIL and "year 20" in city.measure
    assert minority.values == [0.02, 0.02] and minority.verdict == PASS and "year 10" in minority.measure


@pytest.fixture
def short(monkeypatch):
    """Horizons of one and two years, so a tiny city runs in seconds."""
    monkeypatch.setattr(adaptation, "SATURATION_YEARS", (1, 2))
    monkeypatch.setattr(adaptation, "SATURATION_RULES", ((2, 1, 1.5),))
    monkeypatch.setattr(adaptation, "DISPERSION_YEARS", (1, 2))


def test_the_studies_run_on_a_tiny_city(short):
    saturation = adaptation.saturation_study(TINY, workers=1)
    assert [f.fact for f in saturation] == ["saturation"] * 3
    effects = [f for f in saturation if f.reported]
    assert len(effects) == 2 and all(len(f.values) == 2 and all(map(math.isfinite, f.values)) for f in effects)
    assert effects[-1].mean > 0  # the package raises trust
    dispersion = adaptation.dispersion_study(TINY, workers=1)
    assert [f.title.split("spread of ")[1] for f in dispersion] == [
        "residents' trust stays within 5% of day 1's",
        "trust within the majority group stays within 5% of day 1's",
        "trust within the minority group stays within 5% of day 1's",
    ]
    assert all(len(f.values) == 2 and all(map(math.isfinite, f.values)) for f in dispersion)

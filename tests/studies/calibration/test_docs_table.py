"""docs/calibration.md's Chicago table is generated from the committed checks and the shipped data."""

from __future__ import annotations

import pytest

from cpsim.reports.reference import ROOT
from cpsim.studies.calibration import load_calibration
from cpsim.studies.calibration.docs_table import BEGIN, CHECKS, DOC, END, read_checks, table_markdown


def test_the_chicago_table_is_the_committed_checks_rendered():
    checks, meta = read_checks(CHECKS)
    text = DOC.read_text()
    block = BEGIN + text.partition(BEGIN)[2].partition(END)[0] + END
    assert block == table_markdown(checks, meta), "run `python -m cpsim.studies.calibration.docs_table out/chicago`"


def test_the_tables_data_figures_are_the_shipped_datas_statistics():
    checks, _ = read_checks(CHECKS)
    cal = load_calibration(ROOT / "experiments" / "chicago_calibration.toml")
    assert list(checks["target"]) == [t.name for t in cal.targets]
    for t, (_, row) in zip(cal.targets, checks.iterrows(), strict=True):
        assert row["observed"] == pytest.approx(t.value) and row["sd"] == pytest.approx(t.sd)
        assert row["inside"] == (row["low"] <= row["observed"] <= row["high"])

"""Generated documentation is current: docs/scenarios.md and docs/metrics.md match the code."""

from __future__ import annotations

from pathlib import Path

from cpsim.reference import metrics_markdown, parameters_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_scenarios_doc_lists_every_parameter_as_generated():
    assert parameters_markdown() in (DOCS / "scenarios.md").read_text(), (
        "docs/scenarios.md is out of date: run `python -m cpsim.reference`"
    )


def test_metrics_doc_is_current():
    assert (DOCS / "metrics.md").read_text() == metrics_markdown(), (
        "docs/metrics.md is out of date: run `python -m cpsim.reference`"
    )

"""Generated documentation is current: docs/scenarios.md, docs/metrics.md and ODD §2 match the code."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cpsim.reports.reference import (
    STATE_TABLES,
    metrics_markdown,
    odd_state_part,
    parameters_markdown,
    state_markdown,
    write_odd_state,
)
from cpsim.world.state import state, state_of

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_scenarios_doc_lists_every_parameter_as_generated():
    assert parameters_markdown() in (DOCS / "scenarios.md").read_text(), (
        "docs/scenarios.md is out of date: run `python -m cpsim.reports.reference`"
    )


def test_metrics_doc_is_current():
    assert (DOCS / "metrics.md").read_text() == metrics_markdown(), (
        "docs/metrics.md is out of date: run `python -m cpsim.reports.reference`"
    )


def test_odd_state_tables_match_the_declarations():
    text = (DOCS / "ODD.md").read_text(encoding="utf-8")
    stale = [name for name in STATE_TABLES if odd_state_part(text, name) != state_markdown(name)]
    assert not stale, f"docs/ODD.md §2 tables {stale} are out of date: run `python -m cpsim.reports.reference`"


def test_every_state_array_is_declared_with_unit_and_meaning():
    for cls in STATE_TABLES.values():
        for f in dataclasses.fields(cls):
            spec = state_of(f)
            assert spec.unit and spec.doc, f"{cls.__name__}.{f.name} lacks a unit or meaning"


def test_a_changed_declaration_makes_odd_stale(tmp_path, monkeypatch):
    odd = tmp_path / "ODD.md"
    odd.write_text((DOCS / "ODD.md").read_text(encoding="utf-8"), encoding="utf-8")
    renamed = dataclasses.make_dataclass("Places", [("crowd", object, state("count", "People at the place"))])
    monkeypatch.setitem(STATE_TABLES, "Places", renamed)
    assert odd_state_part(odd.read_text(encoding="utf-8"), "Places") != state_markdown("Places")
    write_odd_state(odd)
    text = odd.read_text(encoding="utf-8")
    assert (
        odd_state_part(text, "Places")
        == "| variable | unit | meaning |\n|---|---|---|\n| `crowd` | count | People at the place |"
    )
    assert "## 3. Process overview and scheduling" in text  # the hand-written text around it is kept


def test_missing_markers_are_named(tmp_path):
    with pytest.raises(ValueError, match="BEGIN GENERATED: state Officers"):
        odd_state_part("# ODD\n", "Officers")

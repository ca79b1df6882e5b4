"""The measured figures in docs/compare.md and docs/programs.md are what their stored results say."""

from __future__ import annotations

import re

import pytest

from cpsim.reports import docs_figures

BLOCKS = [(name, doc, block) for name, study in docs_figures.STUDIES.items() for doc, block, _ in study.blocks]


@pytest.fixture(scope="module")
def rendered():
    return {name: docs_figures.render(study) for name, study in docs_figures.STUDIES.items()}


@pytest.mark.parametrize(("study", "doc", "block"), BLOCKS, ids=[f"{d}:{b}" for _, d, b in BLOCKS])
def test_doc_block_is_generated_from_its_results(rendered, study, doc, block):
    committed = docs_figures.current(doc, block)
    assert committed is not None, f"docs/{doc} has no generated block '{block}'"
    assert committed == rendered[study][(doc, block)], (
        f"docs/{doc} block '{block}' does not match docs/results/{study}: run `python -m cpsim.reports.docs_figures`"
    )


def test_measured_blocks_say_machine_date_and_time(rendered):
    for study in ("demo", "brief", "programs"):
        text = next(iter(rendered[study].values()))
        assert re.search(r"run on \d{4}-\d{2}-\d{2} on \S+, \d+ CPUs, \S+ of wall time with \d+ worker", text), study
    timing = rendered["demo"][("compare.md", "demo-timing")]
    assert re.search(r"Measured \d{4}-\d{2}-\d{2} on .* CPUs", timing) and "wall time" in timing


def test_the_worked_example_shows_every_part_of_a_brief(rendered):
    text = rendered["brief"][("compare.md", "brief")]
    for part in (
        "How big",
        "Who benefits, by group",
        "trust gap, read fairly",
        "By beat",
        "How fast",
        "At what cost",
        "Provenance",
        "sha256",
        "parameters that differ",
    ):
        assert part in text, part

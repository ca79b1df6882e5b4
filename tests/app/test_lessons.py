"""docs/classroom.md's lessons cannot drift: the doc is what the command writes from its stored
runs, and the stored runs are what the model does now.

A full regeneration runs every scenario for a year on three seeds (minutes); here every
scenario reruns seed 1 up to CHECK_DAY (seconds) and must match the stored figures exactly.
When the model's dynamics change, rerun ``python -m cpsim.app.lesson_runs --write docs/classroom.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cpsim.app import lesson_runs
from cpsim.app.levers import Size, scenario_files
from cpsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "classroom.md"
STORE = DOC.with_name(lesson_runs.RUNS_FILE)
SCENARIOS = ROOT / "scenarios"
REGENERATE = (
    'rerun `NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" python -m cpsim.app.lesson_runs --write '
    "docs/classroom.md`"
)


@pytest.fixture(scope="module")
def measured() -> dict:
    return json.loads(STORE.read_text(encoding="utf-8"))


def test_the_lessons_section_is_what_the_command_writes_from_the_stored_runs(measured):
    text = DOC.read_text(encoding="utf-8")
    assert lesson_runs.rewrite(DOC, lesson_runs.lessons_markdown(measured, SCENARIOS)) == text, REGENERATE
    stems = {f.path.stem for f in scenario_files(SCENARIOS)}
    assert set(measured["runs"]) == stems, REGENERATE
    assert all(set(runs) == {str(s) for s in measured["seeds"]} for runs in measured["runs"].values())
    assert measured["seeds"] == list(lesson_runs.SEEDS) and measured["check_day"] == lesson_runs.CHECK_DAY


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_the_stored_runs_still_reproduce(measured, path, portable_numerics):
    days = min(lesson_runs.CHECK_DAY, load_scenario(path, Size.of(measured["residents"]).overrides()).run.days)
    seed = str(measured["seeds"][0])
    stored = measured["runs"][path.stem][seed][str(days)]
    fresh = lesson_runs.run(str(path), int(seed), measured["residents"], (days,))[str(days)]
    assert fresh == pytest.approx(stored, rel=1e-12, nan_ok=True), f"{path.stem} changed: {REGENERATE}"


def test_the_command_refuses_a_doc_without_a_lessons_section(tmp_path, capsys):
    doc = tmp_path / "classroom.md"
    doc.write_text("# no lessons here\n")
    assert lesson_runs.main(["--write", str(doc), "--reuse"]) == 2
    err = capsys.readouterr().err
    assert "no lessons section" in err and len(err.strip().splitlines()) == 1

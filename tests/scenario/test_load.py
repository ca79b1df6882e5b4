"""Scenario files: inheritance, overrides, and one-line errors naming file and key."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from cpsim.scenario import SECTIONS, Scenario, ScenarioError, load_scenario, resolved_toml, spec_of

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.toml"


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_every_parameter_is_documented_and_its_default_is_in_range():
    for sec, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            spec = spec_of(f)
            assert spec.doc and spec.source, f"{sec}.{f.name} lacks doc or source"
            vals = f.default if isinstance(f.default, tuple) else (f.default,)
            for v in vals:
                if isinstance(v, (int, float)) and not isinstance(v, bool) and spec.lo is not None:
                    assert spec.lo <= v <= spec.hi, f"{sec}.{f.name} default {v} outside its range"
                if isinstance(v, str) and spec.choices:
                    assert v in spec.choices


def test_baseline_loads_and_extends_inherits(tmp_path):
    base = load_scenario(BASELINE)
    assert base.population.residents == 10000 and base.run.name == "baseline"
    child = write(tmp_path, f'extends = "{BASELINE}"\n[patrol]\nfoot_hours = 2.5\n')
    s = load_scenario(child)
    assert s.patrol.foot_hours == 2.5
    assert s.population.residents == base.population.residents
    assert s.run.name == "baseline"


def test_overrides_as_text_and_mapping():
    s = load_scenario(BASELINE, ["patrol.foot_hours=3", "run.name=x", "trust.initial_by_group=[0.5, 0.3]"])
    assert (s.patrol.foot_hours, s.run.name, s.trust.initial_by_group) == (3.0, "x", (0.5, 0.3))
    s2 = load_scenario(BASELINE, {"policing.budget_cut": 0.2})
    assert s2.policing.budget_cut == 0.2
    # ints are accepted for floats and kept as floats
    assert isinstance(load_scenario(BASELINE, ["patrol.foot_hours=3"]).patrol.foot_hours, float)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            "[patrol]\nfoot_hourz = 1\n",
            "patrol.foot_hourz: unknown key (did you mean 'foot_hours'?); allowed: foot_hours",
        ),
        ("[patroll]\nfoot_hours = 1\n", "patroll: unknown section (did you mean 'patrol'?); allowed:"),
        (
            "[patrol]\nfoot_hours = 'lots'\n",
            "patrol.foot_hours: expected a number, got 'lots'; allowed: a value in [0, 12]",
        ),
        ("[patrol]\nfoot_hours = 99\n", "patrol.foot_hours: 99 is out of range; allowed: a value in [0, 12]"),
        ("[population]\nresidents = 2.5\n", "population.residents: expected a whole number"),
        ("[graph]\nkind = 'random'\n", "graph.kind: 'random' is not a choice; allowed: one of 'local'"),
        ("[trust]\ninitial_by_group = [0.5]\n", "trust.initial_by_group: has 1 values; allowed: one per group"),
        (
            "[population]\ngroup_shares = [0.5, 0.6]\n",
            "population.group_shares: shares sum to 1.1; allowed: a sum of 1",
        ),
        ("patrol = 3\n", "patrol: expected a [patrol] table"),
        ("[patrol\n", "not valid TOML"),
        ('extends = "missing.toml"\n', "extends: file"),
        ("[policing]\ncut_order = ['community', 'coffee']\n", "policing.cut_order: 'coffee' is not a choice"),
    ],
)
def test_bad_scenarios_fail_with_one_line_naming_file_and_key(tmp_path, body, needle):
    p = write(tmp_path, body)
    with pytest.raises(ScenarioError) as err:
        load_scenario(p)
    msg = str(err.value)
    assert needle in msg
    assert "\n" not in msg
    assert str(p) in msg or "missing.toml" in msg


def test_error_names_the_file_that_set_the_bad_value(tmp_path):
    write(tmp_path, "[patrol]\nfoot_hours = 50\n", "parent.toml")
    child = write(tmp_path, 'extends = "parent.toml"\n[run]\nname = "c"\n', "child.toml")
    with pytest.raises(ScenarioError, match=r"parent\.toml: patrol\.foot_hours"):
        load_scenario(child)


def test_circular_extends(tmp_path):
    write(tmp_path, 'extends = "b.toml"\n', "a.toml")
    write(tmp_path, 'extends = "a.toml"\n', "b.toml")
    with pytest.raises(ScenarioError, match="circular"):
        load_scenario(tmp_path / "a.toml")


def test_bad_override_names_set_and_key():
    with pytest.raises(ScenarioError, match=r"^--set: trust\.half_life_days: -1 is out of range"):
        load_scenario(BASELINE, ["trust.half_life_days=-1"])
    with pytest.raises(ScenarioError, match="expected section.key=value"):
        load_scenario(BASELINE, ["foot_hours"])


def test_resolved_toml_round_trips(tmp_path):
    s = load_scenario(BASELINE, ["patrol.foot_hours=1.5"])
    p = write(tmp_path, resolved_toml(s))
    assert load_scenario(p) == s


def test_defaults_equal_empty_file(tmp_path):
    assert load_scenario(write(tmp_path, "")) == Scenario()


@pytest.mark.parametrize("args", [["check", "BAD"], ["run", "BAD", "--days", "2"]])
def test_cli_bad_scenario_exits_2_with_one_line(tmp_path, args):
    bad = write(tmp_path, "[crime]\nviolent_per_1000 = -3\n")
    argv = [str(bad) if a == "BAD" else a for a in args]
    proc = subprocess.run([sys.executable, "-m", "cpsim.cli", *argv], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "Traceback" not in proc.stderr
    assert f"{bad}: crime.violent_per_1000: -3 is out of range; allowed: a value in [0, 500]" in proc.stderr


def test_cli_bad_flag_exits_2_with_one_line():
    proc = subprocess.run(
        [sys.executable, "-m", "cpsim.cli", "run", str(BASELINE), "--days", "zero"], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "--days" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0


def test_graph_file_is_found_relative_to_the_scenario_and_must_exist(tmp_path, monkeypatch):
    (tmp_path / "ties.edges").write_text("".join(f"{i} {i + 1}\n" for i in range(9)))
    ok = write(tmp_path, "[population]\nresidents = 10\nbeats = 2\n[graph]\nkind = 'file'\npath = 'ties.edges'\n")
    assert load_scenario(ok).graph.path == str(tmp_path / "ties.edges")
    bad = write(tmp_path, "[graph]\nkind = 'file'\npath = 'nope.edges'\n", "bad.toml")
    with pytest.raises(ScenarioError, match=r"bad\.toml: graph\.path: file 'nope\.edges' not found"):
        load_scenario(bad)
    # a file of the same name in the current folder is not looked at: the scenario's folder decides
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    moved = write(elsewhere, ok.read_text(), "moved.toml")
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(moved)

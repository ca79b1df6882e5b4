"""Bad input never gets past the first check: corpora of broken files, bad flags, outputs and sizes.

Every broken scenario in tests/corpus/broken/ (and experiment in broken_experiments/) is
listed in broken.json (broken_experiments.json) with a fragment of the one line it must
be refused with. Grow the corpus with every bug: add the file and its line.
"""

from __future__ import annotations

import dataclasses
import errno
import importlib
import json
import os
from pathlib import Path

import networkx as nx
import pytest

from cpsim.cli import main
from cpsim.scenario import SECTIONS, Scenario, ScenarioError, load_scenario, spec_of
from cpsim.scenario.graphfile import count_graph_nodes
from cpsim.scenario.rules import RULE_KEYS, RuleError, check_rules
from cpsim.studies.executors import check_address
from cpsim.studies.sweeps import load_experiment, run_table
from cpsim.studies.sweeps.sampling import count_runs

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
BASELINE = ROOT / "scenarios" / "baseline.toml"
SCENARIOS = json.loads((CORPUS / "broken.json").read_text(encoding="utf-8"))
EXPERIMENTS = json.loads((CORPUS / "broken_experiments.json").read_text(encoding="utf-8"))


def cli(*args: str, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def refused(code: int, err: str, fragment: str = "") -> bool:
    """Exit 2 with one line, no traceback, containing ``fragment``."""
    return (
        code == 2
        and err.count("\n") == 1
        and err.startswith("cpsim: error: ")
        and "Traceback" not in err
        and fragment in err
    )


def test_every_corpus_file_is_listed_with_its_message():
    assert sorted(p.name for p in (CORPUS / "broken").iterdir()) == sorted(SCENARIOS)
    assert sorted(p.name for p in (CORPUS / "broken_experiments").iterdir()) == sorted(EXPERIMENTS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_broken_scenario_is_refused_with_one_line_before_anything_runs(name, capsys, tmp_path, monkeypatch):
    path = CORPUS / "broken" / name
    code, out, err = cli("check", path, capsys=capsys)
    assert refused(code, err, SCENARIOS[name]), err
    assert out == ""
    monkeypatch.chdir(tmp_path)
    code, _, err2 = cli("run", path, "--out", tmp_path / "run", capsys=capsys)
    assert (code, err2) == (2, err)
    assert not any(tmp_path.iterdir())


# One file of each kind of fault, through every command that reads a scenario.
KINDS = [
    "latin1.toml",
    "deep_arrays.toml",
    "nan_share.toml",
    "incident_beat.toml",
    "graph_wrong_size.toml",
    "duplicate_groups.toml",
    "extends_bad_parent_value.toml",
    "beats_over_residents.toml",
]


@pytest.mark.parametrize("name", KINDS)
def test_every_command_gives_the_same_line(name, capsys, tmp_path, monkeypatch):
    path = CORPUS / "broken" / name
    _, _, line = cli("check", path, capsys=capsys)
    monkeypatch.chdir(tmp_path)
    for args in (
        ["compare", BASELINE, path, "--replicates", "2", "--out", tmp_path / "cmp"],
        ["trial", path, "--out", tmp_path / "trial"],
        ["app", path],  # fails before the server starts (check refused the file above)
    ):
        code, _, err = cli(*args, capsys=capsys)
        assert (code, err) == (2, line), args[0]
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_broken_experiment_is_refused_with_one_line_before_a_store_exists(name, capsys, tmp_path):
    path = CORPUS / "broken_experiments" / name
    store = tmp_path / "store.duckdb"
    code, _, err = cli("sweep", path, "--out", store, capsys=capsys)
    lines = err.strip().splitlines()
    # a job too big for the machine gets its estimate first, then the refusal
    assert code == 2 and "Traceback" not in err and EXPERIMENTS[name] in lines[-1], err
    assert lines[-1].startswith("cpsim: error: ") and len(lines) <= 2
    assert not store.exists()


UNREADABLE = ["binary.toml", "gzip.toml", "latin1.toml", "utf16le_bom.toml", "deep_arrays.toml", "truncated.toml"]


@pytest.mark.parametrize("name", UNREADABLE)
def test_an_unreadable_calibration_file_is_refused_with_the_same_line_as_a_scenario(name, capsys):
    code, _, err = cli("calibrate", CORPUS / "broken" / name, capsys=capsys)
    assert refused(code, err, SCENARIOS[name]), err
    assert "calibration file" in err or "not valid TOML" in err


BAD_FLAGS = [
    (["run", BASELINE, "--days", "100000"], "'--days': Input should be less than or equal to 36500"),
    (["run", BASELINE, "--days", "0"], "'--days'"),
    (["run", BASELINE, "--days", "nan"], "'--days'"),
    (["run", BASELINE, "--days", "1e3"], "'--days'"),
    (["run", BASELINE, "--seed", str(2**64)], "'--seed': Input should be less than or equal to 9223372036854775807"),
    (["run", BASELINE, "--seed", "-1"], "'--seed'"),
    (["run", BASELINE, "--set", "run.days=nan"], "--set: run.days: nan is not a finite number"),
    (["run", BASELINE, "--set", "trust.disposition_sd=inf"], "--set: trust.disposition_sd: inf is not a finite number"),
    (["run", BASELINE, "--set", "population.residents=1e9"], "--set: population.residents: 1e+09 is out of range"),
    (["run", BASELINE, "--set", "foot_hours=3"], "--set foot_hours=3: expected section.key=value"),
    (["run", BASELINE, "--set", "patrol.foot_hours=1e999"], "--set: patrol.foot_hours: inf is not a finite number"),
    (
        ["run", BASELINE, "--days", "30", "--set", "incident.enabled=true", "--set", "incident.day=60"],
        "--set: incident.day: day 60 is after the run ends; allowed: 1 to run.days = 30",
    ),
    (["run", BASELINE, "--days", "10", "--set", "incident.enabled=true"], "incident.day: day 60 is after the run ends"),
    (["check", BASELINE, "--set", "population.beats=20000"], "population.beats: 20000 beats for 10000 residents"),
    (["compare", BASELINE, BASELINE, "--replicates", "1"], "'--replicates'"),
    (["compare", BASELINE, BASELINE, "--replicates", "100001"], "'--replicates'"),
    (["compare", BASELINE, BASELINE, "--workers", "0"], "'--workers'"),
    (["compare", BASELINE, BASELINE, "--workers", "100000"], "'--workers'"),
    (["compare", BASELINE, BASELINE, "--days", "36501"], "'--days'"),
    (["compare", BASELINE, BASELINE, "--seed", str(2**63)], "'--seed'"),
    (["compare", BASELINE, ROOT / "scenarios" / "incident.toml", "--days", "30"], "incident.day: day"),
    (["trial", ROOT / "scenarios" / "trial_peyton.toml", "--replicates", "0"], "'--replicates'"),
    (["trial", ROOT / "scenarios" / "trial_peyton.toml", "--seed", "-5"], "'--seed'"),
    (["trial", BASELINE], "trial.enabled: the scenario runs no trial"),
    (["sweep", ROOT / "experiments" / "budget_sweep.toml", "--workers", "0"], "'--workers'"),
    (
        ["sweep", ROOT / "experiments" / "budget_sweep.toml", "--scheduler", "notanaddress"],
        "--scheduler 'notanaddress': not a scheduler address; allowed: tcp://HOST:PORT",
    ),
    (
        ["sweep", ROOT / "experiments" / "budget_sweep.toml", "--scheduler", "http://localhost:8786"],
        "http:// is not a Dask protocol",
    ),
    (["sweep", ROOT / "experiments" / "budget_sweep.toml", "--scheduler", "tcp://host:123456"], "port 123456"),
    # compare, trial and validate take the same --scheduler, checked the same way before anything runs
    (["compare", BASELINE, BASELINE, "--scheduler", "notanaddress"], "--scheduler 'notanaddress': not a scheduler"),
    (["trial", ROOT / "scenarios" / "trial_peyton.toml", "--scheduler", "http://h:1"], "http:// is not a Dask"),
    (["validate", "--scheduler", "tcp://host:0"], "port 0 out of range"),
    (["validate", "--workers", "0"], "'--workers'"),
    (["validate", "--only", "nope\nnope"], "--only nope nope: unknown study"),
    (["app", BASELINE, "--port", "70000"], "'--port'"),
    (["results", ROOT / "README.md"], "not a readable results store"),
    (["results", ROOT / "nowhere.duckdb"], "no such results store"),
    (["analyze", ROOT / "scenarios" / "baseline.toml"], "not a readable results store"),
    (["run"], "Missing argument 'scenario'"),
    (["run", BASELINE, "--dayz", "3"], "No such option: --dayz"),
    (["nope"], "No such command 'nope'"),
]


@pytest.mark.parametrize(("args", "fragment"), BAD_FLAGS, ids=[" ".join(map(str, a))[-60:] for a, _ in BAD_FLAGS])
def test_bad_flags_are_refused_with_one_line(args, fragment, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(*args, capsys=capsys)
    assert refused(code, err, fragment), err
    assert not any(tmp_path.iterdir())  # nothing written, nothing run


def test_a_bad_scheduler_in_the_environment_names_the_variable(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "https://dask.example.org")
    code, _, err = cli(
        "sweep", ROOT / "experiments" / "budget_sweep.toml", "--out", tmp_path / "s.duckdb", capsys=capsys
    )
    assert refused(code, err, "DASK_SCHEDULER_ADDRESS 'https://dask.example.org': not a scheduler address")
    assert check_address(" tcp://10.0.0.1:8786 ", "--scheduler") == "tcp://10.0.0.1:8786"
    assert check_address("[::1]:8786", "--scheduler") == "[::1]:8786"


def fail_if_called(*args, **kwargs):
    raise AssertionError("a simulation started although the output cannot be written")


@pytest.mark.parametrize("where", ["file", "under_file"])
def test_out_is_checked_before_anything_runs(where, capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.import_module("cpsim.simulate"), "simulate", fail_if_called)
    monkeypatch.setattr(importlib.import_module("cpsim.studies.runner"), "run_study", fail_if_called)
    monkeypatch.setattr(importlib.import_module("cpsim.studies.trials"), "run_trial", fail_if_called)
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    out = blocker if where == "file" else blocker / "sub"
    why = "is a file" if where == "file" else "cannot write there"
    for args in (
        ["run", BASELINE, "--out", out],
        ["compare", BASELINE, BASELINE, "--out", out],
        ["trial", ROOT / "scenarios" / "trial_peyton.toml", "--out", out],
        ["validate", "--out", blocker / "sub" / "v.md"],
    ):
        code, _, err = cli(*args, capsys=capsys)
        assert refused(code, err, "--out"), err
        assert why in err or args[0] == "validate"


def test_results_export_and_analyze_out_are_checked_before_writing(capsys, tmp_path, sweep_store):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    code, _, err = cli("results", sweep_store, "--export", blocker, capsys=capsys)
    assert refused(code, err, f"--export {blocker}: is a file")
    code, _, err = cli("analyze", sweep_store, "--out", blocker / "rep", capsys=capsys)
    assert refused(code, err, "cannot write there")
    assert blocker.read_text() == "x"


def test_a_write_that_fails_after_the_run_ends_with_one_line(capsys, tmp_path, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("cpsim.reports.plots.run_figure", disk_full)
    code, _, err = cli(
        "run", BASELINE, "--days", "2", "--set", "population.residents=300", "--out", tmp_path / "o", capsys=capsys
    )
    assert code == 1 and err.count("\n") == 1 and "writing failed (No space left on device)" in err


def test_jobs_bigger_than_the_machine_are_refused_unless_forced(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("cpsim.studies.resources.available_bytes", lambda: 2 * 10**9)
    monkeypatch.setattr(importlib.import_module("cpsim.simulate"), "simulate", fail_if_called)
    code, _, err = cli("run", BASELINE, "--set", "population.residents=5000000", "--out", tmp_path / "o", capsys=capsys)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 2 and "Traceback" not in err
    assert lines[0].startswith("cpsim: estimate: 1 run (population.residents = 5,000,000), ~3.")
    assert "needs ~3." in lines[1] and "more than the 2.0 GB free" in lines[1] and "--force" in lines[1]
    assert not (tmp_path / "o").exists()
    # the estimate of a small city, shown by check; --force runs what does not fit
    code, out, _ = cli("check", BASELINE, capsys=capsys)
    assert code == 0 and "# estimate: 1 run (population.residents = 10,000), ~" in out
    monkeypatch.setattr("cpsim.studies.resources.available_bytes", lambda: 1)
    monkeypatch.undo()
    monkeypatch.setattr("cpsim.studies.resources.available_bytes", lambda: 1)
    code, _, err = cli(
        "run",
        BASELINE,
        "--days",
        "1",
        "--set",
        "population.residents=300",
        "--force",
        "--out",
        tmp_path / "forced",
        capsys=capsys,
    )
    assert code == 0 and "cpsim: estimate:" in err and (tmp_path / "forced" / "summary.json").exists()


def test_experiment_runs_are_counted_without_building_the_table(tmp_path):
    designs = {
        "grid": "[vary]\npolicing.budget_cut = [0.0, 0.1, 0.2]\nwatch.enabled = [false, true]\n",
        "lhs": 'design = "lhs"\nsamples = 7\n[vary]\ntrust.prior_bias = [0.1, 0.5]\n',
        "sobol": 'design = "sobol"\nsamples = 4\nsecond_order = true\n[vary]\ntrust.prior_bias = [0.1, 0.5]\n'
        "safety.initial = [0.2, 0.8]\npatrol.foot_hours = [0, 2]\n",
        "morris": 'design = "morris"\nsamples = 3\n[vary]\ntrust.prior_bias = [0.1, 0.5]\n'
        "safety.initial = [0.2, 0.8]\n",
    }
    for name, body in designs.items():
        path = tmp_path / f"{name}.toml"
        top, _, rest = body.partition("[vary]")
        path.write_text(
            f'scenarios = ["{BASELINE}", "{ROOT / "scenarios" / "foot_patrol.toml"}"]\nreplicates = 3\n'
            f"{top}[vary]{rest}"
        )
        exp = load_experiment(path)
        assert count_runs(exp) == len(run_table(exp)), name


def test_keys_outside_the_rules_cannot_break_them():
    # RULE_KEYS lets a sweep skip the point check when it varies none of them: every other key,
    # at either end of its range, must leave a valid scenario valid.
    base = Scenario()
    for sec, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            if f"{sec}.{f.name}" in RULE_KEYS or isinstance(f.default, (str, tuple)):
                continue
            values = [True, False] if isinstance(f.default, bool) else [spec_of(f).lo, spec_of(f).hi]
            for value in values:
                section = dataclasses.replace(getattr(base, sec), **{f.name: type(f.default)(value)})
                try:
                    check_rules(dataclasses.replace(base, **{sec: section}), lambda key: None)
                except RuleError as err:  # pragma: no cover - the message says which key to add
                    pytest.fail(f"{sec}.{f.name} = {value} breaks {err.key}: add it to RULE_KEYS")


def test_graph_files_are_counted_as_networkx_reads_them(tmp_path):
    text = "# people of a street\n1 2\n2 3 {'w': 1}\n3\t1\n\n4 5 # a comment\n  6   7  \n#8 9\n7 6 extra words\n"
    edges = tmp_path / "g.edges"
    edges.write_text(text)
    assert count_graph_nodes(edges) == nx.read_edgelist(edges, nodetype=str, data=False).number_of_nodes() == 7
    graphml = tmp_path / "g.graphml"
    nx.write_graphml(nx.path_graph(12), graphml)
    assert count_graph_nodes(graphml) == 12
    scenario = tmp_path / "s.toml"
    scenario.write_text("[population]\nresidents = 12\nbeats = 2\n[graph]\nkind = 'file'\npath = 'g.graphml'\n")
    assert load_scenario(scenario).graph.path == str(graphml)
    with pytest.raises(ScenarioError, match="has 12 people"):
        load_scenario(scenario, ["population.residents=13"])


@pytest.fixture(scope="module")
def sweep_store(tmp_path_factory):
    from cpsim.studies.sweeps import run_sweep

    tmp = tmp_path_factory.mktemp("store")
    exp = tmp / "tiny.toml"
    exp.write_text(
        f'name = "tiny"\nscenarios = ["{BASELINE}"]\nreplicates = 2\ndays = 2\nseed = 3\n'
        "[vary]\npolicing.budget_cut = [0.0, 0.3]\n[overrides]\npopulation.residents = 300\n"
        "population.beats = 2\n"
    )
    run_sweep(exp, tmp / "tiny.duckdb", workers=1)
    return tmp / "tiny.duckdb"

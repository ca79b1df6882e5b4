"""Faults lose nothing: kill -9 of the driver or a worker, Ctrl-C, a failing write, two drivers,
a damaged store, changed model code and failed runs, each followed by a resume whose store
equals an uninterrupted run's. The harness is tests/faults.py (reusable for other commands).
"""

from __future__ import annotations

import random
import re
import shutil
import signal
import sys
from concurrent.futures import Future
from pathlib import Path

import duckdb
import pytest
from faults import (
    Resumable,
    assert_committed_match,
    assert_same_store,
    file_size_limit,
    interrupt,
)

import cpsim.studies.sweeps.batch as simulate_module
from cpsim.cli import main
from cpsim.studies.executors import Pool
from cpsim.studies.provenance import CodeVersion
from cpsim.studies.sweeps import run_sweep

pytestmark = (
    pytest.mark.slow
)  # kills, interrupts and resumes real runs, or draws many documents: make test-fast skips it

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
RUNS = 18
EXPERIMENT = (
    f'name = "faults"\nscenarios = ["{BASELINE}"]\ndesign = "grid"\nreplicates = 6\ndays = 3\nseed = 7\nbatch = 1\n'
    'timeseries = ["trust_mean", "contacts", "victimizations"]\n[vary]\npolicing.budget_cut = [0.0, 0.2, 0.4]\n'
    "[overrides]\npopulation.residents = 300\npopulation.beats = 2\n"
)
TABLES = {
    "runs": ("run_id", ["duration"]),
    "timeseries": ("run_id, day", []),
    "points": ("point", []),
    "experiment": ("name", ["created"]),
}
RUN_TABLES = {k: v for k, v in TABLES.items() if k in ("runs", "timeseries")}
DONE = re.compile(r": (\d+)/\d+ runs done")


def done_in(line: str) -> int | None:
    found = DONE.search(line)
    return int(found.group(1)) if found else None


def sweep_command(exp: Path, store: Path, *extra: str) -> Resumable:
    argv = [sys.executable, "-m", "cpsim.cli", "sweep", str(exp), "--out", str(store), "--workers", "2", *extra]
    return Resumable([*argv, "--verbose"], store, done_in, TABLES)


def cli(*args, capsys) -> tuple[int, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    return exit_info.value.code, capsys.readouterr().err


def one_error_line(err: str) -> bool:
    errors = [x for x in err.strip().splitlines() if x.startswith("cpsim: error:")]
    return len(errors) == 1 and "Traceback" not in err


def committed_match(store: Path, reference: Path) -> int:
    return assert_committed_match(store, reference, RUN_TABLES, "runs", "run_id", lambda r: r["status"] != "pending")


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    """The experiment file and the store of an uninterrupted run."""
    tmp = tmp_path_factory.mktemp("faults")
    exp = tmp / "faults.toml"
    exp.write_text(EXPERIMENT)
    run_sweep(exp, tmp / "reference.duckdb", workers=2)
    return exp, tmp / "reference.duckdb"


def test_kill_9_of_the_driver_at_random_moments_loses_nothing_and_leaves_no_worker(reference, tmp_path, capsys):
    exp, ref = reference
    cmd = sweep_command(exp, tmp_path / "killed.duckdb")
    rng = random.Random(14)
    done = 0
    for kill in range(2):
        # a random moment: after a random number of committed runs, or a random time after the start
        # (planning, creating the store, the first batches)
        moment = {"at": done + rng.randint(1, 4)} if kill else {"after": rng.uniform(0.5, 3.0)}
        out = interrupt(cmd, **moment, sig=signal.SIGKILL)
        assert out.returncode in (-signal.SIGKILL, 0), out.stderr
        assert not out.orphans, f"workers left running after kill -9 of the driver: {out.orphans}"
        if cmd.store.exists():
            done = committed_match(cmd.store, ref)
    assert 0 < done < RUNS
    # resume: the same command again (here through main(), the CLI's entry point)
    code, err = cli(*cmd.argv[3:-1], capsys=capsys)
    resuming, *progress, final = err.strip().splitlines()  # not a terminal: progress lines, then the final line
    assert code == 0 and f"{RUNS}/{RUNS} runs done, 0 failed" in final
    assert resuming == f"faults: resuming: {done} of {RUNS} runs done"
    assert all(re.fullmatch(r"\S+: \d+/\d+ runs \(\d+%\), 0 failed, .*", line) for line in progress), progress
    assert_same_store(cmd.store, ref, TABLES)
    # a rerun of a finished sweep submits nothing
    code, err = cli(*cmd.argv[3:-1], capsys=capsys)
    assert code == 0 and "this session" not in err


def test_a_killed_worker_ctrl_c_and_a_failing_write_each_lose_nothing(reference, tmp_path):
    exp, ref = reference
    cmd = sweep_command(exp, tmp_path / "faults.duckdb")
    # a worker killed: the pool breaks, the driver stops with one line, committed runs stay
    out = interrupt(cmd, at=2, target="worker", sig=signal.SIGKILL)
    assert out.returncode == 1 and one_error_line("\n".join(out.stderr)), out.stderr
    assert "workers failed" in out.stderr[-1] and "run the same command again to resume" in out.stderr[-1]
    assert not out.orphans
    done = committed_match(cmd.store, ref)
    # Ctrl-C: SIGINT to the whole process group, as a terminal sends it, then to the driver alone
    for target in ("group", "driver"):
        out = interrupt(cmd, at=done + 2, target=target, sig=signal.SIGINT)
        said = [line for line in out.stderr if line.startswith("cpsim:") or done_in(line) is None]  # no progress
        assert out.returncode == 130 and len(said) <= 2, (target, out.stderr)  # the resume line, the stop line
        assert said[-1].startswith("cpsim: interrupted: faults: ") and "/18 runs done, 0 failed -> " in said[-1]
        assert said[-1].endswith("; run the same command again to resume") and not out.orphans
        assert committed_match(cmd.store, ref) > done
        if done:
            assert said[0] == f"faults: resuming: {done} of {RUNS} runs done", said
        done = committed_match(cmd.store, ref)
    # a failing write: the store's files may not grow past 30 kB (the log of a few batches), as on a full disk
    out = interrupt(cmd, target="none", preexec_fn=file_size_limit(30_000))
    assert out.returncode == 1, out.stderr
    assert "could not write a batch to the store" in out.stderr[-1] and one_error_line("\n".join(out.stderr))
    assert not out.orphans
    assert RUNS > committed_match(cmd.store, ref) >= done
    # resume: everything, and nothing twice
    out = interrupt(cmd, target="none")
    assert out.returncode == 0 and f"{RUNS}/{RUNS} runs done, 0 failed" in out.stderr[-1], out.stderr
    assert_same_store(cmd.store, ref, TABLES)


def test_a_second_driver_on_the_same_store_is_refused_with_one_line(reference, tmp_path, capsys):
    exp, ref = reference
    cmd = sweep_command(exp, tmp_path / "shared.duckdb")
    seen: list[tuple[int, str]] = []

    def second_driver(done: int, proc) -> None:
        if done == 2 and not seen:
            seen.append(cli("sweep", exp, "--out", cmd.store, "--workers", "1", capsys=capsys))
            seen.append(cli("results", cmd.store, capsys=capsys))

    out = interrupt(cmd, target="none", on_progress=second_driver)
    (code, err), (code_results, err_results) = seen
    assert code == 2 and err.count("\n") == 1 and f"process {out_pid(err)} is writing this store" in err
    assert "allowed: one sweep per store at a time" in err
    assert code_results == 2 and "a running sweep is writing it" in err_results and err_results.count("\n") == 1
    assert out.returncode == 0  # the first driver went on undisturbed
    assert_same_store(cmd.store, ref, TABLES)


def out_pid(err: str) -> str:
    found = re.search(r"process (\d+) is writing", err)
    return found.group(1) if found else "?"


def test_a_damaged_store_is_detected_with_one_line(reference, tmp_path, capsys):
    exp, ref = reference
    data = ref.read_bytes()
    damages = {
        "empty": b"",
        "truncated": data[: len(data) // 2],
        "header": data[:16] + bytes(b ^ 0xFF for b in data[16:64]) + data[64:],
        "block": data[:8192] + bytes(b ^ 0x55 for b in data[8192:12288]) + data[12288:],
        "text": b"not a database\n" * 100,
    }
    for name, damaged in damages.items():
        store = tmp_path / f"{name}.duckdb"
        store.write_bytes(damaged)
        for args in (["results", store], ["analyze", store, "--out", tmp_path / name], ["sweep", exp, "--out", store]):
            code, err = cli(*args, capsys=capsys)
            assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, (name, args[0], err)
            assert "not a readable results store" in err or "not a cpsim results store" in err, (name, err)
        assert store.read_bytes() == damaged  # refused, not overwritten


def pending_copy(ref: Path, tmp_path: Path, first: int = 10) -> Path:
    store = Path(shutil.copy(ref, tmp_path / "partial.duckdb"))
    con = duckdb.connect(str(store))
    con.execute(f"DELETE FROM timeseries WHERE run_id >= {first}")
    con.execute(f"UPDATE runs SET status = 'pending', trust_end = NULL WHERE run_id >= {first}")
    con.close()
    return store


def test_resuming_with_other_model_code_is_refused_unless_forced(reference, tmp_path, capsys, monkeypatch):
    exp, ref = reference
    store = pending_copy(ref, tmp_path)
    other = CodeVersion("0.1.0", "0123456789abcdef", "abc123def456")
    monkeypatch.setattr("cpsim.studies.sweeps.results.code_version", lambda: other)
    code, err = cli("sweep", exp, "--out", store, "--workers", "1", capsys=capsys)
    assert code == 2 and err.count("\n") == 1 and "written by other model code (model source " in err
    assert "than this (cpsim 0.1.0, model source 0123456789abcdef, git abc123def456)" in err and "--force" in err
    code, err = cli("sweep", exp, "--out", store, "--workers", "1", "--force", capsys=capsys)
    assert code == 0 and f"{RUNS}/{RUNS} runs done" in err
    con = duckdb.connect(str(store), read_only=True)
    sessions = con.execute("SELECT code, git, forced FROM sessions ORDER BY started").fetchall()
    created = con.execute("SELECT code FROM experiment").fetchone()[0]
    con.close()
    assert sessions[-1] == ("0123456789abcdef", "abc123def456", True) and created != "0123456789abcdef"
    assert_same_store(store, ref, {k: v for k, v in TABLES.items() if k != "experiment"})


class InlineExecutor:
    """Runs each task at once in this process (so a test can make chosen runs fail)."""

    def submit(self, fn, *args):
        future = Future()
        future.set_result(fn(*args))
        return future


def test_failed_runs_are_run_again_with_retry_failed(reference, tmp_path, capsys, monkeypatch):
    exp, ref = reference
    real = simulate_module.simulate

    def out_of_memory_at_a_20_percent_cut(scenario, seed=None, days=None, overrides=None):
        if overrides.get("policing.budget_cut") == 0.2:
            raise MemoryError("simulated: the machine ran out of memory")
        return real(scenario, seed=seed, days=days, overrides=overrides)

    monkeypatch.setattr("cpsim.studies.sweeps.batch.simulate", out_of_memory_at_a_20_percent_cut)
    store = tmp_path / "retry.duckdb"
    assert run_sweep(exp, store, pool=Pool(InlineExecutor(), 1, "this process")).failed == RUNS // 3
    monkeypatch.undo()
    code, err = cli("sweep", exp, "--out", store, "--workers", "2", capsys=capsys)
    assert code == 0 and "this session" not in err and f"{RUNS // 3} failed" in err  # a plain resume keeps them
    code, err = cli("sweep", exp, "--out", store, "--workers", "2", "--retry-failed", capsys=capsys)
    assert code == 0 and f"{RUNS // 3} failed runs put back to pending (--retry-failed)" in err
    assert f"{RUNS}/{RUNS} runs done, 0 failed" in err
    assert_same_store(store, ref, TABLES)

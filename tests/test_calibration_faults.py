"""Calibrations lose nothing, as sweeps: kill -9 of the driver at random moments or of a worker,
Ctrl-C to the process group or the driver, a full disk, a read-only folder, an empty or damaged
store, each followed by a resume whose store, posterior and calibrated scenario equal an
uninterrupted run's. The harness is tests/faults.py, shared with the sweep fault tests.
"""

from __future__ import annotations

import random
import re
import shutil
import signal
import subprocess
import sys
from concurrent.futures import Executor, Future
from pathlib import Path

import duckdb
import pytest
from faults import Resumable, assert_same_store, file_size_limit, finish, interrupt

from cpsim.cli import main
from cpsim.studies.executors import Pool

pytest.importorskip("pyabc")

from cpsim.studies.calibration import run_calibration  # noqa: E402

pytestmark = (
    pytest.mark.slow
)  # kills, interrupts and resumes real runs, or draws many documents: make test-fast skips it

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "calibration"
CALIBRATION = f"""name = "faulty"
scenario = "{CORPUS / "tiny.toml"}"
observed = "{CORPUS / "observed.csv"}"
replicates = 1
seed = 5
particles = 8
generations = 3
[parameters]
"safety.initial" = {{ prior = "uniform", lo = 0.4, hi = 0.9 }}
"survey.offset" = {{ prior = "normal", mean = 0.0, sd = 0.1, lo = -0.2, hi = 0.2 }}
[statistics]
gap = ["majority", "minority"]
[targets]
area_safety_mean = {{ sd = 2.0 }}
group_gap = {{ sd = 3.0 }}
area_trust_median = {{ sd = 3.0 }}
"""
TABLES = {
    "calibration": ("name", ["created"]),
    "proposals": ("generation, task, k", []),
    "generations": ("generation", ["seconds"]),  # seconds: how long a session took
    "posterior": ("particle", []),
    "checks": ("ALL", []),
}
SIMULATIONS = re.compile(r": (?:prior sample|generation \d+): \d+/\d+ particles, (\d+) simulations")


def simulations(line: str) -> int | None:
    found = SIMULATIONS.search(line)
    return int(found.group(1)) if found else None


def command(cal: Path, out: Path) -> Resumable:
    argv = [sys.executable, "-m", "cpsim.cli", "calibrate", str(cal), "--out", str(out), "--workers", "2"]
    return Resumable([*argv, "--checks", "3"], out / "calibration.duckdb", simulations, TABLES)


def said(stderr: list[str]) -> list[str]:
    """What the driver said besides progress lines."""
    return [line for line in stderr if simulations(line) is None]


def assert_same_calibration(out: Path, reference: Path) -> None:
    assert_same_store(out / "calibration.duckdb", reference / "calibration.duckdb", TABLES)
    for name in ("calibrated.toml", "checks.csv"):
        assert (out / name).read_text() == (reference / name).read_text(), name
    got, want = (
        duckdb.sql(f"SELECT * FROM '{d / 'posterior.parquet'}' ORDER BY particle").df() for d in (out, reference)
    )
    assert got.equals(want)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    """The calibration file and the output folder of an uninterrupted run (same command, two workers)."""
    tmp = tmp_path_factory.mktemp("calfaults")
    cal = tmp / "faulty.toml"
    cal.write_text(CALIBRATION)
    done = finish(command(cal, tmp / "reference"), attempts=1)
    assert done.returncode == 0, done.stderr
    return cal, tmp / "reference"


def test_kill_9_at_random_moments_then_resume_gives_the_uninterrupted_calibration(reference, tmp_path):
    cal, ref = reference
    cmd = command(cal, tmp_path / "killed")
    rng = random.Random(26)
    # a random moment: a random time after the start (imports, the pool, creating the store and the
    # history), then after a random number of simulations (inside a generation, or between two)
    for moment in ({"after": rng.uniform(2.0, 8.0)}, {"at": rng.randint(10, 30)}, {"at": rng.randint(5, 25)}):
        out = interrupt(cmd, **moment, sig=signal.SIGKILL)
        assert out.returncode in (-signal.SIGKILL, 0), out.stderr
        assert not out.orphans, f"workers left running after kill -9 of the driver: {out.orphans}"
    done = finish(cmd)
    assert done.returncode == 0, done.stderr
    assert_same_calibration(tmp_path / "killed", ref)


def test_a_killed_worker_ctrl_c_and_a_full_disk_each_lose_nothing(reference, tmp_path):
    cal, ref = reference
    cmd = command(cal, tmp_path / "faults")
    # a worker killed: the pool breaks; one line, exit 1, the generations finished are kept
    out = interrupt(cmd, at=12, target="worker", sig=signal.SIGKILL)
    lines = said(out.stderr)
    assert out.returncode == 1 and lines[-1].startswith("cpsim: error: faulty: workers failed (Broken"), out.stderr
    assert lines[-1].endswith("run the same command again to resume") and not out.orphans
    assert not any("Traceback" in line for line in out.stderr)
    # Ctrl-C to the process group (a terminal's), then SIGINT to the driver alone: one line, exit 130
    for target in ("group", "driver"):
        out = interrupt(cmd, at=6, target=target, sig=signal.SIGINT)
        lines = said(out.stderr)
        assert out.returncode == 130 and lines[-1].startswith("cpsim: interrupted: faulty: in "), (target, lines)
        assert lines[-1].endswith("; run the same command again to resume") and not out.orphans
        assert lines[0].startswith("faulty: resuming: ") or lines[0].startswith("faulty: 2 parameters"), lines
        assert not any("Traceback" in line for line in out.stderr)
    # a full disk: the folder's files may not grow past 100 kB (the store's first pages), as on a full disk
    out = interrupt(cmd, target="none", preexec_fn=file_size_limit(100_000))
    lines = said(out.stderr)
    assert out.returncode == 1 and lines[-1].startswith("cpsim: error: faulty: could not write to "), out.stderr
    assert "run the same command again to resume" in lines[-1] and not out.orphans
    assert not any("Traceback" in line for line in out.stderr)
    done = finish(cmd)
    assert done.returncode == 0, done.stderr
    assert_same_calibration(tmp_path / "faults", ref)


def test_a_read_only_folder_and_an_existing_file_are_refused_before_anything_runs(reference, tmp_path, capsys):
    cal, ref = reference
    out = tmp_path / "locked"
    out.mkdir()
    # root writes through permissions; an immutable folder stops everyone
    if subprocess.run(["chattr", "+i", str(out)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        code, err = cli(*command(cal, out).argv[3:], capsys=capsys)
        assert code == 2 and err.count("\n") == 1, err
        assert f"--out {out}: cannot write there (Operation not permitted); allowed: a writable folder" in err
    finally:
        subprocess.run(["chattr", "-i", str(out)], check=True)
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    code, err = cli(*command(cal, blocker).argv[3:], capsys=capsys)
    assert code == 2 and err.count("\n") == 1 and f"--out {blocker}: is a file; allowed: a folder" in err
    assert blocker.read_text() == "x"


class Inline(Executor):
    """Runs each task at once in this process: no worker start-up (and the results must not differ)."""

    def submit(self, fn, /, *args, **kwargs):
        fut: Future = Future()
        fut.set_result(fn(*args, **kwargs))
        return fut


def cli(*args: str, capsys) -> tuple[int, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    return exit_info.value.code, capsys.readouterr().err


def test_an_empty_store_is_started_afresh(reference, tmp_path):
    cal, ref = reference
    for left in ("zero_bytes", "no_tables"):
        out = tmp_path / left
        out.mkdir()
        store = out / "calibration.duckdb"
        if left == "zero_bytes":  # a kill while DuckDB was writing the new file's header
            store.write_bytes(b"")
        else:  # a kill between creating the file and its tables (they are made in one transaction)
            duckdb.connect(str(store)).close()
        (out / "pyabc.db").write_bytes(b"")  # pyabc's history, created and left empty
        # in this process: the same calibration as two worker processes give
        run_calibration(cal, out, pool=Pool(Inline(), 1, "this process"), checks=3, quiet=True)
        assert_same_calibration(out, ref)


def test_damaged_stores_and_histories_are_refused_with_one_line(reference, tmp_path, capsys):
    cal, ref = reference
    for name, content, message in (
        ("calibration.duckdb", b"not a database\n" * 100, "not a readable calibration store"),
        ("pyabc.db", b"not a database\n" * 100, "not a readable pyabc history"),
    ):
        out = tmp_path / name.split(".")[0]
        out.mkdir()
        (out / name).write_bytes(content)
        code, err = cli("calibrate", str(cal), "--out", str(out), "--workers", "1", capsys=capsys)
        errors = [line for line in err.splitlines() if line.startswith("cpsim:")]
        assert code == 2 and len(errors) == 1 and message in errors[0], err
        assert "Traceback" not in err and (out / name).read_bytes() == content  # refused, not overwritten
    # a history without its store: resuming would leave the store without the proposals of earlier generations
    out = tmp_path / "orphan"
    shutil.copytree(ref, out)
    (out / "calibration.duckdb").unlink()
    code, err = cli("calibrate", str(cal), "--out", str(out), "--workers", "1", capsys=capsys)
    assert code == 2 and "pyabc.db: holds 3 generations but calibration.duckdb is new" in err

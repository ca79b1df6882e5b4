"""A kill/resume harness for resumable cpsim commands (``cpsim sweep`` now, ``cpsim calibrate`` next).

A resumable command commits units of work (runs, proposals) to a DuckDB store and prints
one progress line per commit with ``--verbose``. The harness starts the command as a
driver process in its own session, watches those lines, and injects a fault at a chosen
or random moment: ``kill -9`` of the driver or of one of its workers, Ctrl-C (SIGINT to the
process group, as a terminal sends it), or a failing write (the driver's files limited to a
size with RLIMIT_FSIZE, so the store's next write fails as on a full disk). It records the
driver's processes before the fault and reports any still alive afterwards (orphans).
Stores are compared table by table, ignoring columns that differ between sessions (timing).

To reuse it for another command, describe the command with :class:`Resumable`:

    Resumable(argv=[sys.executable, "-m", "cpsim.cli", "calibrate", str(file), "--out", str(store),
                    "--verbose"],
              store=store, done=lambda line: <units done in a progress line, or None>,
              tables={"proposals": ("id", ["seconds"]), ...})

and call :func:`interrupt` (one fault) and :func:`finish` (resume until done), then
:func:`assert_same_store` against a store of an uninterrupted run.
"""

from __future__ import annotations

import os
import queue
import random
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
# Seconds to wait for the driver's stderr to close after it exited (orphans keep it open).
STDERR_GRACE = 15.0


@dataclass
class Resumable:
    """A resumable command and how to read its progress and its store.

    Attributes:
        argv: The command line (a rerun of the same line resumes).
        store: The DuckDB store it writes.
        done: Units done according to one stderr line, or None for other lines.
        tables: Table -> (ORDER BY columns, columns to ignore) for comparing stores.

    """

    argv: list[str]
    store: Path
    done: Callable[[str], int | None]
    tables: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


@dataclass
class Outcome:
    """What a fault left behind.

    Attributes:
        returncode: The driver's exit status (negative: killed by that signal).
        stderr: The driver's stderr lines (progress lines included).
        done: Units done according to the last progress line seen.
        orphans: Processes of the driver still alive a while after it ended.

    """

    returncode: int
    stderr: list[str]
    done: int
    orphans: set[int]


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0], int(fields[19])


def descendants(pid: int) -> dict[int, int]:
    """Every process below ``pid`` (children, their children, ...): pid -> start time."""
    parents: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            parents.setdefault(st[0], []).append(int(entry.name))
            starts[int(entry.name)] = st[2]
    found: dict[int, int] = {}
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found[child] = starts[child]
                todo.append(child)
    return found


def alive(processes: dict[int, int]) -> set[int]:
    """The processes (pid -> start time) still running: not gone, not a zombie, not a reused pid."""
    out = set()
    for pid, start in processes.items():
        st = _stat(pid)
        if st is not None and st[1] != "Z" and st[2] == start:
            out.add(pid)
    return out


def wait_gone(processes: dict[int, int], timeout: float = 10.0) -> set[int]:
    """Wait until the processes have ended; return those still alive after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while (left := alive(processes)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def file_size_limit(limit: int) -> Callable[[], None]:
    """A ``preexec_fn`` that makes every write past ``limit`` bytes of a file fail (EFBIG), like a full disk."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def interrupt(
    cmd: Resumable,
    *,
    at: int | None = None,
    after: float | None = None,
    sig: int = signal.SIGKILL,
    target: str = "driver",
    preexec_fn: Callable[[], None] | None = None,
    on_progress: Callable[[int, subprocess.Popen], None] | None = None,
) -> Outcome:
    """Start the command and inject one fault.

    Args:
        cmd: The command.
        at: Inject the fault once a progress line says this many units are done.
        after: ... or this many seconds after the start (whichever comes first).
        sig: The signal to send.
        target: "driver" (the process), "group" (its process group, as a terminal's Ctrl-C),
            "worker" (one of its worker processes) or "none" (only ``preexec_fn``'s fault).
        preexec_fn: Run in the driver before it starts (e.g. :func:`file_size_limit`).
        on_progress: Called with (units done, process) on every progress line (e.g. to try a
            second driver while this one runs).

    Returns:
        What the driver did and left behind.

    """
    proc = subprocess.Popen(
        cmd.argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT, start_new_session=True,
        preexec_fn=preexec_fn,
    )  # fmt: skip
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=lambda: [*map(lines.put, proc.stderr), lines.put(None)], daemon=True).start()
    seen: list[str] = []
    family: dict[int, int] = {}
    done, start, sent = 0, time.monotonic(), target == "none"
    ended: float | None = None
    try:
        while True:
            try:
                line = lines.get(timeout=0.05)
            except queue.Empty:
                line = ""
            if line is None:
                break
            if proc.poll() is not None:
                ended = ended or time.monotonic()
                if time.monotonic() - ended > STDERR_GRACE:  # a surviving process holds the pipe open
                    break
            if line:
                seen.append(line.rstrip("\n"))
                if (n := cmd.done(line)) is not None:
                    done = n
                    family |= descendants(proc.pid)
                    if on_progress is not None:
                        on_progress(done, proc)
            due = (at is not None and done >= at) or (after is not None and time.monotonic() - start >= after)
            if not sent and due and proc.poll() is None:
                family |= descendants(proc.pid)
                _send(proc, sig, target)
                sent = True
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return Outcome(proc.returncode, [x for x in seen if x], done, wait_gone(family))


def _send(proc: subprocess.Popen, sig: int, target: str) -> None:
    if target == "driver":
        os.kill(proc.pid, sig)
    elif target == "group":
        os.killpg(proc.pid, sig)
    elif target == "worker":
        # a pool worker: below the driver but not its own child (a forkserver's child, or a pool
        # process of a driver whose pool processes it started itself: then any child but helpers)
        below = descendants(proc.pid)
        workers = [p for p in below if (st := _stat(p)) is not None and st[0] != proc.pid]
        workers = workers or [p for p in below if b"resource_tracker" not in _cmdline(p)]
        os.kill(random.Random(proc.pid).choice(workers), sig)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def finish(cmd: Resumable, attempts: int = 3) -> subprocess.CompletedProcess:
    """Rerun the command until it ends well (a resume); return the last run."""
    for _ in range(attempts):
        done = subprocess.run(cmd.argv, capture_output=True, text=True, cwd=ROOT)
        if done.returncode == 0:
            return done
    return done


def read_store(path: Path, tables: dict[str, tuple[str, list[str]]]) -> dict[str, pd.DataFrame]:
    """The store's tables, ordered, without the ignored columns."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            name: con.execute(f"SELECT * FROM {name} ORDER BY {order}").fetchdf().drop(columns=ignore)
            for name, (order, ignore) in tables.items()
        }
    finally:
        con.close()


def assert_same_store(store: Path, reference: Path, tables: dict[str, tuple[str, list[str]]]) -> None:
    """Every table of ``store`` equals the uninterrupted ``reference`` (ignoring session columns)."""
    got, want = read_store(store, tables), read_store(reference, tables)
    for name in tables:
        pd.testing.assert_frame_equal(got[name], want[name], check_dtype=True, obj=name)


def assert_committed_match(
    store: Path,
    reference: Path,
    tables: dict[str, tuple[str, list[str]]],
    units: str,
    key: str,
    is_done: Callable[[pd.DataFrame], pd.Series],
) -> int:
    """After an interruption: every unit the store holds as done equals the reference's; return how many.

    Args:
        store: The interrupted store.
        reference: A store of an uninterrupted run.
        tables: The tables to compare (as for :func:`assert_same_store`); each has the ``key`` column.
        units: The table that says which units are done (``runs``).
        key: The unit's id column (``run_id``).
        is_done: Rows of ``units`` that are done (``lambda runs: runs["status"] != "pending"``).

    """
    got, want = read_store(store, tables), read_store(reference, tables)
    finished = got[units].loc[is_done(got[units]), key]
    for name in tables:
        a = got[name][got[name][key].isin(finished)].reset_index(drop=True)
        b = want[name][want[name][key].isin(finished)].reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=f"{name} (committed part)")  # NULLs widen dtypes
    return len(finished)

"""Where a study's runs execute: a local process pool or an existing Dask cluster.

Every study (compare, trials, validation, sweeps, calibration) gets its executor here. A
runner needs only ``submit(fn, *args)`` returning a ``concurrent.futures.Future``, so any
such executor works. Locally that is a ProcessPoolExecutor whose workers end with the
driver; with a scheduler address (``--scheduler tcp://host:8786`` or
``DASK_SCHEDULER_ADDRESS``) runs go to that cluster through
``dask.distributed.Client(address).get_executor()`` (Dask is the optional extra
``cpsim[dask]``). Each job carries its own seed, so results do not depend on the executor.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass

from cpsim.scenario import ScenarioError
from cpsim.studies.interrupts import Interrupted
from cpsim.studies.workers import end_with

# Dask's comm schemes; a bare HOST:PORT means tcp://.
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
ADDRESS = re.compile(
    r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(?P<port>\d+)"
)
# What sweep and calibration workers run, imported once by the forkserver before it forks them.
SWEEP_PRELOAD = ("cpsim.studies.deaf_to_interrupts", "cpsim.studies.sweeps.batch", "cpsim.studies.workers")


class SchedulerError(ScenarioError):
    """A bad or unreachable Dask scheduler: one line naming the flag or variable and what is allowed."""


@dataclass
class Pool:
    """An executor and how many runs it can work on at once.

    Attributes:
        executor: Anything whose submit() returns a concurrent.futures.Future.
        slots: Parallel workers (processes or Dask worker threads).
        where: Words for the progress line ("2 local processes", "Dask at tcp://...").

    """

    executor: Executor
    slots: int
    where: str


def scheduler_address(scheduler: str | None) -> str | None:
    """Return the Dask scheduler to use: the flag, else DASK_SCHEDULER_ADDRESS, else None (local).

    Raises:
        SchedulerError: The address is not a Dask scheduler address (checked before connecting).

    """
    if scheduler is not None:
        return check_address(scheduler, "--scheduler")
    env = os.environ.get("DASK_SCHEDULER_ADDRESS")
    return check_address(env, "DASK_SCHEDULER_ADDRESS") if env else None


def check_address(address: str, origin: str) -> str:
    """Check the form of a Dask scheduler address (``tcp://host:8786``, ``host:8786``, ...)."""
    allowed = "allowed: tcp://HOST:PORT (or HOST:PORT, tls://, ws://, wss://, ucx://)"
    found = ADDRESS.fullmatch(address.strip())
    if found is None:
        raise SchedulerError(f"{origin} {address!r}: not a scheduler address; {allowed}")
    scheme = (found["scheme"] or "tcp").lower()
    if scheme not in SCHEMES:
        raise SchedulerError(f"{origin} {address!r}: {scheme}:// is not a Dask protocol; {allowed}")
    if not 0 < int(found["port"]) < 65536:
        raise SchedulerError(f"{origin} {address!r}: port {found['port']} out of range; {allowed}")
    return address.strip()


def local_executor(workers: int, method: str = "spawn", preload: Sequence[str] = ()) -> ProcessPoolExecutor:
    """The local process pool every study uses; its workers end if this process is killed.

    Args:
        workers: Worker processes.
        method: Start method. ``spawn`` (the default) starts workers clean: no threads or
            locks copied from the parent, cpsim imported afresh. ``forkserver`` forks them
            from a server process that imported ``preload`` once (sweeps: quicker starts,
            and a driver's DuckDB threads are never forked).
        preload: Modules the forkserver imports before forking workers.

    Returns:
        An executor; the caller shuts it down.

    """
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(list(preload))
        _start_forkserver()
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=end_with, initargs=(os.getpid(),))


def _start_forkserver() -> None:
    """Start the forkserver now, with Ctrl-C blocked until its first import ignores it.

    It would start with the first task, with Python's Ctrl-C handler: Ctrl-C during its
    imports (seconds) printed its KeyboardInterrupt traceback and left the driver an EOFError.
    A blocked signal mask survives exec; cpsim.studies.deaf_to_interrupts, preloaded first,
    ignores SIGINT and lifts the block. The driver's own Ctrl-C in these milliseconds waits
    until the block is lifted here, and is then delivered: it is never lost.
    """
    from multiprocessing import forkserver, resource_tracker  # here: POSIX only, and only for a forkserver pool

    resource_tracker.ensure_running()  # first: starting it lifts any SIGINT block of this process
    main = threading.current_thread() is threading.main_thread()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if main else None
    try:
        forkserver.ensure_running()
    finally:
        if previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def local_pool(workers: int | None = None, method: str = "spawn", preload: Sequence[str] = ()) -> Iterator[Pool]:
    """Start ``workers`` local processes (default: all cores); they end when the block ends."""
    n = workers or os.cpu_count() or 1
    executor = local_executor(n, method, preload)
    try:
        yield Pool(executor, n, f"{n} local process{'es' if n > 1 else ''}")
    except (KeyboardInterrupt, Interrupted):
        kill_workers(executor)  # Ctrl-C: the runs in flight are lost anyway, so do not wait for them
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def kill_workers(executor: ProcessPoolExecutor) -> None:
    """End a process pool's workers now (Python 3.14's kill_workers, else each process)."""
    kill = getattr(executor, "kill_workers", None)
    if kill is not None:
        kill()
        return
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass  # already gone


@contextmanager
def dask_pool(address: str) -> Iterator[Pool]:
    """Connect an executor to the Dask cluster whose scheduler listens at ``address``.

    Raises:
        SchedulerError: dask.distributed is not installed or the scheduler cannot be reached.

    """
    try:
        from distributed import Client  # here: the optional dask extra
    except ImportError:
        raise SchedulerError(
            f"--scheduler {address}: dask.distributed is not installed; allowed: pip install 'cpsim[dask]'"
        ) from None
    try:
        client = Client(address, timeout="10s")
    except Exception as err:  # noqa: BLE001  (whatever Dask raises, the scheduler cannot be used)
        text = " ".join(str(err).split())[:200] or type(err).__name__
        raise SchedulerError(f"--scheduler {address}: cannot reach the Dask scheduler ({text})") from None
    try:
        slots = max(1, sum(client.nthreads().values()))
        yield Pool(client.get_executor(pure=False), slots, f"Dask at {address} ({slots} worker threads)")
    finally:
        client.close()


@contextmanager
def open_pool(
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    method: str = "spawn",
    preload: Sequence[str] = (),
) -> Iterator[Pool]:
    """Open the executor of a study: Dask when a scheduler is given (or in the environment), else local.

    Args:
        workers: Local worker processes (default: all cores); ignored on a Dask cluster.
        scheduler: Dask scheduler address (default: DASK_SCHEDULER_ADDRESS, else local processes).
        method: Start method of local workers (see :func:`local_executor`).
        preload: Modules a forkserver imports before forking local workers.

    Raises:
        SchedulerError: A bad scheduler address, no dask.distributed, or no scheduler there.

    """
    address = scheduler_address(scheduler)
    with dask_pool(address) if address else local_pool(workers, method, preload) as pool:
        yield pool


def sweep_pool(pool: Pool | None, workers: int | None, scheduler: str | None) -> AbstractContextManager[Pool]:
    """The pool a long study runs on: the one given (its owner closes it), else one opened here.

    Sweeps and calibrations open theirs with forkserver workers that preload SWEEP_PRELOAD: each
    worker forks from a process that has imported what a run needs and leaves Ctrl-C to the
    driver, which holds it while it writes (cpsim.studies.deaf_to_interrupts, cpsim.studies.interrupts).
    """
    if pool is not None:
        return nullcontext(pool)
    return open_pool(workers, scheduler, method="forkserver", preload=SWEEP_PRELOAD)

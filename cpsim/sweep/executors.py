"""Where runs execute: local processes by default, or an existing Dask cluster.

The runner needs only ``submit(fn, *args)`` returning a ``concurrent.futures.Future``, so
any such executor works. Local sweeps use a ProcessPoolExecutor; with a scheduler address
(``--scheduler tcp://host:8786`` or ``DASK_SCHEDULER_ADDRESS``) runs go to that cluster
through ``dask.distributed.Client(address).get_executor()`` (Dask is the optional extra
``cpsim[dask]``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from cpsim.sweep.spec import ExperimentError


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
    """Return the Dask scheduler to use: the flag, else DASK_SCHEDULER_ADDRESS, else None (local)."""
    return scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None


@contextmanager
def local_pool(workers: int | None = None) -> Iterator[Pool]:
    """Start a ProcessPoolExecutor with ``workers`` processes (default: all cores).

    Workers come from a forkserver that has already imported the simulation, so starting a
    worker is a fork (no fresh interpreter) and the driver's DuckDB threads are never forked.
    """
    n = workers or os.cpu_count() or 1
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["cpsim.sweep.run"])
    executor = ProcessPoolExecutor(max_workers=n, mp_context=ctx)
    try:
        yield Pool(executor, n, f"{n} local process{'es' if n > 1 else ''}")
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


@contextmanager
def dask_pool(address: str) -> Iterator[Pool]:
    """Connect an executor to the Dask cluster whose scheduler listens at ``address``.

    Raises:
        ExperimentError: dask.distributed is not installed or the scheduler cannot be reached.

    """
    try:
        from distributed import Client
    except ImportError:
        raise ExperimentError(
            f"--scheduler {address}: dask.distributed is not installed; allowed: pip install 'cpsim[dask]'"
        ) from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as err:
        raise ExperimentError(f"--scheduler {address}: cannot reach the Dask scheduler ({err})") from None
    try:
        slots = max(1, sum(client.nthreads().values()))
        yield Pool(client.get_executor(pure=False), slots, f"Dask at {address} ({slots} worker threads)")
    finally:
        client.close()


@contextmanager
def make_pool(workers: int | None = None, scheduler: str | None = None) -> Iterator[Pool]:
    """Open the executor of a sweep: Dask when a scheduler is given (or in the environment), else local."""
    address = scheduler_address(scheduler)
    with dask_pool(address) if address else local_pool(workers) as pool:
        yield pool

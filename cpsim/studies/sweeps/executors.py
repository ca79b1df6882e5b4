"""Where runs execute: local processes by default, or an existing Dask cluster.

The runner needs only ``submit(fn, *args)`` returning a ``concurrent.futures.Future``, so
any such executor works. Local sweeps use a ProcessPoolExecutor; with a scheduler address
(``--scheduler tcp://host:8786`` or ``DASK_SCHEDULER_ADDRESS``) runs go to that cluster
through ``dask.distributed.Client(address).get_executor()`` (Dask is the optional extra
``cpsim[dask]``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass

from cpsim.studies.runner import local_executor
from cpsim.studies.sweeps.experiment import ExperimentError

# Dask's comm schemes; a bare HOST:PORT means tcp://.
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
ADDRESS = re.compile(
    r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(?P<port>\d+)"
)


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
        ExperimentError: The address is not a Dask scheduler address (checked before connecting).

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
        raise ExperimentError(f"{origin} {address!r}: not a scheduler address; {allowed}")
    scheme = (found["scheme"] or "tcp").lower()
    if scheme not in SCHEMES:
        raise ExperimentError(f"{origin} {address!r}: {scheme}:// is not a Dask protocol; {allowed}")
    if not 0 < int(found["port"]) < 65536:
        raise ExperimentError(f"{origin} {address!r}: port {found['port']} out of range; {allowed}")
    return address.strip()


@contextmanager
def local_pool(workers: int | None = None) -> Iterator[Pool]:
    """Start a ProcessPoolExecutor with ``workers`` processes (default: all cores).

    Workers come from a forkserver that has already imported the simulation, so starting a
    worker is a fork (no fresh interpreter) and the driver's DuckDB threads are never forked.
    Workers end when the driver ends, even by kill -9 (cpsim.studies.workers).
    """
    n = workers or os.cpu_count() or 1
    executor = local_executor(n, "forkserver", ["cpsim.studies.sweeps.batch", "cpsim.studies.workers"])
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
    except Exception as err:  # noqa: BLE001  (whatever Dask raises, the scheduler cannot be used)
        text = " ".join(str(err).split())[:200] or type(err).__name__
        raise ExperimentError(f"--scheduler {address}: cannot reach the Dask scheduler ({text})") from None
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

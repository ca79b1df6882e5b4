"""Worker processes that end when the driver that started them ends.

A sweep, a comparison or a trial runs simulations in worker processes. If the driver is
killed (kill -9, an out-of-memory kill, a closed terminal), nothing else stops them: a
ProcessPoolExecutor's worker holds both ends of its task queue, so it waits for work
forever, and a sweep's workers are children of a forkserver that itself waits for them.
Measured before this module: four workers (~550 MB) left running after kill -9 of a sweep.

Every pool cpsim starts passes :func:`end_with` as the workers' initializer, with the
driver's pid. Each worker then watches the driver:

- on Linux through a pidfd (``os.pidfd_open``): a thread blocks until the driver has exited
  (a pidfd names that very process, so a reused pid cannot fool it) and then kills its own
  process; ``prctl(PR_SET_PDEATHSIG)`` as well, for workers whose parent is the driver;
- elsewhere by polling the driver's pid once a second.

Ctrl-C in a terminal reaches the whole process group; a worker then ends at once, without
printing a traceback of its own (the driver says what happened, in one line).
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # linux/prctl.h
POLL_SECONDS = 1.0


def end_with(driver: int) -> None:
    """Initializer of a worker process: end this process as soon as ``driver`` (a pid) has ended."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the worker quietly
    if sys.platform.startswith("linux") and os.getppid() == driver:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watch below still ends the worker
    try:
        handle = os.pidfd_open(driver) if hasattr(os, "pidfd_open") else None
    except ProcessLookupError:
        os._exit(1)  # the driver is gone already
    except OSError:
        handle = None  # an old kernel: poll instead
    watch = _wait_pidfd if handle is not None else _poll
    threading.Thread(target=watch, args=(handle if handle is not None else driver,), daemon=True,
                     name="cpsim-end-with-driver").start()  # fmt: skip


def _wait_pidfd(handle: int) -> None:
    select.select([handle], [], [])  # readable once the process has exited
    os.kill(os.getpid(), signal.SIGKILL)


def _poll(driver: int) -> None:
    while True:
        time.sleep(POLL_SECONDS)
        try:
            os.kill(driver, 0)
        except ProcessLookupError:
            os.kill(os.getpid(), signal.SIGKILL)
        except PermissionError:
            pass  # alive, under another user (a reused pid, at worst: the worker lives on)

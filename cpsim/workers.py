"""Worker processes that end when the process that started them ends.

A sweep, a comparison or a trial runs simulations in worker processes. If the driver is
killed (kill -9, an out-of-memory kill, a closed terminal) nothing tells a worker in the
middle of a long run to stop: it would go on for minutes and hundreds of MB. Every pool
cpsim starts passes :func:`end_with_parent` as the workers' initializer:

- on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` makes the kernel kill the worker the
  moment its parent exits (a sweep's workers are forked by a forkserver, which itself
  exits as soon as the driver's end of its pipe closes);
- everywhere, a daemon thread checks once a second whether the worker has been handed
  to another parent (its parent died) and then ends the worker.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # linux/prctl.h
POLL_SECONDS = 1.0


def end_with_parent() -> None:
    """Initializer of a worker process: end this process when its parent ends."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watch thread below still ends the worker
    threading.Thread(target=_watch, args=(parent,), name="cpsim-end-with-parent", daemon=True).start()


def _watch(parent: int) -> None:
    while True:
        time.sleep(POLL_SECONDS)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

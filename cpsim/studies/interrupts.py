"""Ctrl-C in a driver (a sweep, a calibration): caught as a flag, acted on where it is safe.

Ctrl-C in a terminal sends SIGINT to the whole process group. The workers end at once (they
keep the default handler, cpsim.studies.workers), which breaks a process pool. With Python's
own handler the driver would raise KeyboardInterrupt wherever it happened to be: half-way
through a DuckDB write ("Query interrupted", a traceback), inside pyabc, while the pool's
forkserver starts (a FileNotFoundError traceback), or only after it had seen the broken pool
("workers failed (BrokenProcessPool ...)", exit 1) — all measured before this module.

Inside :func:`held` SIGINT only raises a flag. A driver asks for it where stopping loses
nothing: :meth:`Interrupts.wait` (waiting for work) and :meth:`Interrupts.check` raise
:class:`Interrupted`, and a broken pool seen after the flag is the interrupt, not a crash.
The driver then stops its workers without waiting for the runs in flight (they are lost
either way: a rerun does them again), closes its store and says in one line what it kept and
how to resume; the command exits with code 130. Sweeps and calibrations share this one
mechanism.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager

# How often a waiting driver looks at the flag (the delay between Ctrl-C and the stop).
POLL_SECONDS = 0.2


class Interrupted(BaseException):  # noqa: N818  (named for what happened, like KeyboardInterrupt)
    """Ctrl-C stopped a command; a driver's message says what it kept and how to resume (one line).

    A BaseException, so no ``except Exception`` swallows it, but not a KeyboardInterrupt:
    click turns those into an Abort and prints a stray empty line.
    """


def raise_interrupted(signum: int, frame: object) -> None:
    """A SIGINT handler for a command outside a driver: stop where it is, as Python's own would."""
    del signum, frame
    raise Interrupted


class Interrupts:
    """The flag Ctrl-C raises while a driver holds interrupts."""

    def __init__(self) -> None:
        """A flag not raised yet."""
        self.caught = False

    def catch(self, signum: int, frame: object) -> None:
        """The SIGINT handler: remember, do not interrupt."""
        del signum, frame
        self.caught = True

    def check(self) -> None:
        """Raise Interrupted if Ctrl-C came.

        Raises:
            Interrupted: Ctrl-C came since the driver started holding interrupts.

        """
        if self.caught:
            raise Interrupted

    def wait(self, futures: Iterable[Future]) -> set[Future]:
        """Wait until one of ``futures`` is done, or Ctrl-C; return those done.

        A future that failed because Ctrl-C ended the workers is never returned: the
        interrupt is raised first.

        Raises:
            Interrupted: Ctrl-C came.

        """
        futures = list(futures)
        while True:
            self.check()
            done, _ = wait(futures, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            self.check()
            if done:
                return done

    def failed(self, err: BaseException) -> BaseException:
        """What a failed task means: the interrupt when Ctrl-C came (it ended the workers), else ``err``."""
        return Interrupted() if self.caught else err


_current: Interrupts | None = None


@contextmanager
def held() -> Iterator[Interrupts]:
    """Hold Ctrl-C as a flag for the block (nested blocks share one flag).

    Only the main thread can set a signal handler; elsewhere (a driver run from a thread)
    the flag never rises and Ctrl-C is the caller's business, as before.
    """
    global _current
    if _current is not None:
        yield _current
        return
    flag = Interrupts()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = signal.signal(signal.SIGINT, flag.catch)
    _current = flag
    try:
        yield flag
    finally:
        _current = None
        signal.signal(signal.SIGINT, previous)

"""Progress of long commands: a live bar on a terminal, periodic lines in a log.

When stderr is a terminal, :func:`progress` shows rich's live bar. When it is not (a log
file, a CI job, ``make demo > log 2>&1``), a bar would be invisible or garble the log, so
one line is written at each tenth of the work and at least every ``every`` seconds:

    cpsim compare: 12/40 runs (30%), 0 failed, 1m05s elapsed, ~2m32s left
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


def duration(seconds: float) -> str:
    """A short duration: 45s, 3m05s, 1h02m."""
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{(s % 3600) // 60:02d}m"


class LogLines:
    """A progress callback that writes periodic one-line reports to a stream."""

    def __init__(
        self, what: str, unit: str = "runs", stream: TextIO | None = None, every: float = 60.0, already: int = 0
    ) -> None:
        """Report on ``stream`` (default stderr) about ``what``, counting ``unit``; ``already`` were done before."""
        self.what, self.unit, self.stream, self.every = what, unit, stream or sys.stderr, every
        self.already = already
        self.start = time.monotonic()
        self.last_time = self.start
        self.last_tenth = -1

    def __call__(self, done: int, total: int, failed: int = 0) -> None:
        """Record progress; write a line when a new tenth is reached, the work ends or ``every`` seconds passed."""
        now = time.monotonic()
        tenth = (10 * done) // max(total, 1)
        if tenth == self.last_tenth and done < total and now - self.last_time < self.every:
            return
        self.last_tenth, self.last_time = tenth, now
        elapsed = now - self.start
        now_done = done - self.already  # the rate of this session (a resumed sweep started part done)
        left = f", ~{duration(elapsed / now_done * (total - done))} left" if now_done > 0 and done < total else ""
        print(
            f"{self.what}: {done}/{total} {self.unit} ({100 * done // max(total, 1)}%), {failed} failed, "
            f"{duration(elapsed)} elapsed{left}",
            file=self.stream,
            flush=True,
        )


@contextmanager
def progress(what: str, total: int, unit: str = "runs") -> Iterator[Callable[[int, int, int], None]]:
    """A progress callback ``(done, total, failed)``: a live bar on a terminal, log lines otherwise."""
    if not sys.stderr.isatty():
        yield LogLines(what, unit)
        return
    # here: rich only when a terminal shows the bar (workers and logs never load it)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(unit, total=total, failed=0)
        yield lambda done, total, failed=0: bar.update(task, completed=done, failed=failed)

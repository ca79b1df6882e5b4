"""Which model code produced a result: the cpsim version, a hash of the model's source, the git commit.

A resumable store (a sweep, a calibration) must not mix runs of two versions of the model.
The source hash covers every module a simulation executes (scenario, world, mechanisms,
programs, model, metrics, simulate and the sweep's worker side), so it changes exactly
when the model may compute something else, whether or not the change was committed; the
git commit (with ``-dirty`` for uncommitted changes) is recorded for people, when there
is one.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# What a simulation executes: a change here may change results.
MODEL_PARTS = (
    "scenario", "world", "mechanisms", "programs", "agents.py", "model.py", "metrics.py", "simulate.py",
    "sweep/run.py",
)  # fmt: skip


@dataclass(frozen=True)
class CodeVersion:
    """The code that produced a result.

    Attributes:
        cpsim: The package version.
        source: SHA-256 (first 16 hex digits) of the model's source files.
        git: ``git describe``-style commit of the checkout (``-dirty`` when changed), or "".

    """

    cpsim: str
    source: str
    git: str

    def __str__(self) -> str:
        return f"cpsim {self.cpsim}, model source {self.source}" + (f", git {self.git}" if self.git else "")


def source_hash(root: Path = PACKAGE) -> str:
    """Hash the model's source files (names and contents, in a fixed order)."""
    digest = hashlib.sha256()
    for part in MODEL_PARTS:
        path = root / part
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def git_commit(root: Path = PACKAGE) -> str:
    """The checkout's commit, ``-dirty`` when the package has uncommitted changes; "" outside git."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if commit.returncode != 0:
            return ""
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "."], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return commit.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


@cache
def code_version() -> CodeVersion:
    """The running code's version (computed once per process)."""
    from cpsim import __version__

    return CodeVersion(__version__, source_hash(), git_commit())

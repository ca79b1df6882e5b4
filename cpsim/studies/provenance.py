"""Where a number comes from: the version, code, environment, inputs and seeds behind an output.

Every output of a study (comparison CSVs through a ``provenance.json`` sidecar, JSON
summaries, HTML report footers, the DuckDB store of a sweep) carries a provenance record:

- ``cpsim``: the package version; ``git_commit`` and ``git_dirty`` when cpsim runs from a
  git checkout (``None`` when installed from a wheel);
- ``python``, ``platform``, ``machine`` and the versions of the libraries the numbers
  depend on (``libraries``);
- ``scenarios``: per scenario its file, the SHA-256 of that file and of every file it
  ``extends``, and its description;
- ``differing_parameters``: every parameter whose value differs between the scenarios
  (dotted key -> value per scenario), so a reader sees exactly what was compared;
- ``city``: residents, beats and sworn officers of the baseline;
- ``seeds``: the base seed and the seed of every replicate; ``days``, ``replicates``,
  ``overrides`` and the ``command`` that produced the output; ``created`` (UTC).

A resumable store (a sweep, a calibration) must also not mix runs of two versions of the
model: :func:`code_version` hashes every module a simulation executes, so it changes
exactly when the model may compute something else, committed or not.

This module imports nothing heavy: ``cpsim --version`` uses it.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import platform
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from cpsim import __version__

ROOT = Path(__file__).resolve().parents[2]
# Libraries whose versions can change a number in the output.
LIBRARIES = ("mesa", "numpy", "pandas", "networkx", "scipy", "matplotlib", "duckdb", "SALib")
# Keys that name or describe a scenario rather than set the model: never "differing parameters".
LABEL_KEYS = ("run.name", "run.description")
# Keys holding a file path, joined by the loader onto the folder of the scenario file that names it:
# reached through a chain of ``extends`` they read ``experiments/../docs/...``. The record shows them
# normalised, so one file reached by two chains is not a "differing parameter". The scenario keeps
# the joined path: it is part of a calibration's fingerprint, which a resumed fit must match.
PATH_KEYS = ("areas.path", "areas.adjacency", "graph.path")
PACKAGE = ROOT / "cpsim"
# What a simulation executes: a change here may change results.
MODEL_PARTS = (
    "scenario", "world", "mechanisms", "programs", "agents.py", "model.py", "metrics.py", "simulate.py",
    "survey.py", "streams.py", "studies/sweeps/batch.py",
)  # fmt: skip


def cpsim_version() -> str:
    """The installed cpsim version (the package's own string when it is not installed)."""
    try:
        return metadata.version("cpsim")
    except metadata.PackageNotFoundError:
        return __version__


@functools.cache
def git_state() -> tuple[str | None, bool | None]:
    """(commit, dirty) of the checkout cpsim runs from; (None, None) outside a git checkout.

    ``dirty`` is True when tracked files differ from the commit (untracked files are ignored).
    """
    if not (ROOT / ".git").exists():
        return None, None
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit or None, bool(status.strip())


def version_text() -> str:
    """One line for ``cpsim --version``: version, commit and Python."""
    commit, dirty = git_state()
    code = f"git {commit[:12]}{' with uncommitted changes' if dirty else ''}" if commit else "not a git checkout"
    return f"cpsim {cpsim_version()} ({code}; Python {platform.python_version()})"


def library_versions(names: Iterable[str] = LIBRARIES) -> dict[str, str]:
    """Installed versions of the given distributions ("not installed" when absent)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def file_chain(path: str | Path) -> list[Path]:
    """A scenario file and every file it ``extends``, nearest first (unreadable links are skipped)."""
    chain: list[Path] = []
    here: Path | None = Path(path)
    while here is not None and here.is_file() and here.resolve() not in [p.resolve() for p in chain]:
        chain.append(here)
        try:
            parent = tomllib.loads(here.read_text(encoding="utf-8")).get("extends")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            parent = None
        here = here.parent / parent if isinstance(parent, str) else None
    return chain


def sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def file_hashes(path: str | Path) -> dict[str, str]:
    """SHA-256 of a scenario file and of every file it extends (path -> hash)."""
    return {_shown(p): sha256(p) for p in file_chain(path)}


def _shown(path: Path) -> str:
    """A path relative to the current directory when it is below it (shorter, and the same on every machine)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return os.path.normpath(path)


def flatten(scenario: Any) -> dict[str, Any]:
    """Every parameter of a scenario as dotted key -> value (file paths normalised: no ``dir/..``)."""
    flat = {f"{sec}.{key}": value for sec, body in scenario.to_dict().items() for key, value in body.items()}
    for key in PATH_KEYS:
        if flat.get(key):  # "" is no file: normpath would make it "."
            flat[key] = os.path.normpath(flat[key])
    return flat


def differing_parameters(scenarios: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Parameters whose values differ between scenarios.

    Args:
        scenarios: Scenario name -> Scenario.

    Returns:
        Dotted key -> {scenario name: value}, in schema order; names and descriptions are left out.

    """
    flat = {name: flatten(sc) for name, sc in scenarios.items()}
    if len(flat) < 2:
        return {}
    keys = next(iter(flat.values()))
    out = {}
    for key in keys:
        if key in LABEL_KEYS:
            continue
        values = {name: f[key] for name, f in flat.items()}
        if len({json.dumps(v, sort_keys=True, default=str) for v in values.values()}) > 1:
            out[key] = {name: list(v) if isinstance(v, tuple) else v for name, v in values.items()}
    return out


def record(
    scenarios: Mapping[str, Any],
    files: Mapping[str, str] | None = None,
    seed: int | None = None,
    replicate_seeds: Iterable[int] = (),
    days: int | None = None,
    replicates: int | None = None,
    overrides: Iterable[str] = (),
    **extra: Any,
) -> dict[str, Any]:
    """Build the provenance record of a study.

    Args:
        scenarios: Scenario name -> Scenario, the baseline first.
        files: Scenario name -> the file it was loaded from ("" when built in memory).
        seed: Base seed.
        replicate_seeds: Run seed of each replicate.
        days: Days per run.
        replicates: Runs per scenario.
        overrides: Dotted overrides applied to every scenario (``key=value`` texts).
        **extra: Further fields (e.g. ``study="compare"``).

    Returns:
        A JSON-serialisable dict (fields in the module docstring).

    """
    files = files or {}
    commit, dirty = git_state()
    base = next(iter(scenarios.values())) if scenarios else None
    city = {}
    if base is not None:
        pop = base.population
        city = {"residents": pop.residents, "beats": pop.beats, "groups": list(pop.group_names)}
        staffing = getattr(getattr(base, "policing", None), "officers_per_1000", None)
        if staffing is not None:
            city["officers_per_1000"] = staffing
            city["officers"] = round(staffing * pop.residents / 1000)
    costs = getattr(base, "costs", None)
    currency = f"{costs.currency} {costs.price_year}" if costs is not None else ""
    return {
        "cpsim": cpsim_version(),
        "git_commit": commit,
        "git_dirty": dirty,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "libraries": library_versions(),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv and sys.argv[0] else "",
        "scenarios": {
            name: {
                "file": files.get(name, ""),
                "sha256": file_hashes(files[name]) if files.get(name) else {},
                "description": getattr(sc.run, "description", ""),
            }
            for name, sc in scenarios.items()
        },
        "differing_parameters": differing_parameters(scenarios),
        "city": city,
        "currency": currency,
        "seeds": {"base": seed, "replicates": [int(s) for s in replicate_seeds]},
        "days": days,
        "replicates": replicates,
        "overrides": list(overrides),
        **extra,
    }


def lines(prov: Mapping[str, Any]) -> list[str]:
    """The provenance record as short lines of text (CLI, Markdown, HTML footer)."""
    commit = prov.get("git_commit")
    code = f"git {commit[:12]}" + (" (uncommitted changes)" if prov.get("git_dirty") else "") if commit else "no git"
    libs = ", ".join(f"{k} {v}" for k, v in prov.get("libraries", {}).items())
    out = [
        f"cpsim {prov.get('cpsim')} ({code}); Python {prov.get('python')} on {prov.get('platform')} "
        f"({prov.get('machine')}); created {prov.get('created')}",
        f"libraries: {libs}",
    ]
    city = prov.get("city") or {}
    if city:
        staff = f", {city['officers']} sworn officers" if "officers" in city else ""
        out.append(
            f"city: {city.get('residents'):,} residents in {city.get('beats')} beats{staff}; "
            f"groups {', '.join(city.get('groups', []))}"
        )
    seeds = prov.get("seeds") or {}
    reps = seeds.get("replicates") or []
    shown = ", ".join(str(s) for s in reps[:3]) + (", ..." if len(reps) > 3 else "")
    out.append(
        f"runs: {prov.get('replicates')} replicates x {prov.get('days')} days; base seed {seeds.get('base')}"
        + (f"; replicate seeds {shown}" if reps else "")
    )
    if prov.get("overrides"):
        out.append("overrides: " + ", ".join(prov["overrides"]))
    for name, sc in (prov.get("scenarios") or {}).items():
        hashes = "; ".join(f"{Path(f).name} sha256 {h[:12]}" for f, h in sc.get("sha256", {}).items())
        out.append(f"scenario {name}: {sc.get('file') or '(in memory)'}" + (f" [{hashes}]" if hashes else ""))
        if sc.get("description"):
            out.append(f"  {sc['description']}")
    diff = prov.get("differing_parameters") or {}
    if diff:
        out.append(
            "parameters that differ: "
            + "; ".join(
                f"{key} = " + ", ".join(f"{v!r} ({n})" for n, v in values.items()) for key, values in diff.items()
            )
        )
    elif len(prov.get("scenarios") or {}) > 1:
        out.append("parameters that differ: none")
    if prov.get("command"):
        out.append(f"command: {prov['command']}")
    return out


def html_footer(prov: Mapping[str, Any]) -> str:
    """An HTML ``<footer>`` with the provenance record."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines(prov))
    return f"<footer class='prov'><h2>Provenance</h2><ul>{items}</ul></footer>"


def write_sidecar(prov: Mapping[str, Any], path: str | Path) -> Path:
    """Write the record as JSON (``provenance.json`` next to CSV outputs)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(prov, indent=2, default=str) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class CodeVersion:
    """The code that produced a result.

    Attributes:
        cpsim: The package version.
        source: SHA-256 (first 16 hex digits) of the model's source files.
        git: The checkout's commit (12 digits, ``-dirty`` when changed), or "".

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


@functools.cache
def code_version() -> CodeVersion:
    """The running code's version (computed once per process)."""
    commit, dirty = git_state()
    git = (commit[:12] + ("-dirty" if dirty else "")) if commit else ""
    return CodeVersion(cpsim_version(), source_hash(), git)

"""The `cpsim` Typer app and the error handling every command shares.

Bad input (a scenario, an experiment file, a flag) ends with one line on stderr naming
the file, the key and what is allowed, and exit code 2; never a traceback. Output folders
are created and tried before any simulation, so a bad ``--out`` costs nothing; a write
that fails anyway (a full disk) ends with one line and exit code 1.
"""

from __future__ import annotations

import dataclasses
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from cpsim.scenario import SECTIONS, ScenarioError, spec_of

# Typer shows a flag's type as "<bool>" beside it in --help, as if it took a value; a flag takes none.
_display_type = typer.core.TyperOption.display_type_rich
typer.core.TyperOption.display_type_rich = lambda self, ctx: None if self.is_flag else _display_type(self, ctx)

app = typer.Typer(
    help="cpsim: simulate community-police interaction, compare strategies, run experiments.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

INTERRUPTED = 130  # the shell's code for Ctrl-C (128 + SIGINT)
# Flags with no scenario key of their own: the same bounds as the experiment file's keys.
MAX_REPLICATES = 100_000
MAX_WORKERS = 1024
# One spelling of the Dask option for every command that runs many simulations.
SchedulerOpt = Annotated[
    str | None,
    typer.Option(help="Dask scheduler, e.g. tcp://host:8786 (default: $DASK_SCHEDULER_ADDRESS, else local)."),
]


def _version(value: bool) -> None:
    if value:
        from cpsim.studies.provenance import version_text

        typer.echo(version_text())
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print cpsim's version and git commit."),
    ] = False,
) -> None:
    """cpsim: simulate community-police interaction, compare strategies, run experiments."""


class InputError(ValueError):
    """Bad input to a command (one line, exit code 2)."""


class OutputError(RuntimeError):
    """Results that could not be written (one line, exit code 1)."""


def key_range(key: str) -> dict[str, Any]:
    """Typer ``min``/``max`` of a flag that sets a scenario key: the key's own declared range.

    ``--days`` gets run.days's range and ``--seed`` run.seed's, so a flag can never pass
    what the scenario file could not.
    """
    sec, _, name = key.partition(".")
    spec = spec_of(next(f for f in dataclasses.fields(SECTIONS[sec]) if f.name == name))
    return {"min": int(spec.lo), "max": int(spec.hi)}


def out_dir(path: Path, flag: str = "--out") -> Path:
    """Create an output folder and try writing in it, before anything runs.

    Raises:
        InputError: The path is a file, or the folder cannot be created or written.

    """
    if path.exists() and not path.is_dir():
        raise InputError(f"{flag} {path}: is a file; allowed: a folder (created if missing)")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".cpsim-write-test-"):
            pass
    except OSError as err:
        raise InputError(
            f"{flag} {path}: cannot write there ({err.strerror or err}); allowed: a writable folder"
        ) from None
    return path


def out_file(path: Path, flag: str = "--out") -> Path:
    """Check that a file can be written (its folder created and writable), before anything runs.

    Raises:
        InputError: The path is a folder, or its folder cannot be created or written.

    """
    if path.is_dir():
        raise InputError(f"{flag} {path}: is a folder; allowed: a file name")
    out_dir(path.parent if str(path.parent) else Path("."), flag)
    if path.exists():
        try:
            with path.open("ab"):
                pass
        except OSError as err:
            raise InputError(
                f"{flag} {path}: cannot write it ({err.strerror or err}); allowed: a writable file"
            ) from None
    return path


@contextmanager
def writing(path: Path, flag: str = "--out") -> Iterator[None]:
    """Turn a failed write (a full disk, a folder removed meanwhile) into one line."""
    try:
        yield
    except OSError as err:
        raise OutputError(f"{flag} {path}: writing failed ({err.strerror or err})") from None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `cpsim` command."""
    from cpsim.studies.interrupts import Interrupted, raise_interrupted

    main_thread = threading.current_thread() is threading.main_thread()
    # Ctrl-C raises Interrupted, not KeyboardInterrupt, which click would print as an empty line and an Abort
    previous = signal.signal(signal.SIGINT, raise_interrupted) if main_thread else None
    try:
        return _main_command(argv)
    except Interrupted as err:  # a driver's message says what it kept and how to resume
        print(f"cpsim: interrupted: {_one_line(err)}" if str(err) else "cpsim: interrupted", file=sys.stderr)
        return _exit(INTERRUPTED)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _main_command(argv: list[str] | None) -> int:
    """Run one command; every failure becomes one line and an exit code."""
    try:
        result = app(args=argv, prog_name="cpsim", standalone_mode=False)
    except (ScenarioError, InputError) as err:
        print(f"cpsim: error: {_one_line(err)}", file=sys.stderr)
        return _exit(2)
    except OutputError as err:
        print(f"cpsim: error: {_one_line(err)}", file=sys.stderr)
        return _exit(1)
    except typer.Exit as err:
        return _exit(err.exit_code)
    except typer.Abort:
        print("cpsim: interrupted", file=sys.stderr)
        return _exit(130)
    except typer.BadParameter.__mro__[2] as err:  # typer's ClickException (vendored click)
        ctx = getattr(err, "ctx", None)
        command = "" if ctx is None or ctx.info_name == "cpsim" else f" {ctx.info_name}"
        hint = f" (see 'cpsim{command} --help')"
        print(f"cpsim: error: {_click_message(err, argv)}{hint}", file=sys.stderr)
        return _exit(2 if err.exit_code in (1, 2) else err.exit_code)
    except KeyboardInterrupt:
        print("cpsim: interrupted", file=sys.stderr)
        return _exit(130)
    if result == INTERRUPTED:  # typer turns Ctrl-C into a silent exit code 130
        print("cpsim: interrupted", file=sys.stderr)
    return _exit(result if isinstance(result, int) else 0)


def _click_message(err: Exception, argv: list[str] | None) -> str:
    """Click's message in one line, with "did you mean" for a misspelt option and a hint for ``--set k v``."""
    possible = getattr(err, "possibilities", None)
    if getattr(err, "option_name", None) and possible:  # click's "(Possible options: ...)" said as a question
        return f"No such option: {err.option_name} (did you mean {possible[0]}?)"  # click's nearest first
    message = " ".join(err.format_message().split())
    args = sys.argv[1:] if argv is None else [str(a) for a in argv]
    for flag, key, value in zip(args, args[1:], args[2:], strict=False):
        # "--set patrol.foot_hours 3": the value became a stray argument; say what was meant
        if flag == "--set" and "=" not in key and not value.startswith("-") and "extra argument" in message:
            meant = f"--set {key}={value}"
            return f"--set {key} {value}: expected section.key=value with '=', not a space (did you mean {meant}?)"
    return message


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())


def _exit(code: int) -> int:
    if __name__ != "__main__":
        sys.exit(code)
    return code

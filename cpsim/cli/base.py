"""The `cpsim` Typer app and the error handling every command shares.

Bad input (a scenario, an experiment file, a flag) ends with one line on stderr naming
the file, the key and what is allowed, and exit code 2; never a traceback.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cpsim.scenario import ScenarioError

app = typer.Typer(
    help="cpsim: simulate community-police interaction, compare strategies, run experiments.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from cpsim.provenance import version_text

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


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `cpsim` command."""
    try:
        result = app(args=argv, prog_name="cpsim", standalone_mode=False)
    except (ScenarioError, InputError) as err:
        print(f"cpsim: error: {err}", file=sys.stderr)
        return _exit(2)
    except typer.Exit as err:
        return _exit(err.exit_code)
    except typer.Abort:
        print("cpsim: interrupted", file=sys.stderr)
        return _exit(130)
    except typer.BadParameter.__mro__[2] as err:  # typer's ClickException (vendored click)
        ctx = getattr(err, "ctx", None)
        command = "" if ctx is None or ctx.info_name == "cpsim" else f" {ctx.info_name}"
        hint = f" (see 'cpsim{command} --help')"
        print(f"cpsim: error: {err.format_message()}{hint}", file=sys.stderr)
        return _exit(2 if err.exit_code in (1, 2) else err.exit_code)
    except KeyboardInterrupt:
        print("cpsim: interrupted", file=sys.stderr)
        return _exit(130)
    return _exit(result if isinstance(result, int) else 0)


def _exit(code: int) -> int:
    if __name__ != "__main__":
        sys.exit(code)
    return code

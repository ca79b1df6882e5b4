"""`cpsim app`: start the classroom page (a Solara server) on this machine."""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
import socket
import sys
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer

from cpsim.app.same_origin import hostname, page_hosts
from cpsim.cli.typer_app import InputError, app
from cpsim.scenario import load_scenario

SERVE = "cpsim.app.serve"


def listen_address(host: str, port: int) -> list[str]:
    """Check that the page can listen on ``host:port`` before the server starts; return its addresses.

    Raises:
        InputError: The host is not an address of this machine, or the port is taken.

    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as err:
        raise InputError(f"--host {host}: not an address of this machine ({err}); allowed: e.g. 127.0.0.1") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds it
        try:
            probe.bind(address)
        except OSError as err:
            raise InputError(
                f"--host {host} --port {port}: cannot listen there ({err.strerror or err}); allowed: an address "
                "of this machine and a free port (another page or program may be using this one)"
            ) from None
    return [info[4][0] for info in infos]


def check_origin(origin: str) -> str:
    """An --allow-origin value: scheme://host[:port], nothing more.

    Raises:
        InputError: Not an origin.

    """
    parts = urlsplit(origin.strip())
    try:
        parts.port  # noqa: B018  (raises for a port that is not a number)
        ok = parts.scheme in ("http", "https") and parts.hostname and parts.path in ("", "/") and not parts.query
    except ValueError:
        ok = False
    if not ok:
        raise InputError(
            f"--allow-origin {origin!r}: not an origin; allowed: http(s)://HOST[:PORT], e.g. https://school.example"
        )
    return f"{parts.scheme}://{parts.netloc}"


def check_name(name: str) -> str:
    """An --allow-host value: a host name or an address.

    Raises:
        InputError: Not a host name.

    """
    name = name.strip().lower()
    try:
        ipaddress.ip_address(name.strip("[]"))
        is_address = True
    except ValueError:
        is_address = False
    if not is_address and (
        hostname(name) != name
        or not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", name)
    ):
        raise InputError(f"--allow-host {name!r}: not a host name; allowed: a name or address without a port")
    return name.strip("[]")


def exposed(addresses: list[str]) -> bool:
    """Whether any of the addresses reaches beyond this machine."""
    return any(not ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


@app.command(name="app")
def classroom(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="Scenario to open (default: scenarios/baseline.toml); its folder fills the picker."),
    ] = None,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8765,
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on: 127.0.0.1 (the default) serves this machine only; 0.0.0.0 serves "
            "anyone who can reach this machine, with no password."
        ),
    ] = "127.0.0.1",
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another name browsers may use for this machine (a classroom server's DNS name); repeatable. "
            "The page answers only to its own names: this machine's, and the address it listens on.",
        ),
    ] = None,
    allow_origin: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-origin",
            help="Another site whose pages may use this page (https://school.example); repeatable. "
            "Pages of other sites are refused (websocket and HTTP).",
        ),
    ] = None,
) -> None:
    """Start the classroom page: change levers and watch a neighbourhood's trust in police respond."""
    from cpsim.app.classroom import SCENARIO_ENV, default_scenario_file
    from cpsim.app.levers import scenario_files

    missing = [m for m in ("solara", "altair") if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(f"the classroom page needs {', '.join(missing)}; install it with: pip install 'cpsim[app]'")

    path = (scenario or default_scenario_file()).resolve()
    if load_scenario(path).areas.path:  # a bad file fails here, with one line, before the server starts
        # the page scales every scenario down to a classroom neighbourhood, which a table of areas fixes
        raise InputError(
            f"{path}: areas.path: a city built from a table of areas; allowed: a neighbourhood scenario without "
            "[areas] (the classroom page scales it down to its size)"
        )
    scenario_files(path.parent)
    addresses = listen_address(host, port)
    if exposed(addresses):
        typer.echo(
            f"cpsim: warning: --host {host} serves the page to every machine that can reach this one, "
            "with no password (--host 127.0.0.1: this machine only)",
            err=True,
        )
    origins = [check_origin(o) for o in allow_origin or []]
    names = [check_name(n) for n in allow_host or []]
    env = {**os.environ, SCENARIO_ENV: str(path)}
    # Reacton's fast renderer re-renders only what changed: measured ~3x faster per day.
    env.setdefault("REACTON_FAST", "1")
    typer.echo(f"cpsim classroom page: http://{host}:{port}  (scenario {path.name}; Ctrl-C stops it)", err=True)
    if exposed(addresses):
        shown = sorted(page_hosts(host, names) - {"localhost", "127.0.0.1", "::1"})
        typer.echo(f"cpsim: the page answers to {', '.join(shown)} (others: --allow-host NAME)", err=True)
    # the server: Solara's app behind the same-origin guard (cpsim/app/serve.py)
    cmd = [sys.executable, "-m", SERVE, "--host", host, "--port", str(port)]
    cmd += [arg for n in names for arg in ("--allow-host", n)] + [arg for o in origins for arg in ("--allow-origin", o)]
    sys.stdout.flush()
    sys.stderr.flush()
    # Become the server (no child left behind when the class's terminal is closed).
    os.execve(sys.executable, cmd, env)

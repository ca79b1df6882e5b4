"""The classroom page answers only to its own address and its own pages.

A page server on a trainer's laptop is reachable from every other page open in that
laptop's browser: a script on any site can open a websocket to ``ws://127.0.0.1:8765`` and
drive a session (browsers do not apply the same-origin policy to websockets), and a site
whose name resolves to 127.0.0.1 (DNS rebinding) can even read its pages. Measured before
this module: ``Origin: http://evil.example`` and ``Host: evil.example`` were both served.

:class:`SameOrigin` wraps the server's ASGI app and refuses, before the app sees it, any HTTP
request or websocket whose ``Host`` is not a name of this page (:func:`page_hosts`), or whose
``Origin`` (sent by browsers on websockets and POSTs) is not the page itself: its scheme and
``Host``. A request without ``Origin`` (curl, a script) is not a browser's cross-site request
and is served. More names (a classroom server's DNS name) and origins (a page that embeds
this one) are allowed by ``cpsim app --allow-host`` and ``--allow-origin``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

LOOPBACK = ("localhost", "127.0.0.1", "::1")
# A refused websocket handshake: "policy violation" (RFC 6455); the server answers HTTP 403.
POLICY_VIOLATION = 1008


def hostname(host: str) -> str | None:
    """The name in a Host header or an origin's netloc (no port, no brackets, lower case); None if unreadable."""
    try:
        return urlsplit("//" + host.strip()).hostname
    except ValueError:
        return None


def page_hosts(host: str, extra: Iterable[str] = ()) -> set[str]:
    """The names a browser may use to reach a page served on ``host``.

    Loopback names always; the address itself; for an address that serves every interface
    (0.0.0.0, ::) the machine's names and its addresses; and ``extra`` names.
    """
    names = {*LOOPBACK, host.lower().strip("[]")}
    try:
        unspecified = ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        unspecified = False  # a name: it is in the set already
    if unspecified:
        names |= machine_names()
    return names | {name.lower().strip("[]") for name in extra}


def machine_names() -> set[str]:
    """This machine's host names and the addresses of its network interfaces (as far as can be told)."""
    names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    for name in list(names):
        try:
            names |= {info[4][0].split("%")[0] for info in socket.getaddrinfo(name, None)}
        except OSError:
            pass
    try:
        import psutil  # optional: every interface's address

        names |= {a.address.split("%")[0] for addrs in psutil.net_if_addrs().values() for a in addrs}
    except ImportError:
        pass
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:  # the address of the interface that reaches other machines: a UDP "connect" sends nothing
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))
                names.add(s.getsockname()[0])
        except OSError:
            pass
    return {n.lower() for n in names if n}


class SameOrigin:
    """ASGI middleware: serve only requests for this page's names from no other site's pages."""

    def __init__(self, app: Any, hosts: Iterable[str], origins: Iterable[str] = ()) -> None:
        """Wrap ``app``.

        Args:
            app: The ASGI app (Solara's Starlette app).
            hosts: Names the page answers to (:func:`page_hosts`).
            origins: Other sites' origins allowed to use the page (``https://school.example``).

        """
        self.app = app
        self.hosts = {h.lower() for h in hosts}
        self.origins = {o.lower().rstrip("/") for o in origins}

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        """Pass the request on, or refuse it (HTTP 403, or a websocket closed before it opens)."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        problem = self.problem(scope)
        if problem is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await receive()  # websocket.connect; closing before accepting answers the handshake with 403
            await send({"type": "websocket.close", "code": POLICY_VIOLATION, "reason": problem[:120]})
        else:
            body = f"cpsim: refused: {problem}\n".encode()
            headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 403, "headers": headers})
            await send({"type": "http.response.body", "body": body})

    def problem(self, scope: dict) -> str | None:
        """Why a request is refused, or None."""
        headers = {k.lower(): v.decode("latin-1").strip() for k, v in scope.get("headers", [])}
        host = headers.get(b"host", "")
        if hostname(host) not in self.hosts:
            return f"Host {host[:80]!r} is not a name of this page (cpsim app --allow-host NAME adds one)"
        origin = headers.get(b"origin")
        if origin is None or origin.lower().rstrip("/") in self.origins:
            return None
        parts = urlsplit(origin.lower()) if origin != "null" else None
        if parts is not None and parts.scheme in ("http", "https") and parts.netloc == host.lower():
            return None
        return f"Origin {origin[:80]!r} is another site (cpsim app --allow-origin URL allows one)"

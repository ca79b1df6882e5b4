"""The page's guard against other sites, in this process: which Host and Origin it serves, and its settings.

The real server is tested in tests/cli/test_app_command.py (raw requests and a real browser).
"""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from cpsim.app.same_origin import SameOrigin, hostname, page_hosts


def run(coroutine):
    """asyncio.run in a thread of its own: a page test may leave an event loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def call(guard: SameOrigin, kind: str, headers: dict[str, str]) -> tuple[int | str, list[dict]]:
    """Run one request through the guard; return what reached the app (or the refusal) and what was sent."""
    reached: list[dict] = []
    sent: list[dict] = []

    async def app(scope, receive, send):
        reached.append(scope)

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    scope = {"type": kind, "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    guard.app = app
    run(guard(scope, receive, send))
    return ("app" if reached else sent[0].get("status", sent[0].get("code"))), sent


def test_only_the_page_own_host_and_origin_reach_it():
    guard = SameOrigin(None, page_hosts("127.0.0.1"))
    served = [
        {"Host": "127.0.0.1:8765"},
        {"Host": "localhost:8765", "Origin": "http://localhost:8765"},
        {"Host": "[::1]:8765", "Origin": "http://[::1]:8765"},
        {"Host": "LOCALHOST:8765", "Origin": "http://localhost:8765"},  # names are not case-sensitive
    ]
    refused = [
        {"Host": "evil.example:8765"},  # DNS rebinding
        {},  # no Host at all
        {"Host": "127.0.0.1:8765", "Origin": "http://evil.example"},
        {"Host": "127.0.0.1:8765", "Origin": "http://127.0.0.1:3000"},  # another port is another site
        {"Host": "127.0.0.1:8765", "Origin": "null"},
        {"Host": "127.0.0.1:8765", "Origin": "file://"},
        {"Host": "127.0.0.1:8765", "Origin": "ftp://127.0.0.1:8765"},
    ]
    for headers in served:
        for kind in ("http", "websocket"):
            assert call(guard, kind, headers)[0] == "app", (kind, headers)
    for headers in refused:
        status, sent = call(guard, "http", headers)
        assert status == 403 and sent[1]["body"].startswith(b"cpsim: refused: "), headers
        code, sent = call(guard, "websocket", headers)  # closed before it opens: the server answers 403
        assert code == 1008 and sent[0]["type"] == "websocket.close", headers
    lifespan = {"type": "lifespan"}
    assert run(_passes(guard, lifespan))


async def _passes(guard: SameOrigin, scope: dict) -> bool:
    seen = []

    async def app(scope, receive, send):
        seen.append(scope)

    guard.app = app
    await guard(scope, None, None)
    return seen == [scope]


def test_a_classroom_server_answers_to_its_names_and_the_sites_it_is_told_of():
    hosts = page_hosts("0.0.0.0", ["class.example.edu"])
    assert {"localhost", "127.0.0.1", "class.example.edu"} <= hosts
    guard = SameOrigin(None, hosts, ["https://school.example"])
    assert call(guard, "websocket", {"Host": "class.example.edu", "Origin": "http://class.example.edu"})[0] == "app"
    assert call(guard, "websocket", {"Host": "class.example.edu", "Origin": "https://school.example/"})[0] == "app"
    assert call(guard, "websocket", {"Host": "class.example.edu", "Origin": "https://other.example"})[0] == 1008
    assert call(guard, "http", {"Host": "unknown.example.edu"})[0] == 403
    # a page served on one address answers to that address, not to every name of the machine
    assert page_hosts("10.1.2.3") == {"localhost", "127.0.0.1", "::1", "10.1.2.3"}


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("localhost:8765", "localhost"),
        ("[::1]:8765", "::1"),
        ("Example.ORG", "example.org"),
        ("a b", "a b"),
        ("", None),
    ],
)
def test_host_names_are_read_as_browsers_write_them(host, name):
    assert hostname(host) == name

"""`cpsim app` as a server: where it listens, and malformed HTTP and websocket input.

The page itself is tested in tests/app/test_page.py and test_page_browser.py; here the real command
starts the real server, which is then sent what a broken client or a port scanner sends.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from cpsim.cli import main

pytest.importorskip("solara")
websockets = pytest.importorskip("websockets")

ROOT = Path(__file__).resolve().parents[2]
STARTUP = 180  # seconds: a loaded machine imports solara and mesa slowly


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(*args, capsys) -> tuple[int, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    return exit_info.value.code, capsys.readouterr().err


def test_the_page_listens_on_this_machine_unless_told_and_warns_when_told(capsys, monkeypatch):
    started: list[list[str]] = []

    def execve(path, argv, env):  # the server would replace this process: record and stop
        started.append(argv)
        raise SystemExit(0)

    monkeypatch.setattr(os, "execve", execve)
    port = free_port()
    code, err = cli("app", "--port", port, capsys=capsys)
    assert code == 0 and "warning" not in err and started[-1][started[-1].index("--host") + 1] == "127.0.0.1"
    code, err = cli("app", "--port", port, "--host", "0.0.0.0", capsys=capsys)
    warnings = [line for line in err.splitlines() if line.startswith("cpsim: warning:")]
    assert code == 0 and len(warnings) == 1 and "--host 0.0.0.0 serves the page to every machine" in warnings[0]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        code, err = cli("app", "--port", busy.getsockname()[1], capsys=capsys)
    assert code == 2 and err.count("\n") == 1 and "cannot listen there" in err
    code, err = cli("app", "--host", "no-such-host.invalid", capsys=capsys)
    assert code == 2 and err.count("\n") == 1 and "not an address of this machine" in err


def http(port: int, raw: bytes, timeout: float = 10.0) -> bytes:
    """Send raw bytes, return what comes back (b"" if the server closed the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        chunks = []
        try:
            s.sendall(raw)
            s.shutdown(socket.SHUT_WR)
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError, BrokenPipeError):
            pass
        except OSError as e:  # the server may close a malformed request's connection before we finish sending
            if e.errno != errno.ENOTCONN:
                raise
    return b"".join(chunks)


def serves(port: int) -> bool:
    reply = http(port, b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", timeout=60)
    return reply.startswith(b"HTTP/1.1 200")


async def websocket_abuse(port: int) -> int:
    """Open kernel websockets and send each one kind of garbage; return how many were accepted."""
    messages = (
        "not json", "{}", json.dumps({"header": {"msg_type": "comm_msg"}}), "[" * 10_000,
        json.dumps({"header": {}, "content": {"data": {"method": "update", "state": {"x": 1}}}}),
        b"\x00\xff" * 1000, "x" * 2_000_000,
    )  # fmt: skip
    accepted = 0
    for message in messages:
        url = f"ws://127.0.0.1:{port}/jupyter/api/kernels/{uuid.uuid4()}/channels?session_id={uuid.uuid4()}"
        async with websockets.connect(url, open_timeout=60, max_size=None) as ws:
            accepted += 1
            await ws.send(message)
            try:
                await asyncio.wait_for(ws.recv(), 10)
            except (websockets.exceptions.ConnectionClosed, TimeoutError):
                pass  # the server closed this session (or ignored the message): fine, if it keeps serving
    return accepted


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log = (tmp_path_factory.mktemp("app") / "server.log").open("wb")  # a pipe nobody reads would fill and block it
    proc = subprocess.Popen(
        [sys.executable, "-m", "cpsim.cli", "app", "--port", str(port)],
        cwd=ROOT, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        try:
            if serves(port):
                break
        except OSError:
            pass
        time.sleep(1)
    else:
        proc.kill()
        pytest.fail(f"the page did not start in {STARTUP} s")
    yield proc, port
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in the class's terminal
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    log.close()


MALFORMED = [
    b"\x00\xff\xfe" * 3000,
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(5000)) + b"\r\n",
    b"POST /_solara/api/close/x HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /_solara/api/close/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\nshort",
    b"GET /static/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /jupyter/api/kernels/x/channels HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: not-base64!\r\nSec-WebSocket-Version: 99\r\n\r\n",
    b"GET /%ff%fe%00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET / HTTP/1.1\r\nHost: x",  # a request cut short
]


def test_malformed_http_and_websocket_input_does_not_take_the_page_down(server):
    proc, port = server
    for raw in MALFORMED:
        reply = http(port, raw)
        assert b"root:" not in reply  # no file outside the app is served
        assert proc.poll() is None and serves(port), raw[:60]
    for _ in range(200):  # connections opened and dropped at once
        with socket.create_connection(("127.0.0.1", port), timeout=10):
            pass
    # a thread of its own: another test (the browser's) may leave an event loop in this one
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        accepted = thread.submit(asyncio.run, websocket_abuse(port)).result()
    assert accepted == 7  # every kind of garbage reached a session
    assert proc.poll() is None and serves(port)

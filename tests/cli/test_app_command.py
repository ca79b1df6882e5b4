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
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from cpsim.app.levers import scenario_files
from cpsim.app.same_origin import SameOrigin
from cpsim.cli import main

pytest.importorskip("solara")
websockets = pytest.importorskip("websockets")
uvicorn = pytest.importorskip("uvicorn")

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


def test_a_folder_of_unreadable_files_is_listed_without_reading_them_unsafely(capsys, monkeypatch, tmp_path):
    folder = tmp_path / "class"
    shutil.copytree(ROOT / "tests" / "corpus" / "page_folder", folder)
    (folder / "baseline.toml").write_text(f'extends = "{ROOT / "scenarios" / "baseline.toml"}"\n')
    os.mkfifo(folder / "pipe.toml")  # reading it would wait for a writer forever
    listed = {f.path.name: f.description for f in scenario_files(folder)}
    assert sorted(listed) == ["baseline.toml", "deep_arrays.toml", "gzip.toml", "latin1.toml"]
    assert all(
        listed[name] == "(this file cannot be read)" for name in ("deep_arrays.toml", "gzip.toml", "latin1.toml")
    )
    started: list[list[str]] = []

    def execve(path, argv, env):  # the server would replace this process: record and stop
        started.append(argv)
        raise SystemExit(0)

    monkeypatch.setattr(os, "execve", execve)
    args = ["--allow-host", "Class.Example.EDU", "--allow-origin", "https://school.example/"]
    code, err = cli("app", folder / "baseline.toml", "--port", free_port(), *args, capsys=capsys)
    assert code == 0 and "Traceback" not in err
    argv = started[-1]
    assert argv[argv.index("--allow-host") + 1] == "class.example.edu"
    assert argv[argv.index("--allow-origin") + 1] == "https://school.example"
    for flag, value, message in (
        ("--allow-origin", "ftp://school.example", "--allow-origin 'ftp://school.example': not an origin"),
        ("--allow-origin", "https://school.example/page", "not an origin; allowed: http(s)://HOST[:PORT]"),
        ("--allow-host", "class example", "--allow-host 'class example': not a host name"),
        ("--allow-host", "class.example:80", "not a host name; allowed: a name or address without a port"),
    ):
        code, err = cli("app", folder / "baseline.toml", flag, value, capsys=capsys)
        assert code == 2 and err.count("\n") == 1 and message in err, err


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
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(5000)) + b"\r\n",
    b"POST /_solara/api/close/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n",
    b"POST /_solara/api/close/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\nshort",
    b"GET /static/../../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /jupyter/api/kernels/x/channels HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: not-base64!\r\nSec-WebSocket-Version: 99\r\n\r\n",
    b"GET /%ff%fe%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1",  # a request cut short
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


# --- the page is closed to other sites ---------------------------------------------------------


def status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.1 ") else 0


def upgrade(port: int, host: str, origin: str | None) -> bytes:
    path = f"/jupyter/api/kernels/{uuid.uuid4()}/channels?session_id={uuid.uuid4()}"
    headers = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
    headers += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
    headers += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + (f"Origin: {origin}\r\n" if origin else "")
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall((headers + "\r\n").encode())
        return s.recv(4096)


def test_raw_requests_of_other_sites_are_refused_and_the_page_own_are_served(server):
    proc, port = server
    own = f"127.0.0.1:{port}"
    get = "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{origin}\r\n"
    cases = [  # (Host, Origin, expected status): HTTP
        (own, None, 200),
        (f"localhost:{port}", None, 200),
        (f"[::1]:{port}", None, 200),
        ("evil.example", None, 403),  # DNS rebinding: another name for this address
        (f"evil.example:{port}", None, 403),
        ("", None, 403),
        (own, f"http://{own}", 200),
        (own, "http://evil.example", 403),
        (own, f"http://localhost:{port}", 403),  # another origin, though the same machine
        (own, "null", 403),  # a sandboxed frame or a file:// page
    ]
    for host, origin, want in cases:
        reply = http(port, get.format(host=host, origin=f"Origin: {origin}\r\n" if origin else "").encode())
        assert status(reply) == want, (host, origin, reply[:200])
        if want == 403:
            assert b"cpsim: refused: " in reply
    # the page's websocket (where a session is driven) and the close beacon
    assert status(upgrade(port, own, f"http://{own}")) == 101
    assert status(upgrade(port, own, None)) == 101  # not a browser's cross-site request
    for host, origin in ((own, "http://evil.example"), ("evil.example", "http://evil.example"), (own, "null")):
        assert status(upgrade(port, host, origin)) == 403, (host, origin)
    close = (
        f"POST /_solara/api/close/x HTTP/1.1\r\nHost: {own}\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\n\r\n"
    )
    assert status(http(port, close.encode())) == 403
    assert proc.poll() is None and serves(port)


def test_a_real_browser_drives_the_page_but_another_site_cannot_open_its_websocket(server, browser, tmp_path):
    proc, port = server
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{port}/")
    page.get_by_role("button", name="Step").wait_for(timeout=STARTUP * 1000)  # the page's own websocket works
    # another site, open in the same browser: its script tries the page's websocket, and (the control) that
    # of a server behind the same guard that allows this site: the browser itself would open both
    other, control = free_port(), free_port()
    urls = {
        "page": f"ws://127.0.0.1:{port}/jupyter/api/kernels/{uuid.uuid4()}/channels?session_id={uuid.uuid4()}",
        "control": f"ws://127.0.0.1:{control}/",
    }
    script = "".join(
        f"const {name} = new WebSocket('{url}'); {name}.onopen = () => said('{name}', 'opened');"
        f"{name}.onerror = () => said('{name}', 'refused');"
        for name, url in urls.items()
    )
    (tmp_path / "evil.html").write_text(
        "<script>const seen = {}; function said(k, v) { seen[k] = v; document.title = JSON.stringify(seen); }"
        f"{script}</script>"
    )
    guard = SameOrigin(accept_websocket, {"127.0.0.1"}, [f"http://localhost:{other}"])
    echo = uvicorn.Server(uvicorn.Config(guard, host="127.0.0.1", port=control, log_level="error"))
    thread = threading.Thread(target=echo.run, daemon=True)
    thread.start()
    site = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(other), "--bind", "127.0.0.1"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not echo.started:
            time.sleep(0.1)
        while time.monotonic() < deadline:
            try:
                page.goto(f"http://localhost:{other}/evil.html")
                break
            except Exception:  # noqa: BLE001  (the little server is still starting)
                time.sleep(0.5)
        page.wait_for_function("Object.keys(JSON.parse(document.title || '{}')).length === 2", timeout=30_000)
        assert json.loads(page.title()) == {"page": "refused", "control": "opened"}
    finally:
        site.kill()
        site.wait()
        echo.should_exit = True
        thread.join(10)
        page.close()


async def accept_websocket(scope, receive, send) -> None:
    """An ASGI app that accepts any websocket and holds it open until the client leaves."""
    if scope["type"] != "websocket":
        return
    await receive()
    await send({"type": "websocket.accept"})
    while (await receive())["type"] != "websocket.disconnect":
        pass

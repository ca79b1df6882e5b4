"""How many classroom sessions one `cpsim app` server keeps stepping at once.

Starts the real server (``cpsim app``), opens N sessions in headless Chromium (Debian's
chromium; one browser context per session, as N students' browsers), presses Play in
every one and counts the days each session advances in a fixed time. All sessions share
one server process, so they share its time: a session "keeps stepping" while it advances
at least MIN_RATE days a second (a class can follow the neighbourhood change).
The browser runs on the same machine and takes its share of the cores: figures are a
lower bound for a server whose students sit at their own machines.

Usage: python benchmarks/bench_app_sessions.py [--sessions 1 2 4 8] [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIN_RATE = 1.0  # days per second


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, timeout: float = 300.0) -> None:
    """Wait until the server answers GET / with 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(12) == b"HTTP/1.1 200":
                    return
        except OSError:
            pass
        time.sleep(1)
    sys.exit("the server did not start")


def day_of(page) -> int:
    found = re.match(r"Day (\d+)", page.locator(".cpsim-day").inner_text())
    return int(found.group(1)) if found else -1


def measure(browser, url: str, n: int, seconds: float) -> list[float]:
    """Days per second of each of n sessions, all playing at once."""
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(n)]
    pages = [c.new_page() for c in contexts]
    try:
        for page in pages:
            page.goto(url)
        for page in pages:
            page.get_by_role("button", name="Step").wait_for(timeout=300_000)
        for page in pages:
            page.get_by_role("button", name="▶").click()
        time.sleep(3)  # every session under way
        start = [day_of(p) for p in pages]
        t0 = time.monotonic()
        time.sleep(seconds)
        end = [day_of(p) for p in pages]
        took = time.monotonic() - t0
        return [(b - a) / took for a, b in zip(start, end, strict=True)]
    finally:
        for c in contexts:
            c.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("no chromium on PATH (Debian's chromium package)")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cpsim.cli", "app", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_ready(port)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            print(f"{os.cpu_count()} cores; Play on every session for {args.seconds:.0f} s; server pid {server.pid}")
            for n in args.sessions:
                rates = measure(browser, f"http://127.0.0.1:{port}/", n, args.seconds)
                keeping = sum(r >= MIN_RATE for r in rates)
                print(
                    f"{n:>3} sessions: days/s per session min {min(rates):.1f}, median "
                    f"{sorted(rates)[len(rates) // 2]:.1f}, total {sum(rates):.1f}; "
                    f"{keeping} of {n} keep stepping (>= {MIN_RATE:g} day/s)",
                    flush=True,
                )
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=60)


if __name__ == "__main__":
    main()

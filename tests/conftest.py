"""Shared test settings.

The browser fixture below only takes effect in tests that open a browser (pytest-playwright
fixtures are lazy): it points Playwright at the system's chromium (Debian's package; we
never download a browser) and skips those tests, saying why, when there is none.
"""

from __future__ import annotations

import shutil

import pytest

# Flags for chromium in a container with no GPU, no sandbox privileges and no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """Path of the system chromium, or None."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system chromium, headless, with container-safe flags."""
    path = find_chromium()
    if path is None:
        pytest.skip("no chromium on PATH: install Debian's chromium (make test does) to run the browser tests")
    return {**browser_type_launch_args, "executable_path": path, "headless": True, "args": CHROMIUM_ARGS}

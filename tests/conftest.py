"""Shared test settings.

The browser fixture below only takes effect in tests that open a browser (pytest-playwright
fixtures are lazy): it points Playwright at the system's chromium (Debian's package; we
never download a browser) and skips those tests, saying why, when there is none. Solara's
test server gets a free port unless --solara-port is given, so two test runs on one
machine do not collide on solara's fixed default (18865).
"""

from __future__ import annotations

import shutil
import socket

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


# The numpy features `make test` switches off (NPY_DISABLE_CPU_FEATURES, Makefile's PORTABLE_NUMPY):
# with them on, exp, log and powers differ from the AVX2 code in their last bits.
AVX512_MATH = ("X86_V4", "AVX512_SKX", "AVX512_ICL", "AVX512_SPR")


@pytest.fixture
def portable_numerics() -> None:
    """Skip, saying why, a test of stored exact results when numpy runs its AVX-512 math here."""
    from numpy._core._multiarray_umath import __cpu_features__

    on = [f for f in AVX512_MATH if __cpu_features__.get(f)]
    if on:
        pytest.skip(
            f"numpy uses {', '.join(on)} math here; stored exact results are numpy's AVX2 bits: run `make test` "
            '(or set NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR")'
        )


def pytest_configure(config) -> None:
    """Give solara's test server a free port unless one was asked for."""
    asked = any(arg.startswith("--solara-port") for arg in config.invocation_params.args)
    if hasattr(config.option, "solara_port") and not asked:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            config.option.solara_port = s.getsockname()[1]


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

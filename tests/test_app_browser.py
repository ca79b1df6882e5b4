"""The classroom page in a real headless Chromium (Debian's chromium, via pytest-ipywidgets).

The whole app is served by solara's test server (``solara_app``) and driven like a class
would: Step, Play, pause, a slider, Reset, the tabs, the scenario picker. Screenshots go
to out/app/ for a person to look at; the time from a click on Step to the new day on
screen is written to out/app/browser_step_ms.txt (measured, never asserted).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

pytest.importorskip("playwright")
pytest.importorskip("pytest_playwright")
pytest.importorskip("solara")
from conftest import find_chromium  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.skipif(
    find_chromium() is None, reason="no chromium on PATH: install Debian's chromium (make test does)"
)

OUT = Path(__file__).resolve().parents[1] / "out" / "app"
TIMEOUT = 60_000  # ms: the first load also starts the model and draws its backgrounds


@pytest.fixture(scope="module", autouse=True)
def fast_renderer():
    """Render as `cpsim app` does (reacton's fast renderer)."""
    before = os.environ.get("REACTON_FAST")
    os.environ["REACTON_FAST"] = "1"
    yield
    if before is None:
        del os.environ["REACTON_FAST"]
    else:
        os.environ["REACTON_FAST"] = before


@pytest.fixture
def page(solara_app, solara_server, page_session):
    """The classroom page, loaded and ready (Step is on screen)."""
    OUT.mkdir(parents=True, exist_ok=True)
    with solara_app("cpsim.app.page"):
        page_session.set_viewport_size({"width": 1500, "height": 1150})
        page_session.goto(solara_server.base_url)
        page_session.get_by_role("button", name="Step").wait_for(timeout=TIMEOUT)
        yield page_session


def day(page):
    return page.locator(".cpsim-day")


def current_day(page) -> int:
    return int(re.match(r"Day (\d+)", day(page).inner_text()).group(1))


def test_page_shows_the_neighbourhood_steps_plays_and_pauses(page):
    expect(day(page)).to_have_text("Day 0 of 365", timeout=TIMEOUT)
    network = page.locator(".cpsim-network img")
    expect(network).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".cpsim-beatmap img")).to_be_visible()
    expect(page.locator(".cpsim-chart-trust canvas").first).to_be_visible(timeout=TIMEOUT)
    assert network.bounding_box()["width"] > 300
    page.screenshot(path=OUT / "classroom_day0.png", full_page=True)

    step = page.get_by_role("button", name="Step")
    before = network.get_attribute("src")
    times = []
    for n in range(1, 6):
        t = time.perf_counter()
        step.click()
        expect(day(page)).to_have_text(f"Day {n} of 365", timeout=TIMEOUT)
        times.append(1000 * (time.perf_counter() - t))
    assert network.get_attribute("src") != before  # the residents were recoloured
    (OUT / "browser_step_ms.txt").write_text(
        "click on Step -> new day on screen, ms (server step + drawing + browser): "
        + ", ".join(f"{x:.0f}" for x in times) + "\n"
    )

    page.get_by_role("button", name="▶").click()
    expect(day(page)).to_have_text(re.compile(r"Day (1[0-9]|[2-9][0-9]|\d{3}) of 365"), timeout=TIMEOUT)
    page.get_by_role("button", name="❚❚").click()
    expect(step).to_be_enabled(timeout=TIMEOUT)  # paused: Step is back
    paused = current_day(page)
    for _ in range(10):  # a day already under way when we paused may still arrive
        time.sleep(1.0)
        if current_day(page) == paused:
            break
        paused = current_day(page)
    time.sleep(1.5)
    assert current_day(page) == paused  # and then no more
    page.screenshot(path=OUT / "classroom_played.png", full_page=True)

    page.get_by_role("tab", name="Page 1").click()
    for name in ("reporting", "crime", "complaints", "hours"):
        expect(page.locator(f".cpsim-chart-{name} canvas").first).to_be_visible(timeout=TIMEOUT)
    page.screenshot(path=OUT / "classroom_plots.png", full_page=True)

    page.get_by_role("tab", name="Page 2").click()
    for name in ("compare-trust", "compare-difference", "compare-crime", "compare-reporting"):
        expect(page.locator(f".cpsim-chart-{name} canvas").first).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".cpsim-compare-table")).to_contain_text(f"on day {paused}")
    page.screenshot(path=OUT / "classroom_compare.png", full_page=True)


def test_a_slider_and_reset_rebuild_the_neighbourhood_and_the_picker_loads_a_scenario(page):
    lever = page.locator(".v-input", has_text="Foot patrol h/shift").get_by_role("slider")
    lever.focus()
    for _ in range(6):  # 0.5 + 6 x 0.25 = 2.0 hours
        page.keyboard.press("ArrowRight")
    page.get_by_role("button", name="Step").click()
    expect(day(page)).to_have_text("Day 1 of 365", timeout=TIMEOUT)
    page.get_by_role("button", name="Reset").click()
    expect(day(page)).to_have_text("Day 0 of 365", timeout=TIMEOUT)
    expect(page.get_by_text("Foot patrol h/shift 2 (changed)")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Step").click()
    expect(day(page)).to_have_text("Day 1 of 365", timeout=TIMEOUT)
    page.screenshot(path=OUT / "classroom_lever.png", full_page=True)

    page.locator(".v-select", has_text="Scenario file").click()
    page.get_by_role("option", name="incident", exact=True).click()
    expect(page.get_by_text("Scenario: incident")).to_be_visible(timeout=TIMEOUT)
    expect(day(page)).to_have_text("Day 0 of 365", timeout=TIMEOUT)
    incident = page.locator(".v-input", has_text="Incident on day").get_by_role("slider")
    expect(incident).to_have_attribute("aria-valuenow", "60")
    expect(page.locator(".cpsim-network img")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".cpsim-beatmap img")).to_be_visible(timeout=TIMEOUT)
    page.screenshot(path=OUT / "classroom_scenario.png", full_page=True)

"""The classroom page in a real headless Chromium (Debian's chromium, via pytest-ipywidgets).

The whole app is served by solara's test server (``solara_app``) at a projector's 1366 x 768
and driven like a trainer would: Step, Play, pause, the tabs, the scenario picker, a lever,
Reset. Screenshots of every view go to out/app/ for a person to look at; the time from a
click on Step to the new day on screen is written to out/app/browser_step_ms.txt
(measured, never asserted).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("playwright")
pytest.importorskip("pytest_playwright")
pytest.importorskip("solara")
from conftest import find_chromium  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from cpsim.app.page import TABS  # noqa: E402

pytestmark = [
    pytest.mark.skipif(
        find_chromium() is None, reason="no chromium on PATH: install Debian's chromium (make test does)"
    ),
    pytest.mark.slow,  # a real browser playing the page: make test-fast skips it
]

OUT = Path(__file__).resolve().parents[2] / "out" / "app"
TIMEOUT = 60_000  # ms: the first load also starts the model and draws its backgrounds
PROJECTOR = {"width": 1366, "height": 768}


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
    """The classroom page at 1366 x 768, loaded and ready (Step is on screen)."""
    OUT.mkdir(parents=True, exist_ok=True)
    with solara_app("cpsim.app.page"):
        page_session.set_viewport_size(PROJECTOR)
        page_session.goto(solara_server.base_url)
        page_session.get_by_role("button", name="Step").wait_for(timeout=TIMEOUT)
        yield page_session


@contextlib.contextmanager
def busy_machine(per_core: int = 3):
    """Keep every core busy with spinning processes, as a classroom PC that also runs other things."""
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(per_core * (os.cpu_count() or 1))
    ]
    try:
        yield
    finally:
        for p in spinners:
            p.kill()
            p.wait()


def day(page):
    return page.locator(".cpsim-day")


def current_day(page) -> int:
    return int(re.match(r"Day (\d+)", day(page).inner_text()).group(1))


def lever(page, name: str):
    return page.locator(f".cpsim-lever-{name}")


def nudge(page, name: str, steps: int) -> None:
    """Move a lever's slider by whole steps with the keyboard, as a trainer could."""
    slider = lever(page, name).get_by_role("slider")
    slider.focus()
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowRight" if steps > 0 else "ArrowLeft")


def pick(page, stem: str) -> None:
    page.locator(".cpsim-scenario .v-select").click()
    page.get_by_role("option", name=stem, exact=True).click()


def uncovered(page, locator) -> bool:
    """Whether the point just inside the element's bottom-right corner belongs to the element (no overlay)."""
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " const hit = document.elementFromPoint(r.right - 4, r.bottom - 4); return e.contains(hit); }"
    )


def in_view(locator) -> bool:
    box = locator.bounding_box()
    return box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"] and box["x"] + box["width"] <= 1366


def test_the_key_view_fits_a_projector_shows_change_and_plays(page):
    expect(day(page)).to_have_text("Day 0 of 365", timeout=TIMEOUT)
    assert [t.strip() for t in page.get_by_role("tab").all_inner_texts()] == list(TABS)
    network = page.locator(".cpsim-network img").first
    difference = page.locator(".cpsim-chart-compare-difference canvas").first
    expect(network).to_be_visible(timeout=TIMEOUT)
    expect(difference).to_be_visible(timeout=TIMEOUT)
    assert in_view(network) and in_view(difference)  # the key view fits without scrolling
    assert uncovered(page, network) and uncovered(page, difference)  # no badge over them
    for hidden in ("Play Interval", "Render Interval", "Use Threads", "Time:", "Page 0", "runs on Solara"):
        expect(page.get_by_text(hidden)).to_have_count(0)
    page.screenshot(path=OUT / "1_neighbourhood_day0.png")

    step = page.get_by_role("button", name="Step")
    before, today = network.get_attribute("src"), page.locator(".cpsim-today").inner_text()
    times = []
    for n in range(1, 6):
        t = time.perf_counter()
        step.click()
        expect(day(page)).to_have_text(f"Day {n} of 365", timeout=TIMEOUT)
        times.append(1000 * (time.perf_counter() - t))
    assert network.get_attribute("src") != before  # residents recoloured, today's contacts ringed
    assert (
        page.locator(".cpsim-today").inner_text() != today
        and "heard a story" in today + page.locator(".cpsim-today").inner_text()
    )
    expect(page.locator(".cpsim-chart-compare-difference .cpsim-scale-note")).to_contain_text("Scale:")
    (OUT / "browser_step_ms.txt").write_text(
        "click on Step -> new day on screen, ms (server step + drawing + browser): "
        + ", ".join(f"{x:.0f}" for x in times)
        + "\n"
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
    page.screenshot(path=OUT / "2_neighbourhood_played.png")

    page.get_by_role("tab", name=TABS[1]).click()
    for name in ("trust", "reporting", "crime", "complaints", "hours"):
        expect(page.locator(f".cpsim-chart-{name} canvas").first).to_be_visible(timeout=TIMEOUT)
    page.screenshot(path=OUT / "3_trends.png")

    page.get_by_role("tab", name=TABS[2]).click()
    for name in ("compare-difference", "compare-trust", "compare-crime", "compare-reporting"):
        expect(page.locator(f".cpsim-chart-{name} canvas").first).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".cpsim-compare-table")).to_contain_text(f"on day {paused}")
    page.screenshot(path=OUT / "4_compare.png")

    page.get_by_role("tab", name=TABS[3]).click()
    expect(page.locator(".cpsim-side-by-side .cpsim-network img")).to_have_count(2, timeout=TIMEOUT)
    page.screenshot(path=OUT / "5_side_by_side.png")


def test_the_picker_means_it_reset_runs_the_pick_and_levers_follow_each_scenario(page):
    header = page.locator(".cpsim-header")
    nudge(page, "training", 4)  # baseline: no training -> 20% a month
    expect(lever(page, "training")).to_contain_text("20% of officers a month")
    expect(page.locator(".cpsim-pending")).to_contain_text("Procedural-justice training 20%")

    # Bug 2 of issue 12: the moved slider kept showing 20% after picking another scenario.
    pick(page, "foot_patrol")
    expect(header).to_contain_text("Foot patrol (foot_patrol.toml)", timeout=TIMEOUT)
    expect(lever(page, "training").get_by_role("slider")).to_have_attribute("aria-valuenow", "0")
    expect(lever(page, "training")).to_contain_text("none")
    expect(lever(page, "foot_hours").get_by_role("slider")).to_have_attribute("aria-valuenow", "2")
    expect(page.locator(".cpsim-pending")).to_have_count(0)

    # Bug 1 of issue 12: Reset rebuilt the scenario the server started with.
    page.get_by_role("button", name="Step").click()
    expect(day(page)).to_have_text("Day 1 of 365", timeout=TIMEOUT)
    page.get_by_role("button", name="Reset").click()
    expect(day(page)).to_have_text("Day 0 of 365", timeout=TIMEOUT)
    expect(header).to_contain_text("Foot patrol (foot_patrol.toml)")
    expect(header).to_contain_text("Your choices: as in the scenario")

    nudge(page, "foot_hours", 2)  # 2 -> 3 hours
    expect(lever(page, "foot_hours")).to_contain_text("3 h per shift (scenario: 2 h per shift)")
    page.get_by_role("button", name="Reset").click()
    expect(header).to_contain_text("Foot patrol 3 h per shift (scenario: 2 h per shift)", timeout=TIMEOUT)
    page.screenshot(path=OUT / "6_lever_changed.png")

    pick(page, "incident")
    expect(header).to_contain_text("A filmed incident (incident.toml)", timeout=TIMEOUT)
    expect(lever(page, "incident_day").get_by_role("slider")).to_have_attribute("aria-valuenow", "60")
    expect(lever(page, "foot_hours").get_by_role("slider")).to_have_attribute("aria-valuenow", "0.5")
    page.get_by_role("button", name="Lesson: A filmed incident").click()  # folded until opened
    expect(page.locator(".cpsim-lesson")).to_contain_text("How long does a neighbourhood remember?")
    expect(page.locator(".cpsim-network img").first).to_be_visible(timeout=TIMEOUT)
    page.screenshot(path=OUT / "7_incident_picked.png")


def test_play_holds_up_on_a_busy_machine(page):
    # Under CPU contention a frame took longer to draw than the play loop took to simulate a day:
    # the render started by the click on Play found a newer day at every pass, and reacton gave
    # up ("Too many renders triggered, your render loop does not stop") with the page at day 5.
    step = page.get_by_role("button", name="Step")
    with busy_machine():
        for n in range(1, 6):
            step.click()
            expect(day(page)).to_have_text(f"Day {n} of 365", timeout=TIMEOUT)
        page.get_by_role("button", name="▶").click()
        expect(day(page)).to_have_text(re.compile(r"Day ([4-9][0-9]|\d{3}) of 365"), timeout=4 * TIMEOUT)
        page.screenshot(path=OUT / "8_played_under_load.png")
        page.get_by_role("button", name="❚❚").click()
        expect(step).to_be_enabled(timeout=TIMEOUT)
    expect(page.get_by_text("Too many renders")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    for i, (tab, shown) in enumerate(
        zip(TABS[1:], (".cpsim-chart-hours", ".cpsim-compare-table", ".cpsim-side-by-side"), strict=True)
    ):
        page.get_by_role("tab", name=tab).click()
        expect(page.locator(shown).first).to_be_visible(timeout=TIMEOUT)
        time.sleep(1.0)  # the tab's slide-in transition
        page.screenshot(path=OUT / f"8{'bcd'[i]}_after_play_{tab.split()[0].lower()}.png")


def test_levers_come_first_and_the_lesson_folds(page):
    first = lever(page, "officers")
    expect(first).to_be_visible(timeout=TIMEOUT)
    assert in_view(first)  # at 768 px the first lever is on screen, under the controls
    lesson = page.locator(".cpsim-lesson")
    assert first.bounding_box()["y"] < lesson.bounding_box()["y"]
    expect(lesson).not_to_contain_text("Things to notice")  # folded: its title only
    page.get_by_role("button", name="Lesson: Baseline").click()
    expect(lesson).to_contain_text("Things to notice", timeout=TIMEOUT)
    page.screenshot(path=OUT / "9_lesson_open.png")


def test_a_beat_without_a_steady_officer_is_named_on_screen(page):
    pick(page, "neighbourhood_policing")
    note = page.locator(".cpsim-staffing")
    expect(note).to_contain_text("Beat 3 has no steady officer", timeout=TIMEOUT)
    assert in_view(note)
    page.screenshot(path=OUT / "10_staffing_note.png")


def test_side_by_side_fits_the_screen_and_large_text_grows_every_text(page):
    page.get_by_role("tab", name=TABS[3]).click()
    table = page.locator(".cpsim-side-by-side .cpsim-compare-table table")
    expect(table).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".cpsim-side-by-side .cpsim-network img")).to_have_count(2, timeout=TIMEOUT)
    time.sleep(1.0)  # the tab's slide-in transition
    page.screenshot(path=OUT / "11_side_by_side.png")
    assert in_view(table), table.bounding_box()  # the table beside the pictures, all within 768 px

    page.get_by_role("tab", name=TABS[0]).click()
    legend = page.locator(".cpsim-today")
    expect(legend).to_be_visible(timeout=TIMEOUT)
    before = legend.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    options = page.locator(".cpsim-chart-compare-difference canvas").first
    expect(options).to_be_visible(timeout=TIMEOUT)
    page.get_by_text("Large text (projector)").click()
    expect(legend).to_have_css("font-size", re.compile(r"(1[89]|2[0-9])(\.\d+)?px"), timeout=TIMEOUT)
    after = legend.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert after >= 1.25 * before  # every rem-sized text grows with the root font
    page.screenshot(path=OUT / "12_large_text.png")

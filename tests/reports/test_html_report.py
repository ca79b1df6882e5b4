"""report.html and its figures: one colour per scenario, and a page that fits a 1,366-pixel window."""

from __future__ import annotations

from pathlib import Path

import matplotlib.colors as mcolors
import pytest

import cpsim.reports.html_report as html_report
from cpsim.reports.brief import Brief
from cpsim.studies.runner import run_study

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = [ROOT / "scenarios" / f"{s}.toml" for s in ("baseline", "foot_patrol", "beat_meetings", "liaison")]


@pytest.fixture(scope="module")
def brief():
    study = run_study(SCENARIOS, replicates=2, days=40, seed=3, workers=1, overrides={"population.residents": 1500})
    return Brief.from_study(study)


def test_a_scenario_has_one_colour_in_every_figure(brief, monkeypatch, tmp_path):
    marks: dict[str, set[str]] = {}
    titles: dict[str, set[str]] = {}
    save = html_report._save

    def look(fig, path, dpi=110):
        for artist in fig.findobj(lambda a: str(a.get_gid() or "").startswith("scenario:")):
            if hasattr(artist, "get_color") and isinstance(artist.get_color(), str):
                marks.setdefault(artist.get_gid().removeprefix("scenario:"), set()).add(
                    mcolors.to_hex(artist.get_color())
                )
        for ax in fig.axes:
            name = ax.get_title().partition(":")[0]
            if name in brief.scenarios:
                titles.setdefault(name, set()).add(mcolors.to_hex(ax.title.get_color()))
        return save(fig, path, dpi)

    monkeypatch.setattr(html_report, "_save", look)
    html_report.write_figures(brief, tmp_path)
    assert set(marks) == set(brief.scenarios)
    assert all(len(c) == 1 for c in marks.values()), marks  # the same colour in every figure
    assert len({next(iter(c)) for c in marks.values()}) == len(brief.scenarios)  # and each its own
    assert titles and all(t == marks[name] for name, t in titles.items())  # panel titles in the scenario's colour


def test_the_report_fits_a_1366_pixel_window(brief, tmp_path, page):
    # `page` opens the system chromium; without one the shared browser fixture skips, saying why
    figures = html_report.write_figures(brief, tmp_path)
    path = html_report.html_report(brief, tmp_path / "report.html", figures)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(path.as_uri())
    width = page.evaluate("document.documentElement.scrollWidth")
    wider = page.evaluate(
        "[...document.querySelectorAll('table, img, ul, p')].filter(e => e.getBoundingClientRect().right > 1366)"
        ".map(e => e.tagName + ' ' + e.innerText.slice(0, 40))"
    )
    assert width <= 1366 and wider == []

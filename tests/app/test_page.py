"""The classroom page without a browser: levers, settings, rebuilds, layout, pictures, charts, lessons, CLI.

Component tests render the page with solara.render and drive its controls (picker, Step,
Reset, levers) the way a browser would, by setting the widgets' values.
"""

from __future__ import annotations

import inspect
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

solara = pytest.importorskip("solara")
import ipyvuetify as v  # noqa: E402
from PIL import Image  # noqa: E402

from cpsim.app import charts, levers  # noqa: E402
from cpsim.app.classroom import ClassroomModel, PageRun, PageSettings, staffing_notes  # noqa: E402
from cpsim.app.lessons import LESSONS, lesson_for, levers_named  # noqa: E402
from cpsim.app.levers import BY_NAME, LEVERS, Size, check_levers, scenario_files  # noqa: E402
from cpsim.app.page import SUMMARY_ROWS, TABS, CompareTable, Page, today_text  # noqa: E402
from cpsim.app.pictures import MARKS, BeatMapPicture, Colours, NetworkPicture, change_scale, trust_colours  # noqa: E402
from cpsim.headline import METRICS, figure  # noqa: E402
from cpsim.mechanisms.contacts import KINDS  # noqa: E402
from cpsim.scenario import load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.toml"
SIZE = Size.of(2000)


@pytest.fixture
def rendered():
    """The whole page, rendered without a browser."""
    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    yield rc
    rc.close()


def click(rc, name: str) -> None:
    rc.find(v.Btn, children=[name]).widget.click()


def widgets(root):
    """Every widget under ``root`` (itself included), depth first."""
    todo = [root]
    while todo:
        w = todo.pop()
        yield w
        for attr in ("children", "items"):
            value = getattr(w, attr, None)
            children = value.values() if isinstance(value, dict) else value or ()
            todo.extend(c for c in children if not isinstance(c, str))


def _classes(w) -> list[str]:
    attributes = getattr(w, "attributes", None) or {}
    return f"{getattr(w, 'class_', None) or ''} {attributes.get('class', '')}".split()


def by_class(rc, name: str):
    """The one widget whose classes include ``name``."""
    root = rc.container if hasattr(rc, "container") else rc
    found = [w for w in widgets(root) if name in _classes(w)]
    assert len(found) == 1, f"{len(found)} widgets of class {name}"
    return found[0]


def lever_slider(rc, name: str):
    return next(w for w in widgets(by_class(rc, f"cpsim-lever-{name}")) if isinstance(w, v.Slider))


def select(rc, label: str):
    return next(w for w in rc.find(v.Select).widgets if w.label == label)


def day_text(rc) -> str:
    return rc.find(v.Html, class_="cpsim-day").widget.children[0]


def page_text(rc) -> str:
    """Every text and HTML string on the page."""
    out = []
    for w in widgets(rc.container):
        for attr in ("children", "items"):
            value = getattr(w, attr, None)
            out += [c for c in (value.values() if isinstance(value, dict) else value or ()) if isinstance(c, str)]
        if getattr(w, "unsafe_innerHTML", None):
            out.append(w.unsafe_innerHTML)
    return " ".join(out)


def header(rc) -> str:
    return by_class(rc, "cpsim-header").unsafe_innerHTML


# --- levers ---------------------------------------------------------------------------


def test_levers_lie_inside_the_schema_and_a_bad_one_is_caught(monkeypatch):
    check_levers()
    bad = levers.Lever("foot_hours", "patrol.foot_hours", "x", "h", 0.0, 13.0, 1.0, "too far")
    monkeypatch.setattr(levers, "LEVERS", (bad,))
    with pytest.raises(ValueError, match=r"patrol.foot_hours = 13.0, outside"):
        check_levers()


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lv: lv.name)
def test_a_lever_sets_its_scenario_keys_and_reads_them_back(lever):
    lo, hi = lever.bounds(SIZE)
    position = hi if lever.is_int else lo + 3 * lever.step
    scenario = load_scenario(BASELINE, {**SIZE.overrides(), **lever.overrides(position, SIZE)})
    assert lever.read(scenario) == pytest.approx(position)
    if lever.switch:
        assert scenario.get(lever.switch) is True
        off = load_scenario(BASELINE, {**SIZE.overrides(), **lever.overrides(0, SIZE)})
        assert off.get(lever.switch) is False and lever.read(off) == 0 and lever.text(0) == "none"


def test_levers_count_whole_officers_and_say_their_units():
    officers, liaison = BY_NAME["officers"], BY_NAME["liaison"]
    assert officers.is_int and liaison.is_int and officers.step == liaison.step == 1
    assert officers.bounds(SIZE) == (1, 10)  # 0.5-5 per 1,000 of 2,000 residents
    assert liaison.bounds(SIZE) == (0, 8)  # 0-2 per beat, four beats
    assert officers.overrides(5, SIZE) == {"policing.officers_per_1000": 2.5}
    assert liaison.overrides(1, SIZE) == {"liaison.enabled": True, "liaison.officers_per_beat": 0.25}
    assert officers.text(4) == "4 officers" and liaison.text(1) == "1 officer"
    assert BY_NAME["budget_cut"].text(20) == "20% of officer hours"
    assert BY_NAME["foot_hours"].text(2.5) == "2.5 h per shift"
    assert BY_NAME["incident_day"].text(60) == "day 60"
    assert BY_NAME["beat_meetings"].overrides(12, SIZE)["beat_meetings.interval_days"] == pytest.approx(365 / 12)


def test_the_model_takes_exactly_the_levers_as_keywords():
    params = set(inspect.signature(ClassroomModel.__init__).parameters) - {"self"}
    assert params == {"scenario_file", "residents", "seed", "compare_with", *BY_NAME}


# --- settings: what the page shows is what Reset builds --------------------------------


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_scenario_loads_as_itself_and_levers_only_add_to_it(path):
    shown = PageSettings.load(path, 1000, compare_with="")
    assert shown.changed() == {} and set(shown.kwargs()) == {"scenario_file", "residents", "seed", "compare_with"}
    model = ClassroomModel(**shown.kwargs())
    assert model.params == load_scenario(path, Size.of(1000).overrides())  # exactly the file, scaled
    assert model.settings == shown and model.changed == [] and model.alongside is None
    model.step()
    assert model.day == 1
    lever = BY_NAME["foot_hours"]
    moved = shown.with_lever("foot_hours", shown.levers["foot_hours"] + 1.0)
    assert moved.changed() == {"foot_hours": shown.levers["foot_hours"] + 1.0}
    params = ClassroomModel(**moved.kwargs()).params
    expected = load_scenario(
        path, {**Size.of(1000).overrides(), **lever.overrides(moved.levers["foot_hours"], Size.of(1000))}
    )
    assert params == expected


def test_resizing_keeps_changed_levers_and_moves_the_others_with_the_file():
    shown = PageSettings.load(SCENARIOS / "liaison.toml").with_lever("foot_hours", 3.0)
    assert shown.levers["officers"] == 4 and shown.levers["liaison"] == 1
    bigger = shown.resized(3000)
    assert bigger.levers["officers"] == 7 and bigger.levers["liaison"] == 2  # round(0.25 x 6 beats)
    assert bigger.changed() == {"foot_hours": 3.0}


# --- the page: picker, levers, Step, Reset -----------------------------------------------


def test_page_opens_on_the_baseline_with_named_tabs_and_no_mesa_internals(rendered):
    for lever in LEVERS:
        assert lever_slider(rendered, lever.name).v_model == pytest.approx(
            lever.read(load_scenario(BASELINE, SIZE.overrides()))
        )
    assert day_text(rendered) == "Day 0 of 365"
    assert [t.children[0] for t in rendered.find(v.Tab).widgets] == list(TABS)
    text = page_text(rendered)
    for internal in ("Play Interval", "Render Interval", "Use Threads", "Time:", "Page 0", "Model Parameters"):
        assert internal not in text
    assert "Lesson: Baseline" in text and "Things to notice" in text and "Things to try" in text


def test_pick_then_reset_builds_the_pick(rendered):
    """Issue 12, bug 1: Reset rebuilt the scenario the server started with, not the one picked."""
    select(rendered, "Scenario").v_model = "steady_beat_officers"
    assert "Steady beat officers</b> (steady_beat_officers.toml)" in header(rendered)
    click(rendered, "Step")
    click(rendered, "Reset")
    assert day_text(rendered) == "Day 0 of 365"
    assert "Steady beat officers</b> (steady_beat_officers.toml)" in header(rendered)
    assert "as in the scenario" in header(rendered)
    text = page_text(rendered)
    assert "Lesson: Steady beat officers" in text


def test_a_moved_lever_follows_the_next_scenario_picked(rendered):
    """Issue 12, bug 2: a slider kept its position when another scenario was picked."""
    lever_slider(rendered, "training").v_model = 20
    assert "Press Reset" in page_text(rendered)
    select(rendered, "Scenario").v_model = "foot_patrol"
    assert lever_slider(rendered, "training").v_model == 0 and lever_slider(rendered, "foot_hours").v_model == 2.0
    assert "Press Reset" not in page_text(rendered)
    select(rendered, "Scenario").v_model = "training"
    assert lever_slider(rendered, "training").v_model == 10 and lever_slider(rendered, "foot_hours").v_model == 0.5


def test_moving_levers_then_reset_rebuilds_with_them_and_says_so(rendered):
    lever_slider(rendered, "foot_hours").v_model = 2.0
    lever_slider(rendered, "officers").v_model = 8
    lever_slider(rendered, "incident_day").v_model = 30
    assert "Press Reset</b> to run with: Officers 8 officers; Foot patrol 2 h per shift" in page_text(rendered)
    click(rendered, "Reset")
    text = header(rendered)
    assert "Officers 8 officers (scenario: 4 officers)" in text and "Foot patrol 2 h per shift" in text
    assert "Filmed incident day 30 (scenario: none)" in text and "8 officers, seed 1" in text
    assert "Press Reset" not in page_text(rendered)


def test_step_advances_both_runs_and_reset_repeats_the_same_days(rendered):
    days = []
    for _ in range(2):
        for n in range(1, 4):
            click(rendered, "Step")
            assert day_text(rendered) == f"Day {n} of 365"
        days.append(by_class(rendered, "cpsim-today").unsafe_innerHTML)
        click(rendered, "Reset")
    assert days[0] == days[1] and "heard a story" in days[0]


def test_step_moves_a_week_when_asked(rendered):
    by_class(rendered, "cpsim-speed").v_model = 1
    click(rendered, "Step")
    assert day_text(rendered) == "Day 7 of 365"


def test_compare_with_another_scenario_and_with_nothing(rendered):
    select(rendered, "Compare with").v_model = "foot_patrol"
    click(rendered, "Reset")
    assert "compared with Foot patrol" in header(rendered)
    assert [t.children[0] for t in rendered.find(v.Tab).widgets][2] == "Your choices vs Foot patrol"
    select(rendered, "Compare with").v_model = "(none)"
    click(rendered, "Reset")
    rendered.find(v.Tabs).widget.v_model = 2
    assert page_text(rendered).count("Nothing runs alongside") == 1


def test_the_compare_table_labels_and_rounds_figures_from_the_headline_table():
    model = ClassroomModel(str(SCENARIOS / "foot_patrol.toml"), residents=1000, seed=2)
    for _ in range(15):
        model.step()
    _, rc = solara.render(CompareTable(model, model.day), handle_error=False)
    text = page_text(rc)
    rc.close()
    mine, base = model.summary(), model.alongside.summary()
    for key in SUMMARY_ROWS:
        row = f"<td>{METRICS[key].brief}</td><td align=right>{figure(mine[key], key)}</td>"
        assert f"{row}<td align=right>{figure(base[key], key)}</td>" in text, key
    assert f"<td>{METRICS['reporting_rate'].brief}</td>" in text and "<td>mean trust now</td>" not in text


def test_a_broken_scenario_file_shows_one_line_and_the_picker_still_works(tmp_path, monkeypatch):
    (tmp_path / "baseline.toml").write_text(BASELINE.read_text())
    broken = 'extends = "baseline.toml"\n[run]\ndescription = "x"\n[patrol]\nfoot_hours = -1\n'
    (tmp_path / "broken.toml").write_text(broken)
    monkeypatch.setenv("CPSIM_APP_SCENARIO", str(tmp_path / "baseline.toml"))
    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    try:
        assert select(rc, "Scenario").items == ["baseline", "broken"]
        select(rc, "Scenario").v_model = "broken"
        text = page_text(rc)
        assert "This scenario cannot be loaded" in text and "patrol.foot_hours" in text and "-1 is out of range" in text
        select(rc, "Scenario").v_model = "baseline"
        assert day_text(rc) == "Day 0 of 365" and "cannot be loaded" not in page_text(rc)
    finally:
        rc.close()


# --- the run alongside and what a day touched --------------------------------------------


def test_the_run_alongside_shares_the_random_numbers():
    same = ClassroomModel(str(BASELINE))
    incident = ClassroomModel(str(BASELINE), incident_day=5)
    for _ in range(30):
        same.step()
        incident.step()
    mine, base = (np.array(m.datacollector.model_vars["trust_mean"]) for m in (same, same.alongside))
    np.testing.assert_array_equal(mine, base)  # nothing changed: the lines coincide
    mine, base = (np.array(m.datacollector.model_vars["trust_mean"]) for m in (incident, incident.alongside))
    np.testing.assert_array_equal(mine[:4], base[:4])  # identical until the incident
    assert (mine[4:] < base[4:]).all()  # and lower every day after it
    option = charts.compare_difference_chart(incident, incident.alongside)
    last = _series(option, "all residents")[-1][1]
    assert last < 0 and last == pytest.approx(mine[-1] - base[-1], abs=1e-4)
    lo, hi = option["yAxis"]["min"], option["yAxis"]["max"]
    assert lo <= min(mine - base) and hi >= 0 and hi - lo < 0.2  # zoomed to the data, 0 kept
    assert option["title"]["subtext"].startswith("Scale:")


def test_touched_today_marks_each_experience_once():
    m = ClassroomModel(str(SCENARIOS / "liaison.toml"), compare_with="")
    program = contact = heard = 0
    for _ in range(20):
        m.step()
        t = m.mine.touched_today()
        everyone = np.concatenate(list(t.values()))
        assert len(everyone) == len(np.unique(everyone))  # each resident one mark
        experienced = set(m.experiences_today["idx"].tolist())
        assert set(t["contact"]) | set(t["program"]) | set(t["news"]) == experienced
        assert set(t["heard"]) <= set(m.heard_today.tolist())
        program, contact, heard = program + len(t["program"]), contact + len(t["contact"]), heard + len(t["heard"])
    assert program > 0 and contact > 0 and heard > contact  # liaison visits, patrol contacts, stories


def test_incident_news_has_its_own_ring_not_the_programs():
    m = ClassroomModel(str(SCENARIOS / "incident.toml"), compare_with="")
    day = m.params.incident.day
    while m.day < day + 2:
        m.step()
    t = m.mine.touched_today()
    seen = set(t["news"])
    watched = m.experiences_today["idx"][[KINDS[k] == "incident_news" for k in m.experiences_today["kind"]]]
    assert seen and seen <= set(watched.tolist())  # news viewers are ringed as news...
    assert not seen & set(t["program"])  # ...and never as a program or event
    ring = {name: rgb for name, _, rgb, _ in MARKS}
    assert ring["news"] not in (ring["program"], ring["contact"], ring["heard"])
    assert "saw an incident in the news" in today_text(m.mine)


def test_a_beat_without_the_officer_a_program_needs_is_named(rendered):
    # 4 officers for 4 beats at 2,000 residents: one beat has none, so it never gets a steady officer
    m = ClassroomModel(str(SCENARIOS / "neighbourhood_policing.toml"), compare_with="")
    assert -1 in m.officers.beat and 2 not in m.officers.beat
    assert staffing_notes(m) == [
        "Beat 3 has no steady officer: 4 officers cover 3 of 4 beats, and none works there (more Officers, then "
        "Reset, would change that)."
    ]
    assert (
        staffing_notes(ClassroomModel(str(SCENARIOS / "neighbourhood_policing.toml"), compare_with="", officers=8))
        == []
    )
    assert staffing_notes(ClassroomModel(str(BASELINE), compare_with="")) == []  # no program, nothing to say
    select(rendered, "Scenario").v_model = "neighbourhood_policing"
    assert "Beat 3 has no steady officer" in by_class(rendered, "cpsim-staffing").unsafe_innerHTML


# --- layout and pictures ----------------------------------------------------------------


def test_layout_puts_everyone_inside_their_street_and_beat_once_per_build():
    m = ClassroomModel(str(BASELINE), residents=3000, compare_with="")
    lay = m.mine.layout
    cell = lay.place_box[m.residents.place]
    assert ((lay.xy[:, 0] > cell[:, 0]) & (lay.xy[:, 0] < cell[:, 2])).all()
    assert ((lay.xy[:, 1] > cell[:, 1]) & (lay.xy[:, 1] < cell[:, 3])).all()
    beat = lay.beat_box[m.places.beat]
    assert (lay.place_box[:, :2] >= beat[:, :2] - 1e-9).all() and (lay.place_box[:, 2:] <= beat[:, 2:] + 1e-9).all()
    off = lay.officer_xy(m.officers.beat)
    on_beat = m.officers.beat >= 0
    box = lay.beat_box[m.officers.beat[on_beat]]
    assert ((off[on_beat, 0] > box[:, 0]) & (off[on_beat, 0] < box[:, 2])).all()
    assert np.isnan(off[~on_beat]).all()
    m.step()
    assert m.mine.layout is lay


def _decode(jpeg: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")).astype(int)


def test_network_picture_colours_residents_by_trust_or_change_and_rings_todays_contacts():
    m = ClassroomModel(str(BASELINE), compare_with="")
    pic = NetworkPicture(m.mine)
    m.residents.trust[:] = 0.0
    m.residents.trust[::2] = 1.0
    img = _decode(pic.draw(m.mine, Colours("trust")))
    assert img.shape == (500, 700, 3)
    seen = img[pic.rows, pic.cols]
    lo, hi = trust_colours(np.array([0.0, 1.0])).astype(int)
    # a dot's centre may be covered by a neighbour's dot: most, not all, show their own colour
    assert (np.abs(seen[1::2] - lo).max(axis=1) < 40).mean() > 0.8
    assert (np.abs(seen[::2] - hi).max(axis=1) < 40).mean() > 0.8

    run = PageRun.of(ClassroomModel(str(BASELINE), compare_with=""), "baseline")
    run.model.residents.trust[:10] = run.trust_start[:10] - 0.05  # lost trust
    change = Colours("change", 0.05)
    img = _decode(pic.draw(run, change))
    red, grey = change.rgb(np.array([-0.05, 0.0])).astype(int)
    assert (np.abs(img[pic.rows[:10], pic.cols[:10]] - red).max(axis=1) < 40).mean() > 0.8
    assert (np.abs(img[pic.rows[10:], pic.cols[10:]] - grey).max(axis=1) < 40).mean() > 0.8

    for _ in range(5):
        run.model.step()
    touched = run.touched_today()
    img = _decode(pic.draw(run, change))
    ring = {name: np.array(rgb) for name, _, rgb, _ in MARKS}
    for name in ("contact", "heard"):
        if len(touched[name]):
            i = touched[name][0]
            r0, c0 = pic.rows[i], pic.cols[i]
            around = img[r0 - 5 : r0 + 6, c0 - 5 : c0 + 6].reshape(-1, 3)
            assert (np.abs(around - ring[name]).max(axis=1) < 50).any(), name


def test_a_rebuilt_neighbourhood_reuses_its_network_background():
    first, again = (NetworkPicture(ClassroomModel(str(BASELINE), compare_with="").mine) for _ in range(2))
    other = NetworkPicture(ClassroomModel(str(BASELINE), seed=2, compare_with="").mine)
    assert first.canvas is again.canvas and other.canvas is not first.canvas


def test_change_scale_follows_the_data():
    assert change_scale(np.zeros(100)) == 0.005
    assert change_scale(np.r_[np.zeros(995), np.full(5, 0.04)]) == 0.005  # 99% of residents unchanged
    assert change_scale(np.full(100, -0.03)) == 0.05
    assert Colours("change", 0.05).gradient()[4] == "#d0d0d0"  # no change: grey, visible on white


def test_beat_map_colours_each_street_by_its_residents_mean_trust():
    m = ClassroomModel(str(BASELINE), compare_with="")
    for _ in range(10):
        m.step()
    pic = BeatMapPicture(m.mine)
    img = _decode(pic.draw(m.mine, Colours("trust")))
    box = m.mine.layout.place_box
    r, c = pic.canvas.pixels(np.column_stack([(box[:, 0] + box[:, 2]) / 2, (box[:, 1] + box[:, 3]) / 2]))
    mean = np.bincount(m.residents.place, weights=m.residents.trust) / m.places.residents
    assert (np.abs(img[r, c] - trust_colours(mean)).max(axis=1) < 25).all()


# --- charts -----------------------------------------------------------------------------


def _series(option: dict, name: str) -> list:
    return next(s["data"] for s in option["series"] if s["name"] == name)


def test_charts_follow_the_daily_figures_on_a_scale_that_follows_the_data():
    m = ClassroomModel(str(BASELINE), compare_with="")
    for _ in range(70):
        m.step()
    trust = charts.trust_chart(m)
    minority = _series(trust, "minority")
    assert minority[-1] == [70, pytest.approx(m.by_group_rows[-1][1][1], abs=1e-4)]
    assert len(minority) <= charts.POINTS + 1 and minority[0][0] == 1
    values = [y for s in trust["series"] for _, y in s["data"]]
    lo, hi = trust["yAxis"]["min"], trust["yAxis"]["max"]
    assert lo <= min(values) and hi >= max(values) and (lo > 0 or hi < 1)  # zoomed, not 0-1
    assert trust["title"]["subtext"].startswith("Zoomed in:") and f"{lo:g}" in trust["title"]["subtext"]
    crime = charts.crime_chart(m)
    names = ("true victimisations", "reported", "recorded")
    true, rep, rec = (np.array([y for _, y in _series(crime, n)]) for n in names)
    assert (rec <= rep).all() and (rep <= true).all() and true.sum() > 0
    hours = charts.hours_chart(m)
    top = hours["series"][0]  # drawn first: the running total of every activity
    total = charts.rolling_sum(charts.daily(m, "hours_total"), 7)[-1]
    assert top["data"][-1][1] == pytest.approx(total, rel=1e-6)
    assert hours["legend"]["data"][0] == "answering calls"


def test_charts_write_missing_figures_as_gaps_and_leave_room_for_their_legend():
    option = charts.line_chart("t", 10, [charts.ChartLine("a", np.array([np.nan, 1.0]), "#000")], "y")
    assert option["series"][0]["data"] == [[1, None], [2, 1.0]]
    many = [charts.ChartLine(f"a long series name {i}", np.zeros(3), "#000") for i in range(6)]
    assert charts.legend_lines(many) > 1
    assert charts.line_chart("t", 10, many, "y")["grid"]["top"] > option["grid"]["top"]


def test_the_trust_caption_names_the_groups_of_the_legend():
    text = charts.captions(("majority", "minority"))["trust"]
    assert "majority and minority" in text


# --- lessons ----------------------------------------------------------------------------


def test_every_scenario_has_a_lesson_naming_only_real_controls():
    files = scenario_files(SCENARIOS)
    assert files[0].path.name == "baseline.toml" and all(f.description for f in files)
    assert {f.path.stem for f in files} <= set(LESSONS)
    controls = {lv.label for lv in LEVERS} | {"Random seed", "Compare with", "Residents"}
    for stem, lesson in LESSONS.items():
        named = [n for line in (*lesson.notice, *lesson.try_, lesson.discuss) for n in levers_named(line)]
        assert set(named) <= controls, stem
    assert lesson_for("my_own_scenario").title == "My own scenario"


# --- the command ------------------------------------------------------------------------


def _cpsim(capsys, *args: str) -> tuple[int, str]:
    from cpsim.cli import main

    with pytest.raises(SystemExit) as stop:
        main(list(args))
    return stop.value.code, capsys.readouterr().err


def test_cpsim_app_rejects_bad_input_in_one_line(tmp_path, capsys):
    code, err = _cpsim(capsys, "app", "no_such.toml")
    assert code == 2 and "no_such.toml" in err and "not found" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    bad = tmp_path / "bad.toml"
    bad.write_text("[patrol]\nfoot_hours = 99\n")
    code, err = _cpsim(capsys, "app", str(bad))
    assert code == 2 and "patrol.foot_hours" in err and len(err.strip().splitlines()) == 1
    code, err = _cpsim(capsys, "app", "--port", "0")
    assert code == 2 and "--port" in err


def test_cpsim_app_serves_the_page_on_localhost():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "cpsim.cli", "app", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, body = time.time() + 90, ""
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
        assert "solara" in body.lower()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        out = proc.communicate(timeout=20)[0].decode()
    assert "samesite" not in out  # no multi-line cookie warning for a plain-http classroom

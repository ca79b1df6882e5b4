"""The classroom page without a browser: levers, model rebuilds, layout, pictures, charts, CLI.

Component tests render the page with solara.render and drive Mesa's controls (Step,
Reset) and the sliders the way a browser would, by setting the widgets' values.
"""

from __future__ import annotations

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
pytest.importorskip("altair")
import ipyvuetify as v  # noqa: E402
from mesa.visualization import SolaraViz  # noqa: E402
from PIL import Image  # noqa: E402

from cpsim.app import charts, levers  # noqa: E402
from cpsim.app.classroom import ClassroomModel  # noqa: E402
from cpsim.app.levers import BY_NAME, LEVERS, check_levers, scenario_files  # noqa: E402
from cpsim.app.page import COMPONENTS, Page, model_params  # noqa: E402
from cpsim.app.pictures import BeatMapPicture, NetworkPicture, trust_colours  # noqa: E402
from cpsim.scenario import load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.toml"


@pytest.fixture
def viz():
    """SolaraViz around a ClassroomModel of the baseline, as the page builds it."""
    contexts = []

    def make(**kw):
        model = solara.reactive(ClassroomModel(str(BASELINE), **kw))
        page = SolaraViz(model, components=COMPONENTS, model_params=model_params(model.value))
        _, rc = solara.render(solara.AppLayout(children=[page]), handle_error=False)
        contexts.append(rc)
        return model, rc

    yield make
    for rc in contexts:
        rc.close()


def click(rc, name: str) -> None:
    rc.find(v.Btn, children=[name]).widget.click()


def slider(rc, label: str):
    found = [w for w in rc.find(v.Slider).widgets if w.label == label]
    assert len(found) == 1, f"no slider {label!r}"
    return found[0]


def day_text(rc) -> str:
    return rc.find(v.Html, class_="cpsim-day").widget.children[0]


def page_text(rc) -> str:
    """Every text and HTML string on the page (the grid's items included)."""
    out, todo = [], [rc.container]
    while todo:
        w = todo.pop()
        for attr in ("children", "items"):
            value = getattr(w, attr, None)
            for child in value.values() if isinstance(value, dict) else value or ():
                (out if isinstance(child, str) else todo).append(child)
        if getattr(w, "unsafe_innerHTML", None):
            out.append(w.unsafe_innerHTML)
    return " ".join(out)


# --- levers ---------------------------------------------------------------------------


def test_levers_lie_inside_the_schema_and_a_bad_one_is_caught(monkeypatch):
    check_levers()
    bad = levers.Lever("foot_hours", "patrol.foot_hours", "x", 0.0, 13.0, 1.0, "too far")
    monkeypatch.setattr(levers, "LEVERS", (bad,))
    with pytest.raises(ValueError, match=r"patrol.foot_hours = 13.0, outside"):
        check_levers()


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lv: lv.name)
def test_a_lever_sets_its_scenario_keys_and_reads_them_back(lever):
    value = lever.hi if lever.is_int else round(lever.lo + 3 * lever.step, 6) or lever.step
    scenario = load_scenario(BASELINE, lever.overrides(value))
    assert lever.read(scenario) == pytest.approx(value)
    if lever.switch:
        assert scenario.get(lever.switch) is True
        off = load_scenario(BASELINE, lever.overrides(0))
        assert off.get(lever.switch) is False and lever.read(off) == 0


def test_program_levers_switch_programs_on_and_off():
    on = ClassroomModel(str(BASELINE), compare=False, beat_meetings_per_year=12, liaison_per_beat=0.5,
                        training_share=0.2, watch_coverage=0.5, incident_day=5)
    assert {"beat_meetings", "liaison", "training", "watch", "incident"} <= {p.name for p in on.programs}
    assert on.params.beat_meetings.interval_days == pytest.approx(365 / 12)
    assert sorted(on.changed) == sorted(["beat_meetings_per_year", "liaison_per_beat", "training_share",
                                         "watch_coverage", "incident_day"])
    off = ClassroomModel(str(SCENARIOS / "liaison.toml"), compare=False, liaison_per_beat=0)
    assert "liaison" not in {p.name for p in off.programs}
    assert off.changed == ["liaison_per_beat"]


def test_the_model_takes_exactly_the_levers_as_keywords():
    import inspect

    params = set(inspect.signature(ClassroomModel.__init__).parameters) - {"self"}
    assert params == {"scenario_file", "residents", "seed", "compare", *BY_NAME}


# --- the page: sliders, Step, Reset, scenario picker --------------------------------------


def test_page_has_a_slider_per_lever_starting_at_the_scenarios_values():
    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    try:
        for lever in LEVERS:
            assert slider(rc, lever.label).v_model == pytest.approx(lever.read(load_scenario(BASELINE)))
        assert slider(rc, "Residents").v_model == 2000
        assert day_text(rc) == "Day 0 of 365"
    finally:
        rc.close()


def test_moving_sliders_then_reset_rebuilds_the_model_with_them(viz):
    model, rc = viz()
    first = model.value
    slider(rc, "Foot patrol h/shift").v_model = 2.0
    slider(rc, "Officers per 1,000").v_model = 4.0
    slider(rc, "Incident on day").v_model = 30
    assert model.value is first  # levers wait for Reset, as in Mesa
    click(rc, "Reset")
    m = model.value
    assert m is not first
    assert m.params.patrol.foot_hours == 2.0
    assert m.params.policing.officers_per_1000 == 4.0 and m.officers.n == 8  # 2,000 residents x 4 / 1,000
    assert m.params.incident.enabled and m.params.incident.day == 30
    assert "incident" in {p.name for p in m.programs}
    assert m.baseline.params.patrol.foot_hours == 0.5  # the baseline stays the baseline
    assert sorted(m.changed) == ["foot_hours", "incident_day", "officers_per_1000"]
    assert "Foot patrol h/shift 2 (changed)" in page_text(rc)


def test_step_advances_the_model_and_its_baseline(viz):
    model, rc = viz()
    click(rc, "Step")
    click(rc, "Step")
    m = model.value
    assert m.day == 2 and m.baseline.day == 2
    assert len(m.datacollector.model_vars["trust_mean"]) == 2
    assert day_text(rc) == "Day 2 of 365"


def test_reset_rebuilds_the_same_neighbourhood_from_the_same_seed(viz):
    model, rc = viz()
    start = model.value.residents.trust.copy()
    for _ in range(3):
        click(rc, "Step")
    first = list(model.value.datacollector.model_vars["trust_mean"])
    click(rc, "Reset")
    assert model.value.day == 0 and day_text(rc) == "Day 0 of 365"
    np.testing.assert_array_equal(model.value.residents.trust, start)
    for _ in range(3):
        click(rc, "Step")
    assert model.value.datacollector.model_vars["trust_mean"] == first


def test_picking_a_scenario_loads_it_and_its_levers():
    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    try:
        picker = next(w for w in rc.find(v.Select).widgets if w.label == "Scenario file")
        assert "foot_patrol" in picker.items and "incident" in picker.items
        picker.v_model = "foot_patrol"
        assert slider(rc, "Foot patrol h/shift").v_model == 2.0
        text = page_text(rc)
        assert "Scenario: foot_patrol" in text and "Beat officers walk two hours a shift" in text
        assert day_text(rc) == "Day 0 of 365"
    finally:
        rc.close()


def test_a_broken_scenario_file_shows_one_line_and_the_picker_still_works(tmp_path, monkeypatch):
    (tmp_path / "baseline.toml").write_text(BASELINE.read_text())
    broken = 'extends = "baseline.toml"\n[run]\ndescription = "x"\n[patrol]\nfoot_hours = -1\n'
    (tmp_path / "broken.toml").write_text(broken)
    monkeypatch.setenv("CPSIM_APP_SCENARIO", str(tmp_path / "baseline.toml"))
    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    try:
        picker = next(w for w in rc.find(v.Select).widgets if w.label == "Scenario file")
        assert picker.items == ["baseline", "broken"]
        picker.v_model = "broken"
        text = page_text(rc)
        assert "This scenario cannot be loaded" in text and "patrol.foot_hours" in text and "-1 is out of range" in text
        picker.v_model = "baseline"
        assert day_text(rc) == "Day 0 of 365"
    finally:
        rc.close()


# --- the baseline alongside -------------------------------------------------------------


def test_the_baseline_alongside_shares_the_random_numbers():
    same = ClassroomModel(str(BASELINE))
    incident = ClassroomModel(str(BASELINE), incident_day=5)
    for _ in range(30):
        same.step()
        incident.step()
    mine, base = (np.array(m.datacollector.model_vars["trust_mean"]) for m in (same, same.baseline))
    np.testing.assert_array_equal(mine, base)  # nothing changed: the lines coincide
    mine, base = (np.array(m.datacollector.model_vars["trust_mean"]) for m in (incident, incident.baseline))
    np.testing.assert_array_equal(mine[:4], base[:4])  # identical until the incident
    assert (mine[4:] < base[4:]).all()  # and lower every day after it
    option = charts.compare_difference_chart(incident, incident.baseline)
    last = _series(option, "all residents")[-1][1]
    assert last < 0 and last == pytest.approx(mine[-1] - base[-1], abs=1e-4)
    assert "min" not in option["yAxis"] and option["yAxis"]["scale"]  # zoomed to the data


# --- layout and pictures ----------------------------------------------------------------


def test_layout_puts_everyone_inside_their_street_and_beat_once_per_build():
    m = ClassroomModel(str(BASELINE), residents=3000, compare=False)
    lay = m.layout
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
    assert m.layout is lay


def _decode(jpeg: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")).astype(int)


def test_network_picture_colours_residents_by_trust_and_marks_officers():
    m = ClassroomModel(str(BASELINE), compare=False)
    pic = NetworkPicture(m)
    m.residents.trust[:] = 0.0
    m.residents.trust[::2] = 1.0
    img = _decode(pic.draw(m))
    assert img.shape == (440, 720, 3)
    rows, cols = pic.canvas.pixels(m.layout.xy)
    seen = img[rows, cols]
    lo, hi = trust_colours(np.array([0.0, 1.0])).astype(int)
    # a dot's centre may be covered by a neighbour's dot: most, not all, show their own colour
    assert (np.abs(seen[1::2] - lo).max(axis=1) < 40).mean() > 0.8
    assert (np.abs(seen[::2] - hi).max(axis=1) < 40).mean() > 0.8
    m.officers.on_duty[:] = True
    r, c = pic.canvas.pixels(m.layout.officer_xy(m.officers.beat)[m.officers.beat >= 0])
    assert (np.abs(_decode(pic.draw(m))[r, c] - [20, 33, 99]).max(axis=1) < 40).all()


def test_beat_map_colours_each_street_by_its_residents_mean_trust():
    m = ClassroomModel(str(BASELINE), compare=False)
    for _ in range(10):
        m.step()
    pic = BeatMapPicture(m)
    img = _decode(pic.draw(m))
    box = m.layout.place_box
    r, c = pic.canvas.pixels(np.column_stack([(box[:, 0] + box[:, 2]) / 2, (box[:, 1] + box[:, 3]) / 2]))
    mean = np.bincount(m.residents.place, weights=m.residents.trust) / m.places.residents
    assert (np.abs(img[r, c] - trust_colours(mean)).max(axis=1) < 25).all()


# --- charts -----------------------------------------------------------------------------


def _series(option: dict, name: str) -> list:
    return next(s["data"] for s in option["series"] if s["name"] == name)


def test_charts_follow_the_daily_figures():
    m = ClassroomModel(str(BASELINE), compare=False)
    for _ in range(70):
        m.step()
    trust = charts.trust_chart(m)
    minority = _series(trust, "minority")
    assert minority[-1] == [70, pytest.approx(m.by_group_rows[-1][1][1], abs=1e-4)]
    assert len(minority) <= charts.POINTS + 1 and minority[0][0] == 1
    crime = charts.crime_chart(m)
    names = ("true victimisations", "reported", "recorded")
    true, rep, rec = (np.array([y for _, y in _series(crime, n)]) for n in names)
    assert (rec <= rep).all() and (rep <= true).all() and true.sum() > 0
    hours = charts.hours_chart(m)
    top = hours["series"][0]  # drawn first: the running total of every activity
    total = charts.rolling_sum(charts.daily(m, "hours_total"), 7)[-1]
    assert top["data"][-1][1] == pytest.approx(total, rel=1e-6)
    assert hours["legend"]["data"][0] == "answering calls"


def test_charts_write_missing_figures_as_gaps():
    m = ClassroomModel(str(BASELINE), compare=False)
    m.step()
    option = charts.reporting_chart(m)
    if m.today["victimizations"] == 0:
        assert _series(option, "since day 1")[0][1] is None
    option = charts.line_chart("t", 10, [charts.Series("a", np.array([np.nan, 1.0]), "#000")], "y")
    assert option["series"][0]["data"] == [[1, None], [2, 1.0]]


# --- scenarios and the command ----------------------------------------------------------


def test_every_scenario_file_opens_on_the_page():
    files = scenario_files(SCENARIOS)
    assert files[0].path.name == "baseline.toml" and all(f.description for f in files)
    for f in files:
        m = ClassroomModel(str(f.path), residents=1000, compare=False)
        m.step()
        assert m.day == 1 and m.params.population.residents == 1000, f.path.name


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
    proc = subprocess.Popen([sys.executable, "-m", "cpsim.cli", "app", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
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
        proc.wait(timeout=20)

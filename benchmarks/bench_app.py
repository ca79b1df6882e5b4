"""How long one day, a Reset and a scenario pick take on the classroom page.

Each renderer runs in a fresh subprocess (reacton reads REACTON_FAST when a page is
rendered). A "page step" is a click on the page's Step button in a page rendered with
solara.render: the model and the run alongside step, every view of the open tab is drawn
and the widgets are updated; "reset" is a click on Reset (both neighbourhoods rebuilt, the
open tab drawn at day 0); "pick" is choosing another scenario in the picker. What the
browser adds (websocket, painting) is measured by tests/app/test_page_browser.py in
out/app/browser_step_ms.txt.
Usage: python benchmarks/bench_app.py [--residents 2000]
Target (issue 6): well under half a second per day at 2,000 residents, drawing included.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time


def _median_ms(f, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    times.sort()
    return round(1000 * times[len(times) // 2], 1)


def one(residents: int) -> dict:
    import ipyvuetify as v
    import solara

    from cpsim.app import charts
    from cpsim.app.classroom import ClassroomModel, PageSettings, default_scenario_file
    from cpsim.app.page import TABS, Page
    from cpsim.app.pictures import BeatMapPicture, Colours, NetworkPicture

    out: dict = {"residents": residents, "reacton_fast": os.environ.get("REACTON_FAST", "0")}
    kwargs = PageSettings.load(default_scenario_file(), residents).kwargs()
    out["build_ms"] = _median_ms(lambda: ClassroomModel(**kwargs), 3)
    m = ClassroomModel(**kwargs)
    t0 = time.perf_counter()
    net, beats = NetworkPicture(m.mine), BeatMapPicture(m.mine)
    out["backgrounds_ms"] = round(1000 * (time.perf_counter() - t0))
    out["model_and_alongside_step_ms"] = _median_ms(m.step, 30)
    colours = Colours("change", 0.05)
    out["network_picture_ms"] = _median_ms(lambda: net.draw(m.mine, colours), 20)
    out["beat_map_ms"] = _median_ms(lambda: beats.draw(m.mine, colours), 20)
    options = (
        charts.trust_chart,
        charts.reporting_chart,
        charts.crime_chart,
        charts.complaints_chart,
        charts.hours_chart,
    )
    out["five_charts_ms"] = _median_ms(lambda: [f(m) for f in options], 20)

    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    step = rc.find(v.Btn, children=["Step"]).widget
    reset = rc.find(v.Btn, children=["Reset"]).widget
    tabs = rc.find(v.Tabs).widget
    for tab in range(len(TABS)):
        tabs.v_model = tab
        step.click()  # first day on this tab mounts its views
        out[f"page_step_ms_tab{tab}_early"] = _median_ms(step.click, 10)
    tabs.v_model = 0
    out["page_reset_ms_tab0"] = _median_ms(reset.click, 5)
    picker = next(w for w in rc.find(v.Select).widgets if w.label == "Scenario")
    stems = iter(["foot_patrol", "liaison", "incident", "steady_beat_officers", "baseline"])
    out["page_pick_ms_tab0"] = _median_ms(lambda: setattr(picker, "v_model", next(stems)), 5)
    speed = rc.find(v.BtnToggle, class_="cpsim-speed").widget
    speed.v_model = 1  # a week a step
    for _ in range(40):
        step.click()  # on to day ~280
    speed.v_model = 0
    for tab in range(len(TABS)):
        tabs.v_model = tab
        step.click()
        out[f"page_step_ms_tab{tab}_late"] = _median_ms(step.click, 10)
    rc.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.residents)))
        return
    for fast in ("0", "1"):
        env = {**os.environ, "REACTON_FAST": fast}
        run = subprocess.run(
            [sys.executable, __file__, "--one", "--residents", str(args.residents)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        print(run.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()

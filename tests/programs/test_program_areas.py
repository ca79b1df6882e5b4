"""Programs confined to some areas (``areas`` in a program's section): where they work, and only there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from small_town import TOWN

from cpsim import simulate
from cpsim.model import CommunityModel
from cpsim.scenario import ScenarioError, load_scenario, resolved_toml
from cpsim.scenario.rules import CONFINABLE
from cpsim.world.areas import area_table

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
CHICAGO = SCENARIOS / "cities" / "chicago.toml"
LOW = {"lowest_trust": 2}  # of the town's 4 beats
# Each confinable program's scenario file (the trial: the Peyton replication) and its stream of contacts.
FILES = {
    "beat_meetings": "beat_meetings.toml",
    "listening_sessions": "listening_sessions.toml",
    "coffee_with_cop": "coffee_with_cop.toml",
    "block_parties": "block_parties.toml",
    "athletic_league": "athletic_league.toml",
    "mentorship": "mentorship.toml",
    "liaison": "liaison.toml",
    "watch": "watch.toml",
    "neighbourhood": "steady_beat_officers.toml",
    "hotspots": "hotspots.toml",
    "co_responder": "co_responder.toml",
    "training": "training.toml",
    "orientation": "orientation.toml",
    "focused_deterrence": "focused_deterrence.toml",
    "trial": "trial_peyton.toml",
}


def town(file: str, **overrides):
    return load_scenario(SCENARIOS / file, {**TOWN, **overrides})


def test_every_confinable_program_has_a_scenario_here():
    assert set(FILES) == set(CONFINABLE)


class Recorder:
    """Every experience recorded, by kind, and each day's community-hour and foot-patrol requests per beat."""

    def __init__(self, model: CommunityModel) -> None:
        self.kinds: dict[str, list[np.ndarray]] = {}
        self.community = np.zeros(model.n_beats)
        self.foot = np.zeros(model.n_beats)
        add = model.contacts.add

        def recording(kind, idx, *args, **kwargs):
            self.kinds.setdefault(kind, []).append(np.asarray(idx, np.int64).copy())
            return add(kind, idx, *args, **kwargs)

        model.contacts.add = recording

    def day(self, model: CommunityModel) -> None:
        self.community += model.community_requests
        self.foot += model.foot_requests

    def residents(self, kind: str) -> np.ndarray:
        return np.concatenate(self.kinds.get(kind, [np.empty(0, np.int64)]))


def reached(name: str, program, model: CommunityModel, seen: Recorder) -> np.ndarray:
    """The beats of whom (or what) a program reached: residents met, officers trained, places covered."""
    res = model.residents
    if name == "trial":
        return res.beat[np.flatnonzero(program.eligible)]
    if name == "training":
        return model.officers.beat[np.flatnonzero(program.trained)]
    if name == "hotspots":
        return model.places.beat[program.spots]
    if name == "watch":  # members, and the places their groups guard
        return np.concatenate([res.beat[program.members], model.places.beat[program.active]])
    return res.beat[seen.residents(name)]


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_confined_program_delivers_and_spends_hours_only_in_its_areas(name):
    # Officers stay on their beats (no rotation), so every hour a program books is in a beat it chose;
    # orientation needs newcomers, who arrive by rotation.
    over = {f"{name}.areas": LOW, "policing.rotation_days": 30 if name == "orientation" else 36500}
    over |= {"trial": {"trial.start_day": 5}, "training": {"training.share_per_month": 1.0}}.get(name, {})
    model = CommunityModel(town(FILES[name], **over), seed=4)
    program = next(p for p in model.programs if p.name == name)
    keep = program.where
    res = model.residents
    mean = np.bincount(res.beat, weights=res.trust) / model.beat_residents
    assert keep.sum() == 2 and mean[keep].max() < mean[~keep].min()  # the two lowest-trust beats
    seen = Recorder(model)
    for _ in range(120):
        model.step()
        seen.day(model)
    if name not in ("watch", "trial"):  # (watch meets every 60 days; the trial books hours for its sessions)
        assert seen.community[keep].sum() + seen.foot[keep].sum() > 0, f"{name} spent no hours in its areas"
    assert not seen.community[~keep].any() and not seen.foot[~keep].any(), f"{name} spent hours outside its areas"
    beats = reached(name, program, model, seen)
    assert beats.size, f"{name} reached nobody in its areas"
    assert keep[beats].all(), f"{name} reached residents, officers or places outside its areas"


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_program_confined_to_every_area_or_none_runs_as_city_wide_to_the_bit(name):
    # areas = [] is city-wide, and so is every area of the city: inside its areas a program is what
    # it is city-wide, the same run to the bit as no key at all.
    over = {"trial.start_day": 5} if name == "trial" else {}
    plain = simulate(town(FILES[name], **over), seed=5, days=40)
    for areas in ([], {"lowest_trust": TOWN["population.beats"]}):
        confined = simulate(town(FILES[name], **over, **{f"{name}.areas": areas}), seed=5, days=40)
        assert plain.timeseries.equals(confined.timeseries), (name, areas)


def test_the_package_moves_trust_inside_its_areas_far_more_than_outside():
    # The neighbourhood-policing package in the town's two lowest-trust beats, paired by seed with the
    # baseline: trust gains where it works; the other beats get only what word of mouth carries over.
    confine = {f"{p}.areas": LOW for p in ("neighbourhood", "hotspots", "beat_meetings")}
    days, gains = 365, []
    for seed in (11, 12):
        base = CommunityModel(town("baseline.toml"), seed=seed)
        pkg = CommunityModel(town("neighbourhood_policing.toml", **confine), seed=seed)
        keep = pkg.programs[0].where
        for _ in range(days):
            base.step()
            pkg.step()
        diff = pkg.residents.trust - base.residents.trust
        inside = keep[pkg.residents.beat]
        gains.append((diff[inside].mean(), diff[~inside].mean()))
    # Measured (seeds 11, 12): +0.018 inside, +0.0006 outside; the package city-wide gives +0.018 and +0.020.
    inside, outside = np.mean(gains, axis=0)
    assert inside > 0.01, inside
    assert outside < inside / 5, (inside, outside)


def test_chicago_areas_by_name_are_the_areas_files_rows():
    s = load_scenario(
        CHICAGO, {"areas.scale": 400, "neighbourhood.enabled": True, "neighbourhood.areas": ["Austin", "Englewood"]}
    )
    model = CommunityModel(s, seed=1)
    program = next(p for p in model.programs if p.name == "neighbourhood")
    names = area_table(s).names
    assert sorted(names[i] for i in np.flatnonzero(program.where)) == ["Austin", "Englewood"]
    assert program.steady.size and program.where[model.officers.beat[program.steady]].all()


def test_the_chicago_example_puts_the_package_in_the_20_areas_of_lowest_surveyed_trust():
    s = load_scenario(ROOT / "experiments" / "chicago_neighbourhood_policing_low_trust.toml")
    data = pd.read_csv(ROOT / "data" / "chicago" / "police_sentiment_by_community_area.csv")
    lowest = data[data["Year"].between(2017, 2019)].groupby("Community")["trust"].mean().nsmallest(20)
    for name in ("neighbourhood", "hotspots", "beat_meetings"):
        assert getattr(s, name).enabled and sorted(getattr(s, name).areas) == sorted(lowest.index), name
    model = CommunityModel(s, seed=1)
    where = [p.where for p in model.programs if p.name in ("neighbourhood", "hotspots", "beat_meetings")]
    assert len(where) == 3 and all(np.array_equal(w, where[0]) for w in where) and where[0].sum() == 20


def refused(tmp_path, body: str, extends: Path = SCENARIOS / "baseline.toml") -> str:
    f = tmp_path / "s.toml"
    f.write_text(f'extends = "{extends}"\n{body}\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(f)
    text = str(err.value)
    assert "\n" not in text and text.startswith(str(f)) and "allowed:" in text
    return text


def test_unknown_names_wrong_shapes_and_programs_without_areas_are_refused_in_one_line(tmp_path):
    text = refused(tmp_path, '[neighbourhood]\nenabled = true\nareas = ["Austin", "Englewod"]', CHICAGO)
    assert "neighbourhood.areas" in text and "'Englewod' is not an area" in text and "did you mean 'Englewood'" in text
    text = refused(tmp_path, '[watch]\nareas = ["Austin"]')
    assert "watch.areas" in text and "drawn at random" in text and "lowest_trust" in text
    text = refused(tmp_path, "[hotspots]\nareas = { lowest_trust = 9 }")
    assert "hotspots.areas" in text and "1 to 8" in text
    for bad in ("3", "{ lowest = 2 }", "{ lowest_trust = 0 }", '{ lowest_trust = "a" }', '["Austin", "Austin"]', "[1]"):
        assert "liaison.areas" in refused(tmp_path, f"[liaison]\nareas = {bad}")
    for name in ("transparency", "incident"):
        text = refused(tmp_path, f"[{name}]\nareas = {{ lowest_trust = 2 }}")
        assert f"{name}.areas: {name} cannot be confined to areas" in text


def test_areas_are_printed_as_toml_that_loads_back(tmp_path):
    s = town("neighbourhood_policing.toml", **{"neighbourhood.areas": LOW})
    text = resolved_toml(s)
    assert "areas = { lowest_trust = 2 }" in text
    f = tmp_path / "resolved.toml"
    f.write_text(text)
    assert load_scenario(f).neighbourhood.areas == LOW
    assert s.with_overrides({"run.days": 3}).neighbourhood.areas == LOW


def test_a_sweep_can_vary_where_a_program_runs(tmp_path):
    from cpsim.studies.sweeps import load_experiment, run_table
    from cpsim.studies.sweeps.sampling import check_points

    exp = tmp_path / "exp.toml"
    exp.write_text(
        f'scenarios = ["{SCENARIOS / "neighbourhood_policing.toml"}"]\ndays = 2\n'
        "[vary]\nneighbourhood.areas = [[], { lowest_trust = 2 }, { lowest_trust = 4 }]\n"
        "[overrides]\npopulation.residents = 600\npopulation.beats = 4\n"
    )
    loaded = load_experiment(exp)
    plan = run_table(loaded)
    check_points(loaded, plan)  # table values are compared by their JSON, not hashed
    assert [r.params["neighbourhood.areas"] for r in plan] == [[], LOW, {"lowest_trust": 4}]
    bad = tmp_path / "bad.toml"
    bad.write_text(exp.read_text().replace("lowest_trust = 4", "lowest_trust = 5"))
    with pytest.raises(ScenarioError, match="lowest_trust = 5 of 4 areas"):
        check_points(load_experiment(bad), run_table(load_experiment(bad)))


def test_the_command_line_stops_on_an_unknown_area_with_exit_2_and_one_line(tmp_path, capsys):
    from test_bad_input import cli

    f = tmp_path / "s.toml"
    f.write_text(f'extends = "{CHICAGO}"\n[liaison]\nenabled = true\nareas = ["Austin", "Atlantis"]\n')
    for args in (("check", f), ("run", f, "--out", tmp_path / "out")):
        code, _, err = cli(*args, capsys=capsys)
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
        assert f"{f}: liaison.areas: 'Atlantis' is not an area of" in err and "allowed: names from its name" in err
    assert not (tmp_path / "out").exists()

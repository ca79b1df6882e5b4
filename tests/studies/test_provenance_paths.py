"""The provenance record names files by normalised paths, whatever chain of ``extends`` reached them."""

from __future__ import annotations

from pathlib import Path

from cpsim.scenario import load_scenario
from cpsim.studies import provenance

ROOT = Path(__file__).resolve().parents[2]
# The calibrated Chicago, and the package on top of it: one areas file, reached from docs/results/chicago_fit/
# and from experiments/ through chains of extends that climb out of each folder
FILES = {
    "chicago_calibrated": ROOT / "docs" / "results" / "chicago_fit" / "calibrated.toml",
    "chicago_neighbourhood_policing": ROOT / "experiments" / "chicago_neighbourhood_policing.toml",
}
AREAS = "area,name,population,majority,minority,violent_per_1000,property_per_1000"


def test_one_areas_file_reached_through_two_chains_of_extends_is_not_a_parameter_that_differs():
    scenarios = {name: load_scenario(file) for name, file in FILES.items()}
    diff = provenance.differing_parameters(scenarios)
    assert "areas.path" not in diff and "areas.adjacency" not in diff
    assert "beat_meetings.enabled" in diff  # what the two do differ in is still there
    prov = provenance.record(scenarios, {name: str(file) for name, file in FILES.items()})
    text = "\n".join(provenance.lines(prov))
    assert "/../" not in text and "/../" not in str(prov["differing_parameters"]), text


def test_areas_files_that_differ_are_shown_normalised(tmp_path):
    (tmp_path / "scenarios").mkdir()
    for name, people in (("north", 6000), ("south", 4000)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "areas.csv").write_text(
            f"{AREAS}\n1,A,{people},5000,1000,10.5,30\n2,B,4000,1000,3000,40,25\n", encoding="utf-8"
        )
        (tmp_path / "scenarios" / f"{name}.toml").write_text(
            f'extends = "{ROOT / "scenarios" / "baseline.toml"}"\n[areas]\npath = "../{name}/areas.csv"\nscale = 10\n',
            encoding="utf-8",
        )
    scenarios = {name: load_scenario(tmp_path / "scenarios" / f"{name}.toml") for name in ("north", "south")}
    shown = provenance.differing_parameters(scenarios)["areas.path"]
    assert shown == {name: str(tmp_path / name / "areas.csv") for name in ("north", "south")}

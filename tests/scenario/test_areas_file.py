"""Bad areas and adjacency files are refused before anything runs: one line, the file, the column, what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpsim.cli import main
from cpsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
HEADER = "area,name,population,majority,minority,violent_per_1000,property_per_1000"
GOOD = [HEADER, "1,North,6000,5000,1000,10.5,30", "2,South,4000,1000,3000,40,25", "3,East,2000,1500,500,5,12"]
PAIRS = ["area_a,area_b", "1,2", "2,3"]


def city(tmp_path: Path, areas: list[str] = GOOD, pairs: list[str] | None = PAIRS, extra: str = "") -> Path:
    """A scenario of the baseline on a three-area city written into tmp_path."""
    (tmp_path / "areas.csv").write_text("\n".join(areas) + "\n", encoding="utf-8")
    adjacency = ""
    if pairs is not None:
        (tmp_path / "pairs.csv").write_text("\n".join(pairs) + "\n", encoding="utf-8")
        adjacency = 'adjacency = "pairs.csv"'
    path = tmp_path / "city.toml"
    base = ROOT / "scenarios" / "baseline.toml"
    path.write_text(
        f'extends = "{base}"\n[areas]\npath = "areas.csv"\n{adjacency}\nscale = 10\n{extra}', encoding="utf-8"
    )
    return path


def refusal(path: Path, capsys, *args: str) -> str:
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(["check", str(path), *args])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and err.startswith("cpsim: error: "), err
    assert "Traceback" not in err
    return err


def test_a_good_file_sets_beats_residents_and_shares(tmp_path):
    sc = load_scenario(city(tmp_path))
    assert sc.population.beats == 3 and sc.population.residents == 1200
    assert sc.population.group_shares == pytest.approx((750 / 1200, 450 / 1200))
    assert Path(sc.areas.path).is_file() and Path(sc.areas.adjacency).is_file()  # relative to the scenario file


def test_shares_instead_of_counts(tmp_path):
    rows = [HEADER, "1,North,6000,0.8,0.2,10,30", "2,South,4000,0.25,0.75,40,25"]
    sc = load_scenario(city(tmp_path, rows, None, 'composition = "shares"'))
    assert sc.population.group_shares == pytest.approx((0.58, 0.42))


BAD_AREAS = [
    (
        [HEADER.replace(",population", ""), "1,North,5000,1000,10,30"],
        "areas.path: '{areas}': no column 'population'; allowed: a CSV with columns area, name, population, "
        "majority, minority, violent_per_1000, property_per_1000",
    ),
    (
        [HEADER, "1,North,6000,5000,-3,10,30"],
        "areas.path: '{areas}' line 2 (area '1'), column 'minority': '-3'; allowed: a count of residents, 0 or more",
    ),
    ([HEADER, "1,North,6000,5000,1000,lots,30"], "column 'violent_per_1000': 'lots'; allowed: recorded crimes a year"),
    ([HEADER, "1,North,6000,5000,1000,nan,30"], "column 'violent_per_1000': 'nan'; allowed"),
    ([HEADER, "1,North,,5000,1000,10,30"], "column 'population': an empty cell; allowed: a whole number"),
    ([HEADER, "1,North,6000.5,5000,1000,10,30"], "column 'population': '6000.5'; allowed: a whole number"),
    ([HEADER, "1,North,6000,0,0,10,30"], "columns 'majority', 'minority': all 0; allowed: counts with at least one"),
    ([HEADER, "1,North,6000,5000,1000,10,30", "1,Again,10,5,5,1,1"], "area '1' again (first on line 2)"),
    ([HEADER, "1,North,6000,5000,1000,10"], "line 2: 6 cells; allowed: one per column of the header (7)"),
    ([HEADER], "no areas (only a header)"),
    ([HEADER, "1,North,6000,5000,1000,10,30", "2,Tiny,4,2,2,1,1"], "leave area 'Tiny' (4 people) with no resident"),
]


@pytest.mark.parametrize(("rows", "fragment"), BAD_AREAS, ids=[f[:40] for _, f in BAD_AREAS])
def test_a_bad_areas_file_is_refused_in_one_line(rows, fragment, tmp_path, capsys):
    path = city(tmp_path, rows, None)
    err = refusal(path, capsys)
    assert fragment.format(areas=tmp_path / "areas.csv") in err, err
    assert str(path) in err  # the scenario file that names the areas file


BAD_PAIRS = [
    (["area_a,area_b", "1,9"], "areas.adjacency: '{pairs}' line 2, column 'area_b': '9' is not an area"),
    (["area_a,area_b", "2,2"], "line 2: area '2' borders itself; allowed: two different areas"),
    (["from,to", "1,2"], "no column 'area_a'; allowed: a CSV with columns area_a, area_b"),
]


@pytest.mark.parametrize(("pairs", "fragment"), BAD_PAIRS)
def test_a_bad_adjacency_file_is_refused_in_one_line(pairs, fragment, tmp_path, capsys):
    err = refusal(city(tmp_path, GOOD, pairs), capsys)
    assert fragment.format(pairs=tmp_path / "pairs.csv") in err, err


def test_files_that_are_not_csv_text_or_not_there(tmp_path, capsys):
    path = city(tmp_path)
    (tmp_path / "areas.csv").write_bytes("area,name\n1,Gr\xfcn\n".encode("latin-1"))
    assert "not UTF-8 text (byte 0xfc on line 2)" in refusal(path, capsys)
    (tmp_path / "areas.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert "binary data" in refusal(path, capsys)
    (tmp_path / "areas.csv").unlink()
    assert "areas.path: " in refusal(path, capsys) and "cannot read it" in refusal(path, capsys)


def test_a_missing_group_column_names_the_group(tmp_path, capsys):
    path = city(tmp_path, extra="")
    err = refusal(path, capsys, "--set", 'population.group_names=["majority","newcomers"]')
    assert "no column for group 'newcomers' (population.group_names)" in err


def test_table_values_given_on_the_command_line_are_not_silently_replaced(tmp_path, capsys):
    path = city(tmp_path)
    err = refusal(path, capsys, "--set", "population.residents=500")
    assert "--set: population.residents: 500 contradicts the areas file" in err and "gives 1200" in err
    assert load_scenario(path, {"areas.scale": 20}).population.residents == 600  # the scale is the knob
    err = refusal(path, capsys, "--set", "areas.scale=100000")
    assert "areas.scale: 100000 makes 0 residents" in err


def test_adjacency_without_areas_is_refused(capsys, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(f'extends = "{ROOT / "scenarios" / "baseline.toml"}"\n[areas]\nadjacency = "x.csv"\n')
    assert "areas.adjacency: set without areas.path" in refusal(path, capsys)


def test_the_classroom_page_refuses_a_city_of_areas_before_it_starts(capsys):
    pytest.importorskip("solara")
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(["app", str(ROOT / "scenarios" / "cities" / "chicago.toml")])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and "areas.path: a city built from a table of areas" in err


def test_population_residents_sizes_the_city_when_no_scale_is_given(tmp_path):
    sc = load_scenario(city(tmp_path), {"areas.scale": 0, "population.residents": 600})
    assert sc.population.residents == 600 and sc.population.beats == 3


def test_a_path_no_file_system_can_hold_is_refused_in_one_line(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(f'extends = "{ROOT / "scenarios" / "baseline.toml"}"\n[areas]\npath = "a\\u0000b"\n')
    assert "a\\x00b': cannot read it (stat: embedded null character" in refusal(path, capsys)

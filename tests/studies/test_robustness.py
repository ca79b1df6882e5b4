"""Robustness: the settings it runs, how a key figure is read, the table, and a tiny run end to end."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cpsim.cli import robustness_command as command
from cpsim.studies import robustness as rb


def test_the_command_lists_the_patterns_and_sizes_the_study_has():
    assert command.NAMES == rb.NAMES == tuple(rb.patterns())
    assert command.SIZES == rb.SIZES


def test_each_parameter_at_each_factor_and_size_once_with_the_calibrated_city():
    chosen = {k: v for k, v in rb.patterns().items() if k in ("M1", "gap", "dispersion")}
    todo = rb.settings(chosen, (1000, 2000), rb.FACTORS)
    # M1 and gap share their six parameters; dispersion adds two; one calibrated city per size.
    assert len(todo) == 2 * (1 + 2 * (6 + 2))
    assert rb.Setting("trust.diffuse_support", 0.7, 1000, False).overrides() == {
        "trust.diffuse_support": pytest.approx(0.7 * rb.base_value("trust.diffuse_support", False))
    }
    assert rb.Setting(None, 1.0, 1000, False).overrides() == {}


def test_the_key_figure_is_the_part_that_departs_most_on_average():
    pattern = rb.patterns()["M1"]
    runs = [
        {"trust": {0: {"city": 0.5, "minority": 0.25}, 10: {"city": 0.51, "minority": 0.24}}},
        {"trust": {0: {"city": 0.5, "minority": 0.25}, 10: {"city": 0.49, "minority": 0.23}}},
    ]
    part, values = rb.key_values(pattern, runs)
    assert part == "minority" and values == pytest.approx([-0.04, -0.08])


def test_a_tiny_run_end_to_end(monkeypatch):
    tiny = rb.Pattern(
        "trust SD after a year / day 1 - 1",
        ("trust.disposition_sd",),
        False,
        1,
        False,
        lambda run: {"city": run["sd"][1]["city"] / run["sd"][0]["city"] - 1},
        -0.05,
        0.05,
        "{:+.1%}",
    )
    monkeypatch.setattr(rb, "patterns", lambda: {"tiny": tiny})
    table = rb.run_robustness(replicates=2, sizes=(1200,), workers=1)
    assert list(table["parameter"]) == ["as calibrated", "trust.disposition_sd", "trust.disposition_sd"]
    assert list(table["factor"]) == [1.0, 0.7, 1.3]
    assert set(table["verdict"]) <= {"PASS", "FAIL", "INCONCLUSIVE"}
    assert all(math.isfinite(v) for v in table["mean"])
    text = rb.markdown(table, seconds=60.0)
    assert "| parameter | 1,200 x0.7 | 1,200 x1 | 1,200 x1.3 |" in text
    assert text.count("| trust.disposition_sd |") == 1 and "Wall time: 1.0 min" in text


def test_the_table_shows_the_part_where_a_figure_has_several():
    row = pd.Series({"mean": -0.031, "verdict": "FAIL", "part": "minority"})
    assert rb._cell(row, "{:+.1%}") == "-3.1% (minority) **FAIL**"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "nope"], "--only nope: unknown pattern; allowed: M1, gap, M4, saturation, dispersion,"),
        (["--size", "5"], "--size 5: allowed: 10 to 5,000,000 residents"),
    ],
)
def test_bad_flags_stop_before_anything_runs(args, message, tmp_path, capsys):
    from cpsim.cli import main

    with pytest.raises(SystemExit) as done:
        main(["robustness", *args, "--out", str(tmp_path / "r.md")])
    assert done.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "r.md").exists()

"""docs/calibration.md's Chicago tables are generated from the committed fit's files and the shipped data."""

from __future__ import annotations

import pandas as pd
import pytest

from cpsim.reports.reference import ROOT
from cpsim.studies.calibration import forecast, load_calibration
from cpsim.studies.calibration.docs_table import (
    BEGIN,
    BEGIN_FIT,
    BEGIN_FORECAST,
    CHECKS,
    DOC,
    END,
    END_FIT,
    END_FORECAST,
    FIGURES,
    FIT,
    FORECAST,
    SCORES,
    fit_markdown,
    forecast_markdown,
    forecast_scores,
    read_checks,
    table_markdown,
)

AGAIN = "run `cpsim calibrate experiments/chicago_fit.toml --checks 60 --workers 2 --docs`"


def block(begin: str, end: str) -> str:
    return begin + DOC.read_text().partition(begin)[2].partition(end)[0] + end


def test_the_chicago_table_is_the_committed_checks_rendered():
    checks, meta = read_checks(CHECKS)
    assert block(BEGIN, END) == table_markdown(checks, meta), AGAIN


def test_the_tables_data_figures_are_the_shipped_datas_statistics():
    checks, meta = read_checks(CHECKS)
    cal = load_calibration(ROOT / meta.get("calibration", "experiments/chicago_calibration.toml"))
    assert list(checks["target"]) == [t.name for t in cal.targets]
    for t, (_, row) in zip(cal.targets, checks.iterrows(), strict=True):
        assert row["observed"] == pytest.approx(t.value) and row["sd"] == pytest.approx(t.sd)
        assert row["inside"] == (row["low"] <= row["observed"] <= row["high"])


def test_the_fit_table_is_the_committed_waves_and_posterior_rendered():
    _, meta = read_checks(CHECKS)
    cal = load_calibration(ROOT / meta["calibration"])
    posterior, waves = pd.read_parquet(FIT / "posterior.parquet"), pd.read_parquet(FIT / "waves.parquet")
    assert block(BEGIN_FIT, END_FIT) == fit_markdown(cal, posterior, waves), AGAIN
    assert list(posterior.columns) == ["particle", "weight", *cal.keys]
    for p in cal.priors:  # every draw inside its prior
        assert posterior[p.key].between(p.lo, p.hi).all(), p.key


def test_the_forecast_file_has_its_format_and_the_docs_table_is_its_scores():
    table = pd.read_csv(FORECAST)
    assert list(table.columns) == forecast.COLUMNS
    assert table["area_number"].nunique() == 77 and len(table) == 77 * 5
    assert set(table.loc[table["role"] == "fit", "year"]) == {2017, 2018, 2019}
    assert set(table.loc[table["role"] == "forecast", "year"]) == {2020, 2021}
    assert (table["simulated_lo"] <= table["simulated_mean"] + 1e-9).all()
    assert (table["simulated_mean"] <= table["simulated_hi"] + 1e-9).all()
    score = forecast_scores(table)
    committed = pd.read_csv(SCORES)
    pd.testing.assert_frame_equal(committed[["year", "predictor"]], score[["year", "predictor"]])
    assert committed["rmse_centred"].to_numpy() == pytest.approx(score["rmse_centred"].to_numpy(), abs=1e-4)
    assert block(BEGIN_FORECAST, END_FORECAST) == forecast_markdown(score, table), AGAIN


def test_the_maps_the_docs_show_exist():
    for when in ("fit", "2020", "2021"):
        for kind in ("observed", "simulated", "residual"):
            assert (FIGURES / when / f"{kind}.png").stat().st_size > 10_000
            assert f"figures/chicago/{when}/{kind}.png" in DOC.read_text()


CHICAGO_KEYS = {
    "survey.trust_offset",
    "survey.trust_slope",
    "survey.safety_offset",
    "trust.initial_by_group[0]",
    "trust.initial_by_group[2]",
    "trust.initial_by_group[3]",
    "trust.social_weight",
    "observation.area_sd",
}


@pytest.mark.parametrize(
    ("method", "parameters"),
    [("history_matching", {"safety.initial", "survey.slope", "survey.offset"}), ("chicago", CHICAGO_KEYS)],
)
def test_the_recovery_table_is_the_committed_repetitions_rendered(method, parameters):
    import json

    from cpsim.studies.calibration.docs_table import recovery_file, recovery_markdown

    file = recovery_file(method)
    command = json.loads(file.read_text().partition("\n")[0].removeprefix("# "))["command"]
    rows = pd.read_csv(file, comment="#")
    assert set(rows["parameter"]) == parameters
    assert (rows["covered"] == ((rows["low"] <= rows["true"]) & (rows["true"] <= rows["high"]))).all()
    begin, end = f"<!-- BEGIN RECOVERY {method} -->", f"<!-- END RECOVERY {method} -->"
    assert block(begin, end) == recovery_markdown(rows, method, command)


def test_the_posterior_comparison_table_is_the_committed_comparisons_rendered():
    from cpsim.studies.calibration.docs_table import BEGIN_COMPARE, COMPARE, END_COMPARE, compare_markdown

    seeds, posterior = pd.read_csv(COMPARE["seeds"]), pd.read_csv(COMPARE["posterior"])
    assert block(BEGIN_COMPARE, END_COMPARE) == compare_markdown(seeds, posterior)
    for df in (seeds, posterior):  # the same two scenarios, ten replicates each
        assert set(df["scenario"]) == {"chicago_calibrated", "chicago_neighbourhood_policing"}
        assert (df.loc[df["metric"] == "trust_end", "replicates"] == 10).all()


def _area_lags():
    """benchmarks/area_lags.py as a module (it computes the data's rows of the area-movement tables)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("area_lags", ROOT / "benchmarks" / "area_lags.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_area_movement_table_is_the_committed_rows_rendered_and_the_data_rows_are_the_data():
    import json

    from cpsim.studies.calibration.docs_table import BEGIN_MOVEMENT, END_MOVEMENT, MOVEMENT, movement_markdown

    command = json.loads(MOVEMENT.read_text().partition("\n")[0].removeprefix("# "))["command"]
    rows = pd.read_csv(MOVEMENT, comment="#")
    assert block(BEGIN_MOVEMENT, END_MOVEMENT) == movement_markdown(rows, command)
    area_lags = _area_lags()
    by_size, _ = area_lags.movement_table()
    data = rows[rows["source"] == "Chicago 2017-2021"].reset_index(drop=True)
    assert data["quartile"].tolist() == ["smallest", "second", "third", "largest", area_lags.PERSISTENCE]
    assert data["change_sd"].to_numpy() == pytest.approx(by_size["change_sd"].to_numpy())
    # the finding the docs' paragraph reads from it: the data's largest areas move more than its smallest
    assert data["change_sd"].iloc[3] > data["change_sd"].iloc[0] + 2
    # and the shrinkage illustration is what makes the model's published movement grow with size
    shrunk = rows[rows["source"].str.contains("shrunk")].reset_index(drop=True)
    assert shrunk["change_sd"].iloc[3] > shrunk["change_sd"].iloc[0] + 1


def test_the_targeted_package_table_is_the_committed_rows_rendered():
    from cpsim.studies.calibration.docs_table import (
        BEGIN_TARGETS,
        COMPARE,
        END_TARGETS,
        TARGETS,
        read_targets,
        targets_markdown,
    )

    rows, meta = read_targets(TARGETS)
    again = f"run `{meta['command']}` on the outputs of the two compare commands above it"
    assert block(BEGIN_TARGETS, END_TARGETS) == targets_markdown(rows, meta), again
    assert "--docs" in meta["command"] and meta["command"] in DOC.read_text()
    cell = rows.set_index(["figure", "intervals", "scenario"])
    for run, compare in zip(meta["runs"], ("seeds", "posterior"), strict=True):
        for scenario in ("chicago_neighbourhood_policing", "chicago_neighbourhood_policing_low_trust"):
            city, inside, outside = (
                cell.loc[(f, run["intervals"], scenario), "mean"] for f in ("city", "inside", "outside")
            )
            # the city's change is its residents' mean: inside and outside weighted by who lives where
            # (the share is the baseline's mean over replicates, so the two agree only closely)
            share = meta["residents_inside"]
            assert city == pytest.approx(share * inside + (1 - share) * outside, abs=2e-3), (run, scenario)
        # the package citywide against the baseline is the same runs as the posterior comparison's table
        committed = pd.read_csv(COMPARE[compare]).query("metric == 'trust_end' and not baseline").iloc[0]
        assert cell.loc[("city", run["intervals"], "chicago_neighbourhood_policing"), "mean"] == pytest.approx(
            committed["diff"]
        )


def test_the_area_movement_parts_table_is_the_committed_rows_rendered_and_reads_as_the_docs_say():
    import json

    from cpsim.studies.calibration.docs_table import BEGIN_PARTS, END_PARTS, PARTS, parts_markdown

    command = json.loads(PARTS.read_text().partition("\n")[0].removeprefix("# "))["command"]
    rows = pd.read_csv(PARTS, comment="#")
    assert block(BEGIN_PARTS, END_PARTS) == parts_markdown(rows, command)
    area_lags = _area_lags()
    data = area_lags.parts_table(model=False)
    committed = rows.set_index("source")
    for r in data.itertuples(index=False):  # the data's rows are the data's
        assert committed.loc[r.source, "year_specific_sd"] == pytest.approx(r.year_specific_sd)
        assert committed.loc[r.source, "carried_hi"] == pytest.approx(r.carried_hi)
    # what the docs' paragraph reads from it: the data's movement is year-specific, its carried part
    # small with an interval reaching zero; the model's own (latent) movement all carried, the
    # validation city's inside the data's interval
    chicago = committed.loc["Chicago 2017-2021"]
    assert chicago.year_specific_lo > 2 * chicago.carried_sd and chicago.carried_lo == 0
    for source in committed.index[committed.index.str.endswith("latent")]:
        assert committed.loc[source, "year_specific_sd"] < 0.5 < committed.loc[source, "carried_sd"]
    assert chicago.carried_lo <= committed.loc["validation's Chicago, latent", "carried_sd"] <= chicago.carried_hi
